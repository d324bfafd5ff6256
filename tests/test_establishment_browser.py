"""Real Chromium: the office secretary files a request and submits it, township staff approve it and report
it to the county, the county consents, and the new community general branch is on the organisation pages.
Screenshots of the form, the request page, the printed request and the request page on a phone."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from branches.choices import BranchKind, OtherBranchKind
from branches.models import Branch
from establishment.models import EstablishmentRequest
from tests.test_branches_browser import log_in

pytestmark = pytest.mark.browser
SHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def switch_user(page: Page, live_server, username: str, path: str = "/") -> None:
    page.context.clear_cookies()
    log_in(page, live_server, username, path)


def test_a_request_from_draft_to_established(page: Page, live_server, world, r2_office):
    SHOTS.mkdir(parents=True, exist_ok=True)
    first, second, _third = r2_office.village_secretaries
    election = timezone.localdate() - datetime.timedelta(days=5)

    # The office secretary files the request from the list.
    log_in(page, live_server, "office", "/establishment/requests/")
    page.locator("main a.btn-party").click()  # the list's "add" button
    expect(page.locator("#request-form")).to_be_visible()
    # Filled by the guidance (R2): the elected deputy is chosen, the posts table stays hidden.
    expect(page.locator("[name=fill_by_r2]")).to_be_checked()
    expect(page.locator("#manual-posts")).to_be_hidden()
    page.fill("[name=title]", "关于成立东关社区党总支的请示")
    page.fill("[name=office_number]", "东关办发〔2026〕3号")
    page.fill("[name=general_branch_name]", "东关社区党总支")
    page.fill(
        "[name=justification]",
        "按照镇党委关于建立农村社区党组织的指导意见，东关办事处已建立农村社区，现申请成立社区党总支。",
    )
    page.select_option("[name=elected_deputy]", str(second.pk))
    page.fill("[name=election_date]", election.isoformat())
    page.select_option("[name=election_method]", "democratic")
    page.fill("[name=members_expected]", "40")
    page.fill("[name=members_present]", "36")
    page.fill("[name=votes]", "31")
    page.select_option("[name=branches-0-kind]", BranchKind.VOLUNTEER_TEAM)
    expect(page.locator("[name=branches-0-other_kind]")).to_be_hidden()  # only for 'other'
    page.fill("[name=branches-0-name]", "东关社区志愿者队伍党支部")
    page.select_option("[name=branches-0-members]", [str(p.pk) for p in r2_office.people[:2]])
    page.locator("[data-formset-add=branches]").click()
    page.select_option("[name=branches-1-kind]", BranchKind.OTHER)
    expect(page.locator("[name=branches-1-other_kind]")).to_be_visible()
    page.select_option("[name=branches-1-other_kind]", OtherBranchKind.MOBILE)
    page.fill("[name=branches-1-name]", "东关社区流动党员党支部")
    page.set_input_files(
        "[name=attachments-0-file]",
        files=[{"name": "选举会议记录.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.fill("[name=attachments-0-description]", "民主推选副书记会议记录")
    # Unticking the guidance shows the posts pre-filled from the data, to edit by hand.
    page.locator("[name=fill_by_r2]").uncheck()
    expect(page.locator("#manual-posts")).to_be_visible()
    expect(page.locator("#posts-table tbody tr")).to_have_count(6)  # five by R2 and an empty row
    page.screenshot(path=str(SHOTS / "request-form-1366.png"), full_page=True)
    page.locator("[name=fill_by_r2]").check()
    page.locator("#form-buttons [name=save]").click()

    expect(page.locator("#request-state [data-state=draft]")).to_be_visible()
    expect(page.locator("#checklist [data-problem=none]")).to_be_visible()
    expect(page.locator('[data-post="elected_deputy"]')).to_have_attribute("data-person", second.name)
    expect(page.locator('[data-post="committee_member"]')).to_have_count(2)
    expect(page.locator(f'[data-person="{first.name}"]')).to_have_attribute("data-post", "committee_member")
    expect(page.locator('[data-proposed-branch="东关社区流动党员党支部"]')).to_be_visible()
    page.locator("#submit-request").click()
    expect(page.locator("#submit-note")).to_be_visible()  # the confirmation step
    page.locator("#do-submit").click()
    expect(page.locator("#request-state [data-state=submitted]")).to_be_visible()
    request = EstablishmentRequest.objects.get()

    # Township staff find it waiting on the home page, approve it and report it.
    switch_user(page, live_server, "township")
    expect(page.locator("#waiting-requests")).to_be_visible()
    page.screenshot(path=str(SHOTS / "home-waiting-1366.png"))
    page.locator(f'#waiting-requests [data-waiting="{request.pk}"] a').click()
    expect(page.locator("#form-approve")).to_be_visible()
    page.fill("#approve_decision_number", "甲党发〔2026〕12号")
    page.fill("#approve_opinion", "同意成立。")
    page.screenshot(path=str(SHOTS / "request-detail-1366.png"), full_page=True)
    page.locator("#do-approve").click()
    expect(page.locator("#request-state [data-state=approved]")).to_be_visible()
    expect(page.locator("#decision-number")).to_have_text("甲党发〔2026〕12号")
    page.fill("#report_report_number", "甲党报〔2026〕3号")
    page.locator("#do-report").click()
    expect(page.locator("#request-state [data-state=reported]")).to_be_visible()

    # The printed request, as it comes out of the printer.
    page.goto(f"{live_server.url}/establishment/requests/{request.pk}/print/")
    expect(page.locator("#doc-number")).to_have_text("东关办发〔2026〕3号")
    page.emulate_media(media="print")
    expect(page.locator("header.navbar")).to_be_hidden()
    expect(page.locator("#document-tools")).to_be_hidden()
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.screenshot(path=str(SHOTS / "request-print.png"), full_page=True)
    page.goto(f"{live_server.url}/establishment/requests/{request.pk}/print/approval/")
    expect(page.locator("#doc-number")).to_have_text("甲党发〔2026〕12号")
    page.screenshot(path=str(SHOTS / "request-approval-print.png"), full_page=True)
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1366, "height": 768})

    # The county consents; the community general branch exists.
    switch_user(page, live_server, "county")
    page.locator(f'#waiting-requests [data-waiting="{request.pk}"] a').click()
    page.locator("#do-consent").click()
    expect(page.locator("#request-state [data-state=established]")).to_be_visible()
    general = Branch.objects.get(pk=r2_office.general.pk)
    assert general.name == "东关社区党总支" and general.kind == BranchKind.COMMUNITY_GENERAL
    page.locator(f'#established [data-established="{general.pk}"]').click()
    expect(page.locator("h1").first).to_contain_text("东关社区党总支")
    expect(page.locator('[data-former-name="东关办事处党总支"]')).to_be_visible()
    page.goto(f"{live_server.url}/branches/?q=东关社区")
    expect(page.locator(f'[data-branch="{general.pk}"]')).to_be_visible()
    for name in ("东关社区志愿者队伍党支部", "东关社区流动党员党支部"):
        branch = Branch.objects.get(name=name)
        assert branch.parent == general
        expect(page.locator(f'[data-branch="{branch.pk}"]')).to_be_visible()

    page.goto(f"{live_server.url}/establishment/requests/")
    expect(page.locator(f'[data-request="{request.pk}"] [data-state=established]')).to_be_visible()
    page.screenshot(path=str(SHOTS / "request-list-1366.png"))

    # The request page on a phone: nothing sticks out sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}{request.get_absolute_url()}")
    expect(page.locator("#path [data-event=consent]")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SHOTS / "request-detail-phone.png"), full_page=True)


def test_the_request_form_on_a_phone(page: Page, live_server, world, r2_office):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "office", "/establishment/requests/add/")
    expect(page.locator("#request-form")).to_be_visible()
    page.locator("[name=fill_by_r2]").uncheck()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "request-form-phone.png"), full_page=True)
    page.locator("#section-leadership").screenshot(path=str(SHOTS / "request-form-leadership-phone.png"))
