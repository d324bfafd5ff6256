"""Duty post pages: access for every role and URL, the month calendar, generating, publishing and locking
through the views, a day set by hand, members' order and sync, print, export and the township's holidays."""

import datetime
import io

import openpyxl
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from branches.choices import BranchKind, PostKind
from branches.models import Branch, Post
from communities.models import Village
from duty_roster.choices import DayKind
from duty_roster.models import CalendarEntry, DutyDay, DutyMember, DutyMonth, DutyPost
from duty_roster.services import generate_month
from tests.access import check_access
from tests.conftest import make_member

READ_POST = {
    "anonymous": 302,
    "township": 200,
    "other_township": 404,
    "office": 200,
    "other_office": 404,
    "village": 200,
    "other_village": 200,
    "county": 200,
}
CHANGE_POST = {**READ_POST, "village": 403, "other_village": 403, "county": 403}
ACTION_POST = {**CHANGE_POST, "township": 302, "office": 302}
BEFORE = datetime.date(2026, 1, 1)


def login(world, role: str, language: str = "en") -> Client:
    client = Client()
    client.force_login(world.users[role])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def text(response) -> str:
    return response.content.decode()


def follow_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def rotation_days(post, year, month):
    return DutyDay.objects.filter(post=post, day__year=year, day__month=month, kind=DayKind.ROTATION)


# --- Access: every URL, GET and POST ----------------------------------------------------------------


def test_post_list_and_create_access(world, duty_post):
    everyone = {role: 200 for role in READ_POST} | {"anonymous": 302}
    check_access(world, reverse("duty_roster:post_list"), everyone)
    check_access(world, reverse("duty_roster:post_list") + "?export=xlsx", everyone)
    creators = {
        "anonymous": 302,
        "township": 200,
        "other_township": 200,
        "office": 200,
        "other_office": 200,
        "village": 403,
        "other_village": 403,
        "county": 403,
    }
    url = reverse("duty_roster:post_create")
    check_access(world, url, creators)
    check_access(world, url, creators, method="post", data={})  # an empty form comes back with its errors
    assert DutyPost.objects.count() == 1


def test_post_page_and_edit_access(world, duty_post):
    check_access(world, duty_post.get_absolute_url(), READ_POST)
    check_access(world, duty_post.get_absolute_url() + "?month=2026-12", READ_POST)
    url = reverse("duty_roster:post_update", args=[duty_post.pk])
    check_access(world, url, CHANGE_POST)
    check_access(world, url, CHANGE_POST, method="post", data={})


def test_member_actions_access(world, duty_post):
    member = DutyMember.objects.filter(post=duty_post).first()
    urls = [
        (reverse("duty_roster:member_sync", args=[duty_post.pk]), {}),
        (reverse("duty_roster:member_move", args=[duty_post.pk, member.pk]), {"direction": "down"}),
        (reverse("duty_roster:member_active", args=[duty_post.pk, member.pk]), {"active": "1"}),
    ]
    for url, data in urls:
        check_access(world, url, ACTION_POST, method="post", data=data)
        check_access(world, url, {**CHANGE_POST, "township": 405, "office": 405})  # POST only


def test_month_actions_access(world, duty_post):
    generate = reverse("duty_roster:month_generate", args=[duty_post.pk, 2026, 12])
    check_access(world, generate, {**CHANGE_POST, "township": 405, "office": 405})
    check_access(world, generate, ACTION_POST, method="post")
    assert DutyMonth.objects.get(post=duty_post, year=2026, month=12).generated_at is not None
    day = rotation_days(duty_post, 2026, 12).last()
    day_url = reverse("duty_roster:day_update", args=[day.pk])
    check_access(world, day_url, CHANGE_POST)
    check_access(world, day_url, CHANGE_POST, method="post", data={})  # invalid: comes back
    publish = reverse("duty_roster:month_publish", args=[duty_post.pk, 2026, 12])
    check_access(world, publish, CHANGE_POST)
    check_access(world, publish, ACTION_POST, method="post")
    assert DutyMonth.objects.get(post=duty_post, year=2026, month=12).is_published
    for name in ("month_print", "month_export"):
        check_access(world, reverse(f"duty_roster:{name}", args=[duty_post.pk, 2026, 12]), READ_POST)
    assert reverse("duty_roster:month_print", args=[duty_post.pk, 2026, 3]).endswith("/2026-03/print/")
    check_access(world, f"/duty/posts/{duty_post.pk}/2026-13/print/", {role: 404 for role in READ_POST})


