"""The score sheet's arithmetic: deductions floored at zero, bonus capped, veto overriding a high score,
grade bands at their edges, and ranking with ties."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.scoring import (
    Bands,
    Grade,
    ItemKind,
    Line,
    Total,
    add_up,
    check_points,
    deduct,
    grade_for,
    rank,
)

D = Decimal


def scored(group: str, most: str, got: str | None) -> Line:
    return Line(ItemKind.SCORED, group, D(most), None if got is None else D(got))


def test_a_sheet_adds_up_by_group_with_the_bonus_capped():
    lines = [
        scored("leadership", "20", "18"),
        scored("leadership", "10", "10"),
        scored("members", "20", "15.5"),
        scored("mechanisms", "50", "40"),
        Line(ItemKind.BONUS, "", D("3"), D("3")),
        Line(ItemKind.BONUS, "", D("4"), D("4")),
    ]
    total = add_up(lines, bonus_cap=D("5"))
    assert total.groups == {
        "leadership": (D("28.00"), D("30.00")),
        "members": (D("15.50"), D("20.00")),
        "mechanisms": (D("40.00"), D("50.00")),
    }
    assert total.base == D("83.50") and total.bonus_claimed == D("7.00") and total.bonus == D("5.00")
    assert total.total == D("88.50") and total.grade == Grade.FAIRLY_GOOD and total.complete


def test_a_veto_makes_a_high_score_poor():
    lines = [scored("results", "100", "98"), Line(ItemKind.VETO, "", D("0"), vetoed=True)]
    total = add_up(lines, bonus_cap=D("5"))
    assert total.total == D("98.00") and total.vetoed and total.grade == Grade.POOR
    assert add_up([*lines[:1], Line(ItemKind.VETO, "", D("0"))], D("5")).grade == Grade.GOOD


def test_unscored_items_count_as_nothing_and_leave_the_sheet_incomplete():
    total = add_up([scored("members", "40", "40"), scored("members", "60", None)], D("0"))
    assert total.total == D("40.00") and total.unscored == 1 and not total.complete


@pytest.mark.parametrize(
    ("points", "grade"),
    [("100", Grade.GOOD), ("90", Grade.GOOD), ("89.99", Grade.FAIRLY_GOOD), ("80", Grade.FAIRLY_GOOD),
     ("79.99", Grade.AVERAGE), ("60", Grade.AVERAGE), ("59.99", Grade.POOR), ("0", Grade.POOR)],
)  # fmt: skip
def test_the_default_grade_bands_at_their_edges(points, grade):
    assert grade_for(D(points), Bands()) == grade


def test_bands_are_configurable_and_checked():
    strict = Bands(good=D("95"), fairly_good=D("85"), average=D("70"))
    assert grade_for(D("92"), strict) == Grade.FAIRLY_GOOD
    assert strict.errors() == []
    assert Bands(good=D("80"), fairly_good=D("85"), average=D("60")).errors()
    assert Bands(good=D("101")).errors()


def test_deductions_are_floored_at_zero():
    assert deduct(D("10"), D("2"), 3) == D("4.00")
    assert deduct(D("10"), D("2"), 7) == D("0.00")
    with pytest.raises(ValueError):
        deduct(D("10"), D("2"), -1)


def test_points_outside_the_item_are_refused_with_the_maximum_named():
    assert check_points(D("5"), D("5")) == "" and check_points(D("0"), D("5")) == ""
    assert "5.00" in check_points(D("5.5"), D("5")) and check_points(D("-1"), D("5"))


def test_ranking_shares_places_and_puts_vetoed_sheets_last():
    totals = {
        1: Total(total=D("95")),
        2: Total(total=D("88")),
        3: Total(total=D("95")),
        4: Total(total=D("99"), vetoed=True),
        5: Total(total=D("70")),
    }
    assert rank(totals) == {1: 1, 3: 1, 2: 3, 5: 4, 4: 5}


points = st.decimals(min_value=0, max_value=100, places=2)


@given(
    st.lists(st.tuples(points, points), max_size=12),
    st.lists(points, max_size=5),
    st.decimals(min_value=0, max_value=20, places=1),
    st.booleans(),
)
def test_a_total_never_exceeds_the_maximum_plus_the_cap_and_a_veto_always_means_poor(
    items, bonuses, cap, veto
):
    lines = [scored("g", str(max(a, b)), str(min(a, b))) for a, b in items]
    lines += [Line(ItemKind.BONUS, "", D("100"), bonus) for bonus in bonuses]
    lines.append(Line(ItemKind.VETO, "", D("0"), vetoed=veto))
    total = add_up(lines, cap)
    most = sum((line.max_points for line in lines if line.kind == ItemKind.SCORED), D("0"))
    assert D("0") <= total.base <= most
    assert total.bonus <= cap and total.bonus <= total.bonus_claimed
    assert total.total == total.base + total.bonus
    assert (total.grade == Grade.POOR) if veto else True
