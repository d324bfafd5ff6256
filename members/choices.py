from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Gender(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")


class Education(models.TextChoices):
    # Declared from lowest to highest: composition tables and filters keep this order.
    PRIMARY = "primary", _("primary school or less")
    JUNIOR = "junior", _("junior secondary")
    SENIOR = "senior", _("senior secondary or technical school")
    COLLEGE = "college", _("junior college")
    BACHELOR = "bachelor", _("bachelor")
    POSTGRADUATE = "postgraduate", _("postgraduate")


class Standing(models.TextChoices):
    """Party standing, in the order of development (发展党员)."""

    NONE = "none", _("not a party member")
    APPLICANT = "applicant", _("applicant")
    ACTIVIST = "activist", _("activist")
    DEVELOPMENT_OBJECT = "development_object", _("development object")
    PROBATIONARY = "probationary", _("probationary member")
    FULL = "full", _("full member")


PARTY_MEMBER_STANDINGS = frozenset({Standing.PROBATIONARY, Standing.FULL})


class DevelopmentStage(models.TextChoices):
    """One dated step of development; extension and cancellation are steps too."""

    APPLIED = "applied", _("applied to join")
    ACTIVIST = "activist", _("became an activist")
    DEVELOPMENT_OBJECT = "development_object", _("became a development object")
    ADMITTED = "admitted", _("admitted as probationary member")
    EXTENDED = "extended", _("probation extended")
    FULL = "full", _("became a full member")
    CANCELLED = "cancelled", _("probationary membership cancelled")


class Status(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("member status", "active")
    TRANSFERRED_OUT = "transferred_out", pgettext_lazy("member status", "transferred out")
    DECEASED = "deceased", pgettext_lazy("member status", "deceased")
    LEFT_PARTY = "left_party", pgettext_lazy("member status", "left the party")


class TransferKind(models.TextChoices):
    WITHIN = "within", _("within the township")
    IN = "in", _("transferred in from elsewhere")
    OUT = "out", _("transferred out of the township")


class ContactMeans(models.TextChoices):
    PHONE = "phone", _("phone")
    WECHAT = "wechat", _("WeChat")
    VISIT = "visit", _("visit")
    LETTER = "letter", _("letter")
    OTHER = "other", _("other")


class EntryKind(models.TextChoices):
    """The seven kinds of member-archive entries (R8)."""

    MEETING = "meeting", _("meeting participation")
    PUBLIC_AFFAIRS = "public_affairs", _("participation in public affairs")
    STUDY = "study", _("study")
    IDEOLOGY = "ideology", _("ideological state")
    ATTENDANCE = "attendance", _("meeting attendance")
    AWARD = "award", _("award")
    CONTRIBUTION = "contribution", _("contribution to the village collective")


# Member categories (R3): each is a yes/no field on the member.
CATEGORY_FIELDS = (
    "is_wealth_expert",
    "is_enterprise_head",
    "is_returned_graduate",
    "lives_elsewhere",
    "is_mobile",
    "is_veteran",
)

# Their short labels, for badges and list columns.
CATEGORY_LABELS = {
    "is_wealth_expert": pgettext_lazy("member category", "wealth expert"),
    "is_enterprise_head": pgettext_lazy("member category", "enterprise head"),
    "is_returned_graduate": pgettext_lazy("member category", "graduate back home"),
    "lives_elsewhere": pgettext_lazy("member category", "lives elsewhere"),
    "is_mobile": pgettext_lazy("member category", "mobile"),
    "is_veteran": pgettext_lazy("member category", "veteran"),
}

# Age bands of the county's tables (≤35, 36–45, 46–55, 56–60, ≥61).
AGE_BANDS = (
    ("35", _("35 and under"), 0, 35),
    ("36-45", _("36 to 45"), 36, 45),
    ("46-55", _("46 to 55"), 46, 55),
    ("56-60", _("56 to 60"), 56, 60),
    ("61", _("61 and over"), 61, 200),
)
