"""A job's page survives a reload: it shows the state the database holds, and a small script polls
`status` to move the progress bar until the job ends."""

from urllib.parse import quote

from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView

from jobs.filters import JobFilterSet
from jobs.models import Job
from jobs.tables import JobTable
from records.views import ScopedListView


class JobListView(ScopedListView):
    model = Job
    table_class = JobTable
    filterset_class = JobFilterSet


class JobDetailView(DetailView):
    # Not a ScopedDetailView: a job is its owner's, not a unit's, and keeps no change history.
    model = Job

    def get_queryset(self):
        return Job.objects.for_user(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(opts=Job._meta, **kwargs)


def job_status(request, pk: int):
    job = get_object_or_404(Job.objects.for_user(request.user), pk=pk)
    return JsonResponse(
        {
            "state": job.state,
            "state_label": job.get_state_display(),
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "note": job.note,
            "finished": job.finished,
        }
    )


def job_download(request, pk: int):
    job = get_object_or_404(Job.objects.for_user(request.user), pk=pk)
    if job.state != Job.State.DONE or not job.result_file:
        raise Http404
    try:
        handle = job.result_file.open("rb")
    except FileNotFoundError:  # removed after the retention period (or by hand)
        raise Http404 from None
    response = FileResponse(handle, content_type="application/octet-stream")
    if job.result_name.endswith(".xlsx"):
        response["Content-Type"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(job.result_name)}"
    return response
