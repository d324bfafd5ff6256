"""The demo township's July assessment (issue 7): last year's round run through to the end — self-assessed,
scored, published with grades and ranks, one objection answered, locked; this year's round being scored
with most sheets handed in; idempotent and removable."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from assessments import rounds
from assessments.demo import assessment_year
from assessments.demo import reset as reset_assessments
from assessments.models import (
    AssessmentRound,
    Inspection,
    Method,
    Objection,
    Rectification,
    RoundAction,
    RoundEvent,
    RoundState,
    ScoringTemplate,
    Sheet,
    SheetEntry,
    TemplateItem,
)
from assessments.scoring import Grade, ItemKind
from communities.models import Office, Township

DEMO_MODELS = [
    ScoringTemplate,
    TemplateItem,
    AssessmentRound,
    Sheet,
    SheetEntry,
    Objection,
    RoundEvent,
    Inspection,
    Rectification,
]


def load(*args) -> None:
    call_command("load_demo", *args, stdout=io.StringIO())


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in DEMO_MODELS}


@pytest.fixture
def demo(db):
    load()
    return Township.objects.get(name="青石镇")


def test_the_assessment_year_is_the_last_july_that_has_begun():
    assert assessment_year(datetime.date(2026, 6, 30)) == 2025
    assert assessment_year(datetime.date(2026, 7, 1)) == 2026
    assert assessment_year(datetime.date(2026, 11, 26)) == 2026


def check_templates_for_both_years(demo, year):
    last = ScoringTemplate.objects.get(township=demo, year=year - 1)
    current = ScoringTemplate.objects.get(township=demo, year=year)
    assert last.items.count() == current.items.count() > 10
    assert list(last.items.values_list("title", flat=True)) == list(
        current.items.values_list("title", flat=True)
    )


def check_last_year_is_locked_with_ranks_and_grades(demo, year):
    round_ = AssessmentRound.objects.get(township=demo, year=year - 1)
    assert round_.state == RoundState.LOCKED
    assert round_.published_on == datetime.date(year - 1, 7, 25)
    assert round_.locked_at.date() == datetime.date(year - 1, 8, 1)
    sheets = list(round_.sheets.order_by("rank"))
    offices = Office.objects.filter(township=demo, community__isnull=False).count()
    assert len(sheets) == offices >= 3
    assert [sheet.rank for sheet in sheets] == list(range(1, len(sheets) + 1))
    assert all(sheet.grade in Grade.values and sheet.total is not None for sheet in sheets)
    assert len({sheet.grade for sheet in sheets}) >= 2
    totals = [sheet.total for sheet in sheets]
    assert totals == sorted(totals, reverse=True)
    for sheet in sheets:
        total = rounds.sheet_total(sheet)
        assert total.complete
        assert (total.total, total.grade) == (sheet.total, sheet.grade)
        assert not total.vetoed
        assert sheet.self_submitted_at.date() == datetime.date(year - 1, 7, 12)
        assert sheet.self_submitted_by.username.startswith("office")
        assert sheet.self_submitted_by.office_id == sheet.office_id
        assert sheet.scored_by.username == "township"
        assert sheet.scored_at.date() >= datetime.date(year - 1, 7, 16)
        assert sheet.scored_at.date() < round_.published_on
        # Every automatic item the records could not compute was scored with the inspector's reason.
        for entry in sheet.entries.filter(item__method=Method.AUTOMATIC).exclude(item__kind=ItemKind.VETO):
            assert entry.effective_points is not None
            if entry.computed_points is None:
                assert entry.adjust_reason == "按实地检查情况评分"
            elif entry.adjusted:
                assert entry.adjust_reason == "系统启用前记录未录入，按纸质台账和实地检查情况评分"
        assert not sheet.entries.filter(vetoed=True).exists()
    actions = list(round_.events.order_by("at", "pk").values_list("action", flat=True))
    assert actions == [RoundAction.OPEN, RoundAction.START_SCORING, RoundAction.PUBLISH, RoundAction.LOCK]
    assert all(event.at.year == year - 1 for event in round_.events.all())


def check_one_objection_answered(demo, year):
    objection = Objection.objects.get(sheet__round__township=demo)
    assert objection.sheet.round.year == year - 1
    assert objection.answered and objection.answer
    assert objection.answered_by.username == "township"
    assert objection.lodged_by.office_id == objection.sheet.office_id
    round_ = objection.sheet.round
    assert round_.published_on <= objection.lodged_at.date() <= round_.notice_ends_on


def check_this_year_is_being_scored(demo, year):
    round_ = AssessmentRound.objects.get(township=demo, year=year)
    assert round_.state == RoundState.SCORING
    sheets = list(round_.sheets.all())
    submitted = [sheet for sheet in sheets if sheet.self_submitted_at]
    assert 0 < len(submitted) < len(sheets)
    assert all(sheet.self_submitted_at.date() == datetime.date(year, 7, 10) for sheet in submitted)
    scored = [sheet for sheet in sheets if sheet.scored_at]
    assert 0 < len(scored) < len(sheets)
    assert all(sheet.scored_at.date() >= datetime.date(year, 7, 14) for sheet in scored)
    complete = [sheet for sheet in sheets if rounds.sheet_total(sheet).complete]
    assert 0 < len(complete) < len(sheets)  # not ready to publish yet
    assert all(sheet.total is None and sheet.rank is None for sheet in sheets)
    assert not Objection.objects.filter(sheet__round=round_).exists()


def test_the_demo_holds_last_years_locked_round_and_this_years_round_in_scoring(demo):
    """One load, many checks: building the demo takes seconds."""
    year = assessment_year(timezone.localdate())
    check_templates_for_both_years(demo, year)
    check_last_year_is_locked_with_ranks_and_grades(demo, year)
    check_one_objection_answered(demo, year)
    check_this_year_is_being_scored(demo, year)


def test_loading_twice_adds_nothing_and_reset_removes_the_rounds(demo):
    before = counts()
    assert all(before.values()), before
    load()
    assert counts() == before
    reset_assessments(demo)
    assert all(count == 0 for count in counts().values())
    load("--reset")
    assert counts() == before
