"""The July assessment (考核验收) and the township's inspections (R9, R10).

A scoring template (考核评分表) is the township's score sheet for a year, as data: items grouped by the five
goods with their maximum points and how each is scored (from an indicator, by the inspector, or by
deduction), bonus items under a cap, veto items, and the grade bands.

An inspection (督查) is a visit of the township party-building office to one office: scheduling, guidance
or inspection, with what was checked and found; its rectification items (整改事项) are followed up until
the office reports them done, with evidence.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.choices import Role
from accounts.scope import ScopedManager, ScopedQuerySet, ScopePaths
from assessments.choices import UNFINISHED, InspectionKind, RectificationStatus
from assessments.indicators import INDICATORS, FiveGoods, indicator_choices, validate_rule
from assessments.scoring import Bands, Grade, ItemKind
from communities.models import TOWNSHIP_AND_OFFICE, TOWNSHIP_ONLY, Office, Township
from records.versioning import LastChange, VersionedModelMixin

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


# --- Scoring templates (考核评分表模板): data, not code --------------------------------------------------


class Method(models.TextChoices):
    AUTOMATIC = "automatic", _("automatic (from an indicator)")
    MANUAL = "manual", _("manual (scored by the inspector)")
    DEDUCTION = "deduction", _("deduction (points off for each missing thing)")


TEMPLATE_PATHS = ScopePaths(
    county="township__county",
    township="township",
    office="township__offices",
    village=None,
    change_roles=frozenset({Role.TOWNSHIP_STAFF}),
)


class ScoringTemplate(models.Model):
    """A township's score sheet for a year's assessment: its items, bonus cap and grade bands."""

    township = models.ForeignKey(
        Township, models.PROTECT, related_name="scoring_templates", verbose_name=_("township")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=120, default="农村社区党组织运行情况考核评分表")
    bonus_cap = models.DecimalField(_("bonus cap"), max_digits=5, decimal_places=2, default=Decimal("5"))
    good_from = models.DecimalField(_("好 from"), max_digits=5, decimal_places=2, default=Decimal("90"))
    fairly_good_from = models.DecimalField(
        _("较好 from"), max_digits=5, decimal_places=2, default=Decimal("80")
    )
    average_from = models.DecimalField(_("一般 from"), max_digits=5, decimal_places=2, default=Decimal("60"))
    note = models.TextField(_("note"), blank=True)

    objects = ScopedManager()
    scope_paths = TEMPLATE_PATHS
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scoring template")
        verbose_name_plural = _("scoring templates")
        ordering = ["township", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["township", "year"], name="scoring_template_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:template_detail", args=[self.pk])

    @property
    def bands(self) -> Bands:
        return Bands(good=self.good_from, fairly_good=self.fairly_good_from, average=self.average_from)

    def clean(self) -> None:
        if None not in (self.good_from, self.fairly_good_from, self.average_from):
            errors = self.bands.errors()
            if errors:
                raise ValidationError({"good_from": errors})
        if self.bonus_cap is not None and self.bonus_cap < 0:
            raise ValidationError({"bonus_cap": _("The bonus cap cannot be negative.")})


class TemplateItem(models.Model):
    """One line of the score sheet: a scored item of one of the five goods (automatic, manual or by
    deduction), a bonus item, or a veto item."""

    template = models.ForeignKey(
        ScoringTemplate, models.CASCADE, related_name="items", verbose_name=_("scoring template")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices, default=ItemKind.SCORED)
    group = models.CharField(_("five goods"), max_length=20, choices=FiveGoods.choices, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("item"), max_length=200)
    guidance = models.TextField(_("scoring criteria"), blank=True)
    max_points = models.DecimalField(
        _("maximum points"), max_digits=5, decimal_places=2, default=Decimal("0")
    )
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, default=Method.MANUAL)
    indicator = models.CharField(_("indicator"), max_length=40, choices=indicator_choices(), blank=True)
    rule = models.JSONField(_("points rule"), default=dict, blank=True)
    points_per_missing = models.DecimalField(
        _("points per missing thing"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    objects = ScopedManager()
    scope_paths = TEMPLATE_PATHS.through("template")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("template item")
        verbose_name_plural = _("template items")
        ordering = ["template", "kind", "group", "order", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, str | list[str]] = {}
        if self.kind == ItemKind.VETO:
            self.group, self.max_points, self.method = "", Decimal("0"), Method.MANUAL
            self.indicator, self.rule, self.points_per_missing = "", {}, None
        else:
            if self.max_points is None or self.max_points <= 0:
                errors["max_points"] = _("An item that scores needs maximum points above zero.")
            if self.kind == ItemKind.SCORED and not self.group:
                errors["group"] = _("Say which of the five goods this item belongs to.")
            if self.kind == ItemKind.BONUS:
                self.group = ""
        if self.method == Method.AUTOMATIC and self.kind != ItemKind.VETO:
            if self.indicator not in INDICATORS:
                errors["indicator"] = _("Choose the indicator this item is computed from.")
            rule_errors = validate_rule(self.rule)
            if rule_errors:
                errors["rule"] = rule_errors
        elif self.kind != ItemKind.VETO:
            self.indicator, self.rule = "", {}
        if self.method == Method.DEDUCTION:
            if self.points_per_missing is None or self.points_per_missing <= 0:
                errors["points_per_missing"] = _("Give the points taken off for each missing thing.")
        else:
            self.points_per_missing = None
        if errors:
            raise ValidationError(errors)


# --- Assessment rounds (考核验收): the year's July assessment of every office ------------------------------


class RoundState(models.TextChoices):
    OPEN = "open", _("open for self-assessment")
    SCORING = "scoring", _("being scored")
    NOTICE = "notice", _("published, in the notice period")
    LOCKED = "locked", _("locked")


class RoundAction(models.TextChoices):
    OPEN = "open", _("opened")
    START_SCORING = "start_scoring", _("scoring started")
    PUBLISH = "publish", _("published for notice")
    LOCK = "lock", _("locked")
    REOPEN = "reopen", _("reopened")


# The county reads, the township runs the round, an office reads the rounds of its township and its own
# sheet. An office secretary's self-assessment and objections go through assessments.rounds, which checks
# him; generic edit views get the township only.
ROUND_PATHS = ScopePaths(
    county="township__county",
    township="township",
    office="township__offices",
    village=None,
    change_roles=TOWNSHIP_ONLY,
)
SHEET_PATHS = ScopePaths(
    county="round__township__county",
    township="round__township",
    office="office",
    village=None,
    change_roles=TOWNSHIP_ONLY,
)
NOBODY: frozenset[str] = frozenset()


def july(year: int) -> tuple[datetime.date, datetime.date]:
    """The default assessment period: 1–31 July of the year."""
    return datetime.date(year, 7, 1), datetime.date(year, 7, 31)


class AssessmentRound(models.Model):
    """A township's assessment of a year (考核验收): one score sheet per office, scored against the year's
    template, published for a notice period in which offices may object, then locked."""

    township = models.ForeignKey(
        Township, models.PROTECT, related_name="assessment_rounds", verbose_name=_("township")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    template = models.ForeignKey(
        ScoringTemplate, models.PROTECT, related_name="rounds", verbose_name=_("scoring template")
    )
    opens_on = models.DateField(_("opens on"), blank=True)
    closes_on = models.DateField(_("closes on"), blank=True)
    include_offices_without_community = models.BooleanField(
        _("include offices without a community"), default=False
    )
    notice_days = models.PositiveSmallIntegerField(_("notice period (days)"), default=5)
    state = models.CharField(_("state"), max_length=10, choices=RoundState.choices, default=RoundState.OPEN)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_paths = ROUND_PATHS
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        ordering = ["township", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["township", "year"], name="assessment_round_one_per_year")
        ]

    def __str__(self) -> str:
        return _("%(year)s assessment") % {"year": self.year}

    def save(self, *args, **kwargs) -> None:
        opens_on, closes_on = july(self.year)
        self.opens_on = self.opens_on or opens_on
        self.closes_on = self.closes_on or closes_on
        super().save(*args, **kwargs)

    @property
    def notice_ends_on(self) -> datetime.date | None:
        """The last day objections may be lodged."""
        if self.published_on is None:
            return None
        # Published on the 1st with five days' notice: objections until the 5th.
        return self.published_on + datetime.timedelta(days=max(self.notice_days, 1) - 1)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        template = self.template if self.template_id is not None else None
        if template is not None and (template.township_id != self.township_id or template.year != self.year):
            errors["template"] = _("Choose the township's scoring template of the same year.")
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            errors["closes_on"] = _("The round cannot close before it opens.")
        if errors:
            raise ValidationError(errors)


class Sheet(VersionedModelMixin, models.Model):
    """One office's score sheet in a round; totals, grade and rank are stored when the round is published."""

    round = models.ForeignKey(
        AssessmentRound, models.CASCADE, related_name="sheets", verbose_name=_("assessment round")
    )
    office = models.ForeignKey(
        Office, models.PROTECT, related_name="assessment_sheets", verbose_name=_("sub-district office")
    )
    self_submitted_at = models.DateTimeField(_("self-assessment submitted at"), null=True, blank=True)
    self_submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=2, null=True, blank=True)
    base = models.DecimalField(_("base points"), max_digits=6, decimal_places=2, null=True, blank=True)
    bonus = models.DecimalField(_("bonus points"), max_digits=6, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    # Moves on with every save: a scoring or self-assessment page drawn from an older version is refused
    # (records.versioning). The pages claim it before writing the entries.
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = ScopedManager()
    scope_paths = SHEET_PATHS
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["round", "office__sort_order", "office__name"]
        constraints = [models.UniqueConstraint(fields=["round", "office"], name="sheet_one_per_office")]

    def __str__(self) -> str:
        return f"{self.round} {self.office}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:sheet_detail", args=[self.pk])

    def last_change(self) -> LastChange:
        """Who changed the sheet last and when: the sheet's own changes or its entries' (the scores)."""
        records = [
            self.history.select_related("history_user").order_by("-history_date", "-history_id").first(),
            SheetEntry.history.filter(sheet_id=self.pk)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")
            .first(),
        ]
        records = [record for record in records if record is not None]
        if not records:
            return LastChange(user=None, date=None)
        latest = max(records, key=lambda record: record.history_date)
        return LastChange(user=latest.history_user, date=latest.history_date)


