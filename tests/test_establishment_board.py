"""The campaign board's rules (R9, R10) as plain functions with a fixed `today`: each cell's colour for
on-time, late, missing and not-yet-due items, offices without a community (R7), scope, the survey counts
and their freezing, and publishing good practices."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from branches.choices import BranchKind
from branches.models import Branch
from communities.models import Office, Village
from establishment import board
from establishment.board import cell_for, survey_counts
from establishment.choices import CellState, OpinionMeeting, RequestState
from establishment.models import (
    Campaign,
    EstablishmentRequest,
    GoodPractice,
    OpinionSession,
    SurveySnapshot,
)
from members.choices import Standing, Status
from tests.conftest import make_member

DONE, LATE, MISSING, DUE, NA = (
    CellState.DONE,
    CellState.LATE,
    CellState.MISSING,
    CellState.DUE,
    CellState.NOT_APPLICABLE,
)
JUNE = {day: datetime.date(2026, 6, day) for day in range(1, 31)}
JULY = {day: datetime.date(2026, 7, day) for day in range(1, 32)}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def campaign(world):
    return Campaign.objects.create(township=world.township, year=2026, **Campaign.defaults_for(2026))


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def make_request(office, state: str, **dates) -> EstablishmentRequest:
    request = EstablishmentRequest.objects.create(
        office=office,
        title="关于成立社区党总支的请示",
        general_branch_name="东关社区党总支",
        justification="按照指导意见",
    )
    EstablishmentRequest.objects.filter(pk=request.pk).update(state=state, created_at=at(JUNE[21]), **dates)
    request.refresh_from_db()
    return request


def cells(grid, office) -> dict:
    (row,) = [row for row in grid.rows if row.office == office]
    return {column.key: cell for column, cell in row.cells}


def states(grid, office) -> dict:
    return {key: cell.state for key, cell in cells(grid, office).items()}


# --- One cell --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("done_on", "today", "expected"),
    [
        (JUNE[19], JUNE[25], DONE),  # done before the deadline
        (JUNE[20], JUNE[20], DONE),  # on the deadline itself
        (JUNE[22], JUNE[25], LATE),  # done after it
        (None, JUNE[21], MISSING),  # not done, deadline passed
        (None, JUNE[20], DUE),  # not done, deadline is today
        (None, JUNE[1], DUE),
    ],
)
def test_a_cell_is_coloured_against_its_deadline(done_on, today, expected):
    assert cell_for(done_on, JUNE[20], today) == expected


@pytest.mark.parametrize(
    ("percent", "expected"), [(100, DONE), (90, DONE), (89, LATE), (60, LATE), (59, MISSING), (None, NA)]
)
def test_archive_completeness_is_green_from_90_and_amber_from_60(percent, expected):
    assert board.archives_cell_state(percent) == expected


def test_the_duty_rotation_is_done_on_its_first_duty_day(world, campaign):
    # More cases, on the whole board, in test_establishment_board_rotation.py.
    assert board.rotation_cell(None, None, JUNE[30], JULY[1]).state == MISSING
    assert board.rotation_cell(None, JULY[3], JUNE[30], JULY[10]).state == LATE
    assert board.rotation_cell(None, JULY[3], JUNE[30], JULY[1]).state == MISSING  # still to come


def test_a_cell_reads_in_the_workbook_as_state_and_date():
    assert board.Cell(DONE, JUNE[19]).text == "done Jun 19"
    assert board.Cell(MISSING).text == "overdue"
    assert board.Cell(LATE, headline="72%").text == "72%"
    assert board.Cell(NA, note="not available yet").text == "not available yet"
    assert board.Cell(DONE, note="on record").text == "done on record"


# --- The whole board -------------------------------------------------------------------------------------


@pytest.fixture
def progress(world, r2_office, campaign):
    """world.office (with a community) part of the way through; world.other_office has no community."""
    office = r2_office.office
    SurveySnapshot.objects.create(office=office, taken_on=JUNE[18], counts={"party_members": 8})
    OpinionSession.objects.create(
        office=office, kind=OpinionMeeting.SYMPOSIUM, held_on=JUNE[22], participants="老党员12人"
    )
    make_request(
        office,
        RequestState.REPORTED,
        submitted_at=at(JUNE[25]),
        approved_on=JUNE[28],
        meeting_date=JUNE[28],
        reported_on=JULY[3],
    )
    return office


def test_the_board_colours_on_time_late_missing_and_not_yet_due_items(world, progress, campaign):
    grid = board.build_board(campaign, world.users["township"], JULY[10])
    assert [row.office for row in grid.rows] == [world.office, world.other_office]
    assert states(grid, world.office) == {
        "survey": DONE,  # 18 June, survey ends 20 June
        "opinions": LATE,  # 22 June
        "request": DONE,  # submitted 25 June, implementation ends 30 June
        "approved": DONE,
        "reported": LATE,  # 3 July
        "consented": DUE,  # due by 31 July
        "branches": MISSING,  # no community office or volunteer-team branch by 30 June
        "rotation": MISSING,  # no duty post by 30 June
        "archives": MISSING,  # nobody's archive is complete
    }
    row = cells(grid, world.office)
    assert row["survey"].on == JUNE[18]
    assert row["reported"].on == JULY[3]
    assert row["survey"].url == reverse("establishment:survey_detail", args=[SurveySnapshot.objects.get().pk])
    assert row["opinions"].url == reverse("establishment:opinion_list") + f"?office={world.office.pk}"
    assert row["archives"].text == "0%"
    assert row["archives"].url.startswith(reverse("members:completeness"))
    request = EstablishmentRequest.objects.get()
    assert row["request"].url == reverse("establishment:request_detail", args=[request.pk])
    assert grid.summary == {"done": 3, "late": 2, "missing": 6, "due": 1, "na": 6}


def test_before_the_deadlines_nothing_is_overdue(world, progress, campaign):
    grid = board.build_board(campaign, world.users["township"], JUNE[19])
    assert states(grid, world.other_office)["survey"] == DUE
    assert states(grid, world.office)["branches"] == DUE
    assert states(grid, world.office)["archives"] == MISSING  # a level, not an event


def test_an_office_without_a_community_runs_the_rotation_only(world, progress, campaign):
    grid = board.build_board(campaign, world.users["township"], JULY[10])
    row = cells(grid, world.other_office)
    assert {key for key, cell in row.items() if cell.state == NA} == {
        "request",
        "approved",
        "reported",
        "consented",
        "branches",
        "archives",  # no members on record
    }
    assert row["rotation"].state == MISSING  # R7: it runs the rotation too
    assert row["survey"].state == MISSING
    assert row["survey"].url == reverse("establishment:survey_create") + f"?office={world.other_office.pk}"
    assert row["opinions"].state == MISSING
    assert row["request"].text == "no rural community"
    (row_of_other,) = [r for r in grid.rows if r.office == world.other_office]
    # On the page the five cells of the request's path are one.
    assert [(column.key, span) for column, _cell, span in row_of_other.spans()] == [
        ("survey", 1),
        ("opinions", 1),
        ("request", 5),
        ("rotation", 1),
        ("archives", 1),
    ]


def test_office_secretaries_see_their_own_row_and_the_county_reads_all(world, progress, campaign):
    mine = board.build_board(campaign, world.users["office"], JULY[10])
    assert [row.office for row in mine.rows] == [world.office]
    county = board.build_board(campaign, world.users["county"], JULY[10])
    assert [row.office for row in county.rows] == [world.office, world.other_office]
    # Nobody may take a snapshot for the county: a missing item is not a link to a form.
    assert cells(county, world.other_office)["survey"].url == ""


def test_a_returned_request_is_not_filed(world, r2_office, campaign):
    make_request(r2_office.office, RequestState.RETURNED, submitted_at=at(JUNE[24]))
    row = cells(board.build_board(campaign, world.users["township"], JULY[1]), world.office)
    assert row["request"].state == MISSING
    assert row["request"].note == "returned for changes"
    assert row["approved"].state == MISSING


def test_the_request_furthest_along_speaks_for_the_office(world, r2_office, campaign):
    make_request(r2_office.office, RequestState.DRAFT)
    make_request(
        r2_office.office,
        RequestState.ESTABLISHED,
        submitted_at=at(JUNE[22]),
        approved_on=JUNE[24],
        reported_on=JUNE[26],
        consented_on=JULY[5],
    )
    row = cells(board.build_board(campaign, world.users["township"], JULY[10]), world.office)
    assert [row[key].state for key in ("request", "approved", "reported", "consented")] == [DONE] * 4
    assert row["consented"].on == JULY[5]


def test_a_community_general_branch_on_record_before_any_request_counts_as_done(world, party, campaign):
    row = cells(board.build_board(campaign, world.users["township"], JULY[10]), world.office)
    assert [row[key].state for key in ("request", "approved", "reported", "consented")] == [DONE] * 4
    assert row["consented"].note == "on record"
    assert row["consented"].url == party.general.get_absolute_url()


def test_sub_branches_are_done_when_both_are_active_the_later_founding_counts(world, party, campaign):
    def sub_branch(kind, name, founded_on):
        return Branch.objects.create(
            office=world.office,
            community=world.community,
            parent=party.general,
            kind=kind,
            name=name,
            founded_on=founded_on,
        )

    staff = sub_branch(BranchKind.COMMUNITY_OFFICE, "东关社区机关党支部", JUNE[27])
    township_staff = world.users["township"]
    assert (
        cells(board.build_board(campaign, township_staff, JULY[1]), world.office)["branches"].state == MISSING
    )
    volunteers = sub_branch(BranchKind.VOLUNTEER_TEAM, "东关社区志愿者队伍党支部", JULY[2])
    cell = cells(board.build_board(campaign, township_staff, JULY[10]), world.office)["branches"]
    assert (cell.state, cell.on) == (LATE, JULY[2])
    volunteers.founded_on = JUNE[29]
    volunteers.save()
    cell = cells(board.build_board(campaign, township_staff, JULY[10]), world.office)["branches"]
    assert (cell.state, cell.on) == (DONE, JUNE[29])
    staff.dissolved_on = JULY[4]
    staff.save()
    assert (
        cells(board.build_board(campaign, township_staff, JULY[10]), world.office)["branches"].state
        == MISSING
    )


def test_archive_completeness_comes_from_the_members_rollup(world, party, campaign):
    grid = board.build_board(campaign, world.users["township"], JULY[10])
    assert cells(grid, world.office)["archives"].text == "0%"
    assert cells(grid, world.other_office)["archives"].text == "0%"


def test_last_years_survey_does_not_count_for_this_campaign(world, campaign):
    SurveySnapshot.objects.create(office=world.office, taken_on=datetime.date(2025, 6, 18))
    row = cells(board.build_board(campaign, world.users["township"], JULY[10]), world.office)
    assert row["survey"].state == MISSING


def test_the_board_costs_the_same_number_of_queries_for_two_offices_as_for_eight(world, party, campaign):
    def board_queries() -> int:
        client = Client()
        client.force_login(world.users["township"])
        url = reverse("establishment:campaign_board", args=[campaign.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = board_queries()
    for number in range(6):
        office = Office.objects.create(
            township=world.township, name=f"新办事处{number}", sort_order=10 + number
        )
        village = Village.objects.create(office=office, name=f"新村{number}")
        general = Branch.objects.create(office=office, kind=BranchKind.OFFICE_GENERAL, name=f"新总支{number}")
        branch = Branch.objects.create(
            office=office,
            village=village,
            parent=general,
            kind=BranchKind.VILLAGE,
            name=f"新村{number}党支部",
        )
        make_member(branch, f"新党员{number}")
        SurveySnapshot.objects.create(office=office, taken_on=JUNE[18])
        OpinionSession.objects.create(
            office=office, kind=OpinionMeeting.VISIT, held_on=JUNE[19], participants="甲"
        )
        make_request(office, RequestState.SUBMITTED, submitted_at=at(JUNE[25]))
    assert Office.objects.filter(township=world.township).count() == 8
    assert board_queries() == few
    assert few <= 20


# --- The survey (摸底) -----------------------------------------------------------------------------------


def test_survey_counts_members_and_organisations_of_every_kind(world, party):
    general, branch = party.general, party.branch
    make_member(branch, "王芳", gender="female", ethnicity="回族", is_mobile=True)
    make_member(branch, "赵预备", standing=Standing.PROBATIONARY, admitted_on=JUNE[1])
    make_member(branch, "钱大学", is_returned_graduate=True, lives_elsewhere=True)
    make_member(general, "孙申请", standing=Standing.APPLICANT)
    make_member(general, "周积极", standing=Standing.ACTIVIST)
    make_member(general, "吴发展", standing=Standing.DEVELOPMENT_OBJECT)
    counts = survey_counts(world.office, JUNE[18])
    people = {key: counts[key] for key, _label in board.PEOPLE_COUNTS}
    assert people == {
        "party_members": 5,  # 张三, 李四, 王芳, 赵预备, 钱大学
        "probationary": 1,
        "women": 2,  # 李四, 王芳
        "ethnic_minorities": 1,
        "mobile": 1,
        "returned_graduates": 1,
        "lives_elsewhere": 1,
        "applicants": 1,
        "activists": 1,
        "development_objects": 1,
    }
    assert counts["organisations"] == {
        "office_general": 0,
        "community_general": 1,
        "village": 2,
        "community_office": 0,
        "volunteer_team": 0,
        "other": 0,
    }
    assert counts["organisation_total"] == 3


def test_survey_counts_the_people_and_organisations_of_that_day(world, party):
    make_member(party.branch, "后入党", standing=Standing.PROBATIONARY, admitted_on=JUNE[25])
    make_member(party.branch, "已转正", admitted_on=datetime.date(2025, 1, 5), full_member_on=JUNE[25])
    left = make_member(party.branch, "后转出")
    left.status, left.status_changed_on = Status.TRANSFERRED_OUT, JUNE[22]
    left.save()
    gone = make_member(party.branch, "早转出")
    gone.status, gone.status_changed_on = Status.TRANSFERRED_OUT, JUNE[10]
    gone.save()
    Branch.objects.create(
        office=world.office,
        parent=party.general,
        kind=BranchKind.VOLUNTEER_TEAM,
        name="志愿者队伍党支部",
        founded_on=JUNE[25],
    )
    party.sibling_branch.dissolved_on = JUNE[15]
    party.sibling_branch.save()
    counts = survey_counts(world.office, JUNE[18])
    # 张三, 李四 (her branch dissolved later still keeps her on record), 已转正, 后转出
    assert counts["party_members"] == 4
    assert counts["probationary"] == 1  # 已转正 became a full member after the day
    assert counts["organisations"]["volunteer_team"] == 0
    assert counts["organisations"]["village"] == 1


def test_a_snapshot_stays_as_it_was_taken(world, party):
    client = Client()
    client.force_login(world.users["office"])
    response = client.post(
        reverse("establishment:survey_create"),
        {"office": world.office.pk, "taken_on": timezone.localdate().isoformat(), "notes": ""},
    )
    snapshot = SurveySnapshot.objects.get()
    assert response.status_code == 302
    assert snapshot.counts["party_members"] == 2
    assert snapshot.taken_by == world.users["office"]
    make_member(party.branch, "新党员")
    party.branch.dissolved_on = timezone.localdate()
    party.branch.save()
    snapshot.refresh_from_db()
    assert snapshot.counts["party_members"] == 2
    assert snapshot.counts["organisations"]["village"] == 2
    assert survey_counts(world.office, timezone.localdate())["party_members"] == 3
    page = client.get(reverse("establishment:survey_detail", args=[snapshot.pk])).content.decode()
    assert 'data-count="party_members"' in page


# --- Good practices ----------------------------------------------------------------------------------------


def test_publishing_puts_a_practice_on_the_township_home_page(world):
    practice = GoodPractice.objects.create(
        office=world.office, title="老党员结对帮扶", content="每名老党员联系三户。", recorded_on=JUNE[25]
    )
    far = GoodPractice.objects.create(
        office=world.far_office,
        title="外镇经验",
        content="……",
        recorded_on=JUNE[25],
        published_at=timezone.now(),
    )
    assert list(board.published_practices(world.users["township"])) == []
    board.publish_practice(practice)
    assert practice.published_at is not None
    # Published for the whole township: secretaries of other offices and villages read it too, on the
    # home page only (its record stays in its office's scope).
    for role in ("township", "office", "other_office", "village", "county"):
        shown = board.published_practices(world.users[role])
        assert practice in shown, role
        assert (far in shown) == (role == "county"), role
        assert shown[shown.index(practice)].openable == (role in ("township", "office", "county")), role
    board.unpublish_practice(practice)
    practice.refresh_from_db()
    assert practice.published_at is None
    assert list(board.published_practices(world.users["village"])) == []
