"""The rules of an assessment round (考核验收, issue 7 "The round"), as services the pages call.

A round opens with one sheet per office (every office with a rural community, and the others if the round
says so) and one entry per template item. Automatic items are computed from the records as of the round's
closing day (or today, if earlier); the office secretary assesses his own manual and deduction items while
the round is open; the township's inspectors score every item — an automatic item only changes with a
reason, kept beside the computed value. Publishing stores totals, grades and ranks and starts the notice
period, in which an office may object to its sheet; the round locks once the period is over and every
objection is answered. The township may reopen a round, with a reason.

Which points count (sheet_total): the inspector's, when given. Otherwise an automatic item counts what was
computed and a manual or deduction item counts the office's self-assessment, until the inspector scores it.
An item still without points (an indicator that does not apply, a manual item nobody assessed) is
unscored, and a round with unscored items is not published.

Every service is atomic and raises ValidationError (a message for the user) or PermissionDenied.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.scope import can_change
from assessments import indicators, scoring
from assessments.models import (
    AssessmentRound,
    Method,
    Objection,
    RoundAction,
    RoundEvent,
    RoundState,
    ScoringTemplate,
    Sheet,
    SheetEntry,
    TemplateItem,
    july,
)
from assessments.scoring import ItemKind
from communities.models import Office, Township

PUBLISHED = (RoundState.NOTICE, RoundState.LOCKED)
SCORABLE = (RoundState.OPEN, RoundState.SCORING)


# --- Who may do what -----------------------------------------------------------------------------------


def _require_township(user, round_: AssessmentRound) -> None:
    if not can_change(user, round_):
        raise PermissionDenied


def is_own_office_secretary(user, sheet: Sheet) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role == Role.OFFICE_SECRETARY
        and user.office_id is not None
        and user.office_id == sheet.office_id
    )


def can_self_assess(user, sheet: Sheet) -> bool:
    """The office's own secretary, or the township's staff (who may enter it for him)."""
    return is_own_office_secretary(user, sheet) or can_change(user, sheet.round)


def _reason(text: str) -> str:
    return (text or "").strip()


def _event(round_: AssessmentRound, action: str, user, reason: str = "") -> RoundEvent:
    return RoundEvent.objects.create(round=round_, action=action, actor=user, reason=reason)


def _as_decimal(points) -> Decimal:
    try:
        return scoring.quantize(Decimal(str(points)))
    except (ArithmeticError, ValueError) as error:
        raise ValidationError(_("Give the points as a number.")) from error


def _check(points: Decimal, item: TemplateItem) -> None:
    problem = scoring.check_points(points, item.max_points)
    if problem:
        raise ValidationError(problem)


# --- Opening and computing -----------------------------------------------------------------------------


def offices_for(township: Township, include_without_community: bool):
    offices = Office.objects.filter(township=township)
    if not include_without_community:
        offices = offices.filter(community__isnull=False)
    return offices.order_by("sort_order", "name")


def open_round(
    township: Township,
    year: int,
    template: ScoringTemplate,
    user,
    today: datetime.date | None = None,
    include_offices_without_community: bool = False,
    notice_days: int = 5,
    opens_on: datetime.date | None = None,
    closes_on: datetime.date | None = None,
) -> AssessmentRound:
    """Open the township's round of the year: a sheet for each office, an entry for each template item, and
    the automatic items computed."""
    if not Township.objects.for_user(user, "change").filter(pk=township.pk).exists():
        raise PermissionDenied
    with transaction.atomic():
        if AssessmentRound.objects.filter(township=township, year=year).exists():
            raise ValidationError(
                _("The township already has an assessment round for %(year)s.") % {"year": year}
            )
        default_opens, default_closes = july(year)
        round_ = AssessmentRound(
            township=township,
            year=year,
            template=template,
            include_offices_without_community=include_offices_without_community,
            notice_days=notice_days,
            opens_on=opens_on or default_opens,
            closes_on=closes_on or default_closes,
        )
        round_.full_clean()
        round_.save()
        items = list(template.items.all())
        if not items:
            raise ValidationError(_("The scoring template has no items."))
        for office in offices_for(township, include_offices_without_community):
            sheet = Sheet.objects.create(round=round_, office=office)
            SheetEntry.objects.bulk_create(SheetEntry(sheet=sheet, item=item) for item in items)
            refresh_computed(sheet, today=today)
        _event(round_, RoundAction.OPEN, user)
    return round_


def computed_as_of(round_: AssessmentRound, today: datetime.date | None = None) -> datetime.date:
    """The day automatic items are computed as of: the round's closing day, or today if earlier."""
    today = today or timezone.localdate()
    return min(round_.closes_on, today)