def test_calendar_access(world):
    entry = CalendarEntry.objects.create(
        township=world.township, day=datetime.date(2027, 1, 1), working=False, name="元旦"
    )
    everyone = {role: 200 for role in READ_POST} | {"anonymous": 302}
    check_access(world, reverse("duty_roster:calendar_list"), everyone)
    township_only = {role: 403 for role in READ_POST} | {
        "anonymous": 302,
        "township": 200,
        "other_township": 200,
    }
    url = reverse("duty_roster:calendar_create")
    check_access(world, url, township_only)
    check_access(world, url, township_only, method="post", data={})
    url = reverse("duty_roster:calendar_update", args=[entry.pk])
    own = {**township_only, "other_township": 404}
    check_access(world, url, own)
    check_access(world, url, own, method="post", data={})


# --- Posts ------------------------------------------------------------------------------------------


def post_data(office, **changes) -> dict:
    data = {
        "office": office.pk,
        "name": "西营办事处书记值班岗",
        "place": "西营办事处二楼",
        "concentrated_weekday": "0",
        "rotation_weekdays": ["1", "2", "3", "4", "5"],
        "on_time_until": "08:30",
        "adjusted_sunday_is_rotation": "on",
        "move_concentrated_day": "on",
        "base_points": "100",
        "late_points": "-2",
        "absent_points": "-10",
        "missed_concentrated_points": "-10",
        "starts_on": "2026-11-01",
    }
    return data | changes


def test_an_office_secretary_adds_his_post_with_weekday_boxes(world, party):
    Post.objects.create(
        branch=party.other_branch, kind=PostKind.SECRETARY, person=party.other_member, started_on=BEFORE
    )
    client = login(world, "other_office")
    page = client.get(reverse("duty_roster:post_create"))
    assert page.context["form"].initial["office"] == world.other_office.pk  # his only office, chosen
    assert 'name="rotation_weekdays" value="1"' in text(page)
    response = client.post(reverse("duty_roster:post_create"), post_data(world.other_office), follow=True)
    post = DutyPost.objects.get(office=world.other_office)
    assert post.rotation_weekdays == "1,2,3,4,5"
    assert post.on_time_until == datetime.time(8, 30)
    assert [m.person for m in post.members.all()] == [party.other_member]  # the village secretaries joined
    assert any("孙五" in m for m in follow_messages(response))


def test_the_post_form_refuses_the_concentrated_day_among_the_rotation_days(world):
    client = login(world, "other_office")
    data = post_data(world.other_office, rotation_weekdays=["0", "1", "2"])
    response = client.post(reverse("duty_roster:post_create"), data)
    assert response.status_code == 200
    assert "rotation_weekdays" in response.context["form"].errors
    data = post_data(world.other_office, rotation_weekdays=[])
    assert "rotation_weekdays" in client.post(reverse("duty_roster:post_create"), data).context["form"].errors
    assert not DutyPost.objects.filter(office=world.other_office).exists()


def test_an_office_secretary_cannot_add_a_post_for_another_office(world, duty_post):
    response = login(world, "office").post(reverse("duty_roster:post_create"), post_data(world.other_office))
    assert "office" in response.context["form"].errors
    assert not DutyPost.objects.filter(office=world.other_office).exists()


def test_editing_a_post_shows_and_saves_the_weekdays(world, duty_post):
    client = login(world, "office")
    url = reverse("duty_roster:post_update", args=[duty_post.pk])
    form = client.get(url).context["form"]
    assert form.initial["rotation_weekdays"] == ["1", "2", "3", "4", "5"]
    data = post_data(world.office, name="东关社区书记值班岗", rotation_weekdays=["1", "3", "5"])
    data["starts_on"] = "2026-01-01"
    response = client.post(url, data)
    assert response.status_code == 302
    duty_post.refresh_from_db()
    assert duty_post.rotation_weekdays == "1,3,5"
    assert duty_post.office == world.office


