"""The monthly ledger's rules (月清月结, R5): summaries, the close carrying items and locking the month,
reopening by the township with a reason, months closed in order, items from the duty log, and what the
home page is told about."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from duty_roster.choices import DayKind
from duty_roster.models import DutyDay, DutyLogEntry
from ledger import services
from ledger.choices import STUCK_CARRIES, ItemSource, ItemStatus, LedgerAction
from ledger.models import LedgerEvent, LedgerItem, LedgerMonth

JAN = datetime.date(2025, 1, 1)
FEB = datetime.date(2025, 2, 1)
MAR = datetime.date(2025, 3, 1)
APR = datetime.date(2025, 4, 1)
LATER = datetime.date(2025, 6, 15)  # a day after all of the months above


def add(ledger, content="修路灯", status=ItemStatus.OPEN, due_on=None, **fields):
    if status == ItemStatus.DONE:
        fields.setdefault("result", "已办结")
    return services.add_item(
        ledger,
        source=ItemSource.PETITION,
        content=content,
        owner="王建国",
        status=status,
        due_on=due_on,
        **fields,
    )


# --- Summary --------------------------------------------------------------------------------------------


def test_the_summary_counts_received_done_carried_overdue_and_the_rate(world):
    ledger = services.ledger_for(world.office, MAR)
    add(ledger, "a", ItemStatus.DONE)
    add(ledger, "b", ItemStatus.DONE)
    add(ledger, "c", ItemStatus.IN_PROGRESS, due_on=datetime.date(2025, 3, 10))
    add(ledger, "d", ItemStatus.OPEN, due_on=datetime.date(2025, 3, 31))
    add(ledger, "e", ItemStatus.DONE, due_on=datetime.date(2025, 3, 1))  # done late: not overdue

    on_the_5th = services.summarise(ledger, datetime.date(2025, 3, 5))
    assert (on_the_5th.received, on_the_5th.done, on_the_5th.carried, on_the_5th.overdue) == (5, 3, 2, 0)
    assert on_the_5th.clearance_rate == pytest.approx(0.6)

    after = services.summarise(ledger, LATER)  # as of the month's end: the 10th has passed, the 31st not
    assert after.overdue == 1


def test_an_empty_month_has_no_rate(world):
    assert services.summarise(services.ledger_for(world.office, MAR)).clearance_rate is None


def test_summarise_many_agrees_with_summarise(world):
    first = services.ledger_for(world.office, JAN)
    add(first, "a", ItemStatus.DONE)
    add(first, "b", due_on=datetime.date(2025, 1, 3))
    services.close_month(first, today=LATER)
    second = services.ledger_for(world.office, FEB)
    add(second, "c", ItemStatus.DONE)
    other = services.ledger_for(world.other_office, FEB)
    many = services.summarise_many([first, second, other, LedgerMonth.objects.get(pk=second.pk)], LATER)
    for ledger in (first, second, other):
        assert many[ledger.pk] == services.summarise(LedgerMonth.objects.get(pk=ledger.pk), LATER)


# --- Close --------------------------------------------------------------------------------------------------


def test_closing_stores_the_summary_carries_unsettled_items_and_locks(world):
    ledger = services.ledger_for(world.office, JAN)
    add(ledger, "done", ItemStatus.DONE)
    started = add(ledger, "started", ItemStatus.IN_PROGRESS, due_on=datetime.date(2025, 1, 20))
    waiting = add(ledger, "waiting")
    user = world.users["office"]

    summary = services.close_month(ledger, user, today=LATER)

    ledger.refresh_from_db()
    assert ledger.is_closed and ledger.closed_by == user
    assert (ledger.received, ledger.done, ledger.carried, ledger.overdue) == (3, 1, 2, 1)
    assert summary == services.summarise(ledger)
    following = LedgerMonth.objects.get(office=world.office, month=FEB)
    copies = {item.carried_from_id: item for item in following.items.all()}
    assert set(copies) == {started.pk, waiting.pk}
    assert copies[started.pk].status == ItemStatus.IN_PROGRESS
    assert copies[started.pk].carried_times == 1
    assert copies[started.pk].due_on == started.due_on
    assert LedgerEvent.objects.filter(ledger=ledger, action=LedgerAction.CLOSE, actor=user).count() == 1


def test_an_item_carried_twice_counts_its_carries_and_keeps_the_chain(world):
    january = services.ledger_for(world.office, JAN)
    original = add(january, "老问题")
    services.close_month(january, today=LATER)
    february = LedgerMonth.objects.get(office=world.office, month=FEB)
    services.close_month(february, today=LATER)
    march = LedgerMonth.objects.get(office=world.office, month=MAR)

    (third,) = march.items.all()
    assert third.carried_times == 2
    assert third.carried_from.carried_from == original
    assert third.carried_from.ledger == february
    assert original.carried_to.carried_to == third


def test_a_closed_month_refuses_new_items_and_edits(world):
    ledger = services.ledger_for(world.office, JAN)
    item = add(ledger, "已定")
    services.close_month(ledger, today=LATER)
    ledger.refresh_from_db()
    with pytest.raises(ValidationError, match="已月结锁定"):
        add(ledger, "迟到的")
    with pytest.raises(ValidationError):
        services.update_item(item, status=ItemStatus.DONE, result="办了")
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN
    with pytest.raises(ValidationError):
        services.close_month(ledger, today=LATER)


def test_an_item_carried_on_is_settled_in_the_next_month_only(world):
    ledger = services.ledger_for(world.office, JAN)
    item = add(ledger, "转走的")
    services.close_month(ledger, today=LATER)
    services.reopen_month(LedgerMonth.objects.get(pk=ledger.pk), world.users["township"], "补录")
    item.refresh_from_db()
    with pytest.raises(ValidationError, match="已结转到下月"):
        services.update_item(item, status=ItemStatus.DONE, result="办了")
    copy = item.carried_to
    services.update_item(copy, status=ItemStatus.DONE, result="办了", today=datetime.date(2025, 2, 3))
    copy.refresh_from_db()
    assert copy.status == ItemStatus.DONE and copy.done_on == datetime.date(2025, 2, 3)


def test_months_close_in_order(world):
    services.ledger_for(world.office, JAN)
    february = services.ledger_for(world.office, FEB)
    with pytest.raises(ValidationError, match="2025-01"):
        services.close_month(february, today=LATER)
    assert not LedgerMonth.objects.get(pk=february.pk).is_closed


def test_a_month_closes_only_near_its_end(world):
    ledger = services.ledger_for(world.office, MAR)
    with pytest.raises(ValidationError, match="2025-03-25"):
        services.close_month(ledger, today=datetime.date(2025, 3, 24))
    services.close_month(ledger, today=datetime.date(2025, 3, 25))


def test_a_village_secretary_cannot_close(world):
    ledger = services.ledger_for(world.office, JAN)
    with pytest.raises(PermissionDenied):
        services.close_month(ledger, world.users["village"], today=LATER)
    assert not services.may_close(world.users["county"])
    assert services.may_close(world.users["office"]) and services.may_close(world.users["township"])


# --- Reopen ---------------------------------------------------------------------------------------------


def closed(world, month=JAN):
    ledger = services.ledger_for(world.office, month)
    add(ledger, "事项")
    services.close_month(ledger, today=LATER)
    return LedgerMonth.objects.get(pk=ledger.pk)


def test_only_township_staff_reopen(world):
    ledger = closed(world)
    for role in ("office", "village", "county"):
        with pytest.raises(PermissionDenied):
            services.reopen_month(ledger, world.users[role], "理由")
    assert LedgerMonth.objects.get(pk=ledger.pk).is_closed


def test_reopening_needs_a_reason_and_is_recorded(world):
    ledger = closed(world)
    township = world.users["township"]
    with pytest.raises(ValidationError) as error:
        services.reopen_month(ledger, township, "  ")
    assert "reason" in error.value.message_dict
    services.reopen_month(ledger, township, "漏记一件群众诉求")
    ledger.refresh_from_db()
    assert not ledger.is_closed
    event = LedgerEvent.objects.get(ledger=ledger, action=LedgerAction.REOPEN)
    assert (event.actor, event.reason) == (township, "漏记一件群众诉求")
    add(ledger, "补录的")  # open again


def test_reopen_is_refused_while_a_later_month_is_closed(world):
    january = closed(world, JAN)
    services.close_month(LedgerMonth.objects.get(office=world.office, month=FEB), today=LATER)
    with pytest.raises(ValidationError, match="之后已月结"):
        services.reopen_month(january, world.users["township"], "补录")
    assert LedgerMonth.objects.get(pk=january.pk).is_closed


def test_a_reclose_carries_only_what_was_not_carried_before(world):
    january = services.reopen_month(closed(world, JAN), world.users["township"], "补录")
    add(january, "补录的事项")
    services.close_month(january, today=LATER)
    february = LedgerMonth.objects.get(office=world.office, month=FEB)
    assert sorted(february.items.values_list("content", flat=True)) == ["事项", "补录的事项"]
    assert LedgerEvent.objects.filter(ledger=january).count() == 3


# --- Opening months --------------------------------------------------------------------------------------


def test_a_month_before_a_closed_one_or_far_ahead_cannot_be_opened(world):
    closed(world, FEB)
    with pytest.raises(ValidationError, match="2025-02"):
        services.open_month(world.office, JAN, today=LATER)
    with pytest.raises(ValidationError, match="超过下个月"):
        services.open_month(world.office, datetime.date(2025, 8, 1), today=LATER)
    assert services.open_month(world.office, datetime.date(2025, 7, 1), today=LATER).pk


# --- From the duty log --------------------------------------------------------------------------------


@pytest.fixture
def entry(world, duty_post, r2_office):
    day = datetime.date(2025, 3, 4)
    DutyDay.objects.create(
        post=duty_post, day=day, kind=DayKind.ROTATION, person=r2_office.village_secretaries[0]
    )
    return DutyLogEntry.objects.create(
        post=duty_post,
        on=day,
        visitor="张庄村 王大妈",
        purpose="低保申请",
        handling="已登记",
        recorded_by=None,
    )


def test_a_duty_log_entry_becomes_one_item_however_often_clicked(world, entry):
    today = datetime.date(2025, 3, 5)
    first = services.item_from_duty_log(entry, world.users["village"], today=today)
    second = services.item_from_duty_log(entry, world.users["village"], today=today)
    assert first == second
    assert LedgerItem.objects.count() == 1
    entry.refresh_from_db()
    assert entry.ledger_item == first and entry.needs_follow_up
    assert first.source == ItemSource.DUTY_LOG
    assert first.ledger.month == MAR and first.ledger.office == world.office
    assert "低保申请" in first.content and first.owner == "张建军"


def test_an_entry_of_a_closed_month_goes_into_the_next_open_one(world, entry):
    march = services.ledger_for(world.office, MAR)
    services.close_month(march, today=LATER)
    item = services.item_from_duty_log(entry, world.users["office"], today=datetime.date(2025, 3, 28))
    assert item.ledger.month == APR


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("village", True),  # on duty that day
        ("other_village", False),  # same office, not on duty
        ("office", True),
        ("township", True),
        ("other_office", False),
        ("other_township", False),
        ("county", False),
    ],
)
def test_who_may_turn_an_entry_into_an_item(world, entry, role, allowed):
    if allowed:
        assert services.item_from_duty_log(entry, world.users[role], today=datetime.date(2025, 3, 5)).pk
    else:
        with pytest.raises(PermissionDenied):
            services.item_from_duty_log(entry, world.users[role], today=datetime.date(2025, 3, 5))
        assert LedgerItem.objects.count() == 0


# --- Attention --------------------------------------------------------------------------------------------


def test_attention_lists_unclosed_ended_months_and_stuck_items_in_scope(world):
    month = JAN
    services.ledger_for(world.office, month)
    item = add(LedgerMonth.objects.get(office=world.office, month=month), "老大难")
    for _ in range(STUCK_CARRIES):
        ledger = LedgerMonth.objects.get(office=world.office, month=month)
        services.close_month(ledger, today=LATER)
        month = services.next_month(month)
    services.ledger_for(world.other_office, JAN)  # another office's unclosed month

    seen = services.attention(world.users["office"], today=LATER)
    assert seen.unclosed_count == 1  # April (the carried item's month); May and June not yet
    assert [m.month for m in seen.unclosed] == [APR]
    assert seen.stuck_count == 1
    (stuck,) = seen.stuck
    assert stuck.carried_from.carried_from.carried_from == item
    assert stuck.url.endswith(f"/ledger/{world.office.pk}/2025-04/#item-{stuck.pk}")
    assert seen.count == 2

    township = services.attention(world.users["township"], today=LATER)
    assert township.unclosed_count == 2
    assert services.attention(world.users["other_township"], today=LATER).count == 0
    village = services.attention(world.users["village"], today=LATER)
    assert village.stuck_count == 1 and village.unclosed_count == 0  # he does not close months
    assert services.attention(world.users["other_office"], today=LATER).stuck_count == 0