def refresh_computed(
    sheet: Sheet, as_of: datetime.date | None = None, today: datetime.date | None = None
) -> int:
    """Recompute the sheet's automatic items from the records (as of `as_of`, by default the round's
    closing day or today, whichever is earlier); the number of entries computed. The inspector's points
    and reasons are kept beside the new values."""
    if sheet.round.state not in SCORABLE:
        raise ValidationError(_("The round is published: reopen it to change a score."))
    entries = list(
        sheet.entries.filter(item__method=Method.AUTOMATIC)
        .exclude(item__kind=ItemKind.VETO)
        .select_related("item")
    )
    if not entries:
        return 0
    as_of = as_of or computed_as_of(sheet.round, today)
    results = indicators.compute_all(sheet.office, as_of)
    with transaction.atomic():
        for entry in entries:
            result = results.get(entry.item.indicator)
            if result is None or result.value is None:
                entry.computed_value = entry.computed_points = None
            else:
                entry.computed_value = float(result.value)
                points = indicators.points_for(result, float(entry.item.max_points), entry.item.rule)
                entry.computed_points = None if points is None else scoring.quantize(Decimal(str(points)))
            entry.computed_note = result.note if result is not None else ""
            entry.evidence_url = result.evidence_url if result is not None else ""
            entry.save()
    return len(entries)


def refresh_round(round_: AssessmentRound, user, today: datetime.date | None = None) -> int:
    """Recompute the automatic items of every sheet of the round (the township's staff, before it is
    published); the number of entries computed."""
    _require_township(user, round_)
    with transaction.atomic():
        return sum(refresh_computed(sheet, today=today) for sheet in round_.sheets.select_related("office"))


# --- Self-assessment -----------------------------------------------------------------------------------


def self_assess(entry: SheetEntry, user, points, note: str = "") -> SheetEntry:
    """The office's self-assessment of a manual or deduction item, while the round is open."""
    sheet = entry.sheet
    if not can_self_assess(user, sheet):
        raise PermissionDenied
    if sheet.round.state != RoundState.OPEN:
        raise ValidationError(_("Self-assessment is closed for this round."))
    if entry.item.kind == ItemKind.VETO or entry.item.method == Method.AUTOMATIC:
        raise ValidationError(_("This item is not self-assessed."))
    with transaction.atomic():
        if points is None:
            entry.self_points = None
        else:
            entry.self_points = _as_decimal(points)
            _check(entry.self_points, entry.item)
        entry.self_note = (note or "").strip()
        entry.save()
    return entry


def submit_self(sheet: Sheet, user) -> Sheet:
    """The office hands in its self-assessment; every manual and deduction item must have points."""
    if not can_self_assess(user, sheet):
        raise PermissionDenied
    if sheet.round.state != RoundState.OPEN:
        raise ValidationError(_("Self-assessment is closed for this round."))
    with transaction.atomic():
        blank = (
            sheet.entries.filter(item__method__in=[Method.MANUAL, Method.DEDUCTION], self_points__isnull=True)
            .exclude(item__kind__in=[ItemKind.VETO, ItemKind.BONUS])
            .count()
        )
        if blank:
            raise ValidationError(_("%(count)s items still have no self-assessed points.") % {"count": blank})
        sheet.self_submitted_at, sheet.self_submitted_by = timezone.now(), user
        sheet.save()
    return sheet


# --- Scoring -------------------------------------------------------------------------------------------


def start_scoring(round_: AssessmentRound, user) -> AssessmentRound:
    """Close self-assessment: the inspectors score."""
    _require_township(user, round_)
    with transaction.atomic():
        if round_.state != RoundState.OPEN:
            raise ValidationError(_("Only an open round can move to scoring."))
        round_.state = RoundState.SCORING
        round_.save()
        _event(round_, RoundAction.START_SCORING, user)
    return round_


