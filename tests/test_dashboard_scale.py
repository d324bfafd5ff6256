"""The home page's figures at a county's size (issue 10): worked out in a number of queries that does not
grow with the townships, offices and duty posts in scope; the batched loaders give exactly what the
per-township, per-post and per-campaign functions they replace give; a cached home page does no heavy work."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from branches.choices import BranchKind, PostKind
from branches.models import Branch, Post
from communities import dashboard as dash
from communities.models import Community, Office, Township, Village
from duty_roster import signin
from duty_roster.choices import DayKind
from duty_roster.models import DutyDay, DutyPost, Leave, SignIn
from duty_roster.services import sync_members
from establishment.board import build_board, build_boards
from establishment.models import Campaign
from ledger import services as ledger_services
from meetings.cadence import compliance, compliance_url
from meetings.choices import MeetingKind
from meetings.models import Meeting
from tests.conftest import make_member


def grow(township: Township, index: int, today: datetime.date) -> None:
    """One more office of `township` with everything the dashboard counts: a community, a village branch
    with its secretary and members, a meeting, a duty post with duty days, a sign-in and leave, a ledger
    month; and the township's campaign of the year if it has none."""
    office = Office.objects.create(township=township, name=f"扩{index}办事处", sort_order=10 + index)
    community = Community.objects.create(office=office, name=f"扩{index}社区")
    village = Village.objects.create(office=office, name=f"扩{index}村", sort_order=1)
    general = Branch.objects.create(
        office=office, community=community, kind=BranchKind.COMMUNITY_GENERAL, name=f"扩{index}社区党总支"
    )
    branch = Branch.objects.create(
        office=office, village=village, parent=general, kind=BranchKind.VILLAGE, name=f"扩{index}村党支部"
    )
    secretary = make_member(branch, f"扩{index}书记")
    make_member(branch, f"扩{index}党员", gender="female")
    Post.objects.create(
        branch=branch, kind=PostKind.SECRETARY, person=secretary, started_on=datetime.date(2021, 1, 1)
    )
    Meeting.objects.create(
        branch=branch, kind=MeetingKind.THEME_DAY, on=today - datetime.timedelta(days=40), topic="学习"
    )
    first = (today.replace(day=1) - datetime.timedelta(days=40)).replace(day=1)
    post = DutyPost.objects.create(office=office, name=f"扩{index}值班岗", place="服务中心", starts_on=first)
    sync_members(post)
    for offset, kind in ((0, DayKind.ROTATION), (1, DayKind.CONCENTRATED), (35, DayKind.ROTATION)):
        day = first + datetime.timedelta(days=offset)
        DutyDay.objects.create(post=post, day=day, kind=kind, person=secretary)
    at = timezone.make_aware(datetime.datetime.combine(first, datetime.time(8, 10)))
    SignIn.objects.create(post=post, person=secretary, day=first, at=at)
    leave = first + datetime.timedelta(days=35)
    Leave.objects.create(post=post, person=secretary, starts_on=leave, ends_on=leave + datetime.timedelta(1))
    ledger_services.open_month(office, today.replace(day=1), today)
    Campaign.objects.get_or_create(
        township=township, year=today.year, defaults=Campaign.defaults_for(today.year)
    )


def recompute_queries(user) -> int:
    with CaptureQueriesContext(connection) as queries:
        dash.dashboard(user)
    return len(queries)


def test_the_countys_figures_take_as_many_queries_for_three_townships_as_for_one(world, party):
    today = timezone.localdate()
    grow(Township.objects.create(county=world.county, name="丙镇"), 1, today)
    county = world.users["county"]
    dash.dashboard(county)  # content types and the like, cached once
    one = recompute_queries(county)
    for index in (2, 3):
        grow(Township.objects.create(county=world.county, name=f"扩{index}镇"), index, today)
    three = recompute_queries(county)
    assert Campaign.objects.count() == 3 and DutyPost.objects.count() == 3
    assert three == one
    charts = {chart["key"]: chart for chart in dash.dashboard(county)["charts"]}
    assert {"campaign", "duty", "cadence"} <= set(charts)  # the grown parts are counted
    assert len(charts["campaign"]["points"]) == 3