def test_the_post_list_shows_only_the_scope(world, duty_post):
    assert "东关社区书记值班岗" in text(login(world, "village").get(reverse("duty_roster:post_list")))
    assert "东关社区书记值班岗" not in text(
        login(world, "other_office").get(reverse("duty_roster:post_list"))
    )


# --- The month calendar -----------------------------------------------------------------------------


def test_the_month_calendar_shows_duty_holidays_and_adjusted_days(world, duty_post, r2_office):
    generate_month(duty_post, 2026, 10, today=BEFORE)
    response = login(world, "village").get(duty_post.get_absolute_url() + "?month=2026-10")
    page = text(response)
    view = response.context["month"]
    assert [len(week) for week in view.weeks] == [7] * len(view.weeks)
    assert view.weeks[0][0].day == datetime.date(2026, 9, 28)  # the grid starts on a Monday
    assert 'data-holiday="国庆节"' in page
    assert 'data-day="2026-10-01"' in page
    assert 'data-day="2026-10-10" data-kind="rotation"' in page  # the adjusted working Saturday
    assert 'data-adjusted="1"' in page
    assert 'data-day="2026-10-12" data-kind="concentrated"' in page  # a Monday: everybody
    assert "Concentrated office" in page
    assert 'data-state="generated"' in page
    assert 'id="generate"' not in page  # a village secretary only reads
    assert 'id="duty-day-list"' in page  # the phone's list of days
    counts = {c.member.person_id: c.rotation for c in view.counts}
    assert max(counts.values()) - min(counts.values()) <= 1
    assert sum(counts.values()) == rotation_days(duty_post, 2026, 10).count()


def test_the_month_parameter_defaults_and_moves(world, duty_post):
    client = login(world, "office")
    today = timezone.localdate()
    view = client.get(duty_post.get_absolute_url()).context["month"]
    assert (view.year, view.month) == (today.year, today.month)
    page = text(client.get(duty_post.get_absolute_url() + "?month=2026-01"))
    assert "?month=2025-12" in page and "?month=2026-02" in page
    response = client.get(duty_post.get_absolute_url() + "?month=2026-13")
    assert response.status_code == 200
    assert 'id="month-error"' in text(response)


def test_generate_regenerate_and_publish_lock_the_month(world, duty_post):
    client = login(world, "office")
    generate = reverse("duty_roster:month_generate", args=[duty_post.pk, 2026, 12])
    response = client.post(generate, follow=True)
    assert response.redirect_chain[-1][0].endswith("?month=2026-12")
    assert any("generated" in m for m in follow_messages(response))
    assert rotation_days(duty_post, 2026, 12).exists()
    page = text(response)
    assert 'id="publish"' in page and "Regenerate" in page
    response = client.post(generate, follow=True)
    assert any("regenerated" in m for m in follow_messages(response))

    publish = reverse("duty_roster:month_publish", args=[duty_post.pk, 2026, 12])
    assert 'id="confirm"' in text(client.get(publish))
    response = client.post(publish, follow=True)
    rota = DutyMonth.objects.get(post=duty_post, year=2026, month=12)
    assert rota.is_published and rota.published_by == world.users["office"]
    page = text(response)
    assert 'data-state="published"' in page
    assert 'id="generate"' not in page and "day_update" not in page
    before = list(rotation_days(duty_post, 2026, 12).values_list("day", "person"))
    response = client.post(generate, follow=True)
    assert response.status_code == 200
    assert any("locked" in m for m in follow_messages(response))
    assert list(rotation_days(duty_post, 2026, 12).values_list("day", "person")) == before
    response = client.post(publish, follow=True)
    assert any("already published" in m for m in follow_messages(response))


def test_publishing_an_ungenerated_month_is_refused(world, duty_post):
    client = login(world, "office")
    publish = reverse("duty_roster:month_publish", args=[duty_post.pk, 2026, 12])
    assert 'id="confirm"' not in text(client.get(publish))
    response = client.post(publish, follow=True)
    assert any("Generate the rota" in m for m in follow_messages(response))
    assert not DutyMonth.objects.filter(post=duty_post, published_at__isnull=False).exists()


