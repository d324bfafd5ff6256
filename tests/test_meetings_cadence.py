"""Meeting cadence (R5): periods, on-time / made-up / missing meetings across period boundaries, what is due,
organisations founded or dissolved in the year, the township's rules overriding the defaults, which
organisations a rule applies to, the overdue list, the query count, and the pages: the compliance table
(filters, export), the rules (edit and read-only), the organisation page's card; access for every role."""

import datetime
import io
import zoneinfo

import openpyxl
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from branches.choices import BranchKind
from branches.models import Branch
from communities.models import Village
from meetings.cadence import (
    Status,
    branch_cadence,
    compliance,
    default_since,
    overdue,
    overdue_summary,
    period_of,
    periods_of,
    rules_for,
)
from meetings.choices import AppliesTo, MeetingKind, Period
from meetings.models import CadenceRule, Meeting
from tests.access import check_access

D = datetime.date
TODAY = D(2026, 7, 10)  # in Q3: Q1 and Q2 have ended, July is the current month
EVERYONE = {
    "anonymous": 302,
    "township": 200,
    "other_township": 200,
    "office": 200,
    "other_office": 200,
    "village": 200,
    "other_village": 200,
    "county": 200,
}


def meet(branch, kind, on, makeup_for=None, topic="学习") -> Meeting:
    return Meeting.objects.create(branch=branch, kind=kind, on=on, makeup_for=makeup_for, topic=topic)


def table_of(world, today=TODAY, year=2026, **filters):
    branches = Branch.objects.filter(office__township=world.township, **filters)
    return compliance(branches, year, today)


def cells_of(table, branch, kind) -> dict[str, str]:
    """period key → status of one organisation's kind of meeting."""
    row = next(row for row in table.rows if row.branch.pk == branch.pk)
    index = [column.rule.kind for column in table.columns].index(kind)
    return {cell.period.key: cell.status for cell in row.entries[index]}


def row_of(table, branch):
    return next(row for row in table.rows if row.branch.pk == branch.pk)


