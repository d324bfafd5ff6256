"""The July assessment (考核验收) and the township's inspections (R9, R10).

An inspection (督查) is a visit of the township party-building office to one office: scheduling, guidance
or inspection, with what was checked and found; its rectification items (整改事项) are followed up until
the office reports them done, with evidence.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scope import ScopedQuerySet, ScopePaths
from assessments.choices import UNFINISHED, InspectionKind, RectificationStatus
from communities.models import TOWNSHIP_AND_OFFICE, TOWNSHIP_ONLY, Office

# Office-level records: the county reads, the township writes, an office reads its own; villages see none.
INSPECTION_PATHS = ScopePaths(
    county="office__township__county",
    township="office__township",
    office="office",
    village=None,
    change_roles=TOWNSHIP_ONLY,
)
# An office secretary reports his own items done (status and evidence); the rest is the township's.
RECTIFICATION_PATHS = INSPECTION_PATHS.through("inspection", change_roles=TOWNSHIP_AND_OFFICE)


class Inspection(models.Model):
    """One visit of the township party-building office to an office (督查记录)."""

    office = models.ForeignKey(
        Office, models.PROTECT, related_name="inspections", verbose_name=_("sub-district office")
    )
    on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=InspectionKind.choices)
    inspectors = models.CharField(
        _("inspectors"), max_length=200, help_text=_("Names, separated by 、 or commas.")
    )
    checked = models.TextField(_("what was checked"))
    findings = models.TextField(_("findings"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = models.Manager.from_queryset(ScopedQuerySet)()
    scope_paths = INSPECTION_PATHS
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inspection visit")
        verbose_name_plural = _("inspection visits")
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["office", "on"])]

    def __str__(self) -> str:
        return f"{self.on} {self.office} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:inspection_detail", args=[self.pk])


class RectificationQuerySet(ScopedQuerySet):
    def overdue(self, today: datetime.date | None = None) -> "RectificationQuerySet":
        """Not done and past the deadline."""
        today = today or timezone.localdate()
        return self.filter(status__in=UNFINISHED, deadline__lt=today)


def evidence_path(instance: "Rectification", filename: str) -> str:
    return f"rectifications/{instance.inspection_id}/{filename}"


class Rectification(models.Model):
    """A rectification item (整改事项) an inspection asked of the office, followed up until done."""

    inspection = models.ForeignKey(
        Inspection, models.PROTECT, related_name="rectifications", verbose_name=_("inspection visit")
    )
    content = models.TextField(_("what is to be rectified"))
    owner = models.CharField(_("responsible person"), max_length=60)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=20, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    evidence = models.TextField(
        _("evidence of completion"),
        blank=True,
        help_text=_("What was done, and where it can be seen. Required to mark the item done."),
    )
    evidence_file = models.FileField(_("evidence file"), upload_to=evidence_path, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = models.Manager.from_queryset(RectificationQuerySet)()
    scope_paths = RECTIFICATION_PATHS
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        content = self.content.strip().splitlines()[0] if self.content.strip() else ""
        return content[:40] + ("…" if len(content) > 40 else "")

    def save(self, *args, **kwargs) -> None:
        # The completion date goes with the status: set when done, cleared when reopened.
        if self.status != RectificationStatus.DONE:
            self.done_on = None
        elif self.done_on is None:
            self.done_on = timezone.localdate()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"{self.inspection.get_absolute_url()}#rectification-{self.pk}"

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status in UNFINISHED and self.deadline is not None and self.deadline < today

    def clean(self) -> None:
        if self.status == RectificationStatus.DONE:
            if not self.evidence.strip():
                raise ValidationError({"evidence": _("Describe the evidence of completion to mark it done.")})
            if self.done_on and self.done_on > timezone.localdate():
                raise ValidationError({"done_on": _("The date is in the future.")})
