"""Real Chromium: an office secretary generates and publishes October 2026 (National Day, an adjusted
Saturday) on an office screen, reads it on a phone as a list of days, and prints the wall rota on A4."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from duty_roster.models import DutyMonth, Leave
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
SHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"


def log_in(page: Page, live_server, username: str, path: str) -> None:
    page.goto(f"{live_server.url}{path}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()


def test_an_office_secretary_generates_publishes_and_prints_a_month(
    page: Page, live_server, world, duty_post, r2_office
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    Leave.objects.create(
        post=duty_post,
        person=r2_office.village_secretaries[1],
        starts_on=datetime.date(2026, 10, 13),
        ends_on=datetime.date(2026, 10, 16),
        reason="外出培训",
    )
    log_in(page, live_server, "office", "/duty/posts/")
    expect(page).to_have_url(f"{live_server.url}/duty/posts/")
    page.locator("#sidebar a.nav-link.active[href='/duty/posts/']").wait_for()
    page.get_by_role("link", name="东关社区书记值班岗").first.click()
    page.goto(f"{page.url}?month=2026-10")
    expect(page.locator("#month-state")).to_have_attribute("data-state", "none")

    page.locator("#generate").click()
    expect(page.locator("#month-state")).to_have_attribute("data-state", "generated")
    calendar = page.locator("#duty-calendar")
    expect(calendar).to_be_visible()
    expect(page.locator("#duty-day-list")).to_be_hidden()
    expect(calendar.locator('[data-holiday="国庆节"]').first).to_be_visible()
    expect(calendar.locator('td[data-day="2026-10-10"][data-kind="rotation"]')).to_have_count(1)
    expect(calendar.locator('td[data-day="2026-10-12"][data-kind="concentrated"]')).to_have_count(1)
    expect(calendar.locator('td[data-day="2026-10-14"] .duty-leave')).to_contain_text("李红梅")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366

    # Regenerating asks first; the month stays the same without leave changes.
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#generate").click()
    expect(page.locator(".alert-success")).to_be_visible()
    page.locator("#publish").click()
    page.locator("#confirm").click()
    expect(page.locator("#month-state")).to_have_attribute("data-state", "published")
    assert DutyMonth.objects.get(post=duty_post, year=2026, month=10).is_published
    page.screenshot(path=str(SHOTS / "duty-month-1366.png"), full_page=True)

    # A phone: the month as a list of days, nothing wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(calendar).to_be_hidden()
    days = page.locator("#duty-day-list")
    expect(days).to_be_visible()
    expect(days.locator('li[data-day="2026-10-01"]')).to_contain_text("国庆节")
    expect(days.locator('li[data-day="2026-10-12"] .duty-concentrated')).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SHOTS / "duty-month-phone.png"), full_page=True)
    page.locator("#members").screenshot(path=str(SHOTS / "duty-members-phone.png"))

    # The wall rota: one A4 page.
    page.set_viewport_size({"width": 1366, "height": 900})
    page.locator("#print-rota").click()
    sheet = page.locator("#duty-sheet")
    expect(sheet).to_have_attribute("data-state", "published")
    expect(sheet.locator(".sheet-title")).to_contain_text("东关社区")
    expect(sheet.locator("#sign-in-rule")).to_contain_text("08:30")
    expect(sheet.locator('td[data-day="2026-10-01"]')).to_contain_text("国庆节")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.emulate_media(media="print")
    expect(page.locator("#sidebar")).to_be_hidden()
    page.screenshot(path=str(SHOTS / "duty-rota-print.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert pages == 1, f"the rota prints on {pages} pages"
