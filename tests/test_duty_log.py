"""The duty log (值班日志): who may record a day (the secretary on duty, everyone on a concentrated day,
the office, the township), future days, correcting and deleting entries, the one-click ledger item, the
post's log list with its export, and the links from the today page and the month calendar."""

import datetime
import io

import openpyxl
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from duty_roster.choices import DayKind
from duty_roster.models import DutyDay, DutyLogEntry
from ledger import services as ledger_services
from ledger.models import LedgerItem
from tests.access import check_access

READ = {
    "anonymous": 302,
    "township": 200,
    "other_township": 404,
    "office": 200,
    "other_office": 404,
    "village": 200,
    "other_village": 200,
    "county": 200,
}
ENTRY = {
    "visitor": "张庄村 王大妈",
    "purpose": "咨询低保申请",
    "handling": "已登记，转民政",
    "needs_follow_up": "on",
}


def login(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def day_url(post, day) -> str:
    return reverse("duty_roster:log_day", args=[post.pk, day])


@pytest.fixture
def day(duty_post, r2_office) -> datetime.date:
    """Two days ago: 张建军 (the `village` user's village secretary) was on rotation duty."""
    day = timezone.localdate() - datetime.timedelta(days=2)
    DutyDay.objects.create(
        post=duty_post, day=day, kind=DayKind.ROTATION, person=r2_office.village_secretaries[0]
    )
    return day


@pytest.fixture
def entry(world, duty_post, day) -> DutyLogEntry:
    return DutyLogEntry.objects.create(
        post=duty_post,
        on=day,
        visitor="李楼村 孙大爷",
        purpose="宅基地纠纷",
        recorded_by=world.users["village"],
    )


# --- Access and who may record ------------------------------------------------------------------------------


def test_day_page_access(world, duty_post, day):
    check_access(world, day_url(duty_post, day), READ)
    check_access(world, day_url(duty_post, day - datetime.timedelta(days=400)), READ)
    assert login(world, "office").get(f"/duty/posts/{duty_post.pk}/log/2026-02-30/").status_code == 404


def test_who_may_record_on_a_rotation_day(world, duty_post, day):
    expected = {
        "anonymous": 302,
        "township": 302,
        "other_township": 404,
        "office": 302,
        "other_office": 404,
        "village": 302,  # on duty that day
        "other_village": 403,  # a village secretary of the office, not on duty
        "county": 403,
    }
    check_access(world, day_url(duty_post, day), expected, method="post", data=ENTRY)
    recorders = set(DutyLogEntry.objects.values_list("recorded_by__username", flat=True))
    assert recorders == {"township", "office", "village"}


def test_every_village_secretary_of_the_office_records_on_a_concentrated_day(world, duty_post):
    monday = timezone.localdate() - datetime.timedelta(days=7)
    DutyDay.objects.create(post=duty_post, day=monday, kind=DayKind.CONCENTRATED)
    assert login(world, "other_village").post(day_url(duty_post, monday), ENTRY).status_code == 302
    assert DutyLogEntry.objects.get().recorded_by == world.users["other_village"]


def test_the_form_shows_only_to_who_may_record(world, duty_post, day):
    assert 'id="log-form"' in login(world, "village").get(day_url(duty_post, day)).content.decode()
    assert 'id="log-form"' not in login(world, "other_village").get(day_url(duty_post, day)).content.decode()
    assert 'id="log-form"' not in login(world, "county").get(day_url(duty_post, day)).content.decode()
    no_duty = day - datetime.timedelta(days=1)
    assert 'id="log-form"' not in login(world, "village").get(day_url(duty_post, no_duty)).content.decode()
    assert 'id="log-form"' in login(world, "office").get(day_url(duty_post, no_duty)).content.decode()


def test_a_future_day_has_no_entries(world, duty_post):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    client = login(world, "office")
    page = client.get(day_url(duty_post, tomorrow)).content.decode()
    assert 'id="log-future"' in page and 'id="log-form"' not in page
    response = client.post(day_url(duty_post, tomorrow), ENTRY, follow=True)
    assert any("not come yet" in m for m in messages_of(response))
    assert not DutyLogEntry.objects.exists()


def test_recording_an_entry(world, duty_post, day):
    response = login(world, "village").post(day_url(duty_post, day), ENTRY, follow=True)
    entry = DutyLogEntry.objects.get()
    assert (entry.on, entry.visitor, entry.needs_follow_up, entry.recorded_by) == (
        day,
        "张庄村 王大妈",
        True,
        world.users["village"],
    )
    assert response.redirect_chain[-1][0].endswith(f"#entry-{entry.pk}")
    assert "咨询低保申请" in response.content.decode()


def test_a_bad_entry_comes_back_with_the_errors(world, duty_post, day):
    response = login(world, "village").post(day_url(duty_post, day), {"visitor": "", "purpose": ""})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"visitor", "purpose"}
    assert not DutyLogEntry.objects.exists()


