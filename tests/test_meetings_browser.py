"""Real Chromium: a village secretary logs in, records his branch's general meeting on his phone, marks
attendance with one member absent (with the reason), and finds the meeting on the member's archive page;
the office screen shows the list and the register page prints on one A4 sheet. New texts are found by id,
so the test holds before and after the catalogue is compiled."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from meetings.choices import AttendanceStatus, MeetingKind
from meetings.models import Attendance, Meeting
from members.choices import EntryKind, Standing
from members.models import ArchiveEntry
from tests.conftest import PASSWORD, make_member

pytestmark = pytest.mark.browser
SHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"


def log_in(page: Page, live_server, username: str, next_path: str) -> None:
    page.goto(f"{live_server.url}{next_path}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}{next_path}")


def no_sideways_scroll(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_village_secretary_records_a_meeting_with_attendance_on_his_phone(
    page: Page, live_server, world, party
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    people = [
        party.member,
        make_member(party.branch, "王五"),
        make_member(party.branch, "赵六", gender="female", standing=Standing.PROBATIONARY),
        make_member(party.branch, "钱七"),
    ]
    make_member(party.branch, "孙积极", standing=Standing.ACTIVIST)
    day = timezone.localdate() - datetime.timedelta(days=1)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "village", "/meetings/")
    expect(page.locator("tr[data-meeting]")).to_have_count(0)
    page.locator("#meeting-create").click()

    # The form: his only branch is chosen for him.
    form = page.locator("#meeting-form")
    expect(form.locator("#id_branch")).to_have_value(str(party.branch.pk))
    form.locator("#id_kind").select_option(MeetingKind.GENERAL_MEETING.value)
    form.locator("#id_on").fill(day.isoformat())
    form.locator("#id_starts_at").fill("09:00")
    form.locator("#id_ends_at").fill("11:00")
    form.locator("#id_place").fill("张庄村党员活动室")
    form.locator("#id_host").fill("张三")
    form.locator("#id_recorder").fill("王五")
    form.locator("#id_topic").fill("学习全会精神")
    form.locator("#id_minutes").fill("张三传达全会精神，党员逐一发言。")
    form.locator("#id_resolutions").fill("十二月组织党员冬训。")
    no_sideways_scroll(page, 390)
    page.screenshot(path=str(SHOTS / "meeting-form-phone.png"), full_page=True)
    page.locator("#meeting-save").click()

    # The attendance sheet: every party member, all present; the activist can be added.
    meeting = Meeting.objects.get()
    expect(page).to_have_url(f"{live_server.url}/meetings/{meeting.pk}/attendance/")
    rows = page.locator("#attendance-rows .sheet-row")
    expect(rows).to_have_count(4)
    expect(page.locator('#attendance-count [data-count="present"]')).to_have_text("4")
    qian = page.locator(f'.sheet-row[data-member="{people[3].pk}"]')
    reason = qian.locator(f"#reason-{people[3].pk}")
    expect(reason).to_be_hidden()  # no reason asked while present
    qian.locator(f'label[for="status-{people[3].pk}-absent"]').click()
    expect(reason).to_be_visible()
    reason.fill("外出务工")
    # Leave without its reason is refused next to the row; nothing is saved.
    zhao = page.locator(f'.sheet-row[data-member="{people[2].pk}"]')
    zhao.locator(f'label[for="status-{people[2].pk}-leave"]').click()
    expect(zhao.locator(".reason-required")).to_be_visible()
    expect(page.locator('#attendance-count [data-count="present"]')).to_have_text("2")
    height = qian.locator(f'label[for="status-{people[3].pk}-late"]').bounding_box()["height"]
    assert height >= 44, f"a status button is {height}px high: too small for a thumb"
    no_sideways_scroll(page, 390)
    page.screenshot(path=str(SHOTS / "meeting-attendance-phone.png"), full_page=True)
    page.locator("#attendance-save").click()
    expect(zhao.locator(".row-error")).to_be_visible()
    assert not Attendance.objects.exists()
    # The rows came back as marked. "All present" puts 赵六 back; 钱七 is marked absent again.
    page.locator("#all-present").click()
    qian.locator(f'label[for="status-{people[3].pk}-absent"]').click()
    expect(reason).to_have_value("外出务工")
    page.locator("#add-member").select_option(label="孙积极（张庄村党支部）")
    page.locator("#add-button").click()
    expect(rows).to_have_count(5)
    expect(page.locator("#sheet-unsaved")).to_be_visible()
    page.locator("#attendance-save").click()

    # The meeting's page.
    expect(page).to_have_url(f"{live_server.url}/meetings/{meeting.pk}/")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator(f'#attendance-table tr[data-member="{people[3].pk}"]')).to_contain_text("外出务工")
    statuses = dict(Attendance.objects.values_list("member__name", "status"))
    assert statuses == {
        "张三": "present",
        "王五": "present",
        "赵六": "present",
        "钱七": "absent",
        "孙积极": "present",
    }
    no_sideways_scroll(page, 390)
    page.screenshot(path=str(SHOTS / "meeting-detail-phone.png"), full_page=True)

    # 钱七's archive: the attendance entry, linking back to the meeting, not editable by hand.
    page.goto(f"{live_server.url}{people[3].get_absolute_url()}")
    attendance = page.locator('.entry-group[data-kind="attendance"]')
    with translation.override("zh-hans"):
        absent = str(AttendanceStatus.ABSENT.label)
    expect(attendance).to_contain_text(f"学习全会精神，{absent}（外出务工）")
    expect(page.locator('.entry-group[data-kind="meeting"] .entry')).to_have_count(0)
    link = attendance.locator(f'.entry[data-meeting="{meeting.pk}"] a.meeting-link')
    expect(link).to_have_attribute("href", meeting.get_absolute_url())
    expect(attendance.locator(".bi-pencil")).to_have_count(0)
    assert ArchiveEntry.objects.filter(member=people[3], kind=EntryKind.ATTENDANCE, meeting=meeting).exists()
    page.screenshot(path=str(SHOTS / "meeting-member-archive-phone.png"), full_page=True)
    link.click()
    expect(page).to_have_url(f"{live_server.url}{meeting.get_absolute_url()}")

    # The office screen: the list with its attendance, and the register page on one A4 sheet.
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/meetings/")
    row = page.locator(f'tr[data-meeting="{meeting.pk}"]')
    expect(row).to_contain_text("4/5")
    no_sideways_scroll(page, 1366)
    page.screenshot(path=str(SHOTS / "meeting-list-1366.png"), full_page=True)
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    page.screenshot(path=str(SHOTS / "meeting-detail-1366.png"), full_page=True)
    page.locator("#meeting-print").click()
    record = page.locator("#meeting-record")
    expect(record.locator("#record-absent")).to_contain_text("钱七")
    expect(record.locator("#record-absent")).to_contain_text("外出务工")
    expect(record.locator("#record-expected")).to_have_text("5")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.emulate_media(media="print")
    expect(page.locator("#sidebar")).to_be_hidden()
    page.screenshot(path=str(SHOTS / "meeting-record-print.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert pages == 1, f"the register page prints on {pages} pages"


def test_an_office_secretary_grades_the_democratic_review_on_his_phone(page: Page, live_server, world, party):
    SHOTS.mkdir(parents=True, exist_ok=True)
    people = [party.member] + [make_member(party.branch, name) for name in ("王五", "赵六", "钱七", "周八")]
    meeting = Meeting.objects.create(
        branch=party.branch,
        kind=MeetingKind.DEMOCRATIC_REVIEW,
        on=timezone.localdate() - datetime.timedelta(days=1),
        topic="年度民主评议党员",
        host="张三",
    )
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "office", f"/meetings/{meeting.pk}/review/")
    rows = page.locator("#review-rows .sheet-row")
    expect(rows).to_have_count(5)
    for person in people[:2]:
        page.locator(f'label[for="grade-{person.pk}-excellent"]').click()
    expect(page.locator("#excellent-over")).to_be_visible()  # two of five is over a third
    page.locator(f"#note-{people[0].pk}").fill("带头发展产业")
    page.locator("#all-qualified").click()
    expect(page.locator('#review-count [data-count="qualified"]')).to_have_text("3")
    height = page.locator(f'label[for="grade-{people[4].pk}-basically_qualified"]').bounding_box()["height"]
    assert height >= 44, f"a grade button is {height}px high: too small for a thumb"
    no_sideways_scroll(page, 390)
    page.wait_for_timeout(300)  # Bootstrap's button transitions, for the screenshot
    page.screenshot(path=str(SHOTS / "meeting-review-phone.png"), full_page=True)
    page.locator("#review-save").click()
    expect(page).to_have_url(f"{live_server.url}{meeting.get_absolute_url()}")
    expect(page.locator(".alert-warning").first).to_be_visible()  # the one-third warning, not a refusal
    expect(page.locator("#review-table tbody tr")).to_have_count(5)
    assert ArchiveEntry.objects.filter(meeting=meeting, kind=EntryKind.IDEOLOGY).count() == 5
    page.set_viewport_size({"width": 1366, "height": 900})
    page.reload()
    no_sideways_scroll(page, 1366)
    page.screenshot(path=str(SHOTS / "meeting-review-detail-1366.png"), full_page=True)
