"""The iCalendar feed (RFC 5545): CRLF, 75-octet folding that never splits a character, TEXT escaping,
stable UIDs, read back by the `icalendar` parser; the secret address and resetting it."""

import datetime

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from duty_roster.changes import CalendarEvent, calendar_text, fold, ical_escape
from duty_roster.choices import DayKind
from duty_roster.models import DutyDay, DutyMember
from tests.access import check_access

NOW = datetime.datetime(2026, 3, 2, 1, 2, 3, tzinfo=datetime.UTC)
LONG = "东关社区书记值班岗轮流值班，地点：东关社区党群服务中心二楼值班室；请于八点半前到岗签到" * 3


def physical_lines(text: str) -> list[bytes]:
    data = text.encode("utf-8")
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"") and b"\r" not in data.replace(b"\r\n", b"")
    return data[:-2].split(b"\r\n")


def test_every_line_is_crlf_and_at_most_75_octets_without_splitting_a_character():
    text = calendar_text(
        "张建军的值班", [CalendarEvent("dutyday-1@zhendangjian", datetime.date(2026, 3, 3), LONG, LONG)], NOW
    )
    lines = physical_lines(text)
    assert all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode("utf-8")  # a split character would not decode
    summary = next(i for i, line in enumerate(lines) if line.startswith(b"SUMMARY:"))
    assert lines[summary + 1].startswith(b" ")  # folded: the continuation starts with one space
    assert not lines[summary + 1].startswith(b"  ")


def test_the_parser_reads_back_the_event():
    event = CalendarEvent(
        "dutyday-7@zhendangjian", datetime.date(2026, 3, 3), LONG, "东关社区服务中心", "签到：08:30前\n换班"
    )
    parsed = icalendar.Calendar.from_ical(calendar_text("值班", [event], NOW))
    assert parsed["VERSION"] == "2.0" and parsed["CALSCALE"] == "GREGORIAN" and parsed["PRODID"]
    [vevent] = parsed.walk("VEVENT")
    assert str(vevent["UID"]) == "dutyday-7@zhendangjian"
    assert vevent.decoded("DTSTART") == datetime.date(2026, 3, 3)
    assert vevent.decoded("DTEND") == datetime.date(2026, 3, 4)
    assert vevent.decoded("DTSTAMP") == NOW
    assert str(vevent["SUMMARY"]) == LONG
    assert str(vevent["LOCATION"]) == "东关社区服务中心"
    assert str(vevent["DESCRIPTION"]) == "签到：08:30前\n换班"


def test_text_is_escaped():
    assert ical_escape("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"
    tricky = "值班;地点,二楼\\东\n第二行"
    text = calendar_text("x", [CalendarEvent("u@x", datetime.date(2026, 3, 3), tricky, tricky)], NOW)
    assert "SUMMARY:值班\\;地点\\,二楼\\\\东\\n第二行" in text.replace("\r\n ", "")
    [vevent] = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == tricky and str(vevent["LOCATION"]) == tricky


@pytest.mark.parametrize("size", [73, 74, 75, 76, 150])
def test_folding_at_the_boundary(size):
    line = "X" * size
    parts = fold(line).encode().split(b"\r\n")
    assert all(len(p) <= 75 for p in parts)
    assert b"".join(p[1:] if i else p for i, p in enumerate(parts)).decode() == line


def test_folding_mixed_width_text_keeps_every_character():
    line = "SUMMARY:" + "a中" * 60
    parts = fold(line).encode("utf-8").split(b"\r\n")
    assert all(len(p) <= 75 for p in parts)
    assert "".join(p.decode("utf-8")[1:] if i else p.decode("utf-8") for i, p in enumerate(parts)) == line


# --- The feed at its secret address ---------------------------------------------------------------------


@pytest.fixture
def member(duty_post, r2_office):
    today = timezone.localdate()
    person = r2_office.village_secretaries[0]
    DutyDay.objects.create(
        post=duty_post, day=today + datetime.timedelta(days=1), kind=DayKind.ROTATION, person=person
    )
    DutyDay.objects.create(
        post=duty_post,
        day=today + datetime.timedelta(days=2),
        kind=DayKind.ROTATION,
        person=r2_office.village_secretaries[1],
    )
    DutyDay.objects.create(post=duty_post, day=today + datetime.timedelta(days=3), kind=DayKind.CONCENTRATED)
    return DutyMember.objects.get(post=duty_post, person=person)


def test_the_feed_lists_his_duties_without_login(member):
    response = Client().get(reverse("duty_roster:ical_feed", args=[member.feed_token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode("utf-8")
    assert all(len(line) <= 75 for line in physical_lines(text))
    events = icalendar.Calendar.from_ical(text).walk("VEVENT")
    days = (
        DutyDay.objects.filter(post=member.post)
        .exclude(kind=DayKind.ROTATION, person__isnull=False)
        .values_list("pk", flat=True)
    )
    mine = DutyDay.objects.filter(post=member.post, person=member.person).values_list("pk", flat=True)
    assert sorted(str(e["UID"]) for e in events) == sorted(
        f"dutyday-{pk}@zhendangjian" for pk in [*days, *mine]
    )
    assert {str(e["LOCATION"]) for e in events} == {member.post.place}
    # The same day keeps its UID from one download to the next.
    again = Client().get(reverse("duty_roster:ical_feed", args=[member.feed_token])).content.decode()
    assert {str(e["UID"]) for e in icalendar.Calendar.from_ical(again).walk("VEVENT")} == {
        str(e["UID"]) for e in events
    }


def test_an_unknown_or_inactive_token_is_not_found(member):
    assert Client().get(reverse("duty_roster:ical_feed", args=["no-such-token"])).status_code == 404
    assert Client().get(f"/duty/ical/{member.feed_token}x.ics").status_code == 404
    DutyMember.objects.filter(pk=member.pk).update(active=False)
    assert Client().get(reverse("duty_roster:ical_feed", args=[member.feed_token])).status_code == 404


def test_resetting_the_link_retires_the_old_one(world, member):
    old = member.feed_token
    client = Client()
    client.force_login(world.users["village"])
    assert client.get(reverse("duty_roster:feed_reset")).status_code == 200  # asks first
    assert DutyMember.objects.get(pk=member.pk).feed_token == old
    response = client.post(reverse("duty_roster:feed_reset"))
    assert response.status_code == 302
    new = DutyMember.objects.get(pk=member.pk).feed_token
    assert new != old
    assert Client().get(reverse("duty_roster:ical_feed", args=[old])).status_code == 404
    assert Client().get(reverse("duty_roster:ical_feed", args=[new])).status_code == 200


def test_access_to_the_feed_and_its_reset(world, member):
    url = reverse("duty_roster:ical_feed", args=[member.feed_token])
    check_access(
        world,
        url,
        dict.fromkeys(
            [
                "anonymous",
                "township",
                "other_township",
                "office",
                "other_office",
                "village",
                "other_village",
                "county",
            ],
            200,
        ),
    )
    check_access(
        world,
        url,
        dict.fromkeys(
            [
                "anonymous",
                "township",
                "other_township",
                "office",
                "other_office",
                "village",
                "other_village",
                "county",
            ],
            405,
        ),
        method="post",
    )
    secretaries_only = {
        "anonymous": 302,
        "township": 403,
        "other_township": 403,
        "office": 403,
        "other_office": 403,
        "village": 200,
        "other_village": 200,
        "county": 403,
    }
    reset = reverse("duty_roster:feed_reset")
    check_access(world, reset, secretaries_only)
    check_access(world, reset, {**secretaries_only, "village": 302, "other_village": 302}, method="post")
