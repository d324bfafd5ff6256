import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_otp import user_has_device


class DefaultLanguageMiddleware:
    """Simplified Chinese unless the user chose another language with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language; a township office's
    computers often run English-language Windows, and the product should still speak Chinese there.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def _exempt(path: str, *names: str) -> bool:
    """Pages that always open for a signed-in user: logging out, switching language, static files."""
    if path.startswith(("/" + settings.STATIC_URL.lstrip("/"), "/i18n/")):
        return True
    return path in {reverse(name) for name in ("logout", "healthz", *names)}


class SignedInCheck:
    """A middleware that looks at each signed-in request first: check() answers instead of the page
    (a redirect) or returns None to let it through."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            response = self.check(request)
            if response is not None:
                return response
        return self.get_response(request)

    def check(self, request):
        raise NotImplementedError


class SessionTimeoutMiddleware(SignedInCheck):
    """Signs a session out after ZDJ_SESSION_IDLE_MINUTES without a request, or SESSION_COOKIE_AGE
    after it signed in, whichever comes first. The last-seen time is written at most once a minute,
    so an ordinary request does not write the session."""

    def check(self, request):
        from accounts.models import UserSession
        from accounts.sessions import LOGIN_AT, SEEN_AT

        session, now = request.session, time.time()
        started, seen = session.get(LOGIN_AT), session.get(SEEN_AT)
        if started is None or seen is None:  # a session from before this check (or force_login)
            session[LOGIN_AT] = session[SEEN_AT] = now
            return None
        idle = settings.ZDJ_SESSION_IDLE_MINUTES * 60
        if now - started > settings.SESSION_COOKIE_AGE or (idle and now - seen > idle):
            logout(request)
            messages.warning(
                request, _("You were inactive for a long time and have been signed out. Please log in again.")
            )
            return redirect_to_login(request.get_full_path())
        if now - seen >= 60:
            session[SEEN_AT] = now
            UserSession.objects.filter(session_key=session.session_key).update(last_seen=timezone.now())
        return None


class AccountPolicyMiddleware(SignedInCheck):
    """What a signed-in user must do before anything else works, in this order:

    1. enter the code of his authenticator app, if he has one (django-otp verifies it);
    2. choose a new password, if his account is new, was reset, or its password expired;
    3. enrol an authenticator app, if ZDJ_REQUIRE_TOTP_FOR_STAFF and he is township staff or an
       administrator.
    """

    def check(self, request):
        from accounts.choices import Role
        from accounts.sessions import HAS_TOTP

        user, path = request.user, request.path_info
        if HAS_TOTP not in request.session:
            request.session[HAS_TOTP] = user_has_device(user)
        if request.session[HAS_TOTP] and not user.is_verified():
            if _exempt(path, "accounts:totp_verify"):
                return None
            return self.send(request, "accounts:totp_verify", None)
        if user.must_change_password or user.password_expired:
            if _exempt(path, "password_change", "password_change_done"):
                return None
            message = (
                _("Your password has expired. Please choose a new one.")
                if user.password_expired and not user.must_change_password
                else _("Please choose your own password before you continue.")
            )
            return self.send(request, "password_change", message)
        staff = user.is_superuser or user.role == Role.TOWNSHIP_STAFF
        if settings.ZDJ_REQUIRE_TOTP_FOR_STAFF and staff and not request.session[HAS_TOTP]:
            if _exempt(path, "accounts:totp_enrol"):
                return None
            return self.send(
                request, "accounts:totp_enrol", _("Township staff must set up an authenticator app first.")
            )
        return None

    @staticmethod
    def send(request, name: str, message):
        if message and request.method == "GET":
            messages.warning(request, message)
        url = reverse(name)
        if request.method == "GET" and request.get_full_path() != "/":
            url += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(url)