def test_a_year_without_holidays_gives_the_clear_message_not_an_error_page(world, duty_post):
    client = login(world, "township")
    response = client.post(reverse("duty_roster:month_generate", args=[duty_post.pk, 2027, 1]), follow=True)
    assert response.status_code == 200
    assert any("The holidays of 2027 are not known yet" in m for m in follow_messages(response))
    assert 'id="calendar-error"' in text(response)
    assert not DutyDay.objects.filter(post=duty_post, day__year=2027).exists()


def test_with_the_township_entries_a_new_year_can_be_generated(world, duty_post):
    client = login(world, "township")
    response = client.post(
        reverse("duty_roster:calendar_create"),
        {"township": world.township.pk, "day": "2027-01-01", "name": "元旦"},
    )
    assert response.status_code == 302 and response["Location"].endswith("?year=2027")
    client.post(reverse("duty_roster:month_generate", args=[duty_post.pk, 2027, 1]))
    days = DutyDay.objects.filter(post=duty_post, day__year=2027)
    assert days.exists()
    assert not days.filter(day=datetime.date(2027, 1, 1)).exists()  # Friday, New Year's Day: no duty
    assert days.get(day=datetime.date(2027, 1, 4)).kind == DayKind.CONCENTRATED


# --- A day set by hand ------------------------------------------------------------------------------


def test_a_day_set_by_hand_is_kept_when_the_month_is_regenerated(world, duty_post, r2_office):
    generate_month(duty_post, 2026, 12, today=BEFORE)
    day = rotation_days(duty_post, 2026, 12).last()
    other = next(p for p in r2_office.village_secretaries if p.pk != day.person_id)
    client = login(world, "office")
    url = reverse("duty_roster:day_update", args=[day.pk])
    assert "data-show-when" in text(client.get(url))
    response = client.post(url, {"kind": DayKind.ROTATION, "person": other.pk, "note": "代班"})
    assert response.status_code == 302 and response["Location"].endswith("?month=2026-12")
    day.refresh_from_db()
    assert (day.person, day.manual, day.note) == (other, True, "代班")
    client.post(reverse("duty_roster:month_generate", args=[duty_post.pk, 2026, 12]))
    assert DutyDay.objects.get(post=duty_post, day=day.day).person == other


def test_a_day_by_hand_needs_a_note_and_a_secretary_of_the_post(world, duty_post, party):
    generate_month(duty_post, 2026, 12, today=BEFORE)
    day = rotation_days(duty_post, 2026, 12).last()
    client = login(world, "township")
    url = reverse("duty_roster:day_update", args=[day.pk])
    form = client.post(url, {"kind": DayKind.ROTATION, "person": day.person_id, "note": ""}).context["form"]
    assert "note" in form.errors
    form = client.post(url, {"kind": DayKind.ROTATION, "person": party.other_member.pk, "note": "x"}).context[
        "form"
    ]
    assert "person" in form.errors  # not on this post
    form = client.post(url, {"kind": DayKind.ROTATION, "person": "", "note": "x"}).context["form"]
    assert "person" in form.errors
    assert DutyDay.objects.get(pk=day.pk).manual is False
    client.post(url, {"kind": DayKind.CONCENTRATED, "person": day.person_id, "note": "全体学习"})
    day.refresh_from_db()
    assert (day.kind, day.person, day.manual) == (DayKind.CONCENTRATED, None, True)


def test_a_day_of_a_published_month_cannot_be_set_by_hand(world, duty_post, r2_office):
    rota = generate_month(duty_post, 2026, 12, today=BEFORE)
    rota.published_at = timezone.now()
    rota.save()
    day = rotation_days(duty_post, 2026, 12).last()
    other = next(p for p in r2_office.village_secretaries if p.pk != day.person_id)
    client = login(world, "office")
    url = reverse("duty_roster:day_update", args=[day.pk])
    response = client.post(url, {"kind": DayKind.ROTATION, "person": other.pk, "note": "代班"}, follow=True)
    assert any("locked" in m for m in follow_messages(response))
    assert DutyDay.objects.get(pk=day.pk).person_id == day.person_id
    assert client.get(url).status_code == 302


