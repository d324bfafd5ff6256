"""Real Chromium: the office secretary self-assesses his manual items on his phone and submits; the township's
staff score the rest of the sheet on the office screen (an indicator that does not apply gets points with a
reason, a deduction item its missing count) and publish the round from the round page; the office then
sees the published total and grade on his sheet. New texts are found by id, so the test holds before and
after the catalogue is compiled."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template.defaultfilters import floatformat
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessments import rounds, templating
from assessments.models import Method, RoundState
from assessments.scoring import Grade, ItemKind
from tests.test_assessment_sheets import add_deduction_item
from tests.test_meetings_browser import log_in, no_sideways_scroll

pytestmark = pytest.mark.browser
SHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"


def test_an_office_self_assesses_the_township_scores_and_publishes(
    page: Page, browser, live_server, world, party
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    template = templating.default_template(world.township, 2026)
    add_deduction_item(template)
    round_ = rounds.open_round(world.township, 2026, template, world.users["township"], timezone.localdate())
    sheet = round_.sheets.get(office=world.office)
    entries = list(sheet.entries.select_related("item"))
    own = [e for e in entries if e.item.kind != ItemKind.VETO and e.item.method != Method.AUTOMATIC]

    # The office secretary, on his phone: every manual, deduction and bonus item on one page.
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "office", f"/assessments/sheets/{sheet.pk}/self/")
    expect(page.locator("#self-form .self-entry")).to_have_count(len(own))
    for entry in own:
        points = "0" if entry.item.kind == ItemKind.BONUS else str(entry.item.max_points - 1)
        page.locator(f"#id_e{entry.pk}-points").fill(points)
        page.locator(f"#id_e{entry.pk}-note").fill("见档案盒第3册")
    no_sideways_scroll(page, 390)
    page.screenshot(path=str(SHOTS / "assessment-self-phone.png"), full_page=True)
    page.locator("#self-save-submit").click()
    expect(page).to_have_url(f"{live_server.url}/assessments/sheets/{sheet.pk}/self/submit/")
    expect(page.locator("#self-blank")).to_have_count(0)
    page.locator("#self-submit-confirm").click()
    expect(page).to_have_url(f"{live_server.url}/assessments/sheets/{sheet.pk}/")
    expect(page.locator("#sheet-total")).to_have_attribute("data-published", "0")
    expect(page.locator("#total-provisional")).to_be_visible()
    no_sideways_scroll(page, 390)
    sheet.refresh_from_db()
    assert sheet.self_submitted_by == world.users["office"]

    # The township's staff, on the office screen: the remaining items, one submit.
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    staff = context.new_page()
    log_in(staff, live_server, "township", f"/assessments/sheets/{sheet.pk}/score/")
    for entry in entries:
        if entry.item.kind == ItemKind.VETO:
            continue
        if entry.item.method == Method.AUTOMATIC and entry.computed_points is None:
            staff.locator(f"#id_e{entry.pk}-points").fill("0")
            staff.locator(f"#id_e{entry.pk}-reason").fill("现场查看无相关记录")
        elif entry.item.method == Method.DEDUCTION:
            staff.locator(f"#id_e{entry.pk}-missing").fill("1")
            staff.locator(f"#id_e{entry.pk}-reason").fill("缺一次会议记录")
    staff.screenshot(path=str(SHOTS / "assessment-score-desktop.png"), full_page=True)
    staff.locator("#score-save").click()
    expect(staff).to_have_url(f"{live_server.url}/assessments/sheets/{sheet.pk}/")
    expect(staff.locator(".alert-success, .alert.alert-success").first).to_be_visible()

    # Publishing through the round page's button and its confirmation.
    staff.goto(f"{live_server.url}/assessments/rounds/{round_.pk}/")
    staff.locator("#action-publish").click()
    staff.locator("#confirm-action").click()
    expect(staff).to_have_url(f"{live_server.url}/assessments/rounds/{round_.pk}/")
    round_.refresh_from_db()
    assert round_.state == RoundState.NOTICE
    context.close()

    # The office sees the published total and grade on his sheet, and may object in the notice period.
    sheet.refresh_from_db()
    assert sheet.total is not None and sheet.grade
    page.goto(f"{live_server.url}/assessments/sheets/{sheet.pk}/")
    expect(page.locator("#sheet-total")).to_have_attribute("data-published", "1")
    expect(page.locator("#total-points")).to_have_text(floatformat(sheet.total, "-2"))
    expect(page.locator("#total-grade")).to_have_text(str(Grade(sheet.grade).label))
    expect(page.locator("#total-provisional")).to_have_count(0)
    expect(page.locator("#objection-form")).to_be_visible()
    no_sideways_scroll(page, 390)
    page.screenshot(path=str(SHOTS / "assessment-sheet-published-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/assessments/sheets/{sheet.pk}/print/")
    expect(page.locator("#score-sheet .print-entry")).to_have_count(len(entries))
    page.screenshot(path=str(SHOTS / "assessment-sheet-print.png"), full_page=True)
