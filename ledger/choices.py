from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemSource(models.TextChoices):
    DUTY_LOG = "duty_log", _("duty log")
    PETITION = "petition", _("resident's request")
    TOWNSHIP_TASK = "township_task", _("township task")
    MEETING = "meeting", _("meeting resolution")
    OTHER = "other", _("other")


class ItemStatus(models.TextChoices):
    OPEN = "open", _("open")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")


# Not settled: carried to the next month when the month is closed.
UNSETTLED = frozenset({ItemStatus.OPEN, ItemStatus.IN_PROGRESS})


class LedgerAction(models.TextChoices):
    CLOSE = "close", _("closed the month")
    REOPEN = "reopen", _("reopened the month")


# An item carried this many times or more stands out on the township's view.
STUCK_CARRIES = 3
