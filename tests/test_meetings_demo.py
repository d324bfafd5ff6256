"""The demo township's meetings, duty logs and ledgers (issue 6): a year of meetings with attendance for
every organisation, some behind on cadence, the archive written from them, last December's review with
the one-third warning in one branch; duty logs turned into ledger items; ledger months closed in order with
items carried, some three times or more, one month reopened; idempotent and removable."""

import datetime
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from branches.models import Branch
from communities.models import Office, Township
from duty_roster.demo import month_back
from duty_roster.models import DutyLogEntry, DutyPost
from ledger import services as ledger_services
from ledger.choices import STUCK_CARRIES, UNSETTLED, ItemSource, ItemStatus, LedgerAction
from ledger.models import LedgerEvent, LedgerItem, LedgerMonth
from meetings import cadence
from meetings.choices import ATTENDED, AttendanceStatus, MeetingKind, ReviewGrade
from meetings.demo import (
    EXCELLENT_BRANCH,
    HARVEST_BRANCH,
    HOSPITAL_BRANCH,
    LAST_MONTH_BRANCH,
    MAKEUP_LECTURE_BRANCH,
    NO_GROUP_BRANCH,
)
from meetings.demo import reset as reset_meetings
from meetings.models import Attendance, Meeting, ReviewResult
from meetings.services import (
    LEADERSHIP_KINDS,
    archive_entries_for,
    excellent_share_warning,
    expected_attendees,
)
from members.models import ArchiveEntry

DEMO_MODELS = [Meeting, Attendance, ReviewResult, DutyLogEntry, LedgerMonth, LedgerItem, LedgerEvent]


def load(*args) -> None:
    call_command("load_demo", *args, stdout=io.StringIO())


def counts() -> dict[str, int]:
    result = {m.__name__: m.objects.count() for m in DEMO_MODELS}
    result["ArchiveEntry from meetings"] = ArchiveEntry.objects.filter(meeting__isnull=False).count()
    return result


@pytest.fixture
def demo(db):
    load()
    return Township.objects.get(name="青石镇")


def window_start() -> datetime.date:
    today = timezone.localdate()
    return datetime.date(*month_back(today.year, today.month, 11), 1)


def check_every_organisation_meets_through_the_year(demo):
    today = timezone.localdate()
    branches = Branch.objects.filter(office__township=demo).active()
    assert branches.count() > 50
    for branch in branches:
        meetings = Meeting.objects.filter(branch=branch)
        assert meetings.filter(on__gte=today - datetime.timedelta(days=60)).exists(), branch
        if branch.founded_on and branch.founded_on > window_start():
            assert not meetings.filter(on__lt=branch.founded_on).exists(), branch
        else:
            assert meetings.filter(on__lt=window_start() + datetime.timedelta(days=31)).exists(), branch
    assert not Meeting.objects.filter(on__gte=today).exists()
    kinds = set(Meeting.objects.values_list("kind", flat=True))
    assert kinds == {k for k in MeetingKind.values if k != MeetingKind.OTHER}
    # A register page worth reading: who chaired and kept it, where, what was said and decided.
    blank = Q(host="") | Q(recorder="") | Q(place="") | Q(topic="") | Q(minutes="") | Q(resolutions="")
    assert not Meeting.objects.filter(blank).exists()
    assert not Meeting.objects.filter(starts_at__isnull=True).exists()
    village = Meeting.objects.filter(branch__kind="village", kind=MeetingKind.COMMITTEE).first()
    assert village.place == f"{village.branch.village.name}党群服务中心会议室"
    assert not Meeting.objects.filter(created_by__isnull=True).exists()


def check_some_organisations_are_behind_on_cadence(demo):
    today = timezone.localdate()
    branches = Branch.objects.filter(office__township=demo)
    cells = cadence.overdue(branches, today, since=window_start())
    behind = {cell.branch.name for cell in cells}
    assert behind == {HOSPITAL_BRANCH, HARVEST_BRANCH, LAST_MONTH_BRANCH, NO_GROUP_BRANCH}
    by_branch = Counter((cell.branch.name, cell.rule.kind) for cell in cells)
    assert by_branch[(NO_GROUP_BRANCH, MeetingKind.PARTY_GROUP)] == 4
    assert by_branch[(HARVEST_BRANCH, MeetingKind.GENERAL_MEETING)] == 1
    assert by_branch[(HARVEST_BRANCH, MeetingKind.LECTURE)] == 1
    # Two make-up meetings: each counts, late, for the period it makes up for.
    makeups = Meeting.objects.exclude(makeup_for=None)
    assert {m.branch.name for m in makeups} == {HOSPITAL_BRANCH, MAKEUP_LECTURE_BRANCH}
    for meeting in makeups:
        rule = cadence.default_rule(meeting.kind)
        period = cadence.period_of(rule.period, meeting.makeup_for)
        held = [
            (m.on, m.counts_for) for m in Meeting.objects.filter(branch=meeting.branch, kind=meeting.kind)
        ]
        status, _count = cadence.status_of(rule, meeting.branch, period, held, today)
        assert status == cadence.Status.LATE, meeting
        assert meeting.topic.startswith("补开")