def score(
    entry: SheetEntry,
    user,
    points=None,
    reason: str = "",
    missing: int | None = None,
    vetoed: bool | None = None,
    veto_reason: str = "",
) -> SheetEntry:
    """The inspector scores one entry.

    - Veto item: `vetoed` (a reason required to veto).
    - Deduction item: `missing`, the number of missing things (the points follow, floored at zero); or
      `points` directly.
    - Automatic item: `points` differing from the computed points only with a `reason`, kept beside the
      computed value; None goes back to the computed points.
    - Manual item: `points`; None clears the inspector's points.
    """
    sheet, item = entry.sheet, entry.item
    _require_township(user, sheet.round)
    if sheet.round.state not in SCORABLE:
        raise ValidationError(_("The round is published: reopen it to change a score."))
    reason = _reason(reason)
    with transaction.atomic():
        if item.kind == ItemKind.VETO:
            if vetoed is None:
                raise ValidationError(_("Say whether the veto applies."))
            veto_reason = _reason(veto_reason)
            if vetoed and not veto_reason:
                raise ValidationError(_("Give the reason for the veto."))
            entry.vetoed, entry.veto_reason = bool(vetoed), veto_reason if vetoed else ""
        elif vetoed is not None:
            raise ValidationError(_("Only a veto item can be vetoed."))
        elif item.method == Method.DEDUCTION and missing is not None:
            if missing < 0:
                raise ValidationError(_("The number missing cannot be negative."))
            entry.missing_count = missing
            entry.inspector_points = scoring.deduct(item.max_points, item.points_per_missing, missing)
            entry.adjust_reason = reason
        elif item.method == Method.AUTOMATIC:
            if points is None:
                entry.inspector_points, entry.adjust_reason = None, ""
            else:
                value = _as_decimal(points)
                _check(value, item)
                if value != entry.computed_points and not reason:
                    raise ValidationError(
                        _("Give the reason for changing the points computed from the records.")
                    )
                # The computed points given back unchanged are no adjustment: the item keeps following
                # the records, so a later refresh still counts.
                adjusted = value != entry.computed_points
                entry.inspector_points = value if adjusted else None
                entry.adjust_reason = reason if adjusted else ""
        else:
            if points is None:
                entry.inspector_points = None
            else:
                entry.inspector_points = _as_decimal(points)
                _check(entry.inspector_points, item)
            if item.method == Method.DEDUCTION:
                entry.missing_count = None
            entry.adjust_reason = reason
        entry.full_clean()
        entry.save()
        sheet.scored_at, sheet.scored_by = timezone.now(), user
        sheet.save(update_fields=["scored_at", "scored_by"])
    return entry


def lines(entries: Iterable[SheetEntry]) -> list[scoring.Line]:
    return [
        scoring.Line(
            kind=entry.item.kind,
            group=entry.item.group,
            max_points=entry.item.max_points,
            points=entry.effective_points,
            vetoed=entry.vetoed,
        )
        for entry in entries
    ]


def sheet_total(sheet: Sheet) -> scoring.Total:
    """The sheet's totals from the points that count (see the module's docstring)."""
    template = sheet.round.template
    # A page that shows many sheets prefetches their entries with the items (round_detail).
    prefetched = getattr(sheet, "_prefetched_objects_cache", {})
    entries = prefetched["entries"] if "entries" in prefetched else sheet.entries.select_related("item")
    return scoring.add_up(lines(entries), template.bonus_cap, template.bands)


# --- Publishing, objections, locking -------------------------------------------------------------------


def publish(round_: AssessmentRound, user, today: datetime.date | None = None) -> AssessmentRound:
    """Store every sheet's totals, grade and rank and start the notice period; refused while any sheet has
    unscored items."""
    _require_township(user, round_)
    today = today or timezone.localdate()
    with transaction.atomic():
        current = AssessmentRound.objects.select_for_update().get(pk=round_.pk)
        if current.state not in SCORABLE:
            raise ValidationError(_("The round is already published."))
        sheets = list(current.sheets.select_related("office"))
        if not sheets:
            raise ValidationError(_("The round has no score sheets."))
        totals = {sheet.pk: sheet_total(sheet) for sheet in sheets}
        incomplete = [
            _("%(office)s (%(count)s items)") % {"office": sheet.office, "count": totals[sheet.pk].unscored}
            for sheet in sheets
            if not totals[sheet.pk].complete
        ]
        if incomplete:
            raise ValidationError(
                _("Some sheets still have unscored items: %(sheets)s.") % {"sheets": "、".join(incomplete)}
            )
        ranks = scoring.rank(totals)
        for sheet in sheets:
            total = totals[sheet.pk]
            sheet.total, sheet.base, sheet.bonus = total.total, total.base, total.bonus
            sheet.grade, sheet.rank = total.grade, ranks[sheet.pk]
            sheet.save()
        current.state, current.published_on, current.locked_at = RoundState.NOTICE, today, None
        current.save()
        _event(current, RoundAction.PUBLISH, user)
    round_.refresh_from_db()
    return round_


