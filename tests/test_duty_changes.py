"""Leave and the regeneration it calls for, swaps, covers and reassignments (services and pages), today's
duty board and a secretary's upcoming duties; the access matrix of every page."""

import datetime

import pytest
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from duty_roster import changes
from duty_roster.choices import ChangeKind, ChangeState, DayKind
from duty_roster.models import DutyChange, DutyDay, DutyMonth, Leave, SignIn
from duty_roster.services import generate_month, publish_month
from tests.access import check_access

BEFORE = datetime.date(2026, 1, 1)


@pytest.fixture
def people(r2_office):
    """张建军 (world.village's secretary, the `village` user), 李红梅 (`other_village`), 王永福."""
    return r2_office.village_secretaries


def rotation_day(post, person, day, note=""):
    return DutyDay.objects.create(post=post, day=day, kind=DayKind.ROTATION, person=person, note=note)


@pytest.fixture
def coming(duty_post, people):
    """Two coming rotation days: 张建军's in three days, 李红梅's in four."""
    today = timezone.localdate()
    mine = rotation_day(duty_post, people[0], today + datetime.timedelta(days=3))
    hers = rotation_day(duty_post, people[1], today + datetime.timedelta(days=4))
    return mine, hers


def client_for(world, role):
    client = Client()
    client.force_login(world.users[role])
    return client


# --- Leave ----------------------------------------------------------------------------------------------


def test_leave_then_regenerating_skips_him(duty_post, people):
    generate_month(duty_post, 2026, 3, today=BEFORE)
    outcome = changes.record_leave(
        duty_post, people[0], datetime.date(2026, 3, 9), datetime.date(2026, 3, 20), "住院", today=BEFORE
    )
    assert [(r.year, r.month) for r in outcome.regenerated] == [(2026, 3)]
    during = DutyDay.objects.filter(
        post=duty_post, kind=DayKind.ROTATION, day__range=("2026-03-09", "2026-03-20")
    )
    assert during.exists()
    assert people[0].pk not in during.values_list("person", flat=True)
    after = DutyDay.objects.filter(post=duty_post, kind=DayKind.ROTATION, day__gt="2026-03-20").order_by(
        "day"
    )
    assert after.first().person == people[0]  # his missed turns come back at his first chance


def test_leave_regenerates_later_unpublished_months_and_names_the_locked_ones(world, duty_post, people):
    publish_month(generate_month(duty_post, 2026, 3, today=BEFORE), world.users["office"])
    generate_month(duty_post, 2026, 4, today=BEFORE)
    outcome = changes.record_leave(
        duty_post, people[1], datetime.date(2026, 3, 25), datetime.date(2026, 4, 3), "外出", today=BEFORE
    )
    assert [(r.year, r.month) for r in outcome.locked] == [(2026, 3)]
    assert [(r.year, r.month) for r in outcome.regenerated] == [(2026, 4)]
    april = DutyDay.objects.filter(
        post=duty_post, kind=DayKind.ROTATION, day__range=("2026-04-01", "2026-04-03")
    )
    assert people[1].pk not in april.values_list("person", flat=True)


def test_leave_for_someone_not_on_the_post_or_backwards_is_refused(duty_post, r2_office, people):
    with pytest.raises(ValidationError) as error:
        changes.record_leave(duty_post, r2_office.people[0], BEFORE, BEFORE, "x", today=BEFORE)
    assert "person" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        changes.record_leave(
            duty_post, people[0], BEFORE, BEFORE - datetime.timedelta(days=1), "x", today=BEFORE
        )
    assert "ends_on" in error.value.message_dict


def test_the_village_secretary_records_his_own_leave_and_the_month_is_made_again(world, duty_post, people):
    today = timezone.localdate()
    response = client_for(world, "village").post(
        reverse("duty_roster:leave_create", args=[duty_post.pk]),
        {
            "starts_on": today.isoformat(),
            "ends_on": today.isoformat(),
            "reason": "看病",
            "person": people[1].pk,
        },
        follow=True,
    )
    assert response.status_code == 200
    leave = Leave.objects.get(post=duty_post)
    assert leave.person == people[0]  # himself, whatever the form was sent
    assert response.redirect_chain[-1][0] == reverse("duty_roster:leave_list", args=[duty_post.pk])
    assert list(response.context["table"].data) == [leave]


