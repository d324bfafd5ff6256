"""The ledger pages: access for every role and URL, the month page's filters and summary, adding and
settling items, closing and reopening through the confirmation pages, locked months refusing edits,
the township table, the printed report and the .xlsx exports."""

import datetime
import io

import openpyxl
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ledger import services
from ledger.choices import STUCK_CARRIES, ItemSource, ItemStatus, LedgerAction
from ledger.models import LedgerEvent, LedgerItem, LedgerMonth
from tests.access import check_access

JAN = datetime.date(2025, 1, 1)
FEB = datetime.date(2025, 2, 1)

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
CHANGE = {**READ, "village": 403, "other_village": 403, "county": 403}
ACTION = {**CHANGE, "township": 302, "office": 302}


def login(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def url(name: str, office, month: datetime.date, *rest) -> str:
    return reverse(f"ledger:{name}", args=[office.pk, f"{month:%Y-%m}", *rest])


def add(ledger, content="修路灯", status=ItemStatus.OPEN, **fields):
    if status == ItemStatus.DONE:
        fields.setdefault("result", "已办结")
    return services.add_item(
        ledger, source=ItemSource.PETITION, content=content, owner="王建国", status=status, **fields
    )


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content))


@pytest.fixture
def january(world):
    ledger = services.ledger_for(world.office, JAN)
    add(ledger, "路灯坏了", due_on=datetime.date(2025, 1, 10))
    add(ledger, "低保复核", ItemStatus.DONE)
    return ledger


# --- Access -------------------------------------------------------------------------------------------------


def test_month_list_access(world, january):
    everyone = {role: 200 for role in READ} | {"anonymous": 302}
    check_access(world, reverse("ledger:month_list"), everyone)
    check_access(world, reverse("ledger:month_list") + f"?office={world.office.pk}", READ)
    check_access(world, reverse("ledger:month_list") + "?export=xlsx", everyone)


def test_month_pages_access(world, january):
    check_access(world, url("month_detail", world.office, JAN), READ)
    check_access(world, url("month_detail", world.office, JAN) + "?export=xlsx", READ)
    check_access(world, url("month_print", world.office, JAN), READ)
    check_access(world, url("month_close", world.office, JAN), CHANGE)
    check_access(world, url("item_create", world.office, JAN), CHANGE)
    item = january.items.first()
    check_access(world, reverse("ledger:item_update", args=[item.pk]), CHANGE)


def test_a_month_nobody_opened_is_empty_in_scope_and_missing_outside(world):
    month = timezone.localdate().replace(day=1)
    check_access(world, url("month_detail", world.office, month), READ)
    check_access(world, url("month_print", world.office, month), READ)
    assert not LedgerMonth.objects.exists()  # looking does not create it
    page = login(world, "office").get(url("month_detail", world.office, month)).content.decode()
    assert 'id="add-item-form"' in page


def test_change_actions_access(world, january):
    item = january.items.get(status=ItemStatus.OPEN)
    check_access(
        world,
        reverse("ledger:item_status", args=[item.pk]),
        ACTION,
        method="post",
        data={"status": "in_progress"},
    )
    check_access(world, url("month_open", world.office, timezone.localdate()), ACTION, method="post")
    assert LedgerMonth.objects.filter(month=timezone.localdate().replace(day=1)).count() == 1


def test_close_and_add_by_post_access(world, january):
    new = {"source": "petition", "content": "新事项", "owner": "李四"}
    check_access(world, url("item_create", world.office, JAN), ACTION, method="post", data=new)
    assert january.items.filter(content="新事项").count() == 2  # the office and the township
    check_access(world, url("month_close", world.office, JAN), ACTION, method="post")
    assert LedgerMonth.objects.get(pk=january.pk).is_closed
    assert LedgerEvent.objects.filter(ledger=january, action=LedgerAction.CLOSE).count() == 1


