"""Meetings (三会一课 and the community party-building meeting, R5) with attendance that writes the member
archive (R8), the township's cadence rules, and the yearly democratic review of members."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.choices import Role
from accounts.scope import EDITING_ROLES, ScopedManager, ScopePaths
from branches.models import BRANCH_PATHS, Branch
from communities.models import Township
from meetings.choices import AppliesTo, AttendanceStatus, MeetingKind, Period, ReviewGrade

# Village secretaries record their own branch's meetings; offices and the township any in their scope.
MEETING_PATHS = BRANCH_PATHS.through("branch", change_roles=EDITING_ROLES)


class Meeting(models.Model):
    """One meeting of a party organisation, as the register page (会议记录) records it."""

    branch = models.ForeignKey(
        Branch, models.PROTECT, related_name="meetings", verbose_name=_("organisation")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    on = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    ends_at = models.TimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=120, blank=True)
    host = models.CharField(_("host"), max_length=30, blank=True)
    recorder = models.CharField(_("recorder"), max_length=30, blank=True)
    topic = models.CharField(_("topic"), max_length=200)
    minutes = models.TextField(_("minutes"), blank=True)
    resolutions = models.TextField(_("resolutions"), blank=True)
    # A make-up meeting (补开) counts for the period that missed it: any date inside that period.
    makeup_for = models.DateField(
        _("make-up for the period of"),
        null=True,
        blank=True,
        help_text=_("Only for a make-up meeting: any date in the month or quarter it makes up for."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_paths = MEETING_PATHS
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-on", "-starts_at", "-pk"]
        indexes = [models.Index(fields=["branch", "kind", "on"])]

    def __str__(self) -> str:
        return f"{self.on} {self.get_kind_display()} {self.topic}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting_detail", args=[self.pk])

    @property
    def counts_for(self) -> datetime.date:
        """The date whose period this meeting counts for in the cadence."""
        return self.makeup_for or self.on

    def clean(self) -> None:
        if self.makeup_for and self.on and self.makeup_for > self.on:
            raise ValidationError({"makeup_for": _("A make-up meeting makes up for an earlier period.")})
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("The meeting cannot end before it starts.")})


def meeting_attachment_path(instance: "MeetingAttachment", filename: str) -> str:
    return f"meetings/{instance.meeting_id}/{filename}"


class MeetingAttachment(models.Model):
    """A scan or photo kept with a meeting (sign-in sheet, photos, materials)."""

    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="attachments", verbose_name=_("meeting")
    )
    file = models.FileField(_("file"), upload_to=meeting_attachment_path)
    description = models.CharField(_("description"), max_length=120)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, editable=False, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ScopedManager()
    scope_paths = MEETING_PATHS.through("meeting")

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["meeting", "pk"]

    def __str__(self) -> str:
        return self.description


class Attendance(models.Model):
    """Whether one person attended one meeting; written to his archive (meetings.services)."""

    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="attendances", verbose_name=_("meeting")
    )
    member = models.ForeignKey(
        "members.Member", models.PROTECT, related_name="attendances", verbose_name=_("person")
    )
    status = models.CharField(
        _("attendance"), max_length=10, choices=AttendanceStatus.choices, default=AttendanceStatus.PRESENT
    )
    reason = models.CharField(_("reason"), max_length=120, blank=True)

    objects = ScopedManager()
    scope_paths = MEETING_PATHS.through("meeting")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "member__stroke_key", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_unique_member")]

    def __str__(self) -> str:
        return f"{self.member} {self.get_status_display()}"


class ReviewResult(models.Model):
    """A member's grade in his branch's democratic review (民主评议党员): one per member per year."""

    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="review_results", verbose_name=_("meeting")
    )
    member = models.ForeignKey(
        "members.Member", models.PROTECT, related_name="review_results", verbose_name=_("person")
    )
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    grade = models.CharField(_("grade"), max_length=20, choices=ReviewGrade.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_paths = MEETING_PATHS.through("meeting")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("democratic review result")
        verbose_name_plural = _("democratic review results")
        ordering = ["meeting", "member__stroke_key", "pk"]
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="review_result_one_per_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.member} {self.get_grade_display()}"

    def save(self, *args, **kwargs) -> None:
        self.year = self.meeting.on.year
        super().save(*args, **kwargs)


class CadenceRule(models.Model):
    """How often the township's organisations must hold a kind of meeting (configurable, R5)."""

    township = models.ForeignKey(
        Township, models.CASCADE, related_name="cadence_rules", verbose_name=_("township")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    times = models.PositiveSmallIntegerField(_("meetings per period"), default=1)
    applies_to = models.CharField(
        _("applies to"), max_length=10, choices=AppliesTo.choices, default=AppliesTo.ALL
    )
    active = models.BooleanField(_("in force"), default=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(
        county="township__county",
        township="township",
        office="township__offices",
        village="township__offices__villages",
        change_roles=frozenset({Role.TOWNSHIP_STAFF}),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting cadence rule")
        verbose_name_plural = _("meeting cadence rules")
        ordering = ["township", "kind"]
        constraints = [models.UniqueConstraint(fields=["township", "kind"], name="cadence_rule_unique_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_period_display()}"

    def clean(self) -> None:
        if self.times is not None and self.times < 1:
            raise ValidationError({"times": _("At least one meeting per period.")})