# --- Edit and delete -------------------------------------------------------------------------------------


def test_edit_and_delete_access(world, entry):
    expected = {**READ, "other_village": 403, "county": 403}
    check_access(world, reverse("duty_roster:log_entry_update", args=[entry.pk]), expected)
    check_access(world, reverse("duty_roster:log_entry_delete", args=[entry.pk]), expected)


def test_the_recorder_corrects_his_entry(world, entry):
    data = {"visitor": "李楼村 孙大爷", "purpose": "宅基地纠纷调解", "handling": "约定周五调解"}
    response = login(world, "village").post(reverse("duty_roster:log_entry_update", args=[entry.pk]), data)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.purpose, entry.handling, entry.needs_follow_up) == ("宅基地纠纷调解", "约定周五调解", False)


def test_deleting_asks_first(world, entry):
    client = login(world, "office")
    page = client.get(reverse("duty_roster:log_entry_delete", args=[entry.pk])).content.decode()
    assert "宅基地纠纷" in page and 'id="delete-confirm"' in page
    assert DutyLogEntry.objects.exists()
    client.post(reverse("duty_roster:log_entry_delete", args=[entry.pk]))
    assert not DutyLogEntry.objects.exists()


def test_an_entry_that_became_a_ledger_item_is_neither_edited_nor_deleted(world, entry):
    ledger_services.item_from_duty_log(entry, world.users["office"])
    client = login(world, "office")
    for name in ("log_entry_update", "log_entry_delete"):
        response = client.post(
            reverse(f"duty_roster:{name}", args=[entry.pk]), {"visitor": "x", "purpose": "y"}
        )
        assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.visitor == "李楼村 孙大爷"
    page = client.get(day_url(entry.post, entry.on)).content.decode()
    assert "entry-delete" not in page and "ledger-link" in page


# --- To the ledger -----------------------------------------------------------------------------------------


def test_one_click_makes_one_ledger_item(world, entry):
    client = login(world, "village")
    to_ledger = reverse("duty_roster:log_entry_to_ledger", args=[entry.pk])
    first = client.post(to_ledger, follow=True)
    second = client.post(to_ledger, follow=True)
    item = LedgerItem.objects.get()
    assert item.duty_log_entry == entry
    link = f"/ledger/{entry.post.office_id}/{item.ledger.month:%Y-%m}/#item-{item.pk}"
    assert any(link in m for m in messages_of(first))
    assert any("already" in m for m in messages_of(second))


def test_to_the_ledger_access(world, entry):
    expected = {
        "anonymous": 302,
        "township": 302,
        "other_township": 404,
        "office": 302,
        "other_office": 404,
        "village": 302,
        "other_village": 403,
        "county": 403,
    }
    check_access(world, reverse("duty_roster:log_entry_to_ledger", args=[entry.pk]), expected, method="post")
    assert LedgerItem.objects.count() == 1


def test_the_ledger_item_links_back_to_the_log(world, entry):
    item = ledger_services.item_from_duty_log(entry, world.users["office"])
    page = login(world, "office").get(item.ledger.get_absolute_url()).content.decode()
    assert f"{day_url(entry.post, entry.on)}#entry-{entry.pk}" in page


# --- The post's log -------------------------------------------------------------------------------------


def test_log_list_access_and_export(world, duty_post, entry):
    list_url = reverse("duty_roster:log_list", args=[duty_post.pk])
    check_access(world, list_url, READ)
    check_access(world, list_url + "?export=xlsx", READ)
    response = login(world, "county").get(list_url + "?export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["B4"].value == "李楼村 孙大爷" and sheet["A4"].value.date() == entry.on


def test_log_list_filters_by_month_and_search(world, duty_post, entry):
    old = DutyLogEntry.objects.create(
        post=duty_post, on=datetime.date(2025, 3, 4), visitor="赵六", purpose="开证明"
    )
    client = login(world, "office")
    list_url = reverse("duty_roster:log_list", args=[duty_post.pk])
    assert list(client.get(list_url + "?month=2025-03").context["table"].data) == [old]
    assert list(client.get(list_url + "?q=宅基地").context["table"].data) == [entry]
    response = client.get(list_url + "?month=March")
    assert "Give the month as 2026-03." in response.content.decode()


def test_the_today_page_and_the_month_calendar_link_to_the_log(world, duty_post, day):
    today = timezone.localdate()
    assert (
        day_url(duty_post, today)
        in login(world, "village").get(reverse("duty_roster:today")).content.decode()
    )
    page = (
        login(world, "office")
        .get(reverse("duty_roster:post_detail", args=[duty_post.pk]) + f"?month={day:%Y-%m}")
        .content.decode()
    )
    assert day_url(duty_post, day) in page
    assert reverse("duty_roster:log_list", args=[duty_post.pk]) in page
    assert day_url(duty_post, today + datetime.timedelta(days=1)) not in page
