"""Real Chromium: one journey per role through the guidance's timeline, through the real pages and forms.

- The office secretary takes the survey (摸底) of his office and files the written request (书面请示).
- Township staff approve the request and report it to the county, generate and publish the duty month,
  record an inspection with a rectification item and score an office's assessment sheet.
- The county consents, finds the community general branch on the organisation list, and downloads the
  county workbook, built by the background worker.
- A village secretary signs in for duty on his phone with the day's QR link and records a meeting's
  attendance.

Services only set up the starting state of a journey; what a user does, he does through the pages. Elements
are found by id and data attributes; the texts asserted are Chinese, as a user reads them.
"""

import datetime
import io
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessments import rounds, templating
from assessments.models import Inspection, Method, Rectification
from assessments.scoring import ItemKind
from branches.choices import BranchKind, ElectionMethod
from branches.models import Branch
from duty_roster.choices import DayKind
from duty_roster.models import DutyDay, DutyMonth, SignIn
from duty_roster.signin import make_token
from establishment import services
from establishment.choices import RequestState
from establishment.models import EstablishmentRequest, RequestAttachment, SurveySnapshot
from meetings.choices import MeetingKind
from meetings.models import Attendance, Meeting
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
SHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PHONE = {"width": 390, "height": 844}
# The county workbook's seven sheets, in the county's order.
WORKBOOK_SHEETS = [
    "组织设置情况",
    "党员基本情况统计",
    "班子成员名册",
    "书面请示登记",
    "值班签到统计",
    "月清月结情况",
    "考核结果",
]


def log_in(page: Page, live_server, username: str, path: str = "/") -> None:
    """Through the login form, as a user does; lands on `path`."""
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{path}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}{path}")


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"journey-{name}.png"), full_page=True)


def sidebar(page: Page, path: str) -> None:
    """Follows the sidebar's link to `path` (an office screen: the sidebar is open)."""
    page.locator(f'#sidebar a.nav-link[href="{path}"]').click()
    expect(page.locator(f'#sidebar a.nav-link.active[href="{path}"]')).to_be_visible()


def fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def request_of(world, r2_office, to: str) -> EstablishmentRequest:
    """The office's request, filed as the office journey files it, moved on to state `to` by the services."""
    users, day = world.users, timezone.localdate() - datetime.timedelta(days=10)
    request = EstablishmentRequest.objects.create(
        office=r2_office.office,
        title="关于成立东关社区党总支的请示",
        office_number="东关办发〔2026〕3号",
        general_branch_name="东关社区党总支",
        justification="按照镇党委指导意见，东关办事处已建立农村社区。",
        election_date=day,
        election_method=ElectionMethod.DEMOCRATIC,
        members_expected=40,
        members_present=36,
        votes=30,
        created_by=users["office"],
    )
    services.fill_posts_by_r2(request, r2_office.village_secretaries[1])
    RequestAttachment.objects.create(
        request=request,
        file=ContentFile(PDF, "选举会议记录.pdf"),
        description="选举会议记录",
        uploaded_by=users["office"],
    )
    steps = [
        (RequestState.SUBMITTED, lambda: services.submit(request, users["office"])),
        (
            RequestState.APPROVED,
            lambda: services.approve(request, users["township"], day, "甲党发〔2026〕12号"),
        ),
        (
            RequestState.REPORTED,
            lambda: services.report(request, users["township"], day, "甲党报〔2026〕3号"),
        ),
    ]
    for state, step in steps:
        step()
        if state == to:
            break
    request.refresh_from_db()
    assert request.state == to
    return request


# --- The office secretary: the survey, then the written request --------------------------------------------