class SheetEntry(models.Model):
    """One item of an office's sheet: what the records compute (automatic items), the office's
    self-assessment, and the inspector's points, kept side by side."""

    sheet = models.ForeignKey(Sheet, models.CASCADE, related_name="entries", verbose_name=_("score sheet"))
    item = models.ForeignKey(
        TemplateItem, models.PROTECT, related_name="entries", verbose_name=_("template item")
    )
    computed_value = models.FloatField(_("computed value"), null=True, blank=True)
    computed_points = models.DecimalField(
        _("computed points"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    computed_note = models.TextField(_("how it was computed"), blank=True)
    evidence_url = models.CharField(_("evidence page"), max_length=500, blank=True)
    self_points = models.DecimalField(
        _("self-assessed points"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    self_note = models.TextField(_("self-assessment note"), blank=True)
    inspector_points = models.DecimalField(
        _("inspector's points"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    adjust_reason = models.TextField(_("reason for the adjustment"), blank=True)
    missing_count = models.PositiveSmallIntegerField(_("things missing"), null=True, blank=True)
    vetoed = models.BooleanField(_("vetoed"), default=False)
    veto_reason = models.TextField(_("reason for the veto"), blank=True)

    objects = ScopedManager()
    scope_paths = SHEET_PATHS.through("sheet")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sheet entry")
        verbose_name_plural = _("sheet entries")
        ordering = ["sheet", "item__kind", "item__group", "item__order", "item__pk"]
        constraints = [models.UniqueConstraint(fields=["sheet", "item"], name="sheet_entry_one_per_item")]

    def __str__(self) -> str:
        return str(self.item)

    @property
    def adjusted(self) -> bool:
        """An automatic item whose inspector's points differ from what the records computed."""
        return (
            self.item.method == Method.AUTOMATIC
            and self.inspector_points is not None
            and self.inspector_points != self.computed_points
        )

    @property
    def effective_points(self) -> Decimal | None:
        """The points that count: the inspector's when given; else what was computed (automatic items) or
        the office's self-assessment (manual and deduction items) until the inspector scores."""
        if self.inspector_points is not None:
            return self.inspector_points
        if self.item.method == Method.AUTOMATIC:
            return self.computed_points
        return self.self_points

    def clean(self) -> None:
        if self.adjusted and not self.adjust_reason.strip():
            raise ValidationError(
                {"adjust_reason": _("Give the reason for changing the points computed from the records.")}
            )
        if self.vetoed and not self.veto_reason.strip():
            raise ValidationError({"veto_reason": _("Give the reason for the veto.")})


class Objection(models.Model):
    """An office's objection (异议) to its published sheet, lodged in the notice period and answered by the
    township."""

    sheet = models.ForeignKey(Sheet, models.CASCADE, related_name="objections", verbose_name=_("score sheet"))
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lodged_at = models.DateTimeField(_("lodged at"), default=timezone.now)
    reason = models.TextField(_("objection"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = ScopedManager()
    scope_paths = SHEET_PATHS.through("sheet")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["sheet", "lodged_at", "pk"]

    def __str__(self) -> str:
        return f"{self.sheet} {self.lodged_at:%Y-%m-%d}"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


class RoundEvent(models.Model):
    """What was done to a round, by whom, when and why; never edited."""

    round = models.ForeignKey(
        AssessmentRound, models.CASCADE, related_name="events", verbose_name=_("assessment round")
    )
    action = models.CharField(_("action"), max_length=20, choices=RoundAction.choices)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    objects = ScopedManager()
    scope_paths = ROUND_PATHS.through("round", change_roles=NOBODY)

    class Meta:
        verbose_name = _("round event")
        verbose_name_plural = _("round events")
        ordering = ["round", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.round} {self.get_action_display()}"


def entry_attachment_path(instance: "EntryAttachment", filename: str) -> str:
    return f"assessments/{instance.entry.sheet_id}/{filename}"


class EntryAttachment(models.Model):
    """A scan or photo the office attaches to a self-assessed item as its evidence (issue 7)."""

    entry = models.ForeignKey(
        SheetEntry, models.CASCADE, related_name="attachments", verbose_name=_("sheet entry")
    )
    file = models.FileField(_("file"), upload_to=entry_attachment_path)
    description = models.CharField(_("description"), max_length=120)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, editable=False, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ScopedManager()
    # The office's own secretary and the township's staff attach evidence (the view checks
    # rounds.can_self_assess and that the round is open); the county only reads.
    scope_paths = SheetEntry.scope_paths.through("entry", change_roles=TOWNSHIP_AND_OFFICE)

    class Meta:
        verbose_name = _("evidence attachment")
        verbose_name_plural = _("evidence attachments")
        ordering = ["entry", "pk"]

    def __str__(self) -> str:
        return self.description