def test_the_office_records_leave_for_anyone_of_the_post(world, duty_post, people):
    url = reverse("duty_roster:leave_create", args=[duty_post.pk])
    client = client_for(world, "office")
    response = client.post(url, {"person": people[2].pk, "starts_on": "2026-03-05", "ends_on": "2026-03-01"})
    assert response.status_code == 200 and "ends_on" in response.context["form"].errors
    response = client.post(
        url, {"person": people[2].pk, "starts_on": "2026-03-01", "ends_on": "2026-03-05", "reason": "培训"}
    )
    assert response.status_code == 302
    assert Leave.objects.get(post=duty_post).person == people[2]


# --- Swaps, covers, reassignments (services) ------------------------------------------------------------


def test_a_swap_request_accepted_exchanges_both_days(duty_post, people, coming):
    mine, hers = coming
    change = changes.request_change(mine, people[0], None, ChangeKind.SWAP, "家里有事", other_day=hers)
    assert change.to_person == people[1] and change.state == ChangeState.REQUESTED
    assert DutyDay.objects.get(pk=mine.pk).person == people[0]  # nothing changes before he accepts
    changes.accept_change(change)
    mine.refresh_from_db()
    hers.refresh_from_db()
    change.refresh_from_db()
    assert (mine.person, hers.person) == (people[1], people[0])
    assert mine.manual and hers.manual and "家里有事" in mine.note
    assert change.state == ChangeState.ACCEPTED and change.decided_at is not None


def test_a_cover_gives_the_day_to_the_other(duty_post, people, coming):
    mine, hers = coming
    change = changes.request_change(mine, people[0], people[2], ChangeKind.COVER, "开会")
    changes.accept_change(change)
    mine.refresh_from_db()
    hers.refresh_from_db()
    assert mine.person == people[2] and mine.manual
    assert hers.person == people[1] and not hers.manual


def test_a_declined_request_changes_nothing(duty_post, people, coming):
    mine, _hers = coming
    change = changes.request_change(mine, people[0], people[2], ChangeKind.COVER, "开会")
    changes.decline_change(change)
    change.refresh_from_db()
    assert change.state == ChangeState.DECLINED and change.decided_at is not None
    assert DutyDay.objects.get(pk=mine.pk).person == people[0]


def test_the_office_reassigns_a_day_at_once(world, duty_post, people, coming):
    mine, _hers = coming
    change = changes.reassign_day(mine, people[2], "张建军出差", user=world.users["office"])
    mine.refresh_from_db()
    assert mine.person == people[2] and mine.manual and "张建军出差" in mine.note
    assert change.kind == ChangeKind.REASSIGN and change.state == ChangeState.ACCEPTED
    assert change.from_person == people[0] and change.decided_at is not None


def test_changes_are_allowed_in_a_published_month(world, duty_post, people):
    today = timezone.localdate()
    rota = DutyMonth.objects.create(
        post=duty_post, year=today.year, month=today.month, generated_at=timezone.now()
    )
    publish_month(rota, world.users["office"])
    day = rotation_day(duty_post, people[0], today)
    changes.accept_change(changes.request_change(day, people[0], people[1], ChangeKind.COVER, "病"))
    assert DutyDay.objects.get(pk=day.pk).person == people[1]


def test_it_refuses_a_day_that_is_not_his(duty_post, people, coming):
    _mine, hers = coming
    with pytest.raises(ValidationError) as error:
        changes.request_change(hers, people[0], people[2], ChangeKind.COVER, "x")
    assert "day" in error.value.message_dict


