from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned for changes")
    APPROVED = "approved", _("approved by the town party committee")
    REPORTED = "reported", _("reported to the county")
    ESTABLISHED = "established", _("established")


# States in which the office may still edit its request.
EDITABLE_STATES = frozenset({RequestState.DRAFT, RequestState.RETURNED})
# States of a request that is still on its way: only one such request per organisation.
PENDING_STATES = frozenset(
    {
        RequestState.DRAFT,
        RequestState.SUBMITTED,
        RequestState.RETURNED,
        RequestState.APPROVED,
        RequestState.REPORTED,
    }
)


class RequestAction(models.TextChoices):
    CREATE = "create", _("drafted")
    EDIT = "edit", _("edited")
    SUBMIT = "submit", _("submitted")
    RETURN = "return", _("returned")
    APPROVE = "approve", _("approved")
    REPORT = "report", _("reported to the county")
    CONSENT = "consent", _("county consented; established")


class OpinionMeeting(models.TextChoices):
    SYMPOSIUM = "symposium", _("symposium")
    DISCUSSION = "discussion", _("discussion")
    VISIT = "visit", _("visit to veteran members")


class CellState(models.TextChoices):
    """A campaign board cell against the phase deadlines."""

    DONE = "done", _("done on time")
    LATE = "late", _("done late")
    DUE = "due", _("not yet due")
    MISSING = "missing", _("overdue")
    NOT_APPLICABLE = "na", _("not applicable")