@pytest.fixture
def clock(monkeypatch):
    """The pages' today is TODAY (they read timezone.localdate())."""
    now = datetime.datetime(2026, 7, 10, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    monkeypatch.setattr(timezone, "now", lambda: now.astimezone(datetime.UTC))


def login(world, role: str, language: str = "zh-hans") -> Client:
    client = Client()
    client.force_login(world.users[role])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


# --- Periods ------------------------------------------------------------------------------------------


def test_periods_of_a_year_and_the_period_of_a_day():
    assert [len(periods_of(p, 2026)) for p in Period] == [12, 4, 2, 1]
    assert periods_of(Period.MONTH, 2028)[1].end == D(2028, 2, 29)
    first, second = periods_of(Period.HALF_YEAR, 2026)
    assert (first.start, first.end, second.start, second.end) == (
        D(2026, 1, 1),
        D(2026, 6, 30),
        D(2026, 7, 1),
        D(2026, 12, 31),
    )
    assert period_of(Period.QUARTER, D(2026, 3, 31)).key == "2026-Q1"
    assert period_of(Period.QUARTER, D(2026, 4, 1)).key == "2026-Q2"
    assert period_of(Period.QUARTER, D(2026, 12, 31)).end == D(2026, 12, 31)
    assert period_of(Period.MONTH, D(2026, 11, 5)).key == "2026-11"
    assert period_of(Period.YEAR, D(2026, 11, 5)).start == D(2026, 1, 1)


# --- One organisation, one kind -----------------------------------------------------------------------


def test_quarterly_general_meetings_across_the_quarter_boundary(world, party):
    kind = MeetingKind.GENERAL_MEETING
    meet(party.branch, kind, D(2026, 3, 31))  # the last day of Q1: on time
    meet(party.sibling_branch, kind, D(2026, 4, 1), makeup_for=D(2026, 3, 15))  # Q1's, made up in Q2
    meet(party.other_branch, kind, D(2026, 4, 1))  # a day late and not marked as make-up: it is Q2's

    table = table_of(world)
    assert cells_of(table, party.branch, kind) == {
        "2026-Q1": Status.ON_TIME,
        "2026-Q2": Status.MISSING,
        "2026-Q3": Status.DUE,
        "2026-Q4": Status.FUTURE,
    }
    sibling = cells_of(table, party.sibling_branch, kind)
    assert sibling["2026-Q1"] == Status.LATE
    assert sibling["2026-Q2"] == Status.MISSING  # a make-up meeting counts for the period it makes up for
    other = cells_of(table, party.other_branch, kind)
    assert (other["2026-Q1"], other["2026-Q2"]) == (Status.MISSING, Status.ON_TIME)


def test_a_make_up_held_within_its_own_period_is_on_time(world, party):
    meet(party.branch, MeetingKind.LECTURE, D(2026, 2, 20), makeup_for=D(2026, 1, 5))
    assert cells_of(table_of(world), party.branch, MeetingKind.LECTURE)["2026-Q1"] == Status.ON_TIME


def test_the_current_period_is_due_until_the_meeting_is_held(world, party):
    kind = MeetingKind.COMMITTEE
    meet(party.branch, kind, D(2026, 7, 20))  # planned: not held yet on TODAY
    assert cells_of(table_of(world), party.branch, kind)["2026-07"] == Status.DUE
    assert cells_of(table_of(world, today=D(2026, 7, 31)), party.branch, kind)["2026-07"] == Status.ON_TIME
    assert cells_of(table_of(world, today=D(2026, 8, 1)), party.branch, kind)["2026-07"] == Status.ON_TIME
    assert cells_of(table_of(world, today=D(2026, 8, 1)), party.sibling_branch, kind)["2026-07"] == (
        Status.MISSING
    )


def test_times_per_period_counts_meetings_and_a_shortfall_made_up_later_is_late(world, party):
    CadenceRule.objects.create(
        township=world.township, kind=MeetingKind.COMMITTEE, period=Period.QUARTER, times=2
    )
    kind = MeetingKind.COMMITTEE
    meet(party.branch, kind, D(2026, 1, 10))
    meet(party.branch, kind, D(2026, 2, 10))
    meet(party.sibling_branch, kind, D(2026, 1, 10))
    meet(party.sibling_branch, kind, D(2026, 5, 2), makeup_for=D(2026, 3, 1))
    meet(party.other_branch, kind, D(2026, 4, 10))
    table = table_of(world)
    assert cells_of(table, party.branch, kind)["2026-Q1"] == Status.ON_TIME
    assert cells_of(table, party.sibling_branch, kind)["2026-Q1"] == Status.LATE
    assert cells_of(table, party.other_branch, kind)["2026-Q2"] == Status.MISSING  # one of two


def test_an_organisation_founded_mid_year_owes_nothing_before(world, party):
    party.branch.founded_on = D(2026, 5, 20)
    party.branch.save()
    cells = cells_of(table_of(world), party.branch, MeetingKind.COMMITTEE)
    assert {cells[f"2026-{m:02d}"] for m in range(1, 5)} == {Status.NOT_REQUIRED}
    assert cells["2026-05"] == Status.MISSING  # founded within May: May's meeting is owed
    assert cells["2026-06"] == Status.MISSING
    quarters = cells_of(table_of(world), party.branch, MeetingKind.GENERAL_MEETING)
    assert quarters["2026-Q1"] == Status.NOT_REQUIRED
    assert quarters["2026-Q2"] == Status.MISSING
    row = row_of(table_of(world), party.branch)
    assert row.tally.required == row.tally.missing  # Jan–Apr do not count against the rate


def test_a_dissolved_organisation_owes_nothing_after_and_is_never_overdue(world, party):
    party.branch.dissolved_on = D(2026, 3, 10)
    party.branch.save()
    cells = cells_of(table_of(world), party.branch, MeetingKind.COMMITTEE)
    assert cells["2026-03"] == Status.MISSING
    assert cells["2026-04"] == Status.NOT_REQUIRED
    assert party.branch.pk not in {row.branch.pk for row in table_of(world, year=2027).rows}
    assert all(c.branch.pk != party.branch.pk for c in overdue(Branch.objects.all(), TODAY))


# --- Rules --------------------------------------------------------------------------------------------


def test_defaults_apply_until_the_township_sets_its_own_rule(world, party):
    defaults = {rule.kind: rule for rule in rules_for(world.township.pk)}
    assert set(defaults) == {
        MeetingKind.COMMITTEE,
        MeetingKind.PARTY_GROUP,
        MeetingKind.GENERAL_MEETING,
        MeetingKind.LECTURE,
        MeetingKind.THEME_DAY,
        MeetingKind.COMMUNITY_MEETING,
    }
    assert (defaults[MeetingKind.LECTURE].period, defaults[MeetingKind.LECTURE].custom) == (
        Period.QUARTER,
        False,
    )
    CadenceRule.objects.create(township=world.township, kind=MeetingKind.LECTURE, period=Period.HALF_YEAR)
    CadenceRule.objects.create(
        township=world.township, kind=MeetingKind.THEME_DAY, period=Period.MONTH, active=False
    )
    CadenceRule.objects.create(township=world.township, kind=MeetingKind.LIFE_MEETING, period=Period.YEAR)
    rules = {rule.kind: rule for rule in rules_for(world.township.pk)}
    assert rules[MeetingKind.LECTURE].period == Period.HALF_YEAR and rules[MeetingKind.LECTURE].custom
    assert MeetingKind.THEME_DAY not in rules  # switched off
    assert rules[MeetingKind.LIFE_MEETING].period == Period.YEAR  # a kind with no default, put in force
    assert {r.kind: r.period for r in rules_for(world.other_township.pk)} == {
        k: r.period for k, r in defaults.items()
    }  # another township keeps the defaults

    table = table_of(world)
    kinds = [column.rule.kind for column in table.columns]
    assert MeetingKind.THEME_DAY not in kinds and MeetingKind.LIFE_MEETING in kinds
    assert list(cells_of(table, party.branch, MeetingKind.LECTURE)) == ["2026-H1", "2026-H2"]
    assert list(cells_of(table, party.branch, MeetingKind.LIFE_MEETING).values()) == [Status.DUE]


def test_which_organisations_a_rule_applies_to(world, party):
    table = table_of(world)
    # Community party-building meeting: community general branches only (not an office general branch).
    community = MeetingKind.COMMUNITY_MEETING
    assert cells_of(table, party.general, community)["2026-01"] == Status.MISSING
    assert set(cells_of(table, party.other_general, community).values()) == {Status.NOT_REQUIRED}
    assert set(cells_of(table, party.branch, community).values()) == {Status.NOT_REQUIRED}
    # Party group and theme day: branches, not general branches.
    for kind in (MeetingKind.PARTY_GROUP, MeetingKind.THEME_DAY):
        assert cells_of(table, party.branch, kind)["2026-01"] == Status.MISSING
        assert set(cells_of(table, party.general, kind).values()) == {Status.NOT_REQUIRED}
        assert set(cells_of(table, party.other_general, kind).values()) == {Status.NOT_REQUIRED}
    # Committee: every organisation.
    for branch in (party.general, party.other_general, party.branch):
        assert cells_of(table, branch, MeetingKind.COMMITTEE)["2026-01"] == Status.MISSING
    # A township can widen a rule: general branches hold the community meeting too, as all organisations.
    CadenceRule.objects.create(
        township=world.township, kind=community, period=Period.MONTH, applies_to=AppliesTo.ALL
    )
    assert cells_of(table_of(world), party.branch, community)["2026-01"] == Status.MISSING


def test_the_rate_counts_ended_required_periods(world, party):
    CadenceRule.objects.create(
        township=world.township, kind=MeetingKind.PARTY_GROUP, period=Period.MONTH, active=False
    )
    CadenceRule.objects.create(
        township=world.township, kind=MeetingKind.THEME_DAY, period=Period.MONTH, active=False
    )
    CadenceRule.objects.create(
        township=world.township, kind=MeetingKind.LECTURE, period=Period.MONTH, active=False
    )
    kind = MeetingKind.GENERAL_MEETING
    meet(party.branch, kind, D(2026, 2, 1))
    meet(party.branch, kind, D(2026, 7, 3), makeup_for=D(2026, 6, 30))
    for month in range(1, 8):
        meet(party.branch, MeetingKind.COMMITTEE, D(2026, month, 2))
    tally = row_of(table_of(world), party.branch).tally
    # Committee Jan–Jun on time (July's is held too, but the month has not ended: not counted yet);
    # general meeting Q1 on time, Q2 made up; the community meeting is not a village branch's.
    assert (tally.on_time, tally.late, tally.missing, tally.due) == (7, 1, 0, 1)
    assert (tally.required, tally.met, tally.rate) == (8, 8, 100)
    sibling = row_of(table_of(world), party.sibling_branch).tally
    assert (sibling.on_time, sibling.missing, sibling.required, sibling.rate) == (0, 8, 8, 0)
    meet(party.sibling_branch, MeetingKind.COMMITTEE, D(2026, 1, 9))
    meet(party.sibling_branch, MeetingKind.COMMITTEE, D(2026, 3, 9), makeup_for=D(2026, 2, 9))
    sibling = row_of(table_of(world), party.sibling_branch).tally
    assert (sibling.on_time, sibling.late, sibling.missing, sibling.rate) == (1, 1, 6, 25)
    assert table_of(world).tally.required == sum(row.tally.required for row in table_of(world).rows)


# --- Overdue ------------------------------------------------------------------------------------------


def test_the_overdue_list_holds_the_missed_periods_of_the_year_oldest_first(world, party):
    for month in range(1, 7):
        meet(party.branch, MeetingKind.COMMITTEE, D(2026, month, 5))
    meet(party.branch, MeetingKind.GENERAL_MEETING, D(2026, 3, 5))
    meet(party.branch, MeetingKind.GENERAL_MEETING, D(2026, 7, 1), makeup_for=D(2026, 6, 1))
    items = overdue(Branch.objects.filter(pk=party.branch.pk), TODAY)
    found = [(c.rule.kind, c.period.key) for c in items]
    assert (MeetingKind.COMMITTEE, "2026-01") not in found  # held
    assert (MeetingKind.COMMITTEE, "2026-07") not in found  # the current month is not overdue
    assert (MeetingKind.GENERAL_MEETING, "2026-Q2") not in found  # made up
    assert (MeetingKind.LECTURE, "2026-Q1") in found and (MeetingKind.LECTURE, "2026-Q2") in found
    assert (MeetingKind.PARTY_GROUP, "2026-06") in found
    assert [c.period.start for c in items] == sorted(c.period.start for c in items)
    assert {c.status for c in items} == {Status.MISSING}
    # The general branch owes no party group meeting; an office general branch no community meeting.
    general = overdue(Branch.objects.filter(pk__in=[party.general.pk, party.other_general.pk]), TODAY)
    assert {c.rule.kind for c in general if c.branch == party.general} == {
        MeetingKind.COMMITTEE,
        MeetingKind.GENERAL_MEETING,
        MeetingKind.LECTURE,
        MeetingKind.COMMUNITY_MEETING,
    }
    assert MeetingKind.COMMUNITY_MEETING not in {
        c.rule.kind for c in general if c.branch == party.other_general
    }


def test_in_january_the_overdue_list_looks_back_at_last_year(world, party):
    assert default_since(D(2027, 1, 15)) == D(2026, 1, 1)
    assert default_since(D(2027, 2, 1)) == D(2027, 1, 1)
    qs = Branch.objects.filter(pk=party.branch.pk)
    january = {(c.rule.kind, c.period.key) for c in overdue(qs, D(2027, 1, 15))}
    assert (MeetingKind.COMMITTEE, "2026-12") in january
    assert (MeetingKind.GENERAL_MEETING, "2026-Q4") in january
    assert not any(key.startswith("2027") for _kind, key in january)  # January itself is current
    february = {(c.rule.kind, c.period.key) for c in overdue(qs, D(2027, 2, 15))}
    assert february == {
        (MeetingKind.COMMITTEE, "2027-01"),
        (MeetingKind.PARTY_GROUP, "2027-01"),
        (MeetingKind.THEME_DAY, "2027-01"),
    }
    assert overdue(qs, D(2027, 1, 1), since=D(2027, 1, 1)) == []


def test_overdue_lines_name_last_years_periods_with_their_year(world, party):
    cadence = branch_cadence(world.users["township"], party.branch, [party.branch.pk], D(2027, 1, 15))
    committee = next(g for g in cadence.groups if g.rule.kind == MeetingKind.COMMITTEE)
    months = periods_of(Period.MONTH, 2026)
    assert committee.periods == gettext("%(first)s to %(last)s") % {
        "first": months[0].label,
        "last": months[11].label,
    }
    assert [c.period.key for c in cadence.due if c.rule.kind == MeetingKind.COMMITTEE] == ["2027-01"]


def test_overdue_summary_for_the_home_page(world, party):
    summary = overdue_summary(world.users["village"], today=TODAY)
    assert summary.count == len(overdue(Branch.objects.filter(village=world.village), TODAY)) > 10
    assert len(summary.items) == 10 and summary.more == summary.count - 10
    first = summary.items[0]
    assert first.branch == party.branch and first.period_label
    assert first.url.startswith(reverse("meetings:meeting_create"))
    assert f"branch={party.branch.pk}" in first.url and f"kind={first.cell.rule.kind}" in first.url
    assert summary.url == reverse("meetings:cadence") + "?year=2026"
    county = overdue_summary(world.users["county"], today=TODAY)
    assert county.items[0].url.startswith(reverse("meetings:meeting_list"))  # reads only: no recording link
    assert overdue_summary(world.users["other_township"], today=TODAY).count == len(
        overdue(Branch.objects.filter(office__township=world.other_township), TODAY)
    )


def test_compliance_and_overdue_take_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    general = Branch.objects.create(
        office=world.office, kind=BranchKind.COMMUNITY_GENERAL, name="东关社区党总支"
    )
    for i in range(40):
        village = Village.objects.create(office=world.office, name=f"测试{i}村", sort_order=10 + i)
        branch = Branch.objects.create(
            office=world.office,
            village=village,
            parent=general,
            kind=BranchKind.VILLAGE,
            name=f"测试{i}村党支部",
        )
        for month in range(1, 7, 1 + i % 3):
            meet(branch, MeetingKind.COMMITTEE, D(2026, month, 3))
            meet(branch, MeetingKind.LECTURE, D(2026, month, 4), makeup_for=D(2026, month, 1))
    branches = Branch.objects.filter(office__township=world.township)
    with django_assert_max_num_queries(3):
        table = compliance(branches, 2026, TODAY)
        labels = [(row.branch.office.name, str(row.branch), row.tally.rate) for row in table.rows]
        titles = [cell.title for row in table.rows for cell in row.cells]
    assert len(labels) == 41 and titles
    with django_assert_max_num_queries(3):
        assert len(overdue(branches, TODAY)) > 40


def test_the_compliance_page_queries_do_not_grow_with_the_organisations(world, party, clock):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        client = login(world, "township")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("meetings:cadence")).status_code == 200
        return len(captured)

    before = queries()
    for i in range(20):
        village = Village.objects.create(office=world.office, name=f"新{i}村", sort_order=20 + i)
        branch = Branch.objects.create(
            office=world.office,
            village=village,
            parent=party.general,
            kind=BranchKind.VILLAGE,
            name=f"新{i}村党支部",
        )
        meet(branch, MeetingKind.COMMITTEE, D(2026, 2, 3))
    assert queries() == before