def test_reopen_access_is_township_only(world, january):
    services.close_month(january, today=datetime.date(2025, 6, 1))
    expected = {**CHANGE, "office": 403}
    check_access(world, url("month_reopen", world.office, JAN), expected)
    check_access(world, url("month_reopen", world.office, JAN), expected | {"township": 200}, method="post")
    assert LedgerMonth.objects.get(pk=january.pk).is_closed  # the township's empty reason was refused


# --- The month page -------------------------------------------------------------------------------------


def test_the_month_page_shows_items_summary_badges_and_overdue(world, january):
    services.close_month(january, today=datetime.date(2025, 6, 1))
    february = LedgerMonth.objects.get(office=world.office, month=FEB)
    (carried,) = february.items.all()
    response = login(world, "office").get(url("month_detail", world.office, FEB))
    page = response.content.decode()
    assert response.context["summary"] == services.summarise(february)
    assert "carried 1 time" in page
    assert f"/ledger/{world.office.pk}/2025-01/#item-{carried.carried_from_id}" in page  # links to its origin
    assert 'class="table-danger item-overdue' in page  # due 2025-01-10, unsettled
    january_page = login(world, "office").get(url("month_detail", world.office, JAN)).content.decode()
    assert "carried to 2025-02" in january_page
    assert 'id="add-item-form"' not in january_page and "item-edit" not in january_page
    assert 'id="reopen-month"' not in january_page  # the office cannot reopen
    assert (
        'id="reopen-month"'
        in login(world, "township").get(url("month_detail", world.office, JAN)).content.decode()
    )


def test_the_month_page_filters_by_status_source_and_search(world, january):
    client = login(world, "office")
    base = url("month_detail", world.office, JAN)
    assert [i.content for i in client.get(base + "?status=done").context["items"]] == ["低保复核"]
    assert [i.content for i in client.get(base + "?q=路灯").context["items"]] == ["路灯坏了"]
    assert client.get(base + "?source=meeting").context["items"] == []


def test_village_secretaries_read_without_edit_controls(world, january):
    page = login(world, "village").get(url("month_detail", world.office, JAN)).content.decode()
    assert "路灯坏了" in page
    assert 'id="add-item-form"' not in page and "item-edit" not in page and 'id="close-month"' not in page


# --- Adding and settling items --------------------------------------------------------------------------


def test_adding_an_item_opens_the_month(world):
    month = timezone.localdate().replace(day=1)
    client = login(world, "office")
    response = client.post(
        url("item_create", world.office, month),
        {"source": "petition", "content": "修桥", "owner": "李四", "due_on": ""},
        follow=True,
    )
    item = LedgerItem.objects.get()
    assert item.ledger.month == month and item.created_by == world.users["office"]
    assert any("修桥" in m for m in messages_of(response))


