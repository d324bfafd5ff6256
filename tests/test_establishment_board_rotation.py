"""The campaign board's duty-rotation cell (R6, R7): done on the post's first duty day, against the end
of implementation; late, overdue or not yet due otherwise; every office runs it, with a community or
without; one query for all the offices."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities.models import Office
from duty_roster.choices import DayKind
from duty_roster.models import DutyDay, DutyPost
from establishment import board
from establishment.choices import CellState
from establishment.models import Campaign

JUNE = {day: datetime.date(2026, 6, day) for day in range(1, 31)}
JULY = {day: datetime.date(2026, 7, day) for day in range(1, 32)}


@pytest.fixture
def campaign(world):
    return Campaign.objects.create(township=world.township, year=2026, **Campaign.defaults_for(2026))


def make_post(office, *days: datetime.date) -> DutyPost:
    post = DutyPost.objects.create(
        office=office, name=f"{office.name}书记值班岗", place=office.name, starts_on=days[0]
    )
    for day in days:
        kind = DayKind.CONCENTRATED if day.weekday() == 0 else DayKind.ROTATION
        DutyDay.objects.create(post=post, day=day, kind=kind)
    return post


def rotation(campaign, user, office, today: datetime.date) -> board.Cell:
    grid = board.build_board(campaign, user, today)
    (row,) = [row for row in grid.rows if row.office == office]
    return dict((column.key, cell) for column, cell in row.cells)["rotation"]


def test_a_rotation_started_by_the_end_of_implementation_is_done(world, campaign):
    post = make_post(world.office, JUNE[23], JUNE[22], JUNE[24], JULY[1])
    cell = rotation(campaign, world.users["township"], world.office, JULY[10])
    assert (cell.state, cell.on) == (CellState.DONE, JUNE[22])  # the first duty day, a Monday
    assert cell.url == post.get_absolute_url()


def test_a_rotation_started_after_it_is_late(world, campaign):
    make_post(world.office, JULY[7], JULY[8])
    cell = rotation(campaign, world.users["township"], world.office, JULY[10])
    assert (cell.state, cell.on) == (CellState.LATE, JULY[7])


def test_no_post_or_no_duty_day_yet_is_overdue_after_the_deadline_and_due_before(world, campaign):
    township = world.users["township"]
    cell = rotation(campaign, township, world.office, JULY[1])
    assert (cell.state, cell.url) == (CellState.MISSING, "")
    assert rotation(campaign, township, world.office, JUNE[25]).state == CellState.DUE
    # A post whose first duty day is still to come has not started the rotation.
    post = make_post(world.office, JULY[14])
    cell = rotation(campaign, township, world.office, JULY[10])
    assert (cell.state, cell.on, cell.url) == (CellState.MISSING, None, post.get_absolute_url())
    assert rotation(campaign, township, world.office, JULY[14]).state == CellState.LATE


def test_an_office_without_a_community_runs_the_rotation_too(world, campaign):
    make_post(world.other_office, JUNE[27])
    cell = rotation(campaign, world.users["township"], world.other_office, JULY[10])
    assert (cell.state, cell.on) == (CellState.DONE, JUNE[27])


def test_an_office_secretary_sees_his_own_post_only(world, campaign):
    make_post(world.office, JUNE[23])
    grid = board.build_board(campaign, world.users["other_office"], JULY[10])
    (row,) = grid.rows
    assert row.office == world.other_office
    assert dict((column.key, cell) for column, cell in row.cells)["rotation"].state == CellState.MISSING


def test_the_rotation_cell_costs_the_same_queries_for_two_posts_as_for_eight(world, campaign):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            board.build_board(campaign, world.users["township"], JULY[10])
        return len(captured)

    make_post(world.office, JUNE[23], JUNE[24])
    make_post(world.other_office, JULY[2])
    few = queries()
    for number in range(6):
        office = Office.objects.create(
            township=world.township, name=f"新办事处{number}", sort_order=10 + number
        )
        make_post(office, JUNE[22 + number], JULY[1 + number])
    grid = board.build_board(campaign, world.users["township"], JULY[10])
    assert len(grid.rows) == 8
    assert queries() == few