# --- The compliance page ------------------------------------------------------------------------------


def test_compliance_page_access(world, party, clock):
    url = reverse("meetings:cadence")
    check_access(world, url, EVERYONE)
    check_access(world, url + "?year=2025&behind=on", EVERYONE)
    check_access(world, url + "?export=xlsx", EVERYONE)
    check_access(
        world, url + "?year=abc&office=999999&kind=nonsense", EVERYONE
    )  # bad filters: shown, ignored


def test_compliance_page_shows_each_organisations_cells_in_scope(world, party, clock):
    meet(party.branch, MeetingKind.GENERAL_MEETING, D(2026, 3, 31))
    meet(party.sibling_branch, MeetingKind.GENERAL_MEETING, D(2026, 4, 1), makeup_for=D(2026, 3, 15))
    response = login(world, "township").get(reverse("meetings:cadence"))
    assert response.status_code == 200
    page = response.content.decode()
    table = response.context["table"]
    assert [row.branch for row in table.rows] == [
        party.general,
        party.branch,
        party.sibling_branch,
        party.other_general,
        party.other_branch,
    ]
    assert f'data-branch="{party.far_branch.pk}"' not in page  # the other township
    on_time = 'data-kind="general_meeting" data-period="2026-Q1" data-status="on_time"'
    assert on_time in page and 'data-status="late"' in page and 'data-status="due"' in page
    assert f"?branch={party.branch.pk}&amp;kind=general_meeting" in page  # a cell opens the meetings
    assert 'id="cadence-total"' in page

    village = login(world, "village").get(reverse("meetings:cadence"))
    assert [row.branch for row in village.context["table"].rows] == [party.branch]
    office = login(world, "office").get(reverse("meetings:cadence") + f"?kind={BranchKind.VILLAGE}")
    assert [row.branch for row in office.context["table"].rows] == [party.branch, party.sibling_branch]
    # The county reads every township of the county, one at a time; others cannot pick another.
    county = login(world, "county")
    picked = county.get(reverse("meetings:cadence") + f"?township={world.township.pk}")
    assert picked.context["township"] == world.township and len(picked.context["table"].rows) == 5
    assert 'name="township"' in picked.content.decode()
    other = county.get(reverse("meetings:cadence") + f"?township={world.other_township.pk}")
    assert [row.branch for row in other.context["table"].rows] == [party.far_branch]
    refused = login(world, "other_township").get(
        reverse("meetings:cadence") + f"?township={world.township.pk}"
    )
    assert refused.context["township"] == world.other_township


