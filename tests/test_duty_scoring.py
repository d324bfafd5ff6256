"""Day outcomes and the monthly score (考核奖惩): every kind of event in one month of a three-member post,
with exact counts and points."""

import datetime
import zoneinfo

import pytest

from duty_roster.choices import ChangeKind, ChangeState, DayKind, Outcome
from duty_roster.models import DutyChange, DutyDay, DutyMember, Leave, SignIn
from duty_roster.signin import (
    PENDING,
    UPCOMING,
    day_outcomes,
    is_on_time,
    month_scores,
    post_rates,
    record_manual_sign_in,
)

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 12, 10, 0, tzinfo=TZ)  # Thursday 12 March, mid-morning


def d(day: int) -> datetime.date:
    return datetime.date(2026, 3, day)


def at(day: int, hour: int, minute: int, second: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, minute, second, tzinfo=TZ)


@pytest.fixture
def people(r2_office):
    return r2_office.village_secretaries  # 张建军 (A), 李红梅 (B), 王永福 (C), in rotation order


@pytest.fixture
def march(duty_post, people, world):
    """A March with each kind of event, the rota written by hand so that every day is known:

    02 Mon concentrated: A on time, B late, C missing      03 Tue A on time at 08:30:40
    04 Wed B absent                                        05 Thu C late
    06 Fri A on leave (06–09)                              07 Sat B's, swapped with C's 10th: C on time
    09 Mon concentrated: A on leave, B on time, C missing  10 Tue B (by the swap) late
    11 Wed C's, covered by A (the rota row not rewritten): A absent
    12 Thu B, today, not signed in yet                     13 Fri C, upcoming
    """
    a, b, c = people
    rota = {
        2: None,
        3: a,
        4: b,
        5: c,
        6: a,
        7: c,  # after the swap: C took B's Saturday ...
        9: None,
        10: b,  # ... and B took C's Tuesday
        11: c,  # the cover is accepted, but the rota row still names C
        12: b,
        13: c,
    }
    days = {
        day: DutyDay.objects.create(
            post=duty_post,
            day=d(day),
            kind=DayKind.CONCENTRATED if person is None else DayKind.ROTATION,
            person=person,
        )
        for day, person in rota.items()
    }
    Leave.objects.create(post=duty_post, person=a, starts_on=d(6), ends_on=d(9), reason="看病")
    DutyChange.objects.create(
        post=duty_post,
        day=days[7],
        other_day=days[10],
        kind=ChangeKind.SWAP,
        from_person=b,
        to_person=c,
        reason="家中有事",
        state=ChangeState.ACCEPTED,
        decided_at=at(5, 12, 0),
    )
    DutyChange.objects.create(
        post=duty_post,
        day=days[11],
        kind=ChangeKind.COVER,
        from_person=c,
        to_person=a,
        reason="外出开会",
        state=ChangeState.ACCEPTED,
        decided_at=at(10, 12, 0),
    )
    # A declined request changes nothing.
    DutyChange.objects.create(
        post=duty_post,
        day=days[13],
        kind=ChangeKind.COVER,
        from_person=c,
        to_person=b,
        reason="不同意",
        state=ChangeState.DECLINED,
    )
    for person, when in [
        (a, at(2, 8, 20)),
        (b, at(2, 8, 45)),
        (a, at(3, 8, 30, 40)),
        (c, at(5, 9, 0)),
        (c, at(7, 8, 10)),
        (b, at(9, 8, 0)),
        (b, at(10, 8, 50)),
        (c, at(8, 9, 0)),  # a Sunday, no duty day: recorded, never scored
    ]:
        SignIn.objects.create(post=duty_post, person=person, day=when.date(), at=when)
    return days


def outcomes_by(rows):
    return {(row.day.day, row.person_id): row.outcome for row in rows}


def test_each_day_comes_to_its_outcome(duty_post, people, march):
    a, b, c = (p.pk for p in people)
    rows = day_outcomes(duty_post, d(1), d(31), now=NOW)
    assert outcomes_by(rows) == {
        (2, a): Outcome.ON_TIME,
        (2, b): Outcome.LATE,
        (2, c): Outcome.ABSENT,
        (3, a): Outcome.ON_TIME,
        (4, b): Outcome.ABSENT,
        (5, c): Outcome.LATE,
        (6, a): Outcome.LEAVE,
        (7, c): Outcome.ON_TIME,
        (7, b): Outcome.SWAPPED,
        (9, a): Outcome.LEAVE,
        (9, b): Outcome.ON_TIME,
        (9, c): Outcome.ABSENT,
        (10, b): Outcome.LATE,
        (10, c): Outcome.SWAPPED,
        (11, a): Outcome.ABSENT,
        (11, c): Outcome.SWAPPED,
        (12, b): PENDING,
        (13, c): UPCOMING,
    }
    taken = {(row.day.day, row.person_id): row.taken_by_id for row in rows if row.outcome == Outcome.SWAPPED}
    assert taken == {(7, b): c, (10, c): b, (11, c): a}
    assert [row.day for row in rows] == sorted(row.day for row in rows)


