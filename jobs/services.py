"""Queue, claim and run background jobs. Any number of workers may run: a job is claimed by one
conditional UPDATE, which both SQLite and PostgreSQL make atomic."""

import datetime
import logging
import time

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import close_old_connections, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.context import acting_as
from jobs.models import Job
from jobs.registry import JobError, JobResult, get_task

log = logging.getLogger(__name__)
# A running job reports progress at least this often; one silent for longer lost its worker.
STALE_AFTER = datetime.timedelta(minutes=10)
PROGRESS_INTERVAL = 0.5


def enqueue(user, kind: str, title: str, params: dict | None = None) -> Job:
    """Queue a job for `user`; the worker picks it up in order."""
    get_task(kind)  # an unknown kind fails here, in the request, not later in the worker
    return Job.objects.create(owner=user, kind=kind, title=title[:200], params=params or {})


class Progress:
    """The callable a task reports progress through: progress(done, total=None, note=None)."""

    def __init__(self, job: Job):
        self.job = job
        self.last_write = 0.0

    def __call__(self, done: int, total: int | None = None, note: str | None = None) -> None:
        self.job.done = done
        if total is not None:
            self.job.total = total
        if note is not None:
            self.job.note = str(note)[:200]
        now = time.monotonic()
        if now - self.last_write >= PROGRESS_INTERVAL or (self.job.total and done >= self.job.total):
            self.last_write = now
            Job.objects.filter(pk=self.job.pk).update(
                done=self.job.done, total=self.job.total, note=self.job.note, heartbeat_at=timezone.now()
            )


def claim_next() -> Job | None:
    """The oldest queued job, now running and ours; None when the queue is empty."""
    while True:
        queued = Job.objects.filter(state=Job.State.QUEUED).order_by("created_at", "pk")
        pk = queued.values_list("pk", flat=True).first()
        if pk is None:
            return None
        now = timezone.now()
        claimed = Job.objects.filter(pk=pk, state=Job.State.QUEUED).update(
            state=Job.State.RUNNING, started_at=now, heartbeat_at=now
        )
        if claimed:
            return Job.objects.get(pk=pk)
        # Another worker took it between the two statements: try the next one.


def fail_stale(now: datetime.datetime | None = None) -> int:
    """Jobs whose worker died (no progress for STALE_AFTER) end as failed, so nobody waits forever."""
    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        error = _("The job was interrupted (the worker stopped). Please start it again.")
    return Job.objects.filter(state=Job.State.RUNNING, heartbeat_at__lt=now - STALE_AFTER).update(
        state=Job.State.FAILED,
        finished_at=now,
        error=error,
    )


def run(job: Job) -> Job:
    """Run one claimed job to its end and record the outcome; a task's failure never stops the worker."""
    progress = Progress(job)
    # The worker has no request: what a task writes for people (notes, errors, file names) is in the
    # site's language.
    # Changes the task makes are the owner's in the audit log, as if he had made them on a page.
    with translation.override(settings.LANGUAGE_CODE), acting_as(job.owner):
        _run(job, progress)
    job.finished_at = job.heartbeat_at = timezone.now()
    job.save()
    return job


def _run(job: Job, progress: Progress) -> None:
    try:
        result = get_task(job.kind)(job, progress)
        with transaction.atomic():
            if isinstance(result, JobResult):
                if result.content is not None:
                    job.result_file.save(result.filename, ContentFile(result.content), save=False)
                elif result.path is not None:
                    with open(result.path, "rb") as handle:
                        job.result_file.save(result.filename, File(handle), save=False)
                job.result_name = result.filename
                job.result_url = result.url
            job.state = Job.State.DONE
            job.done = max(job.done, job.total)
    except JobError as error:
        job.state, job.error = Job.State.FAILED, str(error)
    except Exception:
        log.exception("job %s (%s) failed", job.pk, job.kind)
        job.state = Job.State.FAILED
        job.error = _("The job failed because of an error in the program. The administrator has the details.")


def remove_old_files(now: datetime.datetime | None = None) -> int:
    """Finished jobs' files (workbooks, checked rosters with ID numbers) are kept FILE_DAYS days, then
    deleted: personal data is not kept longer than the work needs. The job's record stays."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.JOB_FILE_DAYS)
    removed = 0
    for job in Job.objects.filter(finished_at__lt=cutoff).exclude(result_file="").exclude(result_file=None):
        job.result_file.delete(save=False)
        Job.objects.filter(pk=job.pk).update(result_file="")
        removed += 1
    for job in Job.objects.filter(created_at__lt=cutoff, params__has_key="path"):
        if default_storage.exists(job.params["path"]):
            default_storage.delete(job.params["path"])
            removed += 1
    return removed


def refresh_connections() -> None:
    """Drop connections that broke or aged, as a request would. Not inside a transaction block: there
    (a test running the worker, or a caller's atomic block) closing would throw the caller's work away."""
    if not connection.in_atomic_block:
        close_old_connections()


def work(*, once: bool = False, poll: float = 1.0, stop=None) -> int:
    """The worker loop: run queued jobs until told to stop (or, with `once`, until the queue is empty).
    A failing turn (the database away for a moment, a locked SQLite file) is logged and retried: the
    worker must not die and leave jobs waiting forever."""
    count = 0
    next_cleanup = 0.0
    while stop is None or not stop.is_set():
        try:
            refresh_connections()
            if time.monotonic() >= next_cleanup:
                remove_old_files()
                next_cleanup = time.monotonic() + 3600
            fail_stale()
            job = claim_next()
        except Exception:
            log.exception("the job worker could not read the queue; trying again")
            job = None
            if once:
                break
        if job is None:
            if once:
                break
            if stop is not None:
                stop.wait(poll)
            else:
                time.sleep(poll)
            continue
        try:
            run(job)
        except Exception:  # recording the outcome failed: fail_stale() ends the job later
            log.exception("job %s: its outcome could not be saved", job.pk)
        count += 1
    refresh_connections()
    return count