def check_attendance_is_mostly_present_and_follows_the_rules(demo):
    statuses = Counter(Attendance.objects.values_list("status", flat=True))
    total = sum(statuses.values())
    assert statuses[AttendanceStatus.PRESENT] > 0.75 * total
    assert (
        0
        < statuses[AttendanceStatus.ABSENT]
        < statuses[AttendanceStatus.LATE]
        < statuses[AttendanceStatus.LEAVE]
    )
    assert not Attendance.objects.filter(status=AttendanceStatus.LEAVE, reason="").exists()
    # The duty demo's secretary in hospital was on leave from his branch's meetings too.
    assert Attendance.objects.filter(status=AttendanceStatus.LEAVE, reason="因病住院治疗").exists()
    # This month the organisations are as they are now: the list is exactly who the meeting is for.
    today = timezone.localdate()
    recent = Meeting.objects.filter(on__gte=today.replace(day=1)).exclude(kind__in=LEADERSHIP_KINDS)
    assert recent.exists()
    for meeting in recent:
        listed = set(meeting.attendances.values_list("member_id", flat=True))
        assert listed == {p.pk for p in expected_attendees(meeting.branch, meeting.kind, meeting.on)}, meeting
    # A committee is its post holders.
    committee = Meeting.objects.filter(kind=MeetingKind.COMMITTEE, branch__name="东关社区党总支").first()
    assert committee.attendances.count() == len(
        expected_attendees(committee.branch, MeetingKind.COMMITTEE, committee.on)
    )


def check_the_archive_is_written_from_the_attendance(demo):
    meetings = Meeting.objects.filter(branch__office__township=demo)
    attendance = Attendance.objects.filter(meeting__in=meetings)
    expected = (
        attendance.count()
        + attendance.filter(status__in=ATTENDED).count()
        + ReviewResult.objects.filter(meeting__in=meetings).count()
    )
    assert ArchiveEntry.objects.filter(meeting__in=meetings).count() == expected
    # Each meeting's entries are exactly what the service writes for it.
    sample = list(meetings.filter(kind=MeetingKind.DEMOCRATIC_REVIEW)[:3]) + list(meetings.order_by("?")[:30])
    for meeting in sample:
        stored = Counter(
            ArchiveEntry.objects.filter(meeting=meeting).values_list("member_id", "kind", "on", "content")
        )
        written = Counter((e.member_id, e.kind, e.on, e.content) for e in archive_entries_for(meeting))
        assert stored == written, meeting


def check_the_democratic_review_grades_everyone_with_one_warning(demo):
    reviews = Meeting.objects.filter(branch__office__township=demo, kind=MeetingKind.DEMOCRATIC_REVIEW)
    assert reviews.count() > 40
    today = timezone.localdate()
    assert {m.on.year for m in reviews} == {today.year - 1}
    assert {m.on.month for m in reviews} == {12}
    warned = [m.branch.name for m in reviews if excellent_share_warning(m)]
    assert warned == [EXCELLENT_BRANCH]
    for meeting in reviews:
        assert meeting.review_results.count() == meeting.attendances.count() > 0, meeting
        assert set(meeting.review_results.values_list("year", flat=True)) == {meeting.on.year}
    grades = Counter(ReviewResult.objects.values_list("grade", flat=True))
    assert (
        grades[ReviewGrade.QUALIFIED]
        > grades[ReviewGrade.EXCELLENT]
        > grades[ReviewGrade.BASICALLY_QUALIFIED]
        > 0
    )
    assert grades[ReviewGrade.UNQUALIFIED] == 0


def check_duty_logs_with_ledger_items(demo):
    for post in DutyPost.objects.filter(office__township=demo):
        entries = DutyLogEntry.objects.filter(post=post)
        assert entries.count() > 30, post
        assert entries.filter(ledger_item__isnull=False).exists(), post
        assert not entries.filter(on__gte=timezone.localdate()).exists()
        assert entries.filter(on__lt=post.starts_on).count() == 0
    converted = DutyLogEntry.objects.filter(ledger_item__isnull=False).select_related("ledger_item__ledger")
    assert converted.count() < DutyLogEntry.objects.count() // 2
    for entry in converted:
        item = entry.ledger_item
        assert entry.needs_follow_up and item.source == ItemSource.DUTY_LOG
        assert item.content.startswith(f"{entry.visitor}：{entry.purpose}")
        assert item.ledger.month == entry.on.replace(day=1)
        assert item.owner and not User.objects.filter(username=item.owner).exists()
    assert not DutyLogEntry.objects.filter(ledger_item__isnull=True, needs_follow_up=True).exists()


