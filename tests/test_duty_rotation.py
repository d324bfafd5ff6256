"""The duty rotation (R6, R7): property tests over random posts, holidays and leave, and the real 2026
calendar. Plain functions, no database."""

import datetime
import itertools
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from duty_roster.calendar import CalendarUnknown, DayInfo, day_info
from duty_roster.rotation import Policy, RotationState, assign, duty_days

START = datetime.date(2026, 3, 2)  # a Monday


def calendar_with(holidays: set[datetime.date]):
    def info(day: datetime.date) -> DayInfo:
        holiday = day in holidays
        return DayInfo(day, working=day.weekday() < 5 and not holiday, holiday=holiday, adjusted=False)

    return info


holiday_sets = st.sets(st.integers(min_value=0, max_value=120), max_size=15).map(
    lambda offsets: {START + datetime.timedelta(days=o) for o in offsets}
)


def months_of(days):
    by_month: dict[tuple[int, int], list] = {}
    for day in days:
        by_month.setdefault((day.year, day.month), []).append(day)
    return by_month


@settings(max_examples=150, deadline=None)
@given(members=st.integers(min_value=1, max_value=9), holidays=holiday_sets, weeks=st.integers(4, 17))
def test_without_leave_counts_stay_within_one_in_every_month_and_nobody_serves_twice_running(
    members, holidays, weeks
):
    info = calendar_with(holidays)
    days = duty_days(START, START + datetime.timedelta(weeks=weeks), Policy(), info)
    rotation = [d.day for d in days if not d.concentrated]
    order = list(range(1, members + 1))
    state = RotationState()
    chosen: dict[datetime.date, int | None] = {}
    for month_days in months_of(rotation).values():  # month by month, the state carried over
        result, state = assign(month_days, order, state)
        chosen.update(result)
        counts = Counter(result.values())
        if len(month_days) >= members:
            assert max(counts.values()) - min(counts[m] for m in order) <= 1
    assert all(not info(day).holiday for day in chosen)  # no duty on a holiday
    if members > 2:
        ordered = [chosen[day] for day in sorted(chosen)]
        assert all(a != b for a, b in itertools.pairwise(ordered))
    assert sum(state.served.values()) == len(rotation)  # the pointer moved once per duty day, no more


@settings(max_examples=150, deadline=None)
@given(
    members=st.integers(min_value=3, max_value=8),
    leave_start=st.integers(0, 40),
    leave_length=st.integers(1, 20),
    holidays=holiday_sets,
)
def test_leave_skips_the_person_and_gives_his_turns_back_until_the_counts_are_level(
    members, leave_start, leave_length, holidays
):
    info = calendar_with(holidays)
    days = [
        d.day
        for d in duty_days(START, START + datetime.timedelta(weeks=16), Policy(), info)
        if not d.concentrated
    ]
    order = list(range(1, members + 1))
    away = {START + datetime.timedelta(days=leave_start + i) for i in range(leave_length)}
    result, state = assign(days, order, RotationState(), {1: away})
    assert all(result[day] != 1 for day in days if day in away)
    assert all(result[day] is not None for day in days)
    ordered = [result[day] for day in days]
    assert all(a != b for a, b in itertools.pairwise(ordered))
    # By the end of the period, the running counts are level again.
    assert max(state.served.values()) - min(state.served.values()) <= 1


def test_leave_turns_come_back_at_his_first_chances():
    days = [START + datetime.timedelta(days=i) for i in range(20)]
    result, _ = assign(days, [1, 2, 3, 4], RotationState(), {1: set(days[:8])})
    after = [result[day] for day in days[8:]]
    assert after[:4].count(1) == 2  # back at once, every other day (never twice running)


def test_the_pointer_carries_from_one_month_to_the_next():
    order = [1, 2, 3]
    first, state = assign([datetime.date(2026, 3, 30), datetime.date(2026, 3, 31)], order, RotationState())
    second, _ = assign([datetime.date(2026, 4, 1)], order, state)
    assert list(first.values()) == [1, 2] and list(second.values()) == [3]


def test_a_new_member_starts_level_with_the_fewest():
    state = RotationState({1: 10, 2: 10, 3: 9}, last=2)
    result, _ = assign([START + datetime.timedelta(days=i) for i in range(4)], [1, 2, 3, 4], state)
    assert list(result.values()) == [3, 4, 1, 2]


# --- The real 2026 calendar --------------------------------------------------------------------------------


def test_2026_spring_festival_national_day_and_adjusted_days_for_a_five_member_post():
    days = duty_days(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), Policy(), day_info)
    by_day = {d.day: d for d in days}
    assert datetime.date(2026, 2, 17) not in by_day  # Spring Festival (a Tuesday)
    assert datetime.date(2026, 10, 1) not in by_day  # National Day (a Thursday)
    assert datetime.date(2026, 10, 3) not in by_day  # a Saturday within the holiday
    assert not by_day[datetime.date(2026, 10, 10)].concentrated  # adjusted working Saturday: rotation
    assert datetime.date(2026, 9, 20) in by_day  # adjusted working Sunday: rotation
    assert datetime.date(2026, 10, 5) not in by_day  # a holiday Monday…
    assert by_day[datetime.date(2026, 10, 8)].concentrated  # …moves the concentrated office to Thursday
    assert all(not d.info.holiday for d in days)
    rotation = [d.day for d in days if not d.concentrated]
    result, state = assign(rotation, [1, 2, 3, 4, 5], RotationState())
    for month_days in months_of(rotation).values():
        counts = Counter(result[day] for day in month_days)
        assert max(counts.values()) - min(counts.values()) <= 1
    assert sum(state.served.values()) == len(rotation)


def test_sunday_adjusted_days_can_be_left_out_by_policy():
    days = duty_days(
        datetime.date(2026, 9, 14),
        datetime.date(2026, 9, 20),
        Policy(adjusted_sunday_is_rotation=False),
        day_info,
    )
    assert datetime.date(2026, 9, 20) not in {d.day for d in days}


def test_a_2027_date_without_data_is_a_clear_error():
    with pytest.raises(CalendarUnknown) as error:
        day_info(datetime.date(2027, 3, 1))
    assert "2027" in error.value.messages[0]
    assert isinstance(error.value, ValidationError)


def test_the_townships_entries_make_a_year_known():
    entries = {datetime.date(2027, 1, 1): (False, "元旦")}
    assert day_info(datetime.date(2027, 1, 1), entries).holiday
    assert day_info(datetime.date(2027, 3, 1), entries).working  # an ordinary Monday of a known year
