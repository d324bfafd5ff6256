"""Background jobs: work that takes more than a few seconds (the county workbook, a large import) is queued
here, run by `manage.py run_jobs`, and followed by its owner on a page with a progress bar."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

WAITING_LONG = datetime.timedelta(minutes=3)


def result_path(job: "Job", filename: str) -> str:
    # A random folder: the file's address is not guessable even by someone who can read MEDIA_ROOT's index.
    return f"jobs/{job.created_at:%Y/%m}/{uuid.uuid4().hex}/{filename}"


class JobQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view"):
        """A job belongs to whoever started it; nobody else sees it (its file may hold his scope's data)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(owner=user)


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="jobs", verbose_name=_("started by")
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.QUEUED, db_index=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    note = models.CharField(_("progress note"), max_length=200, blank=True)
    result_file = models.FileField(_("result file"), upload_to=result_path, max_length=300, blank=True)
    result_name = models.CharField(_("file name"), max_length=200, blank=True)
    result_url = models.CharField(_("result page"), max_length=500, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("jobs:job_detail", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def waiting_long(self) -> bool:
        """Queued for minutes: the worker is probably not running."""
        from django.utils import timezone

        return self.state == self.State.QUEUED and timezone.now() - self.created_at > WAITING_LONG

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, round(100 * self.done / self.total))