def test_a_bad_item_comes_back_with_the_errors_next_to_the_fields(world, january):
    response = login(world, "office").post(url("item_create", world.office, JAN), {"source": "petition"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"content", "owner"}
    assert january.items.count() == 2


def test_the_quick_done_button_needs_a_result(world, january):
    item = january.items.get(status=ItemStatus.OPEN)
    client = login(world, "office")
    response = client.post(reverse("ledger:item_status", args=[item.pk]), {"status": "done"})
    assert response.status_code == 302 and "?status=done" in response["Location"]
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN
    client.post(reverse("ledger:item_status", args=[item.pk]), {"status": "done", "result": "已修好"})
    item.refresh_from_db()
    assert (item.status, item.result, item.done_on) == (ItemStatus.DONE, "已修好", timezone.localdate())


def test_editing_an_item(world, january):
    item = january.items.get(status=ItemStatus.OPEN)
    response = login(world, "township").post(
        reverse("ledger:item_update", args=[item.pk]),
        {
            "source": "township_task",
            "content": "路灯坏了（三盏）",
            "owner": "王建国",
            "due_on": "2025-01-20",
            "status": "in_progress",
            "result": "",
            "done_on": "",
            "meeting": "",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.source, item.content, item.status) == ("township_task", "路灯坏了（三盏）", "in_progress")


def test_a_locked_month_refuses_every_edit(world, january):
    services.close_month(january, today=datetime.date(2025, 6, 1))
    item = january.items.get(status=ItemStatus.OPEN)
    client = login(world, "office")
    response = client.get(reverse("ledger:item_update", args=[item.pk]), follow=True)
    assert any("closed" in m for m in messages_of(response))
    client.post(
        reverse("ledger:item_update", args=[item.pk]),
        {"content": "改", "owner": "x", "source": "other", "status": "open"},
    )
    client.post(reverse("ledger:item_status", args=[item.pk]), {"status": "done", "result": "办了"})
    client.post(url("item_create", world.office, JAN), {"source": "other", "content": "新", "owner": "x"})
    item.refresh_from_db()
    assert (item.content, item.status) == ("路灯坏了", ItemStatus.OPEN)
    assert january.items.count() == 2


# --- Close and reopen ---------------------------------------------------------------------------------


def test_the_close_page_shows_what_will_be_stored_and_carried(world, january):
    response = login(world, "office").get(url("month_close", world.office, JAN))
    assert response.context["summary"] == services.Summary(2, 1, 1, 1)
    assert [i.content for i in response.context["carry"]] == ["路灯坏了"]
    assert not response.context["problems"]


def test_closing_through_the_page(world, january):
    response = login(world, "office").post(url("month_close", world.office, JAN), follow=True)
    january.refresh_from_db()
    assert january.is_closed
    assert any("closed" in m for m in messages_of(response))
    assert LedgerItem.objects.filter(ledger__month=FEB, carried_times=1).count() == 1


def test_closing_out_of_order_is_a_message(world, january):
    services.ledger_for(world.office, FEB)
    client = login(world, "office")
    page = client.get(url("month_close", world.office, FEB))
    assert page.context["problems"] and "disabled" in page.content.decode()
    response = client.post(url("month_close", world.office, FEB), follow=True)
    assert any("2025-01" in m for m in messages_of(response))
    assert not LedgerMonth.objects.get(office=world.office, month=FEB).is_closed


def test_reopening_through_the_page(world, january):
    services.close_month(january, today=datetime.date(2025, 6, 1))
    client = login(world, "township")
    response = client.post(url("month_reopen", world.office, JAN), {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    client.post(url("month_reopen", world.office, JAN), {"reason": "补录一件"})
    assert not LedgerMonth.objects.get(pk=january.pk).is_closed
    page = client.get(url("month_detail", world.office, JAN)).content.decode()
    assert "补录一件" in page
    assert LedgerEvent.objects.filter(action=LedgerAction.REOPEN).count() == 1


def test_reopening_before_a_later_closed_month_is_refused(world, january):
    services.close_month(january, today=datetime.date(2025, 6, 1))
    services.close_month(
        LedgerMonth.objects.get(office=world.office, month=FEB), today=datetime.date(2025, 6, 1)
    )
    response = login(world, "township").post(
        url("month_reopen", world.office, JAN), {"reason": "补录"}, follow=True
    )
    assert any("later" in m for m in messages_of(response))
    assert LedgerMonth.objects.get(pk=january.pk).is_closed


# --- Lists, township table, print and export --------------------------------------------------------------


def test_the_office_sees_its_months_and_opens_this_one(world, january):
    client = login(world, "office")
    response = client.get(reverse("ledger:month_list"))
    assert [row.month for row in response.context["rows"]] == [JAN]
    assert 'id="open-current"' in response.content.decode()
    client.post(url("month_open", world.office, timezone.localdate()))
    response = client.get(reverse("ledger:month_list"))
    assert 'id="current-month"' in response.content.decode()
    assert response.context["rows"][0].ledger.month == timezone.localdate().replace(day=1)


def stuck_item(world):
    month = JAN
    ledger = services.ledger_for(world.office, month)
    add(ledger, "老大难")
    for _ in range(STUCK_CARRIES):
        services.close_month(
            LedgerMonth.objects.get(office=world.office, month=month), today=datetime.date(2025, 6, 1)
        )
        month = services.next_month(month)
    return LedgerItem.objects.get(carried_times=STUCK_CARRIES)


def test_the_township_table_shows_rates_and_stuck_items(world):
    stuck = stuck_item(world)
    other = services.ledger_for(world.other_office, JAN)
    add(other, "done", ItemStatus.DONE)
    response = login(world, "township").get(reverse("ledger:month_list") + "?year=2025")
    rows = {row.office: row for row in response.context["rows"]}
    assert set(rows) == {world.office, world.other_office}
    assert rows[world.other_office].cells[0].rate_percent == 100.0
    assert rows[world.office].cells[0].rate_percent == 0.0 and rows[world.office].cells[0].ledger.is_closed
    assert [i.pk for i in response.context["stuck"]] == [stuck.pk]
    assert "老大难" in response.content.decode()
    far = login(world, "other_township").get(reverse("ledger:month_list") + "?year=2025")
    assert [row.office for row in far.context["rows"]] == [world.far_office]
    assert far.context["stuck_count"] == 0


def test_the_township_table_exports_to_excel(world):
    stuck_item(world)
    book = workbook(login(world, "township").get(reverse("ledger:month_list") + "?year=2025&export=xlsx"))
    rates, details, stuck = book.worksheets
    assert rates["B4"].value in ("东关办事处", "东关社区")
    assert rates["C4"].value == 0  # January: nothing done
    assert [row[2].value for row in details.iter_rows(min_row=4)][:4] == [
        "2025-01",
        "2025-02",
        "2025-03",
        "2025-04",
    ]
    assert stuck["D4"].value == "老大难" and stuck["H4"].value == STUCK_CARRIES
    county = workbook(login(world, "county").get(reverse("ledger:month_list") + "?year=2025&export=xlsx"))
    assert county.worksheets[0].max_row == 3 + 3  # every office of the county


def test_the_month_exports_to_excel(world, january):
    book = workbook(login(world, "village").get(url("month_detail", world.office, JAN) + "?export=xlsx"))
    items, summary = book.worksheets
    assert {items["C4"].value, items["C5"].value} == {"路灯坏了", "低保复核"}
    assert [c.value for c in summary[4]][:5] == ["2025-01", 2, 1, 1, 1]


def test_the_month_prints(world, january):
    response = login(world, "office").get(url("month_print", world.office, JAN))
    page = response.content.decode()
    assert response.status_code == 200
    assert "路灯坏了" in page and 'id="sheet-sign"' in page and 'id="draft-note"' in page
    services.close_month(january, today=datetime.date(2025, 6, 1))
    page = login(world, "county").get(url("month_print", world.office, JAN)).content.decode()
    assert 'id="draft-note"' not in page


def test_an_item_from_a_meetings_resolution_is_prefilled(world, r2_office):
    from meetings.models import Meeting

    meeting = Meeting.objects.create(
        branch=r2_office.general,
        kind="community_meeting",
        on=datetime.date(2025, 1, 6),
        topic="一月党建会",
        resolutions="整修村道\n另议",
        host="王建国",
    )
    services.ledger_for(world.office, JAN)
    response = login(world, "office").get(url("item_create", world.office, JAN) + f"?meeting={meeting.pk}")
    initial = response.context["form"].initial
    assert (initial["source"], initial["content"], initial["meeting"]) == ("meeting", "整修村道", meeting.pk)
    other = login(world, "other_office").get(
        url("item_create", world.other_office, JAN) + f"?meeting={meeting.pk}"
    )
    assert "meeting" not in other.context["form"].initial
