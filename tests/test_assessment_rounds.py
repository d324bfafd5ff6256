"""The assessment round (issue 7, "The round"): opening sheets for the right offices, automatic items
computed from the records, the office's self-assessment, the inspector's scores (adjustments with a reason,
deductions, vetoes), publishing with grades and ranks, objections in the notice period, locking, reopening,
and an office's results year on year."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments import rounds
from assessments.indicators import FiveGoods
from assessments.models import (
    AssessmentRound,
    Method,
    RoundAction,
    RoundState,
    ScoringTemplate,
    SheetEntry,
    TemplateItem,
)
from assessments.scoring import Grade, ItemKind
from branches.choices import BranchKind
from branches.models import Branch
from communities.models import Community, Office

D = datetime.date
TODAY = D(2026, 7, 20)


def make_template(township, year=2026) -> ScoringTemplate:
    template = ScoringTemplate.objects.create(township=township, year=year, bonus_cap=Decimal("5"))
    items = [
        dict(
            kind=ItemKind.SCORED,
            group=FiveGoods.MECHANISMS,
            order=1,
            title="子支部设置",
            max_points=Decimal("6"),
            method=Method.AUTOMATIC,
            indicator="sub_branches",
            rule={"kind": "linear"},
        ),
        dict(
            kind=ItemKind.SCORED,
            group=FiveGoods.LEADERSHIP,
            order=2,
            title="班子团结",
            max_points=Decimal("40"),
            method=Method.MANUAL,
        ),
        dict(
            kind=ItemKind.SCORED,
            group=FiveGoods.MEMBERS,
            order=3,
            title="档案资料",
            max_points=Decimal("54"),
            method=Method.DEDUCTION,
            points_per_missing=Decimal("10"),
        ),
        dict(kind=ItemKind.BONUS, order=4, title="创新加分", max_points=Decimal("5"), method=Method.MANUAL),
        dict(kind=ItemKind.VETO, order=5, title="发生严重违纪", max_points=Decimal("0")),
    ]
    for fields in items:
        item = TemplateItem(template=template, **fields)
        item.full_clean()
        item.save()
    return template


@pytest.fixture
def setup(world, party):
    # One of the three sub-branch kinds is in place: the automatic item computes 1/3 of 6 points.
    Branch.objects.create(
        office=world.office,
        community=world.community,
        parent=party.general,
        kind=BranchKind.COMMUNITY_OFFICE,
        name="东关社区机关党支部",
    )
    return make_template(world.township)


def open_(world, template, **options):
    return rounds.open_round(
        world.township, template.year, template, world.users["township"], TODAY, **options
    )


def entry(sheet, method=None, kind=ItemKind.SCORED) -> SheetEntry:
    entries = sheet.entries.select_related("item", "sheet__round").filter(item__kind=kind)
    if method:
        entries = entries.filter(item__method=method)
    return entries.get()


def score_all(world, sheet, manual=30, missing=1, automatic=None, reason="现场核实"):
    """Score every item of the sheet; the automatic item only if `automatic` is given (with a reason)."""
    staff = world.users["township"]
    rounds.score(entry(sheet, Method.MANUAL), staff, points=manual)
    rounds.score(entry(sheet, Method.DEDUCTION), staff, missing=missing)
    if automatic is not None:
        rounds.score(entry(sheet, Method.AUTOMATIC), staff, points=automatic, reason=reason)


# --- Opening ---------------------------------------------------------------------------------------------


def test_open_creates_sheets_and_entries_for_offices_with_a_community(world, setup):
    round_ = open_(world, setup)
    assert (round_.opens_on, round_.closes_on) == (D(2026, 7, 1), D(2026, 7, 31))
    assert round_.state == RoundState.OPEN and round_.notice_days == 5
    sheets = list(round_.sheets.all())
    assert [sheet.office for sheet in sheets] == [world.office]  # other_office has no community
    assert sheets[0].entries.count() == 5
    assert list(round_.events.values_list("action", flat=True)) == [RoundAction.OPEN]
    with pytest.raises(ValidationError):
        open_(world, setup)  # one round per township and year


def test_open_includes_offices_without_a_community_when_asked(world, setup):
    round_ = open_(world, setup, include_offices_without_community=True)
    assert {sheet.office for sheet in round_.sheets.all()} == {world.office, world.other_office}
    assert not round_.sheets.filter(office=world.far_office).exists()


def test_open_is_for_the_townships_staff_with_its_template_of_the_year(world, setup):
    for role in ("office", "village", "county", "other_township"):
        with pytest.raises(PermissionDenied):
            rounds.open_round(world.township, 2026, setup, world.users[role], TODAY)
    other_year = make_template(world.township, 2025)
    with pytest.raises(ValidationError):
        rounds.open_round(world.township, 2026, other_year, world.users["township"], TODAY)
    assert not AssessmentRound.objects.exists()


def test_automatic_items_are_computed_from_the_records(world, setup):
    round_ = open_(world, setup, include_offices_without_community=True)
    computed = entry(round_.sheets.get(office=world.office), Method.AUTOMATIC)
    assert computed.computed_value == pytest.approx(0.3333)
    assert computed.computed_points == Decimal("2.00")
    assert computed.computed_note and computed.evidence_url
    assert computed.effective_points == Decimal("2.00")
    # Without a community the indicator does not apply: no points, the item waits for the inspector.
    not_applying = entry(round_.sheets.get(office=world.other_office), Method.AUTOMATIC)
    assert not_applying.computed_value is None and not_applying.computed_points is None
    assert not_applying.computed_note
    # Computed as of the closing day at the latest: a sub-branch founded after it does not count.
    Branch.objects.create(
        office=world.office,
        community=world.community,
        kind=BranchKind.VOLUNTEER_TEAM,
        name="东关志愿者党支部",
        founded_on=D(2026, 8, 1),
    )
    sheet = round_.sheets.get(office=world.office)
    assert rounds.refresh_computed(sheet, today=D(2026, 9, 1)) == 1
    assert entry(sheet, Method.AUTOMATIC).computed_points == Decimal("2.00")


# --- Self-assessment -------------------------------------------------------------------------------------


def test_self_assessment_by_the_own_office_on_manual_items_only(world, setup):
    round_ = open_(world, setup, include_offices_without_community=True)
    sheet = round_.sheets.get(office=world.office)
    manual = entry(sheet, Method.MANUAL)
    rounds.self_assess(manual, world.users["office"], Decimal("35"), "班子团结")
    manual.refresh_from_db()
    assert (manual.self_points, manual.self_note) == (Decimal("35.00"), "班子团结")
    assert manual.effective_points == Decimal("35.00")  # counts until the inspector scores
    for role in ("other_office", "village", "county", "other_township"):
        with pytest.raises(PermissionDenied):
            rounds.self_assess(manual, world.users[role], Decimal("40"))
    with pytest.raises(ValidationError):
        rounds.self_assess(entry(sheet, Method.AUTOMATIC), world.users["office"], Decimal("6"))
    with pytest.raises(ValidationError):
        rounds.self_assess(manual, world.users["office"], Decimal("41"))
    rounds.self_assess(entry(sheet, Method.DEDUCTION), world.users["office"], Decimal("54"))
    # The township may enter it for the office.
    rounds.self_assess(manual, world.users["township"], Decimal("38"))
    # The other office's secretary assesses his own sheet.
    rounds.self_assess(
        entry(round_.sheets.get(office=world.other_office), Method.MANUAL), world.users["other_office"], 30
    )

    rounds.submit_self(sheet, world.users["office"])
    sheet.refresh_from_db()
    assert sheet.self_submitted_by == world.users["office"] and sheet.self_submitted_at
    with pytest.raises(ValidationError):  # the deduction item has no self-assessment yet
        rounds.submit_self(round_.sheets.get(office=world.other_office), world.users["other_office"])

    rounds.start_scoring(round_, world.users["township"])
    manual.refresh_from_db()
    with pytest.raises(ValidationError):
        rounds.self_assess(manual, world.users["office"], Decimal("40"))


# --- Scoring ---------------------------------------------------------------------------------------------


def test_an_automatic_score_changes_only_with_a_reason_kept_beside_the_computed_value(world, setup):
    round_ = open_(world, setup)
    sheet = round_.sheets.get()
    automatic = entry(sheet, Method.AUTOMATIC)
    with pytest.raises(ValidationError):
        rounds.score(automatic, world.users["township"], points=Decimal("5"))
    with pytest.raises(PermissionDenied):
        rounds.score(automatic, world.users["office"], points=Decimal("5"), reason="自评")
    rounds.score(automatic, world.users["township"], points=Decimal("5"), reason="机关支部已报批待成立")
    automatic.refresh_from_db()
    assert automatic.computed_points == Decimal("2.00")
    assert automatic.inspector_points == Decimal("5.00")
    assert automatic.adjust_reason == "机关支部已报批待成立"
    assert automatic.adjusted and automatic.effective_points == Decimal("5.00")
    sheet.refresh_from_db()
    assert sheet.scored_by == world.users["township"]
    # Confirming the computed points needs no reason; None goes back to the computed value.
    rounds.score(automatic, world.users["township"], points=Decimal("2"))
    automatic.refresh_from_db()
    assert not automatic.adjusted and automatic.adjust_reason == ""
    rounds.score(automatic, world.users["township"], points=None)
    automatic.refresh_from_db()
    assert automatic.inspector_points is None and automatic.effective_points == Decimal("2.00")
    with pytest.raises(ValidationError):
        rounds.score(automatic, world.users["township"], points=Decimal("7"), reason="超出")


def test_deduction_items_are_floored_at_zero(world, setup):
    sheet = open_(world, setup).sheets.get()
    deduction = entry(sheet, Method.DEDUCTION)
    rounds.score(deduction, world.users["township"], missing=3)
    deduction.refresh_from_db()
    assert (deduction.missing_count, deduction.inspector_points) == (3, Decimal("24.00"))
    rounds.score(deduction, world.users["township"], missing=9)
    deduction.refresh_from_db()
    assert (deduction.missing_count, deduction.inspector_points) == (9, Decimal("0.00"))


def test_a_veto_needs_a_reason_and_makes_a_high_score_poor(world, setup):
    round_ = open_(world, setup)
    sheet = round_.sheets.get()
    score_all(world, sheet, manual=40, missing=0, automatic=6)
    rounds.score(entry(sheet, kind=ItemKind.BONUS), world.users["township"], points=5)
    total = rounds.sheet_total(sheet)
    assert (total.total, total.grade) == (Decimal("105.00"), Grade.GOOD)
    veto = entry(sheet, kind=ItemKind.VETO)
    with pytest.raises(ValidationError):
        rounds.score(veto, world.users["township"], vetoed=True)
    with pytest.raises(ValidationError):
        rounds.score(entry(sheet, Method.MANUAL), world.users["township"], vetoed=True, veto_reason="x")
    rounds.score(veto, world.users["township"], vetoed=True, veto_reason="村干部严重违纪")
    total = rounds.sheet_total(sheet)
    assert total.vetoed and total.total == Decimal("105.00") and total.grade == Grade.POOR
    rounds.publish(round_, world.users["township"], TODAY)
    sheet.refresh_from_db()
    assert (sheet.total, sheet.grade, sheet.rank) == (Decimal("105.00"), Grade.POOR, 1)


# --- Publishing ------------------------------------------------------------------------------------------


@pytest.fixture
def three(world, setup):
    """A round of three offices: world.office, other_office (no community) and 北站 (a community)."""
    north = Office.objects.create(township=world.township, name="北站办事处", sort_order=3)
    Community.objects.create(office=north, name="北站社区")
    round_ = open_(world, setup, include_offices_without_community=True)
    return round_, north


def test_publish_refuses_unscored_sheets_then_grades_and_ranks_with_ties(world, three):
    round_, north = three
    staff = world.users["township"]
    east = round_.sheets.get(office=world.office)
    west = round_.sheets.get(office=world.other_office)
    north_sheet = round_.sheets.get(office=north)
    score_all(world, east, manual=40, missing=1)  # 2 + 40 + 44 = 86
    with pytest.raises(ValidationError, match="西营办事处"):
        rounds.publish(round_, staff, TODAY)
    with pytest.raises(PermissionDenied):
        rounds.publish(round_, world.users["office"], TODAY)
    score_all(world, west, manual=40, missing=1, automatic=2)  # 86, a tie
    score_all(world, north_sheet, manual=20, missing=2, automatic=1)  # 1 + 20 + 34 = 55
    round_.refresh_from_db()
    assert round_.state == RoundState.OPEN
    rounds.publish(round_, staff, TODAY)
    round_.refresh_from_db()
    assert (round_.state, round_.published_on) == (RoundState.NOTICE, TODAY)
    results = {sheet.office_id: (sheet.total, sheet.grade, sheet.rank) for sheet in round_.sheets.all()}
    assert results == {
        world.office.pk: (Decimal("86.00"), Grade.FAIRLY_GOOD, 1),
        world.other_office.pk: (Decimal("86.00"), Grade.FAIRLY_GOOD, 1),
        north.pk: (Decimal("55.00"), Grade.POOR, 3),
    }
    assert round_.events.filter(action=RoundAction.PUBLISH, actor=staff).exists()
    with pytest.raises(ValidationError):  # no changes once published
        rounds.score(entry(east, Method.MANUAL), staff, points=10)
    with pytest.raises(ValidationError):
        rounds.publish(round_, staff, TODAY)


@pytest.fixture
def published(world, setup):
    round_ = open_(world, setup, include_offices_without_community=True)
    score_all(world, round_.sheets.get(office=world.office))
    score_all(world, round_.sheets.get(office=world.other_office), automatic=3)
    return rounds.publish(round_, world.users["township"], TODAY)


def test_objections_only_by_the_office_and_only_in_the_notice_period(world, published):
    sheet = published.sheets.get(office=world.office)
    for role in ("other_office", "township", "village", "county"):
        with pytest.raises(PermissionDenied):
            rounds.lodge_objection(sheet, world.users[role], "分数有误", TODAY)
    with pytest.raises(ValidationError):
        rounds.lodge_objection(sheet, world.users["office"], "  ", TODAY)
    with pytest.raises(ValidationError):
        rounds.lodge_objection(sheet, world.users["office"], "分数有误", TODAY - datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        rounds.lodge_objection(sheet, world.users["office"], "分数有误", TODAY + datetime.timedelta(days=5))
    objection = rounds.lodge_objection(  # five days' notice: the day of publishing and four more
        sheet, world.users["office"], "档案已补齐", TODAY + datetime.timedelta(days=4)
    )
    with pytest.raises(ValidationError):  # one objection at a time: a double submit makes one
        rounds.lodge_objection(sheet, world.users["office"], "档案已补齐", TODAY + datetime.timedelta(days=4))
    assert (objection.sheet, objection.lodged_by, objection.answered) == (sheet, world.users["office"], False)


def test_objections_before_publishing_are_refused(world, setup):
    sheet = open_(world, setup).sheets.get()
    with pytest.raises(ValidationError):
        rounds.lodge_objection(sheet, world.users["office"], "分数有误", TODAY)


def test_lock_only_after_the_notice_period_with_every_objection_answered(world, published):
    staff = world.users["township"]
    sheet = published.sheets.get(office=world.office)
    objection = rounds.lodge_objection(sheet, world.users["office"], "档案已补齐", TODAY)
    after = TODAY + datetime.timedelta(days=5)
    with pytest.raises(ValidationError):
        rounds.lock(published, staff, TODAY + datetime.timedelta(days=4))
    with pytest.raises(ValidationError, match="1"):
        rounds.lock(published, staff, after)
    with pytest.raises(PermissionDenied):
        rounds.answer_objection(objection, world.users["office"], "自己答复")
    with pytest.raises(ValidationError):
        rounds.answer_objection(objection, staff, "")
    rounds.answer_objection(objection, staff, "经复核，维持原评分")
    objection.refresh_from_db()
    assert objection.answered and objection.answered_by == staff
    with pytest.raises(PermissionDenied):
        rounds.lock(published, world.users["office"], after)
    rounds.lock(published, staff, after)
    published.refresh_from_db()
    assert published.state == RoundState.LOCKED and published.locked_at
    with pytest.raises(ValidationError):
        rounds.lodge_objection(sheet, world.users["office"], "再议", TODAY)


def test_reopen_needs_a_reason_and_is_recorded(world, published):
    staff = world.users["township"]
    with pytest.raises(ValidationError):
        rounds.reopen(published, staff, " ")
    with pytest.raises(PermissionDenied):
        rounds.reopen(published, world.users["office"], "重新评分")
    rounds.reopen(published, staff, "西营办事处评分录入错误")
    published.refresh_from_db()
    assert (published.state, published.published_on) == (RoundState.SCORING, None)
    event = published.events.get(action=RoundAction.REOPEN)
    assert (event.actor, event.reason) == (staff, "西营办事处评分录入错误")
    sheet = published.sheets.get(office=world.other_office)
    assert sheet.total is None and sheet.rank is None
    rounds.score(entry(sheet, Method.MANUAL), staff, points=35)  # scoring again
    with pytest.raises(ValidationError):
        rounds.reopen(published, staff, "again")  # not published


def test_year_on_year_from_published_sheets(world, setup):
    staff = world.users["township"]
    earlier = make_template(world.township, 2025)
    round_2025 = rounds.open_round(world.township, 2025, earlier, staff, D(2025, 7, 20))
    score_all(world, round_2025.sheets.get(), manual=20, missing=2)
    rounds.publish(round_2025, staff, D(2025, 7, 25))
    round_2026 = open_(world, setup)
    score_all(world, round_2026.sheets.get(), manual=40, missing=0)
    assert rounds.year_on_year(world.office, [2024, 2025, 2026]) == {
        2024: None,
        2025: (Decimal("56.00"), Grade.POOR, 1),
        2026: None,  # not published yet
    }
    rounds.publish(round_2026, staff, TODAY)
    history = rounds.year_on_year(world.office, [2025, 2026], user=world.users["office"])
    assert history[2026] == (Decimal("96.00"), Grade.GOOD, 1)
    assert rounds.year_on_year(world.office, [2025, 2026], user=world.users["other_office"]) == {
        2025: None,
        2026: None,
    }


def test_refresh_recomputes_every_sheet_until_published(world, published):
    staff = world.users["township"]
    with pytest.raises(ValidationError):
        rounds.refresh_round(published, staff, TODAY)
    rounds.reopen(published, staff, "补录子支部")
    Branch.objects.create(
        office=world.office,
        community=world.community,
        kind=BranchKind.VOLUNTEER_TEAM,
        name="东关志愿者党支部",
    )
    with pytest.raises(PermissionDenied):
        rounds.refresh_round(published, world.users["office"], TODAY)
    assert rounds.refresh_round(published, staff, TODAY) == 2
    east = published.sheets.get(office=world.office)
    assert entry(east, Method.AUTOMATIC).computed_points == Decimal("4.00")


def test_giving_back_the_computed_points_is_no_adjustment_so_a_refresh_still_counts(world, setup):
    sheet = open_(world, setup).sheets.get()
    automatic = entry(sheet, Method.AUTOMATIC)
    SheetEntry.objects.filter(pk=automatic.pk).update(computed_points=Decimal("3"))
    automatic.refresh_from_db()
    rounds.score(automatic, world.users["township"], points=Decimal("3"))  # the form's prefilled value
    automatic.refresh_from_db()
    assert automatic.inspector_points is None and automatic.adjust_reason == ""
    SheetEntry.objects.filter(pk=automatic.pk).update(computed_points=Decimal("1.5"))  # a refresh
    automatic.refresh_from_db()
    assert automatic.effective_points == Decimal("1.5")  # it follows the records again
