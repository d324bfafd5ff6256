"""Real Chromium: township staff open the campaign board from the sidebar, read its colours, take the
missing survey of an office from its red cell and find the cell amber; the board on a desktop and on a
phone. Cells are found by their data attributes, so the test holds before and after the catalogue is
compiled."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from branches.choices import BranchKind
from branches.models import Branch
from establishment.choices import OpinionMeeting
from establishment.models import Campaign, OpinionSession, SurveySnapshot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
SHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"


def log_in(page: Page, live_server, username: str, next_path: str) -> None:
    page.goto(f"{live_server.url}{next_path}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server.url}{next_path}")


@pytest.fixture
def campaign(world, party):
    """A campaign in its assessment phase: world.office is mostly done, world.other_office has nothing."""
    today = timezone.localdate()

    def ago(days: int) -> datetime.date:
        return today - datetime.timedelta(days=days)

    campaign = Campaign.objects.create(
        township=world.township,
        year=today.year,
        survey_starts=ago(20),
        survey_ends=ago(14),
        implementation_starts=ago(13),
        implementation_ends=ago(3),
        assessment_starts=ago(2),
        assessment_ends=today + datetime.timedelta(days=20),
    )
    SurveySnapshot.objects.create(office=world.office, taken_on=ago(15), counts={"party_members": 2})
    OpinionSession.objects.create(
        office=world.office, kind=OpinionMeeting.SYMPOSIUM, held_on=ago(10), participants="老党员12人"
    )
    for kind, name, founded in [
        (BranchKind.COMMUNITY_OFFICE, "东关社区机关党支部", ago(5)),
        (BranchKind.VOLUNTEER_TEAM, "东关社区志愿者队伍党支部", ago(2)),
    ]:
        Branch.objects.create(
            office=world.office,
            community=world.community,
            parent=party.general,
            kind=kind,
            name=name,
            founded_on=founded,
        )
    return campaign


def cell(page: Page, office, column: str):
    return page.locator(f'tr[data-office="{office.pk}"] td[data-column="{column}"]')


def test_township_staff_follow_the_board_and_fill_a_red_cell(page: Page, live_server, world, campaign):
    log_in(page, live_server, "township", "/")
    page.locator('#sidebar a[href="/establishment/campaigns/"]').click()
    page.locator(f'.current-campaign[data-campaign="{campaign.pk}"]').click()
    expect(page.locator("#board tbody tr")).to_have_count(2)
    expect(cell(page, world.office, "survey")).to_have_attribute("data-state", "done")
    expect(cell(page, world.office, "opinions")).to_have_attribute("data-state", "late")
    expect(cell(page, world.office, "branches")).to_have_attribute("data-state", "late")
    expect(cell(page, world.office, "consented")).to_have_attribute("data-state", "done")
    expect(cell(page, world.other_office, "survey")).to_have_attribute("data-state", "missing")
    expect(cell(page, world.other_office, "request")).to_have_attribute("data-state", "na")
    expect(cell(page, world.other_office, "rotation")).to_have_attribute("data-state", "missing")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "campaign-board-desktop.png"), full_page=True)

    # The red survey cell of the office without a community leads to taking its snapshot.
    cell(page, world.other_office, "survey").get_by_role("link").click()
    expect(page.locator("#id_office")).to_have_value(str(world.other_office.pk))
    page.locator("#survey-save").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#people-counts")).to_be_visible()
    snapshot = SurveySnapshot.objects.get(office=world.other_office)
    assert snapshot.taken_by == world.users["township"]
    assert snapshot.counts["organisations"]["office_general"] == 1

    page.goto(f"{live_server.url}/establishment/campaigns/{campaign.pk}/")
    expect(cell(page, world.other_office, "survey")).to_have_attribute("data-state", "late")


def test_the_board_on_a_phone(page: Page, live_server, world, campaign):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "township", f"/establishment/campaigns/{campaign.pk}/")
    expect(page.locator("#board tbody tr")).to_have_count(2)
    # The office column stays in sight while the cells scroll sideways.
    office = page.locator(f'tr[data-office="{world.office.pk}"] th.board-office')
    expect(office).to_be_visible()
    page.locator(".board-scroll").evaluate("el => el.scrollLeft = 400")
    expect(office).to_be_in_viewport()
    page.locator(".board-scroll").evaluate("el => el.scrollLeft = 0")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "campaign-board-phone.png"), full_page=True)
