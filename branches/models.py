"""Party organisations (党组织): general branches and branches, their names over time, posts, terms and
reserve cadres (R1–R3, R8)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.scope import ScopedManager, ScopedQuerySet, ScopePaths
from branches.choices import (
    GENERAL_KINDS,
    POST_ORDER,
    BranchKind,
    ElectionMethod,
    OtherBranchKind,
    PostKind,
    ReserveStatus,
)
from communities.models import TOWNSHIP_AND_OFFICE, Community, Office, Village

# A term's expiry is warned about this many days ahead (three months).
TERM_WARNING_DAYS = 92
# Village and community party organisations are elected for five years.
TERM_YEARS = 5


BRANCH_PATHS = ScopePaths(
    county="office__township__county",
    township="office__township",
    office="office",
    village="village",
    change_roles=TOWNSHIP_AND_OFFICE,
)


class BranchQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(dissolved_on__isnull=True)


class Branch(models.Model):
    """A party organisation of an office: its general branch, a village branch, or a branch under the
    community general branch (R3)."""

    office = models.ForeignKey(Office, models.PROTECT, related_name="branches", verbose_name=_("office"))
    community = models.ForeignKey(
        Community,
        models.PROTECT,
        related_name="branches",
        null=True,
        blank=True,
        verbose_name=_("community"),
    )
    village = models.ForeignKey(
        Village, models.PROTECT, related_name="branches", null=True, blank=True, verbose_name=_("village")
    )
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
        verbose_name=_("parent organisation"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=BranchKind.choices)
    other_kind = models.CharField(
        _("sub-kind"),
        max_length=20,
        choices=OtherBranchKind.choices,
        blank=True,
        help_text=_("Only for other party branches."),
    )
    name = models.CharField(_("name"), max_length=80)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = BranchQuerySet.as_manager()
    scope_paths = BRANCH_PATHS
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("party organisation")
        verbose_name_plural = _("party organisations")
        ordering = ["office__sort_order", "office__name", "kind", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("branches:branch_detail", args=[self.pk])

    @property
    def is_general(self) -> bool:
        return self.kind in GENERAL_KINDS

    @property
    def is_active(self) -> bool:
        return self.dissolved_on is None

    @property
    def kind_label(self) -> str:
        """The kind, with the sub-kind of an other party branch: 其他形式党支部（流动党员）."""
        label = str(self.get_kind_display())
        return f"{label}（{self.get_other_kind_display()}）" if self.other_kind else label

    @property
    def status_label(self) -> str:
        if self.dissolved_on is None:
            return str(pgettext_lazy("organisation status", "active"))
        return str(_("dissolved on %(date)s") % {"date": self.dissolved_on.isoformat()})

    def clean(self) -> None:
        errors = {}
        if self.kind == BranchKind.OTHER and not self.other_kind:
            errors["other_kind"] = _("Choose the sub-kind of this other party branch.")
        if self.kind != BranchKind.OTHER and self.other_kind:
            errors["other_kind"] = _("Only other party branches have a sub-kind.")
        if self.kind == BranchKind.VILLAGE and not self.village_id:
            errors["village"] = _("A village party branch needs its village.")
        if self.office_id:
            if self.village_id and self.village.office_id != self.office_id:
                errors["village"] = _("The village is not under this office.")
            if self.community_id and self.community.office_id != self.office_id:
                errors["community"] = _("The community is not this office's community.")
            if self.parent_id and self.parent.office_id != self.office_id:
                errors["parent"] = _("The parent organisation belongs to another office.")
        if self.parent_id and (self.parent_id == self.pk or not self.parent.is_general):
            errors["parent"] = _("The parent must be a general branch.")
        leads_others = self.pk and self.children.filter(dissolved_on__isnull=True).exists()
        if self.kind and self.kind not in GENERAL_KINDS and leads_others:
            errors["kind"] = _("Organisations are still under it: only a general branch leads others.")
        if self.pk and self.parent_id and self.parent_id != self.pk:
            ancestor = self.parent
            while ancestor is not None:
                if ancestor.pk == self.pk:
                    errors["parent"] = _("The parent cannot be an organisation under this one.")
                    break
                ancestor = ancestor.parent
        if self.kind == BranchKind.VILLAGE and self.village_id and self.dissolved_on is None:
            others = Branch.objects.filter(kind=BranchKind.VILLAGE, village_id=self.village_id).active()
            if others.exclude(pk=self.pk).exists():
                errors["village"] = _("This village already has a party branch.")
        if self.founded_on and self.dissolved_on and self.dissolved_on < self.founded_on:
            errors["dissolved_on"] = _("The dissolution date is before the founding date.")
        if self.name and self.office_id:
            clash = Branch.objects.filter(
                office__township_id=self.office.township_id, name=self.name, dissolved_on__isnull=True
            ).exclude(pk=self.pk)
            if self.dissolved_on is None and clash.exists():
                errors["name"] = _("Another party organisation of the township already has this name.")
        if errors:
            raise ValidationError(errors)

    def subtree_ids(self) -> set[int]:
        """This organisation and every organisation under it (a general branch leads branches)."""
        ids, frontier = {self.pk}, [self.pk]
        while frontier:
            frontier = list(Branch.objects.filter(parent__in=frontier).values_list("pk", flat=True))
            frontier = [pk for pk in frontier if pk not in ids]
            ids.update(frontier)
        return ids

    def current_term(self) -> "Term | None":
        today = timezone.localdate()
        return self.terms.filter(started_on__lte=today).order_by("-number").first()


class BranchName(models.Model):
    """A former name of an organisation and the dates it was used (R1: renaming keeps history)."""

    branch = models.ForeignKey(
        Branch, models.CASCADE, related_name="former_names", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=80)
    used_from = models.DateField(_("used from"), null=True, blank=True)
    used_until = models.DateField(_("used until"))
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_paths = BRANCH_PATHS.through("branch")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("former name")
        verbose_name_plural = _("former names")
        ordering = ["branch", "-used_until"]

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    """A leadership post held by a person, with the decision that appointed him."""

    branch = models.ForeignKey(Branch, models.PROTECT, related_name="posts", verbose_name=_("organisation"))
    kind = models.CharField(_("post"), max_length=20, choices=PostKind.choices)
    person = models.ForeignKey(
        "members.Member", models.PROTECT, related_name="posts", verbose_name=_("person")
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)

    objects = ScopedManager()
    scope_paths = BRANCH_PATHS.through("branch")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("leadership post")
        verbose_name_plural = _("leadership posts")
        ordering = ["branch", "ended_on", "kind", "started_on"]

    def __str__(self) -> str:
        return f"{self.branch} {self.get_kind_display()} {self.person}"

    def get_absolute_url(self) -> str:
        return self.branch.get_absolute_url() + "#leadership"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None or self.ended_on >= timezone.localdate()

    @property
    def sort_key(self) -> tuple:
        return (POST_ORDER.get(self.kind, 99), self.person.stroke_key if self.person_id else "")

    def clean(self) -> None:
        errors = {}
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("The end date is before the start date.")
        if self.branch_id and self.kind == PostKind.SECRETARY and self.ended_on is None:
            others = Post.objects.filter(
                branch_id=self.branch_id, kind=PostKind.SECRETARY, ended_on__isnull=True
            )
            if others.exclude(pk=self.pk).exists():
                errors["kind"] = _("This organisation already has a secretary; end his post first.")
        if self.branch_id and self.person_id and self.ended_on is None:
            same = Post.objects.filter(
                branch_id=self.branch_id, person_id=self.person_id, ended_on__isnull=True
            )
            if same.exclude(pk=self.pk).exists():
                errors["person"] = _("This person already holds a post in this organisation.")
        if (
            self.kind == PostKind.ELECTED_DEPUTY
            and self.branch_id
            and self.person_id
            and self.ended_on is None
        ):
            # R2: the extra deputy is democratically elected from the village branch secretaries.
            today = timezone.localdate()
            village_secretary = Post.objects.filter(
                Q(ended_on__isnull=True) | Q(ended_on__gte=today),
                person_id=self.person_id,
                kind=PostKind.SECRETARY,
                branch__parent_id=self.branch_id,
                branch__kind=BranchKind.VILLAGE,
            )
            if "person" not in errors and not village_secretary.exists():
                errors["person"] = _(
                    "The elected deputy secretary is one of the secretaries of the village branches under "
                    "this organisation."
                )
        if errors:
            raise ValidationError(errors)

    def holder_has_left(self, subtree_ids: set[int] | None = None) -> bool:
        """True when the holder is no longer an active member of this organisation or one under it."""
        person = self.person
        if not person.is_active:
            return True
        ids = subtree_ids if subtree_ids is not None else self.branch.subtree_ids()
        return person.branch_id not in ids


class Term(models.Model):
    """One term (届) of an organisation's committee: the election and who was elected (历届发展情况)."""

    branch = models.ForeignKey(Branch, models.PROTECT, related_name="terms", verbose_name=_("organisation"))
    number = models.PositiveSmallIntegerField(_("term number"))
    started_on = models.DateField(_("started on"))
    ends_on = models.DateField(
        _("ends on"), null=True, blank=True, help_text=_("Left empty: five years after the start.")
    )
    election_date = models.DateField(_("election date"), null=True, blank=True)
    election_method = models.CharField(
        _("election method"), max_length=20, choices=ElectionMethod.choices, blank=True
    )
    members_expected = models.PositiveIntegerField(_("members expected"), null=True, blank=True)
    members_present = models.PositiveIntegerField(_("members present"), null=True, blank=True)
    committee = models.TextField(_("committee elected"), blank=True, help_text=_("Names and posts."))
    notes = models.TextField(_("notes"), blank=True)

    objects = ScopedManager()
    scope_paths = BRANCH_PATHS.through("branch")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["branch", "-number"]
        constraints = [models.UniqueConstraint(fields=["branch", "number"], name="term_unique_number")]

    def __str__(self) -> str:
        return _("Term %(number)s") % {"number": self.number}

    def save(self, *args, **kwargs) -> None:
        if self.ends_on is None and self.started_on:
            self.ends_on = add_years(self.started_on, TERM_YEARS)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return self.branch.get_absolute_url() + "#terms"

    def clean(self) -> None:
        errors = {}
        if self.started_on and self.ends_on and self.ends_on <= self.started_on:
            errors["ends_on"] = _("The term ends before it starts.")
        expected, present = self.members_expected, self.members_present
        if expected is not None and present is not None and present > expected:
            errors["members_present"] = _("More members present than expected.")
        if errors:
            raise ValidationError(errors)

    def expiry_state(self, today: datetime.date | None = None) -> str:
        """'expired', 'due' (within three months) or 'ok'."""
        today = today or timezone.localdate()
        if self.ends_on is None:
            return "ok"
        if self.ends_on < today:
            return "expired"
        if (self.ends_on - today).days <= TERM_WARNING_DAYS:
            return "due"
        return "ok"


class ReserveCadre(models.Model):
    """A reserve cadre (后备干部) kept by an organisation, with training and assessment notes."""

    branch = models.ForeignKey(
        Branch, models.PROTECT, related_name="reserve_cadres", verbose_name=_("organisation")
    )
    person = models.ForeignKey(
        "members.Member", models.PROTECT, related_name="reserve_roles", verbose_name=_("person")
    )
    since = models.DateField(_("since"))
    recommended_by = models.CharField(_("recommended by"), max_length=100, blank=True)
    training = models.TextField(_("training"), blank=True)
    assessment = models.TextField(_("assessment notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ReserveStatus.choices, default=ReserveStatus.TRAINING
    )

    objects = ScopedManager()
    scope_paths = BRANCH_PATHS.through("branch")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reserve cadre")
        verbose_name_plural = _("reserve cadres")
        ordering = ["branch", "status", "since"]

    def __str__(self) -> str:
        return str(self.person)

    def get_absolute_url(self) -> str:
        return self.branch.get_absolute_url() + "#reserve-cadres"


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