def test_it_refuses_a_past_day(duty_post, people):
    past = rotation_day(duty_post, people[0], timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        changes.request_change(past, people[0], people[1], ChangeKind.COVER, "x")
    with pytest.raises(ValidationError):
        changes.reassign_day(past, people[1], "x")


def test_it_refuses_a_stranger_and_himself(duty_post, r2_office, people, coming):
    mine, _hers = coming
    with pytest.raises(ValidationError) as error:
        changes.request_change(mine, people[0], r2_office.people[0], ChangeKind.COVER, "x")
    assert "to_person" in error.value.message_dict
    with pytest.raises(ValidationError):
        changes.request_change(mine, people[0], people[0], ChangeKind.COVER, "x")
    with pytest.raises(ValidationError):
        changes.reassign_day(mine, r2_office.people[0], "x")


def test_a_concentrated_day_does_not_change_hands(duty_post, people):
    day = DutyDay.objects.create(post=duty_post, day=timezone.localdate(), kind=DayKind.CONCENTRATED)
    with pytest.raises(ValidationError):
        changes.reassign_day(day, people[0], "x")


def test_a_request_is_decided_once(duty_post, people, coming):
    mine, _hers = coming
    change = changes.request_change(mine, people[0], people[2], ChangeKind.COVER, "x")
    changes.accept_change(change)
    stale = DutyChange.objects.get(pk=change.pk)
    stale.state = ChangeState.REQUESTED  # a second tab still showing the request
    with pytest.raises(ValidationError):
        changes.accept_change(stale)
    with pytest.raises(ValidationError):
        changes.decline_change(stale)
    assert DutyChange.objects.get(pk=change.pk).state == ChangeState.ACCEPTED


def test_a_second_request_on_a_waiting_day_is_refused(duty_post, people, coming):
    mine, _hers = coming
    changes.request_change(mine, people[0], people[2], ChangeKind.COVER, "x")
    with pytest.raises(ValidationError):
        changes.request_change(mine, people[0], people[1], ChangeKind.COVER, "y")


def test_two_accepts_at_once_change_the_days_once(world, r2_office, duty_post, people):
    today = timezone.localdate()
    mine = rotation_day(duty_post, people[0], today + datetime.timedelta(days=3))
    change = changes.request_change(mine, people[0], people[2], ChangeKind.COVER, "x")
    first = DutyChange.objects.get(pk=change.pk)
    second = DutyChange.objects.get(pk=change.pk)  # the same request, loaded by a second click
    changes.accept_change(first)
    with pytest.raises(ValidationError):
        changes.accept_change(second)  # the state moves from REQUESTED once: the second is refused
    mine.refresh_from_db()
    assert mine.person == people[2]
    assert DutyChange.objects.get(pk=change.pk).state == ChangeState.ACCEPTED


# --- Swaps, covers, reassignments (pages) ---------------------------------------------------------------


def test_the_swap_is_asked_and_accepted_through_the_pages(world, duty_post, people, coming):
    mine, hers = coming
    response = client_for(world, "village").post(
        reverse("duty_roster:change_request", args=[mine.pk]),
        {"kind": "swap", "other_day": hers.pk, "reason": "孩子生病"},
    )
    assert response.status_code == 302
    change = DutyChange.objects.get()
    assert (change.from_person, change.to_person, change.other_day) == (people[0], people[1], hers)
    other = client_for(world, "other_village")
    page = other.get(reverse("duty_roster:upcoming"))
    assert list(page.context["to_me"]) == [change]
    assert f'id="accept-{change.pk}"' in page.content.decode()
    response = other.post(reverse("duty_roster:change_accept", args=[change.pk]), follow=True)
    assert response.status_code == 200
    mine.refresh_from_db()
    assert mine.person == people[1]
    assert [m.level_tag for m in response.context["messages"]] == ["success"]


def test_the_form_puts_a_missing_exchange_day_next_to_its_field(world, duty_post, coming):
    mine, _hers = coming
    response = client_for(world, "village").post(
        reverse("duty_roster:change_request", args=[mine.pk]), {"kind": "swap", "reason": "x"}
    )
    assert response.status_code == 200 and "other_day" in response.context["form"].errors
    assert not DutyChange.objects.exists()


def test_declining_twice_says_it_is_decided(world, duty_post, people, coming):
    mine, _hers = coming
    change = changes.request_change(mine, people[0], people[1], ChangeKind.COVER, "x")
    other = client_for(world, "other_village")
    other.post(reverse("duty_roster:change_decline", args=[change.pk]), follow=True)
    response = other.post(reverse("duty_roster:change_accept", args=[change.pk]), follow=True)
    assert [m.level for m in response.context["messages"]] == [messages.ERROR]
    assert DutyChange.objects.get().state == ChangeState.DECLINED
    assert DutyDay.objects.get(pk=mine.pk).person == people[0]


def test_the_office_reassigns_through_the_page(world, duty_post, people, coming):
    mine, _hers = coming
    response = client_for(world, "office").post(
        reverse("duty_roster:day_reassign", args=[mine.pk]), {"to_person": people[2].pk, "reason": "出差"}
    )
    assert response.status_code == 302
    assert DutyDay.objects.get(pk=mine.pk).person == people[2]
    page = client_for(world, "office").get(reverse("duty_roster:change_list", args=[duty_post.pk]))
    rows = list(page.context["table"].data)
    assert [(r.kind, r.reason, r.requested_by) for r in rows] == [
        (ChangeKind.REASSIGN, "出差", world.users["office"])
    ]


# --- Today's board and upcoming duties ------------------------------------------------------------------


def test_the_board_shows_today_and_who_signed_in(world, duty_post, people):
    today = timezone.localdate()
    rotation_day(duty_post, people[0], today)
    at = timezone.make_aware(datetime.datetime.combine(today, datetime.time(8, 10)))
    SignIn.objects.create(post=duty_post, person=people[0], day=today, at=at)
    response = client_for(world, "township").get(reverse("duty_roster:today"))
    [row] = response.context["board"]
    assert row.post == duty_post and row.kind == DayKind.ROTATION
    assert [(a.person, a.state) for a in row.people] == [(people[0], "on_time")]
    assert f'id="today-post-{duty_post.pk}"' in response.content.decode()


def test_the_board_on_a_concentrated_day_lists_everybody_and_lateness(world, duty_post, people):
    today = timezone.localdate()
    DutyDay.objects.create(post=duty_post, day=today, kind=DayKind.CONCENTRATED)
    late = timezone.make_aware(datetime.datetime.combine(today, datetime.time(9, 5)))
    SignIn.objects.create(
        post=duty_post, person=people[1], day=today, at=late, manual=True, reason="忘带手机"
    )
    Leave.objects.create(post=duty_post, person=people[2], starts_on=today, ends_on=today, reason="病")
    [row] = client_for(world, "office").get(reverse("duty_roster:today")).context["board"]
    states = {a.person: a.state for a in row.people}
    assert states[people[1]] == "late" and states[people[2]] == "leave"
    assert states[people[0]] in ("waiting", "missing")
    assert [a.manual for a in row.people if a.person == people[1]] == [True]


def test_the_board_says_why_there_is_no_duty(world, duty_post):
    with translation.override("en"):
        [row] = client_for(world, "county").get(reverse("duty_roster:today")).context["board"]
    assert row.kind == "" and row.reason


def test_upcoming_lists_his_days_and_the_concentrated_ones(world, duty_post, people, coming):
    mine, _hers = coming
    monday = DutyDay.objects.create(
        post=duty_post, day=timezone.localdate() + datetime.timedelta(days=5), kind=DayKind.CONCENTRATED
    )
    response = client_for(world, "village").get(reverse("duty_roster:upcoming"))
    assert list(response.context["days"]) == [mine, monday]
    [(member, url)] = response.context["feeds"]
    assert url.endswith(f"/duty/ical/{member.feed_token}.ics")


# --- Access matrix --------------------------------------------------------------------------------------

READERS = {
    "anonymous": 302,
    "township": 200,
    "other_township": 404,
    "office": 200,
    "other_office": 404,
    "village": 200,
    "other_village": 200,
    "county": 200,
}


def test_access_to_the_leave_pages(world, duty_post):
    check_access(world, reverse("duty_roster:leave_list", args=[duty_post.pk]), READERS)
    add = reverse("duty_roster:leave_create", args=[duty_post.pk])
    check_access(world, add, {**READERS, "county": 403})
    check_access(world, add, {**READERS, "county": 403}, method="post", data={})


def test_access_to_the_change_list(world, duty_post):
    check_access(world, reverse("duty_roster:change_list", args=[duty_post.pk]), READERS)


def test_access_to_asking_for_a_change(world, duty_post, coming):
    mine, _hers = coming
    url = reverse("duty_roster:change_request", args=[mine.pk])
    expected = {**READERS, "township": 403, "office": 403, "other_village": 403, "county": 403}
    check_access(world, url, expected)
    check_access(world, url, expected, method="post", data={})


def test_access_to_reassigning(world, duty_post, coming):
    mine, _hers = coming
    url = reverse("duty_roster:day_reassign", args=[mine.pk])
    expected = {**READERS, "village": 403, "other_village": 403, "county": 403}
    check_access(world, url, expected)
    check_access(world, url, expected, method="post", data={})


def test_access_to_accepting_and_declining(world, duty_post, people, coming):
    mine, _hers = coming
    for name in ("change_accept", "change_decline"):
        change = changes.request_change(mine, people[0], people[1], ChangeKind.COVER, "x")
        url = reverse(f"duty_roster:{name}", args=[change.pk])
        check_access(world, url, {**{role: 405 for role in READERS}, "anonymous": 302})
        expected = {**READERS, "township": 403, "office": 403, "village": 403, "county": 403}
        check_access(world, url, {**expected, "other_village": 302}, method="post")
        DutyDay.objects.filter(pk=mine.pk).update(person=people[0])


def test_access_to_today_and_upcoming(world, duty_post):
    everybody = {role: 200 for role in READERS} | {"anonymous": 302}
    check_access(world, reverse("duty_roster:today"), everybody)
    check_access(world, reverse("duty_roster:upcoming"), everybody)
