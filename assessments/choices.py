from django.db import models
from django.utils.translation import gettext_lazy as _


class InspectionKind(models.TextChoices):
    """What the township party-building office came for (调度、指导和检查, R10)."""

    SCHEDULING = "scheduling", _("scheduling")
    GUIDANCE = "guidance", _("guidance")
    INSPECTION = "inspection", _("inspection")


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("open")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")


# Not done yet: such an item past its deadline is overdue.
UNFINISHED = frozenset({RectificationStatus.OPEN, RectificationStatus.IN_PROGRESS})
