"""Generating a post's month: deterministic, idempotent, locked once published, keeping past days and
days set by hand; members kept in step with the village secretaries."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from duty_roster.choices import DayKind
from duty_roster.models import DutyDay, DutyMember, Leave
from duty_roster.services import generate_month, publish_month, sync_members

BEFORE = datetime.date(2026, 1, 1)  # "today" before the months generated here


def rota(post, year, month):
    return list(
        DutyDay.objects.filter(post=post, day__year=year, day__month=month).values_list(
            "day", "kind", "person"
        )
    )


def test_members_follow_the_village_secretaries(duty_post, r2_office):
    assert [m.person for m in DutyMember.objects.filter(post=duty_post)] == r2_office.village_secretaries


def test_a_month_is_deterministic_and_idempotent(duty_post):
    generate_month(duty_post, 2026, 3, today=BEFORE)
    first = rota(duty_post, 2026, 3)
    generate_month(duty_post, 2026, 3, today=BEFORE)
    assert rota(duty_post, 2026, 3) == first
    kinds = {kind for _day, kind, _person in first}
    assert kinds == {DayKind.CONCENTRATED, DayKind.ROTATION}
    assert all(person is None for _d, kind, person in first if kind == DayKind.CONCENTRATED)
    assert all(person is not None for _d, kind, person in first if kind == DayKind.ROTATION)


def test_the_rotation_carries_across_months(duty_post, r2_office):
    generate_month(duty_post, 2026, 3, today=BEFORE)
    generate_month(duty_post, 2026, 4, today=BEFORE)
    march = [p for _d, kind, p in rota(duty_post, 2026, 3) if kind == DayKind.ROTATION]
    april = [p for _d, kind, p in rota(duty_post, 2026, 4) if kind == DayKind.ROTATION]
    order = [p.pk for p in r2_office.village_secretaries]
    assert april[0] == order[(order.index(march[-1]) + 1) % 3]


def test_a_published_month_is_locked(world, duty_post):
    rota_month = generate_month(duty_post, 2026, 3, today=BEFORE)
    publish_month(rota_month, world.users["office"])
    with pytest.raises(ValidationError):
        generate_month(duty_post, 2026, 3, today=BEFORE)


def test_regenerating_keeps_past_days_and_days_set_by_hand(duty_post, r2_office):
    generate_month(duty_post, 2026, 3, today=BEFORE)
    days = DutyDay.objects.filter(post=duty_post, kind=DayKind.ROTATION, day__month=3).order_by("day")
    past, manual = days[0], days[10]
    manual.person = r2_office.village_secretaries[2]
    manual.manual = True
    manual.save()
    Leave.objects.create(
        post=duty_post,
        person=past.person,
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 3, 31),
        reason="住院",
    )
    generate_month(duty_post, 2026, 3, today=past.day + datetime.timedelta(days=1))
    assert DutyDay.objects.get(pk=past.pk).person == past.person  # the past stays as it was
    assert DutyDay.objects.get(post=duty_post, day=manual.day).person == r2_office.village_secretaries[2]
    later = DutyDay.objects.filter(post=duty_post, kind=DayKind.ROTATION, day__gt=past.day, manual=False)
    assert past.person_id not in later.values_list("person", flat=True)  # on leave all month


def test_a_month_in_a_year_without_holidays_is_refused_clearly(duty_post):
    with pytest.raises(ValidationError) as error:
        generate_month(duty_post, 2027, 3, today=BEFORE)
    assert "2027" in error.value.messages[0]


def test_a_former_secretary_leaves_the_rotation(duty_post, r2_office):
    from branches.models import Post

    Post.objects.filter(person=r2_office.village_secretaries[1]).update(ended_on=datetime.date(2026, 2, 1))
    _added, removed = sync_members(duty_post)
    assert removed == [r2_office.village_secretaries[1]]
    assert not DutyMember.objects.get(post=duty_post, person=r2_office.village_secretaries[1]).active
