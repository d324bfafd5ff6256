"""Real Chromium: township staff open a community general branch's archive on an office screen, on a
phone, and as it prints."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from branches.choices import PostKind, ReserveStatus
from branches.models import BranchName, Post, ReserveCadre, Term, add_years
from members.choices import Education, Standing
from members.models import Member
from tests.conftest import PASSWORD, make_member

pytestmark = pytest.mark.browser
SHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"


@pytest.fixture
def full_archive(world, party):
    today = timezone.localdate()
    general, branch = party.general, party.branch
    BranchName.objects.create(
        branch=general,
        name="东关办事处党总支",
        used_from=datetime.date(2008, 7, 1),
        used_until=datetime.date(2023, 6, 28),
        decision_number="镇党发〔2023〕8号",
        reason="建立农村社区",
    )
    general.founded_on = datetime.date(2008, 7, 1)
    general.save()
    secretary = make_member(general, "马建国", education=Education.BACHELOR, phone="13812345678")
    deputy = make_member(general, "刘文", gender="female", birth=datetime.date(1975, 3, 2))
    elected = make_member(party.sibling_branch, "王德福", birth=datetime.date(1962, 8, 9))
    make_member(branch, "回小梅", gender="female", ethnicity="回族", birth=datetime.date(1995, 1, 1))
    make_member(
        branch, "赵大勇", is_mobile=True, standing=Standing.PROBATIONARY, birth=datetime.date(1990, 4, 4)
    )
    make_member(
        branch, "钱富贵", is_wealth_expert=True, is_enterprise_head=True, birth=datetime.date(1970, 6, 6)
    )
    start = datetime.date(2023, 6, 28)
    Post.objects.create(branch=general, person=secretary, kind=PostKind.SECRETARY, started_on=start)
    Post.objects.create(branch=general, person=deputy, kind=PostKind.DEPUTY_SECRETARY, started_on=start)
    Post.objects.create(
        branch=general,
        person=elected,
        kind=PostKind.ELECTED_DEPUTY,
        started_on=start,
        decision_number="镇党发〔2023〕9号",
    )
    Post.objects.create(branch=general, person=party.member, kind=PostKind.COMMITTEE_MEMBER, started_on=start)
    # 李四 was a committee member until he moved away.
    Post.objects.create(
        branch=general, person=party.sibling_member, kind=PostKind.COMMITTEE_MEMBER, started_on=start
    )
    Member.objects.filter(pk=party.sibling_member.pk).update(branch=party.other_branch)
    Post.objects.create(
        branch=general,
        person=party.member,
        kind=PostKind.DEPUTY_SECRETARY,
        started_on=datetime.date(2018, 1, 1),
        ended_on=datetime.date(2023, 6, 27),
    )
    Term.objects.create(
        branch=general,
        number=1,
        started_on=datetime.date(2018, 1, 1),
        ends_on=datetime.date(2023, 1, 1),
        election_method="competitive",
        members_expected=30,
        members_present=28,
        committee="书记 马建国\n副书记 刘文",
    )
    Term.objects.create(
        branch=general,
        number=2,
        started_on=add_years(today, -5) + datetime.timedelta(days=45),
        election_method="competitive",
        members_expected=32,
        members_present=31,
        committee="书记 马建国、副书记 刘文、王德福",
    )
    ReserveCadre.objects.create(
        branch=general,
        person=deputy,
        since=datetime.date(2024, 3, 1),
        status=ReserveStatus.TRAINING,
        recommended_by="东关村党支部",
        training="县委党校2024年春季班",
    )
    return party


def log_in(page: Page, live_server, username: str, path: str) -> None:
    page.goto(f"{live_server.url}{path}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_township_staff_open_a_branch_archive(page: Page, live_server, world, full_archive):
    log_in(page, live_server, "township", "/branches/")
    expect(page).to_have_url(f"{live_server.url}/branches/")
    page.locator("#sidebar").get_by_role("link", name="党组织").wait_for()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "branch-list-1366.png"), full_page=True)

    page.get_by_role("link", name="东关社区党总支").first.click()
    expect(page.get_by_role("heading", name="东关社区党总支", exact=False).first).to_be_visible()
    expect(page.locator("#term-alert")).to_have_attribute("data-state", "due")
    expect(page.locator('[data-left="true"]')).to_have_count(1)
    expect(page.locator('[data-former-name="东关办事处党总支"]')).to_be_visible()
    expect(page.locator('[data-composition="ethnicity:minority"]')).to_have_attribute("data-count", "1")
    page.screenshot(path=str(SHOTS / "branch-archive-1366.png"), full_page=True)

    page.emulate_media(media="print")
    expect(page.locator("#archive-actions")).to_be_hidden()
    expect(page.locator("header.navbar")).to_be_hidden()
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.screenshot(path=str(SHOTS / "branch-archive-print.png"), full_page=True)


def test_branch_archive_on_a_phone(page: Page, live_server, world, full_archive):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "township", full_archive.general.get_absolute_url())
    expect(page.locator("#checklist")).to_be_visible()
    # Nothing sticks out sideways: the page is as wide as the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "branch-archive-phone.png"), full_page=True)
