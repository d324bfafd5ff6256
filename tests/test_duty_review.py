"""Regressions found walking the village-secretary duty post (issue 5) as its users: nobody is put on
duty on a day of his leave, the later months follow a month generated out of order, and a month whose
grid shows a few days of an unknown next year is not reported as unknown."""

import datetime
from collections import Counter
from itertools import pairwise

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from duty_roster import changes
from duty_roster.choices import ChangeKind, ChangeState, DayKind
from duty_roster.models import DutyChange, DutyDay, Leave
from duty_roster.services import generate_and_follow, generate_month

BEFORE = datetime.date(2026, 1, 1)


@pytest.fixture
def people(r2_office):
    return r2_office.village_secretaries


@pytest.fixture
def coming(duty_post, people):
    """张建军's rotation day in three days, 李红梅's in four."""
    today = timezone.localdate()
    mine = DutyDay.objects.create(
        post=duty_post, day=today + datetime.timedelta(days=3), kind=DayKind.ROTATION, person=people[0]
    )
    hers = DutyDay.objects.create(
        post=duty_post, day=today + datetime.timedelta(days=4), kind=DayKind.ROTATION, person=people[1]
    )
    return mine, hers


def on_leave(post, person, day):
    return Leave.objects.create(post=post, person=person, starts_on=day, ends_on=day, reason="外出培训")


def login(world, role):
    client = Client()
    client.force_login(world.users[role])
    return client


# --- Nobody on duty on a day of his leave -----------------------------------------------------------------


def test_a_cover_or_a_reassignment_to_someone_on_leave_that_day_is_refused(duty_post, people, coming):
    mine, _hers = coming
    on_leave(duty_post, people[1], mine.day)
    with pytest.raises(ValidationError) as refused:
        changes.request_change(mine, people[0], people[1], ChangeKind.COVER, "家中有事")
    assert "to_person" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        changes.reassign_day(mine, people[1], "办事处安排")
    assert "to_person" in refused.value.message_dict
    mine.refresh_from_db()
    assert mine.person == people[0]


def test_a_swap_that_puts_the_asker_on_a_day_of_his_leave_is_refused(duty_post, people, coming):
    mine, hers = coming
    on_leave(duty_post, people[0], hers.day)
    with pytest.raises(ValidationError) as refused:
        changes.request_change(mine, people[0], None, ChangeKind.SWAP, "换班", other_day=hers)
    assert "other_day" in refused.value.message_dict


def test_accepting_after_the_taker_went_on_leave_is_refused_and_the_request_stays(duty_post, people, coming):
    mine, _hers = coming
    change = changes.request_change(mine, people[0], people[1], ChangeKind.COVER, "家中有事")
    on_leave(duty_post, people[1], mine.day)
    with pytest.raises(ValidationError):
        changes.accept_change(change)
    change.refresh_from_db()
    mine.refresh_from_db()
    assert change.state == ChangeState.REQUESTED and mine.person == people[0]
    assert not DutyChange.objects.filter(state=ChangeState.ACCEPTED).exists()


def test_a_day_set_by_hand_refuses_a_secretary_on_leave(world, duty_post, people, coming):
    mine, _hers = coming
    on_leave(duty_post, people[1], mine.day)
    response = login(world, "office").post(
        reverse("duty_roster:day_update", args=[mine.pk]),
        {"kind": DayKind.ROTATION, "person": people[1].pk, "note": "代班"},
    )
    assert response.status_code == 200
    assert "person" in response.context["form"].errors
    mine.refresh_from_db()
    assert mine.person == people[0] and not mine.manual


def test_leave_over_a_day_he_keeps_says_so(world, duty_post, people, coming):
    mine, _hers = coming
    mine.manual, mine.note = True, "代班"
    mine.save()
    outcome = changes.record_leave(duty_post, people[0], mine.day, mine.day, "住院")
    assert outcome.still_on_duty == [mine.day]
    response = login(world, "office").post(
        reverse("duty_roster:leave_create", args=[duty_post.pk]),
        {
            "person": people[0].pk,
            "starts_on": mine.day + datetime.timedelta(days=30),
            "ends_on": mine.day + datetime.timedelta(days=30),
            "reason": "住院",
        },
        follow=True,
    )
    assert response.status_code == 200  # no day of his there: no warning
    assert f"{mine.day:%Y-%m-%d}" not in " ".join(str(m) for m in response.context["messages"])


# --- Months generated out of order ------------------------------------------------------------------------


def rotation_counts(post, until: datetime.date) -> Counter:
    days = DutyDay.objects.filter(post=post, kind=DayKind.ROTATION, day__lte=until)
    return Counter(days.values_list("person_id", flat=True))


def test_generating_an_earlier_month_makes_the_later_ones_follow(duty_post, people):
    generate_month(duty_post, 2026, 12, today=BEFORE)  # December first, then November
    result = generate_and_follow(duty_post, 2026, 11, today=BEFORE)
    assert [(r.year, r.month) for r in result.followed] == [(2026, 12)]
    counts = rotation_counts(duty_post, datetime.date(2026, 12, 31))
    assert max(counts.values()) - min(counts.values()) <= 1
    both = list(
        DutyDay.objects.filter(post=duty_post, kind=DayKind.ROTATION, day__year=2026, day__month__in=[11, 12])
        .order_by("day")
        .values_list("person_id", flat=True)
    )
    assert all(a != b for a, b in pairwise(both))  # nobody twice running


def test_the_generate_page_says_which_later_months_followed(world, duty_post):
    generate_month(duty_post, 2026, 12, today=BEFORE)
    response = login(world, "office").post(
        reverse("duty_roster:month_generate", args=[duty_post.pk, 2026, 11]), follow=True
    )
    assert "2026-12" in " ".join(str(m) for m in response.context["messages"])


# --- The month grid's days of the next year ---------------------------------------------------------------


def test_december_is_not_reported_as_a_year_without_holidays(world, duty_post):
    client = login(world, "office")
    url = reverse("duty_roster:post_detail", args=[duty_post.pk])
    assert client.get(url, {"month": "2026-12"}).context["month"].calendar_error == ""
    assert "2027" in client.get(url, {"month": "2027-01"}).context["month"].calendar_error


def test_a_past_day_cannot_be_set_by_hand(world, duty_post):
    import datetime

    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from duty_roster.choices import DayKind
    from duty_roster.models import DutyDay

    past = DutyDay.objects.create(
        post=duty_post, day=timezone.localdate() - datetime.timedelta(days=3), kind=DayKind.ROTATION
    )
    client = Client()
    client.force_login(world.users["office"])
    response = client.post(reverse("duty_roster:day_update", args=[past.pk]), {"note": "改"})
    assert response.status_code == 302
    past.refresh_from_db()
    assert not past.manual and past.note == ""
