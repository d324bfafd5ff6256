"""A large roster is checked and saved in the background (jobs app), so the office secretary sees a
progress bar instead of a page that hangs; small rosters stay on the page (import_views)."""

import json
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError
from django.urls import reverse
from django.utils.translation import gettext as _

from jobs.registry import JobError, JobResult, task
from records.imports import ImportResult

CHECK = "members.import_check"
SAVE = "members.import_save"


def store(result: ImportResult, filename: str) -> str:
    """Keep a read roster (cleaned rows and the problems found so far) in storage for a job."""
    path = default_storage.save(f"imports/{uuid.uuid4().hex}.json", ContentFile(b""))
    write(
        path,
        {
            "filename": filename,
            "sheet": result.sheet,
            "warnings": result.warnings,
            "problems": result.problems_to_data(),
            "data": result.to_data(),
        },
    )
    return path


def load(path: str) -> dict:
    with default_storage.open(path, "rb") as handle:
        return json.loads(handle.read().decode())


def load_for_job(path: str) -> dict:
    """The stored roster, or a failure the user understands when it is gone."""
    try:
        return load(path)
    except FileNotFoundError:
        raise JobError(
            _("This roster has been imported already or is no longer kept; upload it again if needed.")
        ) from None


def write(path: str, stored: dict) -> None:
    default_storage.delete(path)
    default_storage.save(path, ContentFile(json.dumps(stored, ensure_ascii=False).encode()))


@task(CHECK)
def check_roster(job, progress):
    from members.import_views import MemberImporter

    path = job.params["path"]
    stored = load_for_job(path)
    result = ImportResult.from_data(stored["data"])
    result.problems = ImportResult.problems_from_data(stored["problems"])
    progress(0, len(result.rows), _("Checking the rows"))
    MemberImporter(job.owner).validate(result, progress)
    stored.update(problems=result.problems_to_data(), digest=result.digest(), valid=result.is_valid)
    write(path, stored)
    return JobResult(url=reverse("members:import_checked", args=[job.pk]))


@task(SAVE)
def save_roster(job, progress):
    from members.import_views import MemberImporter

    path = job.params["path"]
    stored = load_for_job(path)
    importer = MemberImporter(job.owner)
    total = len(stored["data"]["rows"])
    # Checked again: the records may have changed since the preview. Then saved in one transaction.
    progress(0, 2 * total, _("Checking the rows again"))
    result = importer.restore(stored["data"], lambda done, _total: progress(done, 2 * total))
    if not result.is_valid or result.digest() != stored["digest"]:
        raise JobError(
            _(
                "Nothing was imported: the roster no longer passes the checks (records changed since the "
                "preview). Upload it again to see why."
            )
        )
    try:
        progress(total, 2 * total, _("Saving the rows"))
        members = importer.save(result, lambda done, _total: progress(total + done, 2 * total))
    except (ValidationError, IntegrityError) as error:
        reason = "；".join(error.messages) if isinstance(error, ValidationError) else _("try again.")
        raise JobError(_("Nothing was imported: %(reason)s") % {"reason": reason}) from error
    default_storage.delete(path)
    progress(2 * total, 2 * total, _("Members imported: %(count)d.") % {"count": len(members)})
    return JobResult(url=reverse("members:member_list"))
