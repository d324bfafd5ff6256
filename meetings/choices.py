from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MeetingKind(models.TextChoices):
    GENERAL_MEETING = "general_meeting", _("branch general meeting")
    COMMITTEE = "committee", _("branch committee meeting")
    PARTY_GROUP = "party_group", _("party group meeting")
    LECTURE = "lecture", _("party lecture")
    THEME_DAY = "theme_day", _("theme party day")
    LIFE_MEETING = "life_meeting", _("organisational life meeting")
    DEMOCRATIC_REVIEW = "democratic_review", _("democratic review of members")
    COMMUNITY_MEETING = "community_meeting", _("community party-building meeting")
    OTHER = "other", _("other meeting")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("present")
    LATE = "late", _("late")
    LEAVE = "leave", _("on leave")
    ABSENT = "absent", pgettext_lazy("meeting", "absent")


# Attended the meeting: written to the archive as participation (参会) as well as attendance (考勤).
ATTENDED = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.LATE})


class ReviewGrade(models.TextChoices):
    EXCELLENT = "excellent", _("excellent")
    QUALIFIED = "qualified", _("qualified")
    BASICALLY_QUALIFIED = "basically_qualified", _("basically qualified")
    UNQUALIFIED = "unqualified", _("unqualified")


class Period(models.TextChoices):
    MONTH = "month", _("monthly")
    QUARTER = "quarter", _("quarterly")
    HALF_YEAR = "half_year", _("half-yearly")
    YEAR = "year", _("yearly")


class AppliesTo(models.TextChoices):
    ALL = "all", _("every party organisation")
    GENERAL = "general", _("community party general branches")
    BRANCHES = "branches", _("party branches (not general branches)")


# The township's cadence rules when it has set none (R5): kind → (period, meetings per period, applies to).
DEFAULT_CADENCE = {
    MeetingKind.COMMITTEE: (Period.MONTH, 1, AppliesTo.ALL),
    MeetingKind.PARTY_GROUP: (Period.MONTH, 1, AppliesTo.BRANCHES),
    MeetingKind.GENERAL_MEETING: (Period.QUARTER, 1, AppliesTo.ALL),
    MeetingKind.LECTURE: (Period.QUARTER, 1, AppliesTo.ALL),
    MeetingKind.THEME_DAY: (Period.MONTH, 1, AppliesTo.BRANCHES),
    MeetingKind.COMMUNITY_MEETING: (Period.MONTH, 1, AppliesTo.GENERAL),
}
