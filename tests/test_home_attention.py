"""The home page's 需要关注 card: overdue meetings and the ledger's unclosed months and stuck items, each
in the user's scope, linking to where the work is done; nothing shown when nothing is due."""

import datetime
import re
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ledger import services as ledger_services
from ledger.choices import STUCK_CARRIES, ItemSource
from ledger.models import LedgerMonth
from meetings.choices import MeetingKind
from meetings.models import CadenceRule, Meeting

D = datetime.date


def home(world, role: str) -> str:
    client = Client()
    client.force_login(world.users[role])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def count(html: str, name: str) -> int | None:
    found = re.search(rf'data-count="{name}">(\d+)<', html)
    return int(found.group(1)) if found else None


@pytest.fixture
def only_theme_days(world):
    """One rule in force (theme party day, monthly, for branches), so the counts are easy to state."""
    for kind in MeetingKind.values:
        CadenceRule.objects.create(township=world.township, kind=kind, period="month", active=False)
    CadenceRule.objects.filter(township=world.township, kind=MeetingKind.THEME_DAY).update(
        active=True, applies_to="branches"
    )


@pytest.fixture
def july(monkeypatch):
    now = datetime.datetime(2026, 7, 10, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    monkeypatch.setattr(timezone, "now", lambda: now.astimezone(datetime.UTC))


def test_overdue_meetings_show_in_scope_with_a_link_to_record_them(world, party, only_theme_days, july):
    Meeting.objects.create(branch=party.branch, kind=MeetingKind.THEME_DAY, on=D(2026, 3, 1), topic="植树")
    html = home(world, "village")
    # January to June have ended; March had its theme party day.
    assert count(html, "meetings_overdue") == 5
    assert f"branch={party.branch.pk}&amp;kind=theme_day" in html  # recorded from the card
    assert "2026年1月" in html and "2026年3月" not in html
    assert party.other_branch.name not in html
    office = home(world, "office")
    assert count(office, "meetings_overdue") == 5 + 6  # 张庄村 and 李楼村 (no meeting at all)
    assert count(home(world, "other_office"), "meetings_overdue") == 6


def test_nothing_due_shows_no_card(world):
    assert 'id="needs-attention"' not in home(world, "other_township")


def test_ledger_months_left_open_and_stuck_items_show_for_the_office_not_the_other(world, monkeypatch):
    month = D(2025, 1, 1)
    ledger = ledger_services.ledger_for(world.office, month)
    ledger_services.add_item(ledger, source=ItemSource.PETITION, content="村口路灯不亮", owner="张三")
    for _ in range(STUCK_CARRIES):
        ledger = LedgerMonth.objects.get(office=world.office, month=month)
        ledger_services.close_month(ledger, today=D(2026, 1, 1))
        month = ledger_services.next_month(month)

    html = home(world, "office")
    assert count(html, "ledger_stuck") == 1 and "村口路灯不亮" in html
    assert count(html, "ledger_unclosed") == 1  # April 2025, where the item now waits
    assert reverse("ledger:month_detail", args=[world.office.pk, "2025-04"]) in html
    assert "村口路灯不亮" in home(world, "township")
    assert "村口路灯不亮" not in home(world, "other_office")
    assert "村口路灯不亮" not in home(world, "other_township")


def test_overdue_rectifications_show_on_the_home_page_and_the_campaign_row(world):
    from assessments.models import Inspection, Rectification
    from establishment import board
    from establishment.models import Campaign

    inspection = Inspection.objects.create(
        office=world.office, on=D(2026, 5, 6), kind="inspection", inspectors="王建国", checked="档案"
    )
    Rectification.objects.create(
        inspection=inspection, content="补齐党员档案", owner="张三", deadline=D(2026, 6, 1)
    )
    Rectification.objects.create(
        inspection=inspection, content="按时开会", owner="张三", deadline=D(2099, 1, 1)
    )
    html = home(world, "office")
    assert count(html, "rectifications_overdue") == 1 and "补齐党员档案" in html and "按时开会" not in html
    assert "补齐党员档案" in home(world, "township")
    assert count(home(world, "other_office"), "rectifications_overdue") is None

    campaign = Campaign.objects.create(township=world.township, year=2026, **Campaign.defaults_for(2026))
    rows = {
        row.office: row for row in board.build_board(campaign, world.users["township"], D(2026, 7, 10)).rows
    }
    assert (
        rows[world.office].overdue_rectifications == 1
        and rows[world.other_office].overdue_rectifications == 0
    )
    page = Client()
    page.force_login(world.users["township"])
    html = page.get(campaign.get_absolute_url()).content.decode()
    assert (
        f'data-rectifications="1" href="{reverse("assessments:rectification_list")}?office={world.office.pk}'
        in html
    )
