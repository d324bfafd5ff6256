"""Real Chromium: a village secretary adds an archive entry on his phone; township staff search the member
list and open an archive. New texts are found by id, so the tests hold before and after the catalogue is
compiled."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from members.choices import EntryKind
from members.models import ArchiveEntry
from tests.conftest import PASSWORD, make_member

pytestmark = pytest.mark.browser
SHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"


def log_in(page: Page, live_server, username: str, next_path: str) -> None:
    page.goto(f"{live_server.url}{next_path}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server.url}{next_path}")


def test_a_village_secretary_adds_an_archive_entry_on_his_phone(page: Page, live_server, world, party):
    make_member(party.branch, "流动甲", is_mobile=True)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "village", "/")
    page.get_by_label("菜单").click()
    page.locator("#sidebar").get_by_role("link", name="党员档案").click()
    expect(page.locator("table tbody tr")).to_have_count(2)
    expect(page.locator(".contact-overdue")).to_have_count(1)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "member-list-phone.png"), full_page=True)

    page.get_by_role("link", name="张三").click()
    expect(page.get_by_role("heading", name="张三")).to_be_visible()
    form = page.locator("#entry-form")
    form.locator("#entry_kind").select_option(EntryKind.STUDY.value)
    expect(form.locator("#entry_on")).to_have_value(timezone.localdate().isoformat())
    form.locator("#entry_content").fill("参加党员冬训，学习党章第一章")
    form.locator("#entry-save").click()
    expect(page.locator(".alert-success")).to_be_visible()
    group = page.locator('.entry-group[data-kind="study"]')
    expect(group).to_contain_text("学习党章第一章")
    entry = ArchiveEntry.objects.get()
    assert (entry.member, entry.kind, entry.recorded_by) == (party.member, "study", world.users["village"])
    page.screenshot(path=str(SHOTS / "member-archive-phone.png"), full_page=True)


def test_township_staff_search_the_list_and_open_an_archive(page: Page, live_server, world, party):
    for name in ["张一", "王二", "丁三"]:
        make_member(party.general, name, birth=datetime.date(1975, 3, 1), is_veteran=name == "王二")
    log_in(page, live_server, "township", "/members/")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(6)
    expect(rows.first).to_contain_text("丁三")  # surname stroke order: 丁 has two strokes
    page.screenshot(path=str(SHOTS / "member-list-1366.png"), full_page=True)

    page.get_by_label("搜索").fill("zs")
    page.get_by_role("button", name="筛选").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(party.member.masked_id_number)
    with page.expect_download() as download:
        page.locator("#export-xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    rows.first.get_by_role("link", name="张三").click()
    expect(page.get_by_role("heading", name="张三")).to_be_visible()
    expect(page.locator("#masked-id")).to_have_text(party.member.masked_id_number)
    expect(page.locator("#member-actions")).to_be_visible()
    page.screenshot(path=str(SHOTS / "member-archive-1366.png"), full_page=True)
    page.emulate_media(media="print")
    expect(page.locator("#member-actions")).to_be_hidden()
    page.screenshot(path=str(SHOTS / "member-archive-print.png"), full_page=True)


def test_the_transfer_form_shows_only_the_fields_of_the_chosen_kind(page: Page, live_server, world, party):
    log_in(page, live_server, "office", f"/members/{party.member.pk}/transfer/")
    page.locator('input[name="kind"][value="within"]').check()
    expect(page.locator("#id_to_branch")).to_be_visible()
    expect(page.locator("#id_external_organisation")).to_be_hidden()
    page.locator('input[name="kind"][value="out"]').check()
    expect(page.locator("#id_to_branch")).to_be_hidden()
    expect(page.locator("#id_external_organisation")).to_be_visible()
