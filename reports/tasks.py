"""The county workbook as a background job: a county-wide workbook takes longer than a request should."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from jobs.registry import JobError, JobResult, task
from reports.county import county_workbook, report_townships, workbook_filename

KIND = "reports.county_workbook"


@task(KIND)
def county_workbook_job(job, progress) -> JobResult:
    """params: {"townships": [pk, …], "year": 2026, "language": "zh-hans"}; scope re-checked now."""
    params = job.params
    with translation.override(params.get("language") or settings.LANGUAGE_CODE):
        # The owner's scope as it is when the job runs, not as it was when it was queued.
        townships = list(report_townships(job.owner).filter(pk__in=params.get("townships", [])))
        if not townships:
            raise JobError(_("None of the chosen townships is in your scope any more."))
        year = int(params["year"])
        content = county_workbook(job.owner, townships, year, progress)
        return JobResult(filename=workbook_filename(townships, year, job.owner), content=content)
