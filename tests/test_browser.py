"""Real Chromium: log in through the login form, look at the home page on an office screen and a phone."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
SHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"


def log_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/offices/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/offices/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_township_staff_log_in_and_see_the_home_page(page: Page, live_server, world):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("township")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".alert-danger")).to_contain_text("请输入一个正确的")

    page.get_by_label("用户名").fill("township")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="您好，township")).to_be_visible()
    expect(page.locator('[data-count="offices"]')).to_have_text("2")
    expect(page.locator("#sidebar").get_by_role("link", name="办事处")).to_be_visible()
    # Bootstrap is served by the app itself: its stylesheet is applied.
    assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") == "flex"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "home-1366.png"), full_page=True)

    page.get_by_role("link", name="东关办事处").first.click()
    expect(page.get_by_role("heading", name="东关办事处")).to_be_visible()
    expect(page.locator("#community-card")).to_contain_text("东关社区")
    page.screenshot(path=str(SHOTS / "office-1366.png"), full_page=True)

    page.locator("#sidebar").get_by_role("link", name="村").click()
    page.get_by_label("搜索").fill("张")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("table tbody")).to_contain_text("张庄村")
    page.screenshot(path=str(SHOTS / "village-list-1366.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_office_secretary_on_a_phone_uses_the_menu_and_adds_a_village(page: Page, live_server, world):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "office")
    expect(page).to_have_url(f"{live_server.url}/offices/")
    sidebar = page.locator("#sidebar")
    expect(sidebar).not_to_be_visible()
    page.get_by_label("菜单").click()
    expect(sidebar).to_be_visible()
    sidebar.get_by_role("link", name="村").click()
    expect(page.get_by_role("heading", name="村")).to_be_visible()
    page.get_by_role("link", name="新增").click()
    page.get_by_label("名称").fill("张庄村")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("该办事处已有同名的村")
    page.get_by_label("名称").fill("新建村")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("已新增村“新建村”")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "village-phone.png"), full_page=True)