def test_compliance_filters_office_and_only_behind(world, party, clock):
    for month in range(1, 7):
        for kind in (MeetingKind.COMMITTEE, MeetingKind.PARTY_GROUP, MeetingKind.THEME_DAY):
            meet(party.branch, kind, D(2026, month, 9))
    for kind in (MeetingKind.GENERAL_MEETING, MeetingKind.LECTURE):
        meet(party.branch, kind, D(2026, 1, 9))
        meet(party.branch, kind, D(2026, 4, 9))
    client = login(world, "township")
    url = reverse("meetings:cadence")
    response = client.get(url + f"?office={world.office.pk}")
    assert {row.branch for row in response.context["table"].rows} == {
        party.general,
        party.branch,
        party.sibling_branch,
    }
    assert row_of(response.context["table"], party.branch).tally.rate == 100
    behind = client.get(url + f"?office={world.office.pk}&behind=on")
    assert party.branch not in {row.branch for row in behind.context["table"].rows}
    assert party.sibling_branch in {row.branch for row in behind.context["table"].rows}
    last_year = client.get(url + "?year=2025")
    assert last_year.context["year"] == 2025
    assert {cell.status for row in last_year.context["table"].rows for cell in row.cells} <= {
        Status.MISSING,
        Status.NOT_REQUIRED,
    }
    bad = client.get(url + "?year=abc")
    assert bad.context["year"] == 2026 and bad.context["form"].errors["year"]


