"""Real Chromium: a village secretary on a phone opens the day's sign-in URL, logs in, presses the one
button and sees the confirmation; the QR sheet on a screen and on A4, the monthly statistics and his own
record. Elements are found by id and data attributes, so the test holds before and after the catalogue
is compiled."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from duty_roster.choices import DayKind
from duty_roster.models import DutyDay, SignIn
from duty_roster.signin import make_token
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
SHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def rota(duty_post, r2_office):
    """This week as it stands: 张建军 on duty today, a concentrated office and a few past days."""
    a, b, c = r2_office.village_secretaries
    today = timezone.localdate()
    past = [today - datetime.timedelta(days=n) for n in (4, 3, 2, 1)]
    DutyDay.objects.create(post=duty_post, day=past[0], kind=DayKind.CONCENTRATED)
    for day, person in zip(past[1:], [b, c, a], strict=True):
        DutyDay.objects.create(post=duty_post, day=day, kind=DayKind.ROTATION, person=person)
    DutyDay.objects.create(post=duty_post, day=today, kind=DayKind.ROTATION, person=a)

    def signed(person, day, hour, minute, **extra):
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
        SignIn.objects.create(post=duty_post, person=person, day=day, at=at, **extra)

    signed(a, past[0], 8, 5)
    signed(b, past[0], 8, 47)
    signed(b, past[1], 8, 20)
    signed(c, past[2], 8, 25, manual=True, reason="手机没信号，电话确认到岗")
    return today


def test_a_village_secretary_signs_in_on_his_phone(page: Page, live_server, world, duty_post, rota):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(PHONE)
    path = reverse("duty_roster:signin", args=[make_token(duty_post, rota)])
    page.goto(f"{live_server.url}{path}")
    expect(page.locator("#id_username")).to_be_visible()  # the login page first
    page.screenshot(path=str(SHOTS / "duty-signin-login-phone.png"), full_page=True)
    page.locator("#id_username").fill("village")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}{path}")  # and straight back to the sign-in page
    expect(page.locator("#signin-person")).to_have_text("张建军")
    expect(page.locator("#signin-duty")).to_have_attribute("data-duty", "rotation")
    button = page.locator("#signin-button")
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box["width"] > 300 and box["height"] > 80  # one big button, easy to press
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(SHOTS / "duty-signin-phone.png"), full_page=True)

    button.click()
    expect(page.locator("#signin-done")).to_be_visible()
    expect(page.locator("#signin-message.alert-success")).to_be_visible()
    expect(page.locator("#signin-button")).to_have_count(0)
    assert SignIn.objects.filter(post=duty_post, day=rota, manual=False).count() == 1
    page.screenshot(path=str(SHOTS / "duty-signin-done-phone.png"), full_page=True)

    yesterday = reverse("duty_roster:signin", args=[make_token(duty_post, rota - datetime.timedelta(days=1))])
    page.goto(f"{live_server.url}{yesterday}")
    expect(page.locator("#signin-error")).to_be_visible()
    page.screenshot(path=str(SHOTS / "duty-signin-refused-phone.png"), full_page=True)

    page.goto(f"{live_server.url}{path}")
    page.locator("a[href='/duty/me/']").click()
    expect(page.locator(f'[data-month="{rota:%Y-%m}"]')).to_be_visible()
    page.screenshot(path=str(SHOTS / "duty-my-record-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_office_shows_the_qr_code_and_reads_the_month(page: Page, live_server, world, duty_post, rota):
    SHOTS.mkdir(parents=True, exist_ok=True)
    qr = reverse("duty_roster:signin_qr", args=[duty_post.pk])
    page.goto(f"{live_server.url}{qr}")
    page.locator("#id_username").fill("office")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("button[type=submit]").click()
    expect(page.locator("#signin-qr svg")).to_be_visible()
    assert page.locator("#signin-qr svg").bounding_box()["width"] > 300
    page.screenshot(path=str(SHOTS / "duty-signin-qr-1366.png"), full_page=True)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    expect(page.locator("header.navbar")).to_be_hidden()
    expect(page.locator("#qr-days")).to_be_hidden()
    page.screenshot(path=str(SHOTS / "duty-signin-qr-print.png"), full_page=True)

    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1366, "height": 768})
    manual_day = rota - datetime.timedelta(days=2)  # the month of the manual sign-in
    stats = reverse("duty_roster:stats_month", args=[duty_post.pk])
    page.goto(f"{live_server.url}{stats}?month={manual_day:%Y-%m}")
    expect(page.locator("#member-stats tbody tr")).to_have_count(3)
    expect(page.locator("#day-table [data-manual]")).to_have_count(1)
    page.screenshot(path=str(SHOTS / "duty-stats-1366.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SHOTS / "duty-stats-phone.png"), full_page=True)
    page.locator("#day-table a.btn").first.click()  # 补签 from an absent day
    expect(page.locator("#manual-signin-form")).to_be_visible()
    page.locator("#id_time").fill("08:26")
    page.locator("#id_reason").fill("到岗后手机没电")
    page.locator("#manual-signin-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#day-table [data-manual]")).to_have_count(2)
    page.screenshot(path=str(SHOTS / "duty-stats-after-manual-phone.png"), full_page=True)