def test_the_office_secretary_takes_the_survey_and_files_the_request(
    page: Page, live_server, world, r2_office, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    second = r2_office.village_secretaries[1]
    log_in(page, live_server, "office")

    # Phase 1 (摸底): the campaign's survey tab, a new snapshot of his own office, counted and frozen.
    sidebar(page, "/establishment/campaigns/")
    page.locator('.campaign-tabs a[href="/establishment/surveys/"]').click()
    page.locator("main a.btn-party").click()
    expect(page.locator("#survey-form")).to_be_visible()
    expect(page.locator("#id_office")).to_have_value(str(r2_office.office.pk))
    page.locator("#id_notes").fill("按档案逐村清点，含流动党员。")
    page.locator("#survey-save").click()
    expect(page.locator(".alert-success")).to_contain_text("东关办事处")
    expect(page.locator("#frozen-note")).to_be_visible()
    snapshot = SurveySnapshot.objects.get()
    members = snapshot.counts["party_members"]
    assert members == 2 + 3 + 3  # the general branch's two, three village secretaries, three members
    expect(page.locator('#people-counts tr[data-count="party_members"] td')).to_have_text(str(members))
    expect(page.locator('#organisation-counts tr[data-kind="village"] td')).to_have_text("3")
    shot(page, "office-survey")

    # Phase 2: the written request, its leadership filled by the guidance (R2).
    sidebar(page, "/establishment/requests/")
    page.locator("main a.btn-party").click()
    expect(page.locator("#request-form")).to_be_visible()
    expect(page.locator("[name=fill_by_r2]")).to_be_checked()
    page.fill("[name=title]", "关于成立东关社区党总支的请示")
    page.fill("[name=office_number]", "东关办发〔2026〕3号")
    page.fill("[name=general_branch_name]", "东关社区党总支")
    page.fill("[name=justification]", "按照镇党委关于建立农村社区党组织的指导意见，申请成立东关社区党总支。")
    page.select_option("[name=elected_deputy]", str(second.pk))
    page.fill("[name=election_date]", (timezone.localdate() - datetime.timedelta(days=3)).isoformat())
    page.select_option("[name=election_method]", "democratic")
    page.fill("[name=members_expected]", "40")
    page.fill("[name=members_present]", "36")
    page.fill("[name=votes]", "31")
    page.select_option("[name=branches-0-kind]", BranchKind.VOLUNTEER_TEAM)
    page.fill("[name=branches-0-name]", "东关社区志愿者队伍党支部")
    page.select_option("[name=branches-0-members]", [str(p.pk) for p in r2_office.people[:2]])
    page.set_input_files(
        "[name=attachments-0-file]",
        files=[{"name": "选举会议记录.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.fill("[name=attachments-0-description]", "民主推选副书记会议记录")
    shot(page, "office-request-form")
    page.locator("#form-buttons [name=save]").click()

    # The draft's page: nothing missing on the checklist, the posts as R2 gives them; then submitted.
    expect(page.locator("#request-state [data-state=draft]")).to_be_visible()
    expect(page.locator("#checklist [data-problem=none]")).to_be_visible()
    expect(page.locator('[data-post="elected_deputy"]')).to_have_attribute("data-person", second.name)
    expect(page.locator('[data-proposed-branch="东关社区志愿者队伍党支部"]')).to_be_visible()
    page.locator("#submit-request").click()
    expect(page.locator("#submit-note")).to_be_visible()
    page.locator("#do-submit").click()
    expect(page.locator("#request-state [data-state=submitted]")).to_be_visible()
    shot(page, "office-request-submitted")
    request = EstablishmentRequest.objects.get()
    assert request.state == RequestState.SUBMITTED and request.office == r2_office.office

    # His list shows it waiting for the township.
    sidebar(page, "/establishment/requests/")
    expect(page.locator(f'[data-request="{request.pk}"] [data-state=submitted]')).to_be_visible()


# --- Township staff: approve and report; the duty month; an inspection; the assessment sheet ---------------


def test_township_staff_approve_report_publish_the_rota_inspect_and_score(
    page: Page, live_server, world, r2_office, duty_post, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    request = request_of(world, r2_office, RequestState.SUBMITTED)
    today = timezone.localdate()
    template = templating.default_template(world.township, today.year)
    round_ = rounds.open_round(world.township, today.year, template, world.users["township"], today)
    sheet = round_.sheets.get(office=r2_office.office)

    # The request waits on his home page; he approves it with the party committee's decision number.
    log_in(page, live_server, "township")
    waiting = page.locator(f'#waiting-requests [data-waiting="{request.pk}"]')
    expect(waiting).to_contain_text("东关")
    shot(page, "township-home")
    waiting.locator("a").click()
    page.fill("#approve_decision_number", "甲党发〔2026〕12号")
    page.fill("#approve_opinion", "同意成立。")
    page.locator("#do-approve").click()
    expect(page.locator("#request-state [data-state=approved]")).to_be_visible()
    expect(page.locator("#decision-number")).to_have_text("甲党发〔2026〕12号")
    page.fill("#report_report_number", "甲党报〔2026〕3号")
    page.locator("#do-report").click()
    expect(page.locator("#request-state [data-state=reported]")).to_be_visible()
    shot(page, "township-request-reported")

    # The duty month: generated from the rotation, then published and locked.
    sidebar(page, "/duty/posts/")
    page.get_by_role("link", name="东关社区书记值班岗").first.click()
    expect(page.locator("#month-state")).to_have_attribute("data-state", "none")
    page.locator("#generate").click()
    expect(page.locator("#month-state")).to_have_attribute("data-state", "generated")
    expect(page.locator("#duty-calendar td[data-kind=rotation]").first).to_be_visible()
    page.locator("#publish").click()
    page.locator("#confirm").click()
    expect(page.locator("#month-state")).to_have_attribute("data-state", "published")
    expect(page.locator("#month-state .badge")).to_contain_text("已发布")
    month = DutyMonth.objects.get(post=duty_post, year=today.year, month=today.month)
    assert month.is_published
    shot(page, "township-duty-month")

    # An inspection of the office, with a rectification item.
    sidebar(page, "/assessments/inspections/")
    page.locator("#inspection-create").click()
    page.locator("#id_office").select_option(str(r2_office.office.pk))
    page.locator("#id_on").fill((today - datetime.timedelta(days=2)).isoformat())
    page.locator("#id_kind").select_option("inspection")
    page.locator("#id_inspectors").fill("刘建华、孙丽")
    page.locator("#id_checked").fill("书记值班岗运行、月清月结台账")
    page.locator("#id_findings").fill("值班日志记录简单")
    page.locator("#inspection-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    page.locator("#rectification-add").click()
    page.locator("#id_content").fill("规范值班日志记录")
    page.locator("#id_owner").fill("王建国")
    page.locator("#id_deadline").fill((today + datetime.timedelta(days=15)).isoformat())
    page.locator("#rectification-form button[type=submit]").click()
    expect(page.locator("#rectifications")).to_contain_text("规范值班日志记录")
    shot(page, "township-inspection")
    inspection = Inspection.objects.get()
    assert inspection.office == r2_office.office
    assert Rectification.objects.get().content == "规范值班日志记录"

    # The assessment: from the round page to the office's sheet, every item scored on one page.
    sidebar(page, "/assessments/rounds/")
    page.locator(f'a[href="/assessments/rounds/{round_.pk}/"]').first.click()
    page.locator(f"#sheet-{sheet.pk} a.sheet-link").click()
    page.locator("#sheet-score").click()
    entries = list(sheet.entries.select_related("item"))
    for entry in entries:
        item = entry.item
        if item.kind == ItemKind.VETO:
            continue
        if item.method == Method.DEDUCTION:
            page.locator(f"#id_e{entry.pk}-missing").fill("1")
            page.locator(f"#id_e{entry.pk}-reason").fill("缺一次会议记录")
        elif item.method == Method.AUTOMATIC:
            if entry.computed_points is None:
                page.locator(f"#id_e{entry.pk}-points").fill("0")
                page.locator(f"#id_e{entry.pk}-reason").fill("现场查看无相关记录")
        elif item.kind != ItemKind.BONUS:
            page.locator(f"#id_e{entry.pk}-points").fill(str(item.max_points))
    page.set_viewport_size({"width": 1366, "height": 900})
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "journey-township-score.png"))  # the top of a long form
    page.locator("#score-save").click()
    expect(page).to_have_url(f"{live_server.url}/assessments/sheets/{sheet.pk}/")
    expect(page.locator(".alert-success").first).to_contain_text("东关")
    expect(page.locator("#sheet-total")).to_have_attribute("data-published", "0")
    sheet.refresh_from_db()
    assert sheet.scored_by == world.users["township"]
    expect(page.locator("#sheet-status")).to_contain_text("township")  # who scored it, and when
    page.screenshot(path=str(SHOTS / "journey-township-sheet.png"))


# --- The county: consent, the new branch, the county workbook ---------------------------------------------


def test_the_county_consents_and_downloads_the_county_workbook(
    page: Page, live_server, world, r2_office, job_worker
):
    request = request_of(world, r2_office, RequestState.REPORTED)
    log_in(page, live_server, "county")
    page.locator(f'#waiting-requests [data-waiting="{request.pk}"] a').click()
    expect(page.locator("#request-state [data-state=reported]")).to_be_visible()
    page.locator("#do-consent").click()
    expect(page.locator("#request-state [data-state=established]")).to_be_visible()
    shot(page, "county-consented")

    # The community general branch is established: on the organisation list, under its new name.
    general = Branch.objects.get(pk=r2_office.general.pk)
    assert general.kind == BranchKind.COMMUNITY_GENERAL
    sidebar(page, "/branches/")
    page.locator("main input[name=q]").fill("东关社区")
    page.locator("main input[name=q]").press("Enter")
    row = page.locator(f'[data-branch="{general.pk}"]')
    expect(row).to_contain_text("东关社区党总支")
    shot(page, "county-branches")

    # The county workbook for every township: queued, built by the worker, downloaded.
    sidebar(page, "/reports/")
    expect(page.locator("#county-report-form")).to_be_visible()
    page.locator("#county-report-submit").click()
    expect(page.locator("#job")).to_be_visible()
    link = page.locator("#job-download")
    expect(link).to_be_visible(timeout=60_000)
    expect(page.locator("#job-state")).to_have_text("已完成")
    shot(page, "county-workbook-ready")
    with page.expect_download() as download:
        link.click()
    name = download.value.suggested_filename
    assert name.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert book.sheetnames == WORKBOOK_SHEETS
    organisations = book["组织设置情况"]
    heading = " ".join(str(cell.value or "") for cell in organisations["A"][:2])  # title and reporting unit
    assert "测试县" in heading
    cells = [cell for row in organisations.iter_rows(values_only=True) for cell in row]
    assert "东关社区党总支" in cells  # the new branch is in the county's figures

    # The page lists the workbook among his recent ones.
    page.goto(f"{live_server.url}/reports/")
    expect(page.locator("#report-jobs [data-job] .badge.text-bg-success")).to_have_count(1)


# --- A village secretary: the duty sign-in on his phone, a meeting's attendance -----------------------------


def test_a_village_secretary_signs_in_for_duty_and_records_a_meeting(
    page: Page, live_server, world, r2_office, duty_post
):
    secretary, *_ = r2_office.village_secretaries  # 张建军, the `village` user's branch secretary
    branch = r2_office.village_branches[0]
    today = timezone.localdate()
    DutyDay.objects.create(post=duty_post, day=today, kind=DayKind.ROTATION, person=secretary)
    page.set_viewport_size(PHONE)

    # The QR code on the office wall opens the day's sign-in link; he logs in and presses the one button.
    path = reverse("duty_roster:signin", args=[make_token(duty_post, today)])
    page.goto(f"{live_server.url}{path}")
    page.locator("#id_username").fill("village")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}{path}")
    expect(page.locator("#signin-person")).to_have_text("张建军")
    expect(page.locator("#signin-duty")).to_have_attribute("data-duty", "rotation")
    fits(page, PHONE["width"])
    shot(page, "village-signin")
    page.locator("#signin-button").click()
    expect(page.locator("#signin-done")).to_be_visible()
    expect(page.locator("#signin-message.alert-success")).to_be_visible()
    shot(page, "village-signin-done")
    signin = SignIn.objects.get(post=duty_post, day=today)
    assert signin.person == secretary and not signin.manual

    # The branch's committee meeting, recorded on the phone, with one member on leave.
    page.goto(f"{live_server.url}/meetings/")
    page.locator("#meeting-create").click()
    form = page.locator("#meeting-form")
    expect(form.locator("#id_branch")).to_have_value(str(branch.pk))
    form.locator("#id_kind").select_option(MeetingKind.GENERAL_MEETING.value)
    form.locator("#id_on").fill(today.isoformat())
    form.locator("#id_starts_at").fill("09:00")
    form.locator("#id_ends_at").fill("10:30")
    form.locator("#id_place").fill("张庄村党员活动室")
    form.locator("#id_host").fill("张建军")
    form.locator("#id_recorder").fill("赵大勇")
    form.locator("#id_topic").fill("学习社区党组织设置指导意见")
    form.locator("#id_minutes").fill("张建军传达镇党委指导意见，党员讨论发言。")
    fits(page, PHONE["width"])
    page.locator("#meeting-save").click()

    meeting = Meeting.objects.get()
    expect(page).to_have_url(f"{live_server.url}/meetings/{meeting.pk}/attendance/")
    rows = page.locator("#attendance-rows .sheet-row")
    expect(rows).to_have_count(4)  # 张建军 and his branch's three members
    expect(page.locator('#attendance-count [data-count="present"]')).to_have_text("4")
    absent = r2_office.people[2]  # 孙小梅
    row = page.locator(f'.sheet-row[data-member="{absent.pk}"]')
    row.locator(f'label[for="status-{absent.pk}-leave"]').click()
    row.locator(f"#reason-{absent.pk}").fill("外出务工")
    expect(page.locator('#attendance-count [data-count="present"]')).to_have_text("3")
    fits(page, PHONE["width"])
    shot(page, "village-attendance")
    page.locator("#attendance-save").click()

    expect(page).to_have_url(f"{live_server.url}/meetings/{meeting.pk}/")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator(f'#attendance-table tr[data-member="{absent.pk}"]')).to_contain_text("外出务工")
    fits(page, PHONE["width"])
    shot(page, "village-meeting")
    statuses = dict(Attendance.objects.filter(meeting=meeting).values_list("member__name", "status"))
    assert statuses == {"张建军": "present", "赵大勇": "present", "钱富贵": "present", "孙小梅": "leave"}