# --- Members ----------------------------------------------------------------------------------------


def member_names(post) -> list[str]:
    return [m.person.name for m in DutyMember.objects.filter(post=post).order_by("order", "pk")]


def test_members_move_up_and_down(world, duty_post):
    client = login(world, "office")
    first, second, third = DutyMember.objects.filter(post=duty_post).order_by("order")
    url = reverse("duty_roster:member_move", args=[duty_post.pk, first.pk])
    response = client.post(url, {"direction": "down", "month": "2026-12"})
    assert response["Location"].endswith("?month=2026-12#members")
    assert member_names(duty_post) == ["李红梅", "张建军", "王永福"]
    client.post(reverse("duty_roster:member_move", args=[duty_post.pk, third.pk]), {"direction": "up"})
    assert member_names(duty_post) == ["李红梅", "王永福", "张建军"]
    client.post(reverse("duty_roster:member_move", args=[duty_post.pk, second.pk]), {"direction": "up"})
    assert member_names(duty_post) == ["李红梅", "王永福", "张建军"]  # already first
    assert list(
        DutyMember.objects.filter(post=duty_post).order_by("order").values_list("order", flat=True)
    ) == [
        1,
        2,
        3,
    ]


def test_a_member_leaves_the_rotation_and_comes_back(world, duty_post):
    client = login(world, "office")
    member = DutyMember.objects.filter(post=duty_post).first()
    url = reverse("duty_roster:member_active", args=[duty_post.pk, member.pk])
    response = client.post(url, {"active": "0"}, follow=True)
    member.refresh_from_db()
    assert member.active is False
    assert any("leaves the rotation" in m for m in follow_messages(response))
    generate_month(duty_post, 2026, 12, today=BEFORE)
    assert not rotation_days(duty_post, 2026, 12).filter(person=member.person).exists()
    page = text(client.get(duty_post.get_absolute_url() + "?month=2026-12"))
    assert f'data-member="{member.pk}" data-person="{member.person_id}" data-active="false"' in page
    client.post(url, {"active": "1"})
    member.refresh_from_db()
    assert member.active is True
    assert DutyMember.objects.filter(post=duty_post).count() == 3  # nobody deleted


def test_sync_adds_new_secretaries_and_takes_out_former_ones(world, duty_post, r2_office):
    village = Village.objects.create(office=world.office, name="赵集村", sort_order=4)
    branch = Branch.objects.create(
        office=world.office,
        village=village,
        parent=r2_office.general,
        kind=BranchKind.VILLAGE,
        name="赵集村党支部",
    )
    newcomer = make_member(branch, "赵新民")
    Post.objects.create(branch=branch, kind=PostKind.SECRETARY, person=newcomer, started_on=BEFORE)
    Post.objects.filter(person=r2_office.village_secretaries[0]).update(ended_on=datetime.date(2026, 1, 31))
    response = login(world, "office").post(
        reverse("duty_roster:member_sync", args=[duty_post.pk]), follow=True
    )
    message = " ".join(follow_messages(response))
    assert "赵新民" in message and "张建军" in message
    assert DutyMember.objects.get(post=duty_post, person=newcomer).active
    assert not DutyMember.objects.get(post=duty_post, person=r2_office.village_secretaries[0]).active
    response = login(world, "office").post(
        reverse("duty_roster:member_sync", args=[duty_post.pk]), follow=True
    )
    assert any("already in step" in m for m in follow_messages(response))


# --- Print and export -------------------------------------------------------------------------------


def test_the_printed_rota(world, duty_post):
    generate_month(duty_post, 2026, 10, today=BEFORE)
    response = login(world, "village", "zh-hans").get(
        reverse("duty_roster:month_print", args=[duty_post.pk, 2026, 10])
    )
    page = text(response)
    assert response.context["month"].title.startswith("东关社区")
    assert "2026" in response.context["month"].title
    assert "东关社区服务中心" in page  # the place
    assert 'id="sign-in-rule"' in page and "08:30" in page
    assert "国庆节" in page
    assert 'data-state="generated"' in page and 'id="draft-note"' in page
    assert "东关办事处" in page  # footer: the office
    assert timezone.localdate().strftime("%Y-%m-%d") in page


