"""Real Chromium on a 390px phone: the township records an inspection with a rectification item; the office
secretary finds it overdue on his list and reports it done with evidence."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessments.choices import RectificationStatus
from assessments.models import Rectification
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
SHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}


def log_in(page: Page, live_server, username: str, path: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{path}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_an_inspection_item_is_reported_done_on_a_phone(page: Page, live_server, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(PHONE)
    past = timezone.localdate() - datetime.timedelta(days=20)

    log_in(page, live_server, "township", "/assessments/inspections/")
    page.locator("#inspection-create").click()
    page.locator("#id_office").select_option(str(world.office.pk))
    page.locator("#id_on").fill(past.isoformat())
    page.locator("#id_kind").select_option("inspection")
    page.locator("#id_inspectors").fill("刘建华、孙丽")
    page.locator("#id_checked").fill("村书记值班岗运行情况")
    page.locator("#id_findings").fill("值班日志记录简单")
    fits(page)
    page.locator("#inspection-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    page.locator("#rectification-add").click()
    page.locator("#id_content").fill("规范值班日志记录")
    page.locator("#id_owner").fill("王建国")
    page.locator("#id_deadline").fill((past + datetime.timedelta(days=10)).isoformat())
    page.locator("#rectification-form button[type=submit]").click()
    expect(page.locator("#rectifications .overdue")).to_be_visible()
    page.screenshot(path=SHOTS / "inspection-detail-phone.png", full_page=True)

    log_in(page, live_server, "office", "/assessments/rectifications/")
    row = page.locator("tr[data-rectification]")
    expect(row).to_have_count(1)
    expect(row.locator(".overdue")).to_be_visible()
    fits(page)
    page.screenshot(path=SHOTS / "rectification-list-phone.png", full_page=True)
    row.locator(".rectification-update").click()
    page.locator("input[name=status][value=done]").check()
    page.locator("#rectification-form button[type=submit]").click()
    expect(page.locator("#id_evidence")).to_have_attribute("aria-invalid", "true")
    page.locator("input[name=status][value=done]").check()
    page.locator("#id_evidence").fill("值班日志已按要求逐项记录")
    fits(page)
    page.screenshot(path=SHOTS / "rectification-report-phone.png", full_page=True)
    page.locator("#rectification-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("tr[data-rectification] .overdue")).to_have_count(0)
    item = Rectification.objects.get()
    assert item.status == RectificationStatus.DONE and item.evidence == "值班日志已按要求逐项记录"