def test_the_month_scores_with_exact_numbers(duty_post, people, march):
    a, b, c = month_scores(duty_post, 2026, 3, now=NOW)
    assert [m.person for m in (a, b, c)] == people
    counts = [
        (
            m.rotation_days,
            m.concentrated_days,
            m.on_time,
            m.late,
            m.absent,
            m.leave,
            m.swapped,
            m.concentrated_attended,
            m.concentrated_missed,
            m.pending,
        )
        for m in (a, b, c)
    ]
    assert counts == [
        (3, 2, 2, 0, 1, 2, 0, 1, 0, 0),  # A: absent on the day he covered; leave costs nothing
        (3, 2, 1, 2, 1, 0, 1, 2, 0, 1),  # B: late twice, absent once, swapped once, today pending
        (3, 2, 1, 1, 0, 0, 2, 0, 2, 1),  # C: late once, two concentrated offices missed
    ]
    assert [m.score for m in (a, b, c)] == [100 - 10, 100 - 2 * 2 - 10, 100 - 2 - 2 * 10]
    assert a.duty_days == 5
    rates = post_rates([a, b, c])
    assert (rates.expected, rates.attended, rates.on_time) == (11, 7, 4)
    assert rates.attendance_percent == 63.6
    assert rates.average_score == pytest.approx((90 + 86 + 78) / 3)


def test_the_points_are_the_posts_own(duty_post, people, march):
    duty_post.base_points, duty_post.late_points = 60, -1
    duty_post.absent_points, duty_post.missed_concentrated_points = -5, -3
    duty_post.save()
    scores = [m.score for m in month_scores(duty_post, 2026, 3, now=NOW)]
    assert scores == [60 - 5, 60 - 2 - 5, 60 - 1 - 2 * 3]


def test_today_is_pending_until_the_day_is_over(duty_post, people, march):
    b = people[1].pk
    today = day_outcomes(duty_post, d(12), d(12), now=NOW)
    assert outcomes_by(today) == {(12, b): PENDING}
    tomorrow = datetime.datetime(2026, 3, 13, 0, 1, tzinfo=TZ)
    assert outcomes_by(day_outcomes(duty_post, d(12), d(12), now=tomorrow)) == {(12, b): Outcome.ABSENT}
    SignIn.objects.create(post=duty_post, person=people[1], day=d(12), at=at(12, 10, 5))
    assert outcomes_by(day_outcomes(duty_post, d(12), d(12), now=NOW)) == {(12, b): Outcome.LATE}


def test_on_time_is_to_the_minute_of_the_limit(duty_post):
    assert is_on_time(duty_post, at(3, 8, 30, 59))
    assert not is_on_time(duty_post, at(3, 8, 31))
    duty_post.on_time_until = datetime.time(9, 0)
    assert is_on_time(duty_post, at(3, 8, 59))


def test_a_former_member_keeps_his_days_but_leaves_the_concentrated_office(duty_post, people, march):
    DutyMember.objects.filter(post=duty_post, person=people[2]).update(active=False)
    rows = day_outcomes(duty_post, d(1), d(31), now=NOW)
    assert (2, people[2].pk) not in outcomes_by(rows)  # concentrated: active members only
    assert outcomes_by(rows)[(5, people[2].pk)] == Outcome.LATE  # his rotation day stays his
    assert people[2] in [m.person for m in month_scores(duty_post, 2026, 3, now=NOW)]


def test_a_manual_sign_in_counts_and_is_marked(duty_post, people, march, world):
    record = record_manual_sign_in(
        duty_post, people[1], d(4), datetime.time(8, 25), "手机没电，办公室电话确认", world.users["office"]
    )
    assert (record.manual, record.reason, record.recorded_by) == (
        True,
        "手机没电，办公室电话确认",
        world.users["office"],
    )
    row = next(r for r in day_outcomes(duty_post, d(4), d(4), now=NOW) if r.person_id == people[1].pk)
    assert row.outcome == Outcome.ON_TIME
    assert row.sign_in.manual