def test_the_rota_exports_to_excel(world, duty_post, r2_office):
    generate_month(duty_post, 2026, 10, today=BEFORE)
    response = login(world, "county").get(reverse("duty_roster:month_export", args=[duty_post.pk, 2026, 10]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert "东关社区" in sheet["A1"].value
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    duty_count = DutyDay.objects.filter(post=duty_post, day__month=10).count()
    holiday_rows = [r for r in rows if r[3] in ("", None)]
    assert len(rows) - len(holiday_rows) == duty_count
    assert rows[0][0] == datetime.datetime(2026, 10, 1)
    assert "国庆节" in rows[0][4]
    names = {r[3] for r in rows} - {"", None}
    assert {p.name for p in r2_office.village_secretaries} <= names


# --- Holidays ---------------------------------------------------------------------------------------


def test_holidays_list_filters_by_year_and_explains(world):
    CalendarEntry.objects.create(
        township=world.township, day=datetime.date(2027, 1, 1), working=False, name="元旦"
    )
    CalendarEntry.objects.create(
        township=world.township, day=datetime.date(2026, 10, 1), working=False, name="本镇特殊假"
    )
    CalendarEntry.objects.create(
        township=world.other_township, day=datetime.date(2027, 1, 2), working=False, name="乙镇假日"
    )
    client = login(world, "office")
    page = text(client.get(reverse("duty_roster:calendar_list") + "?year=2027"))
    assert "元旦" in page and "本镇特殊假" not in page and "乙镇假日" not in page
    assert 'id="calendar-explanation"' in page and "2026" in page
    assert reverse("duty_roster:calendar_create") not in page  # offices read only


def test_holiday_entries_are_checked(world):
    CalendarEntry.objects.create(
        township=world.township, day=datetime.date(2027, 1, 1), working=False, name="元旦"
    )
    client = login(world, "township")
    url = reverse("duty_roster:calendar_create")
    form = client.post(url, {"township": world.township.pk, "day": "2027-01-01", "name": "元旦"}).context[
        "form"
    ]
    assert "day" in form.errors
    data = {"township": world.township.pk, "day": "2027-02-03", "working": "on", "name": "调休"}
    assert "working" in client.post(url, data).context["form"].errors  # a Wednesday
    data = {"township": world.township.pk, "day": "2027-02-07", "working": "on", "name": "春节调休"}
    assert client.post(url, data).status_code == 302
    assert CalendarEntry.objects.get(day=datetime.date(2027, 2, 7)).working


def test_the_sidebar_links_the_duty_roster(world):
    page = text(login(world, "village").get(reverse("duty_roster:post_list")))
    assert f'class="nav-link active" href="{reverse("duty_roster:post_list")}"' in page


@pytest.mark.parametrize("role", ["township", "office"])
def test_the_month_page_for_managers_has_its_actions(world, duty_post, role):
    page = text(login(world, role).get(duty_post.get_absolute_url() + "?month=2026-12"))
    assert 'id="generate"' in page and 'id="sync-members"' in page and 'id="post-edit"' in page
    assert 'data-state="none"' in page


def test_the_admin_lists_every_duty_model(world, duty_post, admin_client):
    generate_month(duty_post, 2026, 12, today=BEFORE)
    # DutyMember is edited inline on its post.
    for model in ("dutypost", "calendarentry", "dutymonth", "dutyday", "leave", "dutychange", "signin"):
        assert admin_client.get(f"/admin/duty_roster/{model}/").status_code == 200, model
    assert admin_client.get(f"/admin/duty_roster/dutypost/{duty_post.pk}/change/").status_code == 200


def test_the_post_page_leads_to_leave_changes_and_statistics_and_the_menu_to_todays_duty(world, duty_post):
    from django.test import Client

    client = Client()
    client.force_login(world.users["village"])
    page = client.get(duty_post.get_absolute_url()).content.decode()
    for link in ("link-leave", "link-changes", "link-stats"):
        assert f'id="{link}"' in page
    assert "/duty/today/" in page and "/duty/me/upcoming/" in page  # the sidebar
    client.force_login(world.users["township"])
    assert "/duty/me/upcoming/" not in client.get("/").content.decode()
