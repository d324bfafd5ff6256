"""The demo township's duty posts (issue 5): a post for every office, offices without a community too
(R7); four months of rota, the past ones published and locked; leave the rotation skips and gives back, a
swap and a cover, sign-ins on time, late, missed and by hand; idempotent and removable."""

import datetime
import io
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from communities.models import Office, Township
from duty_roster import services
from duty_roster.choices import ChangeKind, ChangeState, DayKind
from duty_roster.demo import month_back, reset
from duty_roster.models import DutyChange, DutyDay, DutyMember, DutyMonth, DutyPost, Leave, SignIn
from establishment.board import build_board
from establishment.choices import CellState
from establishment.models import Campaign

DUTY_MODELS = [DutyPost, DutyMember, DutyMonth, DutyDay, Leave, DutyChange, SignIn]


def load(*args) -> None:
    call_command("load_demo", *args, stdout=io.StringIO())


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in DUTY_MODELS}


@pytest.fixture
def demo(db):
    load()
    return Township.objects.get(name="青石镇")


def months() -> list[tuple[int, int]]:
    today = timezone.localdate()
    return [month_back(today.year, today.month, back) for back in (3, 2, 1, 0)]


def check_every_office_has_a_post_with_its_village_secretaries(demo):
    offices = Office.objects.filter(township=demo)
    assert DutyPost.objects.filter(office__in=offices).count() == offices.count() == 7
    for post in DutyPost.objects.select_related("office__community"):
        members = list(DutyMember.objects.filter(post=post, active=True).order_by("order"))
        assert len(members) == post.office.villages.count(), post
        # In village order (the post's rotation order).
        sort_orders = [m.person.branch.village.sort_order for m in members]
        assert sort_orders == sorted(sort_orders)
        assert post.starts_on == datetime.date(*months()[0], 1)
    without = DutyPost.objects.get(office__name="杨庄办事处")
    assert (without.name, without.place) == ("杨庄办事处书记值班岗", "杨庄办事处")
    # 东关's village secretaries are the demo's village accounts.
    east = DutyPost.objects.get(office__name="东关办事处")
    names = [m.person.name for m in DutyMember.objects.filter(post=east).order_by("order")]
    assert names == [User.objects.get(username=f"village{n}").display_name for n in range(1, 8)]


def check_four_months_generated_the_past_ones_published_and_locked(demo):
    for post in DutyPost.objects.all():
        rotas = list(DutyMonth.objects.filter(post=post).order_by("year", "month"))
        assert [(r.year, r.month) for r in rotas] == months()
        assert all(r.generated_at for r in rotas)
        assert [r.is_published for r in rotas] == [True, True, True, False]
        for year, month in months():
            days = DutyDay.objects.filter(post=post, day__year=year, day__month=month)
            assert days.filter(kind=DayKind.CONCENTRATED).exists()
            assert days.filter(kind=DayKind.ROTATION, person__isnull=False).count() >= 15
    with pytest.raises(ValidationError):
        services.generate_month(DutyPost.objects.first(), *months()[0])


def check_leave_is_skipped_and_given_back(demo):
    leaves = Leave.objects.select_related("post")
    assert leaves.count() >= 4
    for leave in leaves:
        assert not DutyDay.objects.filter(
            post=leave.post, person=leave.person, day__range=(leave.starts_on, leave.ends_on)
        ).exists()
    # 北岭's secretary in hospital for six weeks serves more than anyone the month after, to catch up.
    north = Leave.objects.get(post__office__name="北岭办事处")
    after = month_back(north.ends_on.year, north.ends_on.month, -1)
    served = Counter(
        DutyDay.objects.filter(
            post=north.post, kind=DayKind.ROTATION, day__year=after[0], day__month=after[1]
        ).values_list("person", flat=True)
    )
    assert served[north.person_id] == max(served.values()) > min(served.values())


def check_a_swap_and_a_cover(demo):
    changes = DutyChange.objects.filter(state=ChangeState.ACCEPTED)
    assert set(changes.values_list("kind", flat=True)) == {ChangeKind.SWAP, ChangeKind.COVER}
    swap = changes.get(kind=ChangeKind.SWAP)
    assert swap.day.person == swap.to_person and swap.other_day.person == swap.from_person
    assert swap.day.manual and swap.other_day.manual and swap.day.note
    assert swap.reason and swap.requested_at < swap.decided_at
    cover = changes.get(kind=ChangeKind.COVER)
    assert cover.day.person == cover.to_person and cover.day.manual and cover.other_day is None


def check_sign_ins_on_time_late_missed_and_by_hand(demo):
    today = timezone.localdate()
    rotation_days = DutyDay.objects.filter(kind=DayKind.ROTATION, day__lt=today)
    signed = set(SignIn.objects.values_list("post", "person", "day"))
    missed = [d for d in rotation_days if (d.post_id, d.person_id, d.day) not in signed]
    assert 0 < len(missed) < rotation_days.count() // 10
    times = [timezone.localtime(s.at).time() for s in SignIn.objects.filter(manual=False)]
    late = [t for t in times if t > datetime.time(8, 30)]
    assert 0 < len(late) < len(times) // 5
    assert all(datetime.time(7, 50) <= t <= datetime.time(9, 40, 59) for t in times)
    manual = SignIn.objects.filter(manual=True)
    assert manual.exists() and not manual.filter(reason="").exists()
    assert not manual.filter(recorded_by__isnull=True).exists()
    assert not SignIn.objects.filter(at__gt=timezone.now()).exists()
    # Concentrated Mondays: most sign in, a few miss.
    mondays = DutyDay.objects.filter(kind=DayKind.CONCENTRATED, day__lt=today)
    expected = sum(DutyMember.objects.filter(post=d.post_id).count() for d in mondays)
    present = SignIn.objects.filter(day__in=mondays.values("day")).count()
    assert expected * 0.8 < present < expected
    # Nobody signs in on a day he is not on duty or on leave.
    for leave in Leave.objects.all():
        assert not SignIn.objects.filter(
            person=leave.person, day__range=(leave.starts_on, leave.ends_on)
        ).exists()


def check_the_board_shows_every_office_running_the_rotation(demo):
    campaign = Campaign.objects.get(township=demo)
    board = build_board(campaign, User.objects.get(username="township"), timezone.localdate())
    cells = [cell for row in board.rows for column, cell in row.cells if column.key == "rotation"]
    assert len(cells) == 7
    assert {cell.state for cell in cells} <= {CellState.DONE, CellState.LATE}


def test_the_demo_runs_the_duty_posts(demo):
    """One load, many checks: building the demo takes seconds."""
    check_every_office_has_a_post_with_its_village_secretaries(demo)
    check_four_months_generated_the_past_ones_published_and_locked(demo)
    check_leave_is_skipped_and_given_back(demo)
    check_a_swap_and_a_cover(demo)
    check_sign_ins_on_time_late_missed_and_by_hand(demo)
    check_the_board_shows_every_office_running_the_rotation(demo)


def test_loading_twice_adds_nothing_and_reset_removes_the_duty_posts(demo):
    before = counts()
    load()
    assert counts() == before
    reset(demo)
    assert all(count == 0 for count in counts().values())
    load("--reset")
    assert counts() == before