def test_compliance_export(world, party, clock):
    meet(party.branch, MeetingKind.GENERAL_MEETING, D(2026, 4, 1), makeup_for=D(2026, 3, 15))
    response = login(world, "township").get(reverse("meetings:cadence") + "?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet, missed = book.worksheets
    assert "2026" in sheet["A1"].value and "甲镇" in sheet["A1"].value
    headers = [c.value for c in sheet[3]]
    assert headers[:3] == ["办事处", "党组织", "类别"]
    with translation.override("zh-hans"):
        assert headers[-1] == gettext("Compliance rate")
        total_label = gettext("Township total")
        period_label = periods_of(Period.QUARTER, 2026)[0].label
        late, missing = str(Status.LATE.label), str(Status.MISSING.label)
        general_q1 = headers.index(
            f"{MeetingKind.GENERAL_MEETING.label} {periods_of(Period.QUARTER, 2026)[0].name}"
        )
    rows = {r[1]: r for r in sheet.iter_rows(min_row=4, values_only=True)}
    branch_row = rows[str(party.branch)]
    assert branch_row[general_q1] == late
    assert rows[str(party.sibling_branch)][general_q1] == missing
    assert any(r[0] == total_label for r in sheet.iter_rows(min_row=4, values_only=True))
    missed_rows = list(missed.iter_rows(min_row=4, values_only=True))
    with translation.override("zh-hans"):
        kind_label = str(MeetingKind.GENERAL_MEETING.label)
    assert (str(party.sibling_branch), kind_label, period_label) in {r[1:4] for r in missed_rows}


# --- The rules page -----------------------------------------------------------------------------------


def rules_post(**changes) -> dict:
    """The rules form as the page sends it, every kind at its default, with `changes` by kind."""
    from meetings.cadence import RULE_KINDS, default_rule

    data = {"form-TOTAL_FORMS": str(len(RULE_KINDS)), "form-INITIAL_FORMS": "0"}
    for index, kind in enumerate(RULE_KINDS):
        rule = default_rule(kind)
        values = (
            {"active": "on", "period": rule.period, "times": rule.times, "applies_to": rule.applies_to}
            if rule
            else {"period": Period.YEAR, "times": 1, "applies_to": AppliesTo.ALL}
        )
        values.update(changes.get(kind, {}))
        for name, value in values.items():
            if value is not None:
                data[f"form-{index}-{name}"] = str(value)
    return data


def test_rules_page_access(world, party):
    url = reverse("meetings:cadence_rules")
    check_access(world, url, EVERYONE)
    readers_refused = {
        **EVERYONE,
        "township": 302,
        "other_township": 302,
        "office": 403,
        "other_office": 403,
        "village": 403,
        "other_village": 403,
        "county": 403,
    }
    check_access(world, url, readers_refused, method="post", data=rules_post())
    assert not CadenceRule.objects.exists()  # nothing changed: no rows written


def test_township_staff_change_a_rule_and_switch_one_off(world, party):
    client = login(world, "township")
    url = reverse("meetings:cadence_rules")
    data = rules_post(
        **{
            MeetingKind.COMMITTEE: {"period": Period.QUARTER, "times": 2},
            MeetingKind.LECTURE: {"active": None},
            MeetingKind.LIFE_MEETING: {"active": "on"},
        }
    )
    response = client.post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert [m.tags for m in response.context["messages"]] == ["success"]
    rows = {row.kind: row for row in CadenceRule.objects.filter(township=world.township)}
    assert set(rows) == {MeetingKind.COMMITTEE, MeetingKind.LECTURE, MeetingKind.LIFE_MEETING}
    assert (rows[MeetingKind.COMMITTEE].period, rows[MeetingKind.COMMITTEE].times) == (Period.QUARTER, 2)
    assert rows[MeetingKind.LECTURE].active is False
    assert rows[MeetingKind.LIFE_MEETING].active and rows[MeetingKind.LIFE_MEETING].period == Period.YEAR
    assert not CadenceRule.objects.filter(township=world.other_township).exists()
    page = client.get(url).content.decode()
    assert f'data-kind="{MeetingKind.COMMITTEE}" data-custom="true"' in page
    assert f'data-kind="{MeetingKind.PARTY_GROUP}" data-custom="false"' in page

    # Saving the same again changes nothing; editing an existing row updates it.
    again = client.post(
        url,
        rules_post(
            **{
                MeetingKind.COMMITTEE: {"period": Period.QUARTER, "times": 2},
                MeetingKind.LECTURE: {"active": None},
                MeetingKind.LIFE_MEETING: {"active": "on"},
            }
        ),
        follow=True,
    )
    assert [m.tags for m in again.context["messages"]] == ["info"]
    client.post(
        url,
        rules_post(
            **{
                MeetingKind.COMMITTEE: {"period": Period.MONTH, "times": 1},
                MeetingKind.LECTURE: {"active": None},
                MeetingKind.LIFE_MEETING: {"active": "on"},
            }
        ),
    )
    assert CadenceRule.objects.get(township=world.township, kind=MeetingKind.COMMITTEE).period == Period.MONTH


def test_bad_rule_input_is_refused_next_to_the_row_and_nothing_is_written(world, party):
    client = login(world, "township")
    data = rules_post(
        **{
            MeetingKind.COMMITTEE: {"period": Period.QUARTER},
            MeetingKind.LECTURE: {"times": 0},
            MeetingKind.THEME_DAY: {"period": "weekly"},
        }
    )
    response = client.post(reverse("meetings:cadence_rules"), data)
    assert response.status_code == 200
    assert not CadenceRule.objects.exists()
    page = response.content.decode()
    assert "invalid-feedback" in page
    formset = response.context["formset"]
    errors = {form.kind: form.errors for form in formset.forms if form.errors}
    assert set(errors) == {MeetingKind.LECTURE, MeetingKind.THEME_DAY}
    assert "times" in errors[MeetingKind.LECTURE] and "period" in errors[MeetingKind.THEME_DAY]


def test_rules_read_only_for_offices_and_the_county(world, party):
    CadenceRule.objects.create(township=world.township, kind=MeetingKind.LECTURE, period=Period.MONTH)
    for role in ("office", "village", "county"):
        url = reverse("meetings:cadence_rules") + f"?township={world.township.pk}"
        page = login(world, role).get(url).content.decode()
        assert 'id="rules-form"' not in page and 'id="rules-read-only"' in page
        assert f'data-kind="{MeetingKind.LECTURE}" data-custom="true"' in page
    township_page = login(world, "township").get(reverse("meetings:cadence_rules")).content.decode()
    assert 'id="rules-form"' in township_page
    other = login(world, "other_township").get(reverse("meetings:cadence_rules")).content.decode()
    assert f'data-kind="{MeetingKind.LECTURE}" data-custom="false"' in other  # its own township's rules


# --- The organisation page's card ---------------------------------------------------------------------


def test_the_organisation_page_lists_overdue_meetings_with_a_link_to_record_them(world, party, clock):
    for month in range(1, 7):
        for kind in (MeetingKind.COMMITTEE, MeetingKind.PARTY_GROUP, MeetingKind.THEME_DAY):
            meet(party.branch, kind, D(2026, month, 9))
    meet(party.branch, MeetingKind.GENERAL_MEETING, D(2026, 1, 9))
    meet(party.branch, MeetingKind.GENERAL_MEETING, D(2026, 4, 9))
    meet(party.branch, MeetingKind.LECTURE, D(2026, 2, 9))
    response = login(world, "office").get(party.branch.get_absolute_url())
    page = response.content.decode()
    assert 'id="meeting-cadence"' in page
    cadence = response.context["cadence"]
    assert [(g.rule.kind, [c.period.key for c in g.cells]) for g in cadence.groups] == [
        (MeetingKind.LECTURE, ["2026-Q2"])
    ]
    assert cadence.count == 1
    create = reverse("meetings:meeting_create") + f"?branch={party.branch.pk}&amp;kind=lecture"
    assert create in page
    assert {cell.rule.kind for cell in cadence.due} == {
        MeetingKind.COMMITTEE,
        MeetingKind.PARTY_GROUP,
        MeetingKind.THEME_DAY,
        MeetingKind.GENERAL_MEETING,
        MeetingKind.LECTURE,
    }
    assert 'id="cadence-due"' in page

    # The general branch's page: its own lines first, then those of the branches under it, a line per
    # organisation and kind with the periods it missed.
    general = login(world, "office").get(party.general.get_absolute_url()).context["cadence"]
    lines = [(g.branch, g.rule.kind, len(g.cells)) for g in general.groups]
    assert lines[:4] == [
        (party.general, MeetingKind.GENERAL_MEETING, 2),
        (party.general, MeetingKind.COMMITTEE, 6),
        (party.general, MeetingKind.LECTURE, 2),
        (party.general, MeetingKind.COMMUNITY_MEETING, 6),
    ]
    assert (party.branch, MeetingKind.LECTURE, 1) in lines
    assert (party.sibling_branch, MeetingKind.PARTY_GROUP, 6) in lines
    assert general.count == 16 + 1 + 22 and general.more == 0
    months = periods_of(Period.MONTH, 2026)
    assert general.groups[1].periods == gettext("%(first)s to %(last)s") % {
        "first": months[0].name,
        "last": months[5].name,
    }
    quarters = periods_of(Period.QUARTER, 2026)
    assert general.groups[0].periods == f"{quarters[0].name}、{quarters[1].name}"
    # A village secretary sees his branch's line on the general branch's page? He cannot open it at all.
    assert login(world, "village").get(party.general.get_absolute_url()).status_code == 404
    # The county reads: no recording link.
    county = login(world, "county").get(party.branch.get_absolute_url()).content.decode()
    assert 'id="meeting-cadence"' in county and "record-meeting" not in county


def test_a_dissolved_organisation_page_has_no_cadence_card(world, party, clock):
    party.sibling_branch.dissolved_on = D(2026, 6, 1)
    party.sibling_branch.save()
    page = login(world, "office").get(party.sibling_branch.get_absolute_url()).content.decode()
    assert 'id="meeting-cadence"' not in page


# --- In Chromium: a phone, a click on a cell, A4 landscape ---------------------------------------------


@pytest.mark.browser
def test_the_compliance_table_on_a_phone_and_on_paper(page, live_server, world, party):
    from pathlib import Path

    from tests.conftest import PASSWORD

    shots = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    for month in range(1, 13):
        meet(party.branch, MeetingKind.COMMITTEE, D(2025, month, 9))
    meet(party.branch, MeetingKind.GENERAL_MEETING, D(2025, 4, 2), makeup_for=D(2025, 3, 20))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}{reverse('meetings:cadence')}?year=2025")
    page.locator("#id_username").fill("township")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    table = page.locator("#cadence-table")
    table.wait_for()
    # The table scrolls inside its box; the page itself does not grow wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(shots / "cadence-phone.png"), full_page=True)
    late = table.locator(
        f'tr[data-branch="{party.branch.pk}"] td[data-kind="general_meeting"][data-period="2025-Q1"]'
    )
    assert late.get_attribute("data-status") == "late"
    late.locator("a").click()
    page.wait_for_url(f"**{reverse('meetings:meeting_list')}?branch={party.branch.pk}&kind=general_meeting")

    page.set_viewport_size({"width": 1123, "height": 794})  # A4 landscape at 96 dpi
    page.goto(f"{live_server.url}{reverse('meetings:cadence')}?year=2025")
    page.emulate_media(media="print")
    assert page.locator("#cadence-filters").is_hidden()
    width = page.evaluate("document.querySelector('#cadence-table').getBoundingClientRect().width")
    assert width <= 1123
    page.screenshot(path=str(shots / "cadence-print.png"), full_page=True)

    # The rules on a phone, and the organisation page's card.
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}{reverse('meetings:cadence_rules')}")
    page.locator("#rules-form").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(shots / "cadence-rules-phone.png"), full_page=True)
    page.goto(f"{live_server.url}{party.general.get_absolute_url()}")
    card = page.locator("#meeting-cadence")
    card.wait_for()
    card.screenshot(path=str(shots / "cadence-branch-card-phone.png"))
