"""Real Chromium on a 390px phone: the village secretary on duty records a visitor in the duty log and turns
the matter into a monthly-ledger item; the office secretary settles it on the month page and closes an
earlier month; the township sees the table of clearance rates."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from duty_roster.choices import DayKind
from duty_roster.models import DutyDay
from ledger import services
from ledger.choices import ItemSource, ItemStatus
from ledger.models import LedgerItem
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
SHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}


def log_in(page: Page, live_server, username: str, path: str) -> None:
    page.goto(f"{live_server.url}{path}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_visitor_becomes_a_ledger_item_and_is_settled_on_a_phone(
    page: Page, live_server, world, duty_post, r2_office
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(PHONE)
    today = timezone.localdate()
    DutyDay.objects.create(
        post=duty_post, day=today, kind=DayKind.ROTATION, person=r2_office.village_secretaries[0]
    )

    log_in(page, live_server, "village", "/duty/today/")
    page.locator(f"#today-post-{duty_post.pk} .log-link").click()
    page.locator("#id_visitor").fill("张庄村 王大妈")
    page.locator("#id_purpose").fill("反映村东路灯不亮")
    page.locator("#id_handling").fill("已登记，联系电工")
    page.locator("#id_needs_follow_up").check()
    fits(page)
    page.screenshot(path=SHOTS / "duty-log-day-phone.png", full_page=True)
    page.locator("#log-submit").click()
    entry = page.locator(".log-entry").first
    expect(entry).to_contain_text("反映村东路灯不亮")
    entry.locator(".to-ledger").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator(".log-entry .ledger-link")).to_be_visible()
    expect(page.locator(".log-entry .entry-delete")).to_have_count(0)
    page.screenshot(path=SHOTS / "duty-log-to-ledger-phone.png", full_page=True)
    item = LedgerItem.objects.get()
    assert item.source == ItemSource.DUTY_LOG

    # The office secretary settles it from the month page, on his phone.
    page.context.clear_cookies()
    log_in(page, live_server, "office", item.ledger.get_absolute_url())
    row = page.locator(f"#item-{item.pk}")
    expect(row).to_contain_text("反映村东路灯不亮")
    fits(page)
    row.locator(".item-done").click()
    row.locator(f"#result-{item.pk}").fill("已更换灯泡")
    row.locator("form.dropdown-menu button[type=submit]").click()
    expect(page.locator(f"#item-{item.pk}")).to_have_attribute("data-status", "done")
    expect(page.locator("[data-summary=rate]")).to_have_text("100.0%")
    page.screenshot(path=SHOTS / "ledger-month-phone.png", full_page=True)
    item.refresh_from_db()
    assert (item.status, item.result) == (ItemStatus.DONE, "已更换灯泡")


def test_closing_a_month_and_the_township_table(page: Page, live_server, world):
    SHOTS.mkdir(parents=True, exist_ok=True)
    january = datetime.date(2025, 1, 1)
    ledger = services.ledger_for(world.office, january)
    for content in ("修村道", "低保复核", "调解宅基地纠纷"):
        services.add_item(ledger, source=ItemSource.PETITION, content=content, owner="王建国")
    services.update_item(ledger.items.get(content="低保复核"), status=ItemStatus.DONE, result="已复核")

    page.set_viewport_size(PHONE)
    log_in(page, live_server, "office", ledger.get_absolute_url())
    page.locator("#close-month").click()
    expect(page.locator("#close-carry li")).to_have_count(2)
    fits(page)
    page.screenshot(path=SHOTS / "ledger-close-phone.png", full_page=True)
    page.locator("#close-confirm").click()
    expect(page.locator("#ledger-month")).to_have_attribute("data-state", "closed")
    expect(page.locator("#add-item-form")).to_have_count(0)
    expect(page.locator(".carried-on")).to_have_count(2)

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server, "township", "/ledger/?year=2025")
    cell = page.locator(f'tr[data-office="{world.office.pk}"] td[data-month="2025-01"]')
    expect(cell).to_have_attribute("data-closed", "true")
    expect(cell).to_contain_text("33.3%")
    page.screenshot(path=SHOTS / "ledger-township-board.png", full_page=True)
    page.goto(f"{live_server.url}{ledger.get_absolute_url()}print/")
    page.emulate_media(media="print")
    page.screenshot(path=SHOTS / "ledger-month-print.png", full_page=True)