def test_township_staffs_figures_take_as_many_queries_for_three_offices_as_for_one(world, party):
    today = timezone.localdate()
    grow(world.township, 1, today)
    staff = world.users["township"]
    dash.dashboard(staff)
    one = recompute_queries(staff)
    for index in (2, 3):
        grow(world.township, index, today)
    assert recompute_queries(staff) == one


def test_a_cached_home_page_does_not_evaluate_the_meetings(world, party, monkeypatch):
    client = Client()
    client.force_login(world.users["county"])
    first = client.get(reverse("home"))
    calls = []
    original = dash.overdue_summary

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(dash, "overdue_summary", counted)
    with CaptureQueriesContext(connection) as cached:
        again = client.get(reverse("home"))
    assert calls == [] and again.context["dash"]["computed_at"] == first.context["dash"]["computed_at"]
    assert again.context["meetings_overdue"].count == first.context["meetings_overdue"].count
    assert len(cached) < 30
    client.get(reverse("home") + "?refresh=1")
    assert len(calls) == 1


# --- Old against new on the demo township ----------------------------------------------------------


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())
    return Township.objects.get(name="青石镇")


def old_meeting_compliance(user, today):
    """communities.dashboard.meeting_compliance before issue 10: a compliance table per township."""
    points = []
    townships = Township.objects.for_user(user).order_by("name") if dash.is_wide(user) else None
    branches = Branch.objects.for_user(user, "view")
    if townships is None:
        return dash.meeting_compliance(user, today)  # unchanged
    for township in townships:
        table = compliance(branches.filter(office__township=township), today.year, today)
        by_office: dict = {}
        for row in table.rows:
            by_office.setdefault(row.branch.office, []).append(row.tally)
        for office, tallies in by_office.items():
            required, met = sum(t.required for t in tallies), sum(t.met for t in tallies)
            rate = round(100 * met / required) if required else None
            url = compliance_url(township=township.pk, office=office.pk, year=today.year)
            points.append(dash._point(str(office), rate, url=url) | {"detail": f"{met}/{required}"})
    title = dash._("Meeting cadence compliance (%)")
    return {"key": "cadence", "title": title, "type": "bar", "points": points}


def test_the_batched_figures_equal_the_old_ones_on_the_demo(demo):
    today = timezone.localdate()
    # A second township with its own campaign, post and meetings, so the county's figures span two.
    grow(Township.objects.create(county=demo.county, name="丙镇"), 1, today)
    county, staff = User.objects.get(username="county"), User.objects.get(username="township")

    # Duty: every post, each of the last four months, against month_scores.
    posts = list(DutyPost.objects.order_by("pk"))
    months = [(m.year, m.month) for m in dash._months_back(today, 4)]
    now = timezone.now()
    batched = signin.month_rates(posts, months, now)
    checked = 0
    for post in posts:
        for year, month in months:
            old = signin.post_rates(signin.month_scores(post, year, month, now))
            assert batched[(post.pk, year, month)] == old, (post, year, month)
            checked += old.expected
    assert checked > 100  # the demo's rota has sign-ins, absences, leave and swaps in these months

    # Boards: all campaigns at once against one by one, for each role that has boards.
    for user in (county, staff, User.objects.get(username="office1")):
        campaigns = dash.current_campaigns(user, today)
        together = build_boards(campaigns, user, today)
        apart = [build_board(campaign, user, today) for campaign in campaigns]
        assert [(b.campaign, b.columns) for b in together] == [(b.campaign, b.columns) for b in apart]
        for new, old in zip(together, apart, strict=True):
            assert [(r.office, r.cells, r.overdue_rectifications) for r in new.rows] == [
                (r.office, r.cells, r.overdue_rectifications) for r in old.rows
            ]
    assert len(dash.current_campaigns(county, today)) == 2

    # Meeting compliance: one table for the county against one per township.
    for user in (county, staff):
        new = dash.meeting_compliance(user, today)
        assert new == old_meeting_compliance(user, today)
    assert len(dash.meeting_compliance(county, today)["points"]) > 5
