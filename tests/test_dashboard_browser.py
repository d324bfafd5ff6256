"""Real Chromium: township staff see the dashboard's charts drawn (SVG), click a bar and land on the filtered
member list; the page on a desktop and on a 390px phone, screenshots in test-artifacts/."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.test_dashboard import people  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser
SHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}


def log_in(page: Page, live_server, username: str, path: str) -> None:
    page.goto(f"{live_server.url}{path}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()


def test_township_staff_click_a_bar_through_to_the_members_of_that_office(
    page: Page,
    live_server,
    world,
    people,  # noqa: F811
    duty_post,
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, "township", "/")
    members_chart = page.locator('[data-chart="members"] .chart-canvas')
    expect(members_chart.locator("svg")).to_have_count(1)
    expect(page.locator('[data-chart="age"] .chart-canvas svg')).to_have_count(1)
    page.screenshot(path=SHOTS / "dashboard-desktop.png", full_page=True)

    # The first bar is 东关办事处's.
    bars = members_chart.locator("svg path[fill='#c8102e']")
    expect(bars.first).to_be_visible()
    bars.first.click()
    page.wait_for_url(f"**/members/?office={world.office.pk}&party=true")
    assert page.locator("table tbody tr").count() >= 1
    expect(page.locator("body")).to_contain_text("周一")

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/")
    expect(page.locator('[data-chart="education"] .chart-canvas svg')).to_have_count(1)
    first, second = (page.locator(".dashboard-chart").nth(i).bounding_box() for i in (0, 1))
    assert second["y"] >= first["y"] + first["height"] - 1  # stacked, not side by side
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=SHOTS / "dashboard-phone.png", full_page=True)

    page.set_viewport_size({"width": 1000, "height": 1400})
    page.goto(f"{live_server.url}/?print=1")
    expect(page.locator("#print")).to_be_visible()
    expect(page.locator('[data-chart="members"] .chart-canvas svg')).to_have_count(1)
    page.screenshot(path=SHOTS / "dashboard-print.png", full_page=True)
