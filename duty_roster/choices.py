from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    CONCENTRATED = "concentrated", _("concentrated office")
    ROTATION = "rotation", _("rotation duty")


class Outcome(models.TextChoices):
    ON_TIME = "on_time", _("on time")
    LATE = "late", _("late")
    ABSENT = "absent", _("absent")
    LEAVE = "leave", _("on leave")
    SWAPPED = "swapped", _("swapped")


class ChangeKind(models.TextChoices):
    SWAP = "swap", _("swap (exchange days)")
    COVER = "cover", _("cover (the other takes the day)")
    REASSIGN = "reassign", _("reassigned by the office")


class ChangeState(models.TextChoices):
    REQUESTED = "requested", _("requested")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
