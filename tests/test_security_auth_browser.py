"""Real Chromium: the lockout message on the login page, and logging in with an authenticator code."""

from pathlib import Path

import pytest
from django.conf import settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
SHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"


def submit_login(page: Page, username: str, password: str) -> None:
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="登录").click()


def test_the_login_page_says_the_account_is_locked(page: Page, live_server, world):
    page.goto(f"{live_server.url}/accounts/login/")
    for _number in range(5):
        submit_login(page, "village", "Wrong-pass-1")
    expect(page.locator("#lockout-message")).to_contain_text("登录失败次数过多，账户已锁定 15 分钟")
    # Even the right password is refused now.
    submit_login(page, "village", PASSWORD)
    expect(page.locator("#lockout-message")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "login-locked-phone.png"), full_page=True)


def test_a_user_with_an_authenticator_logs_in_with_a_code(page: Page, live_server, world):
    device = TOTPDevice.objects.create(user=world.users["township"], name="手机", confirmed=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/offices/")
    submit_login(page, "township", PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/accounts/totp/verify/?next=%2Foffices%2F")
    expect(page.get_by_role("heading", name="动态验证码")).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "totp-verify-phone.png"), full_page=True)

    code = str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)).zfill(6)
    page.get_by_label("动态验证码").fill(code)
    page.get_by_role("button", name="验证").click()
    expect(page).to_have_url(f"{live_server.url}/offices/")
    expect(page.get_by_role("link", name="东关办事处").first).to_be_visible()


def test_a_user_enrols_an_authenticator_on_his_phone(page: Page, live_server, world):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    submit_login(page, "office", PASSWORD)
    page.goto(f"{live_server.url}/accounts/totp/")
    expect(page.locator("#totp-qr svg")).to_be_visible()
    expect(page.locator("#totp-secret")).not_to_be_empty()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "totp-enrol-phone.png"), full_page=True)
    device = TOTPDevice.objects.get(user=world.users["office"])
    code = str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)).zfill(6)
    page.get_by_label("3. 输入应用当前显示的验证码").fill(code)
    page.get_by_role("button", name="确认").click()
    expect(page.locator(".alert-success")).to_contain_text("身份验证器已绑定")
