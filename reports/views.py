"""The reports page: the county workbook (县委组织部报表) of a township, or every township, for a year. The
workbook is built by a background job; the page queues it and lists the user's recent ones."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.generic import FormView

from accounts.choices import Role
from jobs.models import Job
from jobs.services import enqueue
from reports.county import may_report, report_townships
from reports.forms import CountyReportForm
from reports.tasks import KIND

RECENT_JOBS = 10


class ReportsView(FormView):
    """The reports page: the county workbook for a township (or every township) and a year."""

    template_name = "reports/index.html"
    form_class = CountyReportForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_report(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        user = self.request.user
        # The county (and an administrator) may always ask for every township at once.
        offer_all = user.is_superuser or user.role == Role.COUNTY_VIEWER
        return {**super().get_form_kwargs(), "townships": report_townships(user), "offer_all": offer_all}

    def form_valid(self, form):
        townships, year = form.chosen_townships(), form.cleaned_data["year"]
        label = townships[0].name if len(townships) == 1 else _("all townships")
        title = _("County report: %(label)s, %(year)s") % {"label": label, "year": year}
        params = {
            "townships": [t.pk for t in townships],
            "year": year,
            "language": translation.get_language(),
        }
        job = enqueue(self.request.user, KIND, title, params)
        return redirect(job.get_absolute_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["jobs"] = Job.objects.for_user(self.request.user).filter(kind=KIND)[:RECENT_JOBS]
        context["scoped_to_office"] = bool(self.request.user.office_id and not self.request.user.is_superuser)
        return context