def in_notice_period(round_: AssessmentRound, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        round_.state == RoundState.NOTICE
        and round_.published_on is not None
        and round_.published_on <= today <= round_.notice_ends_on
    )


def lodge_objection(sheet: Sheet, user, reason: str, today: datetime.date | None = None) -> Objection:
    """The office's secretary objects to its published sheet, within the notice period."""
    if not is_own_office_secretary(user, sheet):
        raise PermissionDenied
    if not in_notice_period(sheet.round, today):
        raise ValidationError(_("Objections can only be lodged during the notice period."))
    reason = _reason(reason)
    if not reason:
        raise ValidationError(_("Give the reason for the objection."))
    with transaction.atomic():
        Sheet.objects.select_for_update().get(pk=sheet.pk)  # two submits at once make one objection
        if sheet.objections.filter(answered_at__isnull=True).exists():
            raise ValidationError(_("An objection of this office is waiting for its answer."))
        return Objection.objects.create(sheet=sheet, lodged_by=user, reason=reason)


def answer_objection(objection: Objection, user, answer: str) -> Objection:
    """The township answers an objection."""
    _require_township(user, objection.sheet.round)
    answer = _reason(answer)
    if not answer:
        raise ValidationError(_("Write the answer to the objection."))
    if objection.sheet.round.state == RoundState.LOCKED:
        raise ValidationError(_("The round is locked."))
    with transaction.atomic():
        objection.answer, objection.answered_by, objection.answered_at = answer, user, timezone.now()
        objection.save()
    return objection


def lock(round_: AssessmentRound, user, today: datetime.date | None = None) -> AssessmentRound:
    """Lock the round once its notice period is over and every objection is answered."""
    _require_township(user, round_)
    today = today or timezone.localdate()
    with transaction.atomic():
        current = AssessmentRound.objects.select_for_update().get(pk=round_.pk)
        if current.state != RoundState.NOTICE:
            raise ValidationError(_("Only a published round can be locked."))
        if today <= current.notice_ends_on:
            raise ValidationError(
                _("The notice period runs until %(day)s.") % {"day": current.notice_ends_on.isoformat()}
            )
        open_objections = Objection.objects.filter(sheet__round=current, answered_at__isnull=True).count()
        if open_objections:
            raise ValidationError(
                _("%(count)s objections are not answered yet.") % {"count": open_objections}
            )
        current.state, current.locked_at = RoundState.LOCKED, timezone.now()
        current.save()
        _event(current, RoundAction.LOCK, user)
    round_.refresh_from_db()
    return round_


def reopen(round_: AssessmentRound, user, reason: str) -> AssessmentRound:
    """Take a published or locked round back to scoring, with a reason; the stored totals are cleared
    (their history keeps them) until it is published again."""
    _require_township(user, round_)
    reason = _reason(reason)
    if not reason:
        raise ValidationError(_("Give the reason for reopening the round."))
    with transaction.atomic():
        current = AssessmentRound.objects.select_for_update().get(pk=round_.pk)
        if current.state not in PUBLISHED:
            raise ValidationError(_("Only a published or locked round can be reopened."))
        for sheet in current.sheets.all():
            sheet.total = sheet.base = sheet.bonus = sheet.rank = None
            sheet.grade = ""
            sheet.save()
        current.state, current.published_on, current.locked_at = RoundState.SCORING, None, None
        current.save()
        _event(current, RoundAction.REOPEN, user, reason)
    round_.refresh_from_db()
    return round_


# --- Across years --------------------------------------------------------------------------------------


def year_on_year(office: Office, years: Iterable[int], user=None) -> dict[int, tuple | None]:
    """{year: (total, grade, rank)} of the office's published sheets; None for a year without one. With
    `user`, only sheets he may view."""
    years = list(years)
    sheets = Sheet.objects.filter(office=office, round__year__in=years, round__state__in=PUBLISHED)
    if user is not None:
        sheets = sheets.for_user(user)
    found = {
        sheet.round.year: (sheet.total, sheet.grade, sheet.rank) for sheet in sheets.select_related("round")
    }
    return {year: found.get(year) for year in years}
