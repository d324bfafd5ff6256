from django.db import models
from django.utils.translation import gettext_lazy as _


class BranchKind(models.TextChoices):
    OFFICE_GENERAL = "office_general", _("office party general branch")
    COMMUNITY_GENERAL = "community_general", _("community party general branch")
    VILLAGE = "village", _("village party branch")
    COMMUNITY_OFFICE = "community_office", _("community office party branch")
    VOLUNTEER_TEAM = "volunteer_team", _("volunteer-team party branch")
    OTHER = "other", _("other party branch")


# General branches lead the others; the rest are branches (支部) that keep members.
GENERAL_KINDS = frozenset({BranchKind.OFFICE_GENERAL, BranchKind.COMMUNITY_GENERAL})


class OtherBranchKind(models.TextChoices):
    MOBILE = "mobile", _("mobile members")
    GRADUATES = "graduates", _("college graduates back home")
    ELSEWHERE = "elsewhere", _("members living elsewhere")
    ASSOCIATION = "association", _("association")


class PostKind(models.TextChoices):
    # Declared in the order official lists put them.
    SECRETARY = "secretary", _("secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("deputy secretary")
    ELECTED_DEPUTY = "elected_deputy", _("elected deputy secretary")
    COMMITTEE_MEMBER = "committee_member", _("committee member")


POST_ORDER = {kind: index for index, kind in enumerate(PostKind.values)}


class ElectionMethod(models.TextChoices):
    COMPETITIVE = "competitive", _("competitive election")
    NON_COMPETITIVE = "non_competitive", _("non-competitive election")
    DEMOCRATIC = "democratic", _("democratic recommendation")
    APPOINTED = "appointed", _("appointed by the higher committee")


class ReserveStatus(models.TextChoices):
    TRAINING = "training", _("in training")
    PROMOTED = "promoted", _("promoted")
    WITHDRAWN = "withdrawn", _("withdrawn")
