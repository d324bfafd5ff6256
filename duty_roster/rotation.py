"""The duty rotation (R6, R7) as plain functions: which days are duty days, and who is on duty.

Monday is the concentrated office (集中办公): everybody. Tuesday to Saturday one secretary is on duty
(轮流值班). Each rotation day goes to the available member who has served the fewest turns, ties broken
by the rotation order after the last one on duty, never the same person two duty days running when the
post has more than two members. Without leave this is plain round-robin, so counts stay within one; a
member on leave serves no turn and, having the fewest, gets his turns back at his first chances after.
The state (turns served, who served last) carries from month to month."""

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from duty_roster.calendar import DayInfo


@dataclass(frozen=True)
class Policy:
    concentrated_weekday: int = 0  # Monday
    rotation_weekdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})  # Tuesday to Saturday
    duty_on_holidays: bool = False  # a statutory holiday on a rotation weekday is no duty day
    adjusted_sunday_is_rotation: bool = True  # an adjusted working day on Sunday is a rotation day
    move_concentrated_day: bool = (
        True  # a holiday Monday moves the concentrated office to the next working day
    )


@dataclass(frozen=True)
class DutyDay:
    day: datetime.date
    concentrated: bool  # everybody, in the community office
    info: DayInfo


def duty_days(
    start: datetime.date, end: datetime.date, policy: Policy, info: Callable[[datetime.date], DayInfo]
) -> list[DutyDay]:
    """The duty days from `start` to `end` inclusive, in order, week by week."""
    days: list[DutyDay] = []
    monday = start - datetime.timedelta(days=start.weekday())
    while monday <= end:
        week = [monday + datetime.timedelta(days=offset) for offset in range(7)]
        concentrated: datetime.date | None = week[policy.concentrated_weekday]
        if not info(concentrated).working:
            later = week[policy.concentrated_weekday + 1 :] if policy.move_concentrated_day else []
            concentrated = next((day for day in later if info(day).working), None)
        for day in week:
            if not start <= day <= end:
                continue
            facts = info(day)
            if day == concentrated:
                days.append(DutyDay(day, True, facts))
            elif day.weekday() != policy.concentrated_weekday and _is_rotation_day(
                facts, day.weekday(), policy
            ):
                days.append(DutyDay(day, False, facts))
        monday += datetime.timedelta(days=7)
    return days


def _is_rotation_day(facts: DayInfo, weekday: int, policy: Policy) -> bool:
    if facts.holiday:
        return policy.duty_on_holidays and weekday in policy.rotation_weekdays
    if weekday == 6:
        return facts.adjusted and policy.adjusted_sunday_is_rotation
    return weekday in policy.rotation_weekdays


@dataclass
class RotationState:
    """Turns served by each member since the rotation began, and who served last."""

    served: dict[int, int] = field(default_factory=dict)
    last: int | None = None


def assign(
    days: Iterable[datetime.date],
    order: list[int],
    state: RotationState,
    unavailable: Mapping[int, set[datetime.date]] | None = None,
    fixed: Mapping[datetime.date, int] | None = None,
) -> tuple[dict[datetime.date, int | None], RotationState]:
    """Who is on duty on each rotation day, and the state after them. `order` is the rotation order of
    the members; `unavailable` their leave; `fixed` days already decided (kept, and counted)."""
    unavailable = unavailable or {}
    fixed = fixed or {}
    served = dict(state.served)
    if order:
        # A member new to the post starts level with the fewest, not owed every turn since the start.
        floor = min((served[m] for m in order if m in served), default=0)
        for member in order:
            served.setdefault(member, floor)
    last = state.last
    result: dict[datetime.date, int | None] = {}
    for day in sorted(days):
        if day in fixed:
            chosen = fixed[day]
        else:
            candidates = [m for m in order if day not in unavailable.get(m, set())]
            if len(candidates) > 2 and last in candidates:
                candidates.remove(last)  # nobody twice running when it can be avoided
            chosen = _pick(candidates, order, served, last) if candidates else None
        result[day] = chosen
        if chosen is not None:
            served[chosen] = served.get(chosen, 0) + 1
            last = chosen
    return result, RotationState(served, last)


def _pick(candidates: list[int], order: list[int], served: dict[int, int], last: int | None) -> int:
    start = order.index(last) + 1 if last in order else 0

    def after_last(member: int) -> int:
        return (order.index(member) - start) % len(order)

    return min(candidates, key=lambda m: (served.get(m, 0), after_last(m)))
