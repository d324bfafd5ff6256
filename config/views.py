import sys

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token

# The errors a database that is down or unreachable raises; an IntegrityError is a bug, not an outage.
DATABASE_DOWN = (OperationalError, InterfaceError)


@login_not_required
@never_cache
def healthz(request):
    """Liveness for load balancers and monitoring: the app answers and its database does too."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a Chinese 503 page when the database is down, else the plain 500 page.

    Django calls this while it handles the exception, wherever it was raised: in a view, in a template,
    or in a middleware (LoginRequiredMiddleware reads the session from the database before any view
    runs, so a middleware's process_exception would miss most outages). Neither page touches the
    database: rendered without the request, so no context processor runs and no user is loaded.
    """
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_DOWN):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "60"
        return response
    return HttpResponseServerError(loader.render_to_string("500.html"))