def check_ledgers_closed_in_order_with_carried_items(demo):
    today = timezone.localdate()
    months = [datetime.date(*month_back(today.year, today.month, back), 1) for back in range(5, -1, -1)]
    for office in Office.objects.filter(township=demo):
        ledgers = list(LedgerMonth.objects.filter(office=office).order_by("month"))
        assert [ledger.month for ledger in ledgers] == months, office
        assert all(ledger.is_closed for ledger in ledgers[:-1]) and not ledgers[-1].is_closed
        for ledger in ledgers[:-1]:
            assert (
                ledger_services.month_end(ledger.month) < timezone.localtime(ledger.closed_at).date() <= today
            )
            assert ledger.received == ledger.items.count() > 0
            assert ledger.done + ledger.carried == ledger.received
            unsettled = ledger.items.filter(status__in=UNSETTLED).count()
            assert ledger.carried == unsettled
            # Every unsettled item went on to the next month, one more carry.
            for item in ledger.items.filter(status__in=UNSETTLED):
                assert item.carried_to.carried_times == item.carried_times + 1
                assert item.carried_to.ledger.month == ledger_services.next_month(ledger.month)
        for ledger in ledgers:
            sources = set(ledger.items.values_list("source", flat=True))
            assert {ItemSource.PETITION, ItemSource.TOWNSHIP_TASK} <= sources, ledger
        rates = [ledger.clearance_rate for ledger in ledgers[:-1]]
        assert all(0.3 < rate <= 1 for rate in rates) and min(rates) < 1, (office, rates)
    done = LedgerItem.objects.filter(status=ItemStatus.DONE)
    assert not done.filter(Q(result="") | Q(done_on__isnull=True)).exists()
    assert not done.filter(done_on__gte=today).exists()
    assert LedgerItem.objects.filter(source=ItemSource.MEETING, meeting__isnull=False).exists()
    # Stuck items stand out on the township's view: carried three times or more, still unsettled.
    attention = ledger_services.attention(User.objects.get(username="township"), today)
    assert attention.unclosed_count == 0
    assert 1 <= attention.stuck_count <= 4
    assert all(item.carried_times >= STUCK_CARRIES for item in attention.stuck)
    # And some were settled after being carried three times.
    assert LedgerItem.objects.filter(carried_times__gte=STUCK_CARRIES, status=ItemStatus.DONE).exists()


def check_one_month_reopened_with_its_reason(demo):
    reopen = LedgerEvent.objects.get(action=LedgerAction.REOPEN)
    assert reopen.reason and reopen.actor.username == "township"
    ledger = reopen.ledger
    assert ledger.is_closed
    actions = list(ledger.events.order_by("at", "pk").values_list("action", "actor__username"))
    assert actions == [
        (LedgerAction.CLOSE, "office2"),
        (LedgerAction.REOPEN, "township"),
        (LedgerAction.CLOSE, "office2"),
    ]
    assert ledger.items.filter(content="完成流动党员信息核查更新", status=ItemStatus.DONE).exists()


def test_the_demo_holds_a_year_of_meetings_and_the_ledgers(demo):
    """One load, many checks: building the demo takes seconds."""
    check_every_organisation_meets_through_the_year(demo)
    check_some_organisations_are_behind_on_cadence(demo)
    check_attendance_is_mostly_present_and_follows_the_rules(demo)
    check_the_archive_is_written_from_the_attendance(demo)
    check_the_democratic_review_grades_everyone_with_one_warning(demo)
    check_duty_logs_with_ledger_items(demo)
    check_ledgers_closed_in_order_with_carried_items(demo)
    check_one_month_reopened_with_its_reason(demo)


def test_loading_twice_adds_nothing_and_reset_removes_the_meetings_and_ledgers(demo):
    from ledger.demo import reset as reset_ledger

    before = counts()
    assert all(before.values())
    load()
    assert counts() == before
    reset_ledger(demo)
    reset_meetings(demo)
    assert all(count == 0 for count in counts().values())
    assert ArchiveEntry.objects.exists()  # the members demo's own entries stay
    load("--reset")
    assert counts() == before
