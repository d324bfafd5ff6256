"""Establishment requests (书面请示, R4) and the campaign (R9, R10): the board's phases, the survey
(摸底) snapshots, the opinions collected, and good practices to publicise."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.choices import Role
from accounts.scope import ScopedManager, ScopePaths
from branches.choices import BranchKind, ElectionMethod, OtherBranchKind, PostKind
from communities.models import TOWNSHIP_AND_OFFICE, TOWNSHIP_ONLY, Office, Township
from establishment.choices import EDITABLE_STATES, OpinionMeeting, RequestAction, RequestState
from records.versioning import VersionedModelMixin

# What a request may set up under the community general branch (R3).
SUB_BRANCH_KINDS = [
    (kind.value, kind.label)
    for kind in (BranchKind.COMMUNITY_OFFICE, BranchKind.VOLUNTEER_TEAM, BranchKind.OTHER)
]

OFFICE_PATHS = ScopePaths(
    county="office__township__county",
    township="office__township",
    office="office",
    change_roles=TOWNSHIP_AND_OFFICE,
)
# The request is the office's document: only the office edits it; others act through the workflow.
REQUEST_PATHS = ScopePaths(
    county="office__township__county",
    township="office__township",
    office="office",
    change_roles=frozenset({Role.OFFICE_SECRETARY}),
)


class EstablishmentRequest(VersionedModelMixin, models.Model):
    """An office's written request (书面请示) to set up its community general branch and/or sub-branches."""

    office = models.ForeignKey(Office, models.PROTECT, related_name="requests", verbose_name=_("office"))
    state = models.CharField(
        _("state"), max_length=20, choices=RequestState.choices, default=RequestState.DRAFT, editable=False
    )
    title = models.CharField(_("title"), max_length=120)
    office_number = models.CharField(_("document number of the request"), max_length=60, blank=True)
    establish_general = models.BooleanField(
        _("set up the community general branch"),
        default=True,
        help_text=_("Rename the office general branch into the community general branch (R1)."),
    )
    general_branch_name = models.CharField(
        _("name of the community general branch"), max_length=80, blank=True
    )
    justification = models.TextField(_("justification"))
    # The democratic recommendation of the elected deputy secretary (R2).
    election_date = models.DateField(_("election date"), null=True, blank=True)
    election_method = models.CharField(
        _("election method"), max_length=20, choices=ElectionMethod.choices, blank=True
    )
    members_expected = models.PositiveIntegerField(_("members expected"), null=True, blank=True)
    members_present = models.PositiveIntegerField(_("members present"), null=True, blank=True)
    votes = models.PositiveIntegerField(_("votes for the elected deputy"), null=True, blank=True)
    deviation_reason = models.TextField(
        _("reason for deviating from the guidance"),
        blank=True,
        help_text=_("Needed when the proposed leadership differs from what the guidance (R2) gives."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, editable=False, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    # A returned request is submitted again; the board judges the office by its first submission.
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True, editable=False)
    # The town party committee's approval.
    meeting_date = models.DateField(_("committee meeting date"), null=True, blank=True, editable=False)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True, editable=False)
    approved_on = models.DateField(_("approved on"), null=True, blank=True, editable=False)
    # The report to the county organisation department and its consent.
    reported_on = models.DateField(_("reported on"), null=True, blank=True, editable=False)
    report_number = models.CharField(_("report number"), max_length=60, blank=True, editable=False)
    consented_on = models.DateField(_("county consented on"), null=True, blank=True, editable=False)
    established_at = models.DateTimeField(_("established at"), null=True, blank=True, editable=False)
    # Moves on with every save: an edit form drawn from an older version is refused (records.versioning).
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = ScopedManager()
    scope_paths = REQUEST_PATHS
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("establishment request")
        verbose_name_plural = _("establishment requests")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("establishment:request_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES


class ProposedPost(models.Model):
    """A post of the community general branch's leadership as the request proposes it."""

    request = models.ForeignKey(
        EstablishmentRequest, models.CASCADE, related_name="posts", verbose_name=_("request")
    )
    kind = models.CharField(_("post"), max_length=20, choices=PostKind.choices)
    person = models.ForeignKey("members.Member", models.PROTECT, related_name="+", verbose_name=_("person"))

    objects = ScopedManager()
    scope_paths = REQUEST_PATHS.through("request")

    class Meta:
        verbose_name = _("proposed post")
        verbose_name_plural = _("proposed posts")
        ordering = ["request", "kind", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.person}"


class ProposedBranch(models.Model):
    """A sub-branch the request asks to set up under the community general branch (R3)."""

    request = models.ForeignKey(
        EstablishmentRequest, models.CASCADE, related_name="branches", verbose_name=_("request")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SUB_BRANCH_KINDS)
    other_kind = models.CharField(_("sub-kind"), max_length=20, choices=OtherBranchKind.choices, blank=True)
    name = models.CharField(_("name"), max_length=80)
    members = models.ManyToManyField("members.Member", related_name="+", verbose_name=_("proposed members"))
    created_branch = models.ForeignKey(
        "branches.Branch", models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    objects = ScopedManager()
    scope_paths = REQUEST_PATHS.through("request")

    class Meta:
        verbose_name = _("proposed branch")
        verbose_name_plural = _("proposed branches")
        ordering = ["request", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == BranchKind.OTHER and not self.other_kind:
            raise ValidationError({"other_kind": _("Choose the sub-kind of this other party branch.")})
        if self.kind != BranchKind.OTHER and self.other_kind:
            raise ValidationError({"other_kind": _("Only other party branches have a sub-kind.")})


def attachment_path(instance: "RequestAttachment", filename: str) -> str:
    return f"requests/{instance.request_id}/{filename}"


class RequestAttachment(models.Model):
    """A scanned document attached to a request (e.g. the minutes of the election)."""

    request = models.ForeignKey(
        EstablishmentRequest, models.CASCADE, related_name="attachments", verbose_name=_("request")
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    description = models.CharField(_("description"), max_length=120)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, editable=False, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ScopedManager()
    scope_paths = REQUEST_PATHS.through("request")

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["request", "pk"]

    def __str__(self) -> str:
        return self.description


class RequestEvent(models.Model):
    """One step of a request's path: who did what, when, with what opinion. Never edited."""

    request = models.ForeignKey(
        EstablishmentRequest, models.CASCADE, related_name="events", verbose_name=_("request")
    )
    action = models.CharField(_("action"), max_length=20, choices=RequestAction.choices)
    from_state = models.CharField(_("from"), max_length=20, choices=RequestState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=RequestState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    opinion = models.TextField(_("opinion"), blank=True)

    objects = ScopedManager()
    scope_paths = REQUEST_PATHS.through("request", change_roles=frozenset())

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["request", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class Campaign(models.Model):
    """The township's campaign for a year, with the guidance's three phases (R9)."""

    township = models.ForeignKey(
        Township, models.PROTECT, related_name="campaigns", verbose_name=_("township")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    survey_starts = models.DateField(_("survey starts"))
    survey_ends = models.DateField(_("survey ends"))
    implementation_starts = models.DateField(_("implementation starts"))
    implementation_ends = models.DateField(_("implementation ends"))
    assessment_starts = models.DateField(_("assessment starts"))
    assessment_ends = models.DateField(_("assessment ends"))

    objects = ScopedManager()
    scope_paths = ScopePaths(
        county="township__county",
        township="township",
        office="township__offices",
        change_roles=TOWNSHIP_ONLY,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["township", "-year"]
        constraints = [models.UniqueConstraint(fields=["township", "year"], name="campaign_unique_year")]

    def __str__(self) -> str:
        return _("%(township)s campaign %(year)s") % {"township": self.township, "year": self.year}

    def get_absolute_url(self) -> str:
        return reverse("establishment:campaign_board", args=[self.pk])

    @classmethod
    def defaults_for(cls, year: int) -> dict:
        """The guidance's dates: survey 15–20 June, implementation 21–30 June, assessment from 1 July (its
        end is unreadable in the source, so it defaults to 31 July and is editable)."""
        day = datetime.date
        return {
            "survey_starts": day(year, 6, 15),
            "survey_ends": day(year, 6, 20),
            "implementation_starts": day(year, 6, 21),
            "implementation_ends": day(year, 6, 30),
            "assessment_starts": day(year, 7, 1),
            "assessment_ends": day(year, 7, 31),
        }

    def clean(self) -> None:
        dates = [
            self.survey_starts,
            self.survey_ends,
            self.implementation_starts,
            self.implementation_ends,
            self.assessment_starts,
            self.assessment_ends,
        ]
        if all(dates) and dates != sorted(dates):
            raise ValidationError(
                _("The phases must follow one another: each date on or after the one before.")
            )


class SurveySnapshot(models.Model):
    """Phase 1 (摸底): an office's counts of members and organisations at a date, frozen."""

    office = models.ForeignKey(Office, models.PROTECT, related_name="surveys", verbose_name=_("office"))
    taken_on = models.DateField(_("taken on"))
    counts = models.JSONField(_("counts"), default=dict, editable=False)
    notes = models.TextField(_("notes"), blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, editable=False, related_name="+"
    )

    objects = ScopedManager()
    scope_paths = OFFICE_PATHS
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey snapshot")
        verbose_name_plural = _("survey snapshots")
        ordering = ["office", "-taken_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.office} {self.taken_on}"


class OpinionSession(models.Model):
    """A symposium, discussion or visit to veteran members where opinions were collected (phase 1)."""

    office = models.ForeignKey(
        Office, models.PROTECT, related_name="opinion_sessions", verbose_name=_("office")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OpinionMeeting.choices)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=120, blank=True)
    participants = models.TextField(_("participants"))

    objects = ScopedManager()
    scope_paths = OFFICE_PATHS
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opinion collection")
        verbose_name_plural = _("opinion collections")
        ordering = ["office", "-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class Opinion(models.Model):
    """An opinion or suggestion and what was done with it."""

    session = models.ForeignKey(OpinionSession, models.CASCADE, related_name="opinions")
    content = models.TextField(_("opinion or suggestion"))
    response = models.TextField(_("what was done"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)

    objects = ScopedManager()
    scope_paths = ScopePaths(
        county="session__office__township__county",
        township="session__office__township",
        office="session__office",
        change_roles=TOWNSHIP_AND_OFFICE,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["session", "pk"]

    def __str__(self) -> str:
        return self.content[:30]


class GoodPractice(models.Model):
    """A good experience, good practice or advanced model (好经验、好做法、先进典型) of an office (R10)."""

    office = models.ForeignKey(
        Office, models.PROTECT, related_name="good_practices", verbose_name=_("office")
    )
    title = models.CharField(_("title"), max_length=120)
    content = models.TextField(_("content"))
    recorded_on = models.DateField(_("date"))
    published_at = models.DateTimeField(
        _("published on the home page"), null=True, blank=True, editable=False
    )

    objects = ScopedManager()
    scope_paths = OFFICE_PATHS
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        ordering = ["-recorded_on", "-pk"]

    def __str__(self) -> str:
        return self.title
