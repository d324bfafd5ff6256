"""Automatic indicators (issue 7): each indicator on hand-built data with its value and its working in words,
offices without a community, the mapping from value to points for each kind of rule (floors and caps), the
validation of rules, evidence links that open for township staff, a bounded number of queries, and every
office of the demo township."""

import datetime
import io
import zoneinfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from assessments import indicators
from assessments.indicators import (
    INDICATORS,
    FiveGoods,
    Result,
    Unit,
    compute,
    compute_all,
    points_for,
    validate_rule,
    window,
)
from branches.choices import BranchKind, OtherBranchKind, PostKind, ReserveStatus
from branches.models import Branch, Post, ReserveCadre, Term
from communities.models import Office
from duty_roster.choices import DayKind
from duty_roster.models import DutyDay, SignIn
from establishment.choices import OpinionMeeting, RequestState
from establishment.models import Campaign, EstablishmentRequest, Opinion, OpinionSession
from ledger.models import LedgerMonth
from meetings.choices import AppliesTo, MeetingKind, Period
from meetings.models import CadenceRule, Meeting
from members.choices import EntryKind
from members.models import ArchiveEntry, Member
from tests.conftest import PASSWORD, make_member

D = datetime.date
AS_OF = D(2026, 7, 10)
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ)


def rename_to_community(r2_office) -> Branch:
    Branch.objects.filter(pk=r2_office.general.pk).update(
        kind=BranchKind.COMMUNITY_GENERAL, name="东关社区党总支"
    )
    r2_office.general.refresh_from_db()
    return r2_office.general


def fresh(office: Office) -> Office:
    return Office.objects.get(pk=office.pk)


# --- The registry ----------------------------------------------------------------------------------------


def test_the_registry_names_fourteen_indicators_with_a_group_and_a_unit():
    assert list(INDICATORS) == [
        "org_setup",
        "sub_branches",
        "request_path",
        "archive_members",
        "archive_branches",
        "duty_concentrated",
        "duty_rotation",
        "duty_score",
        "meeting_cadence",
        "ledger_clearance",
        "reserve_cadres",
        "mobile_contact",
        "opinions_answered",
        "rectifications_open",
    ]
    for code, indicator in INDICATORS.items():
        assert indicator.code == code
        assert indicator.group in FiveGoods.values
        assert indicator.unit in Unit.values
        assert str(indicator.label)
    assert {indicator.group for indicator in INDICATORS.values()} == set(FiveGoods.values)


def test_an_unknown_code_is_refused(world):
    with pytest.raises(KeyError):
        compute("nothing", world.office, AS_OF)


def test_the_window_is_the_twelve_whole_months_before_the_date():
    assert window(D(2026, 7, 10)) == (D(2025, 7, 1), D(2026, 6, 30))
    assert window(D(2026, 1, 1)) == (D(2025, 1, 1), D(2025, 12, 31))


# --- 1. org_setup ------------------------------------------------------------------------------------------


def test_org_setup_before_the_community_general_branch_exists(r2_office):
    result = compute("org_setup", fresh(r2_office.office), AS_OF)
    assert result.value == 0.0
    assert result.missing == 5  # secretary, deputy, elected deputy, two committee members
    assert result.note == "The community general branch has not been set up yet (5 posts to fill)."
    assert result.evidence_url == reverse("branches:branch_list") + f"?office={r2_office.office.pk}"


def test_org_setup_counts_the_posts_r2_requires(r2_office):
    general = rename_to_community(r2_office)
    zhang, li, wang = r2_office.village_secretaries
    Post.objects.create(branch=general, kind=PostKind.ELECTED_DEPUTY, person=zhang, started_on=D(2026, 6, 28))
    Post.objects.create(branch=general, kind=PostKind.COMMITTEE_MEMBER, person=li, started_on=D(2026, 6, 28))
    result = compute("org_setup", fresh(r2_office.office), AS_OF)
    assert result.value == 0.8
    assert result.missing == 1
    assert result.note == "5 posts required, 4 filled: missing committee member（王永福）."
    assert result.evidence_url == general.get_absolute_url() + "#leadership"
    # Before the posts started, the elected deputy and both committee members were missing.
    earlier = compute("org_setup", fresh(r2_office.office), D(2026, 6, 1))
    assert (earlier.value, earlier.missing) == (0.4, 3)
    assert earlier.note == (
        "5 posts required, 2 filled: missing elected deputy secretary、"
        "committee member（张建军、李红梅、王永福）."
    )
    Post.objects.create(
        branch=general, kind=PostKind.COMMITTEE_MEMBER, person=wang, started_on=D(2026, 6, 28)
    )
    done = compute("org_setup", fresh(r2_office.office), AS_OF)
    assert (done.value, done.missing, done.note) == (1.0, 0, "5 posts required, all filled.")


def test_indicators_that_need_a_community_do_not_apply_without_one(party, world):
    office = fresh(world.other_office)
    for code in ("org_setup", "sub_branches", "request_path"):
        result = compute(code, office, AS_OF)
        assert result.value is None and not result.applies
        assert result.note == "The office has not set up a rural community: this does not apply."


# --- 2. sub_branches ---------------------------------------------------------------------------------------


def test_sub_branches_counts_the_kinds_in_place_on_the_date(party, world):
    common = {"office": world.office, "community": world.community, "parent": party.general}
    Branch.objects.create(kind=BranchKind.COMMUNITY_OFFICE, name="东关社区机关党支部", **common)
    Branch.objects.create(
        kind=BranchKind.VOLUNTEER_TEAM, name="东关志愿者党支部", dissolved_on=D(2026, 5, 1), **common
    )
    Branch.objects.create(
        kind=BranchKind.OTHER,
        other_kind=OtherBranchKind.MOBILE,
        name="东关流动党员党支部",
        founded_on=D(2026, 8, 1),
        **common,
    )
    result = compute("sub_branches", fresh(world.office), AS_OF)
    assert (result.value, result.missing) == (0.3333, 2)
    assert result.note == ("1 of 3 kinds in place: missing volunteer-team party branch、other party branch.")
    later = compute("sub_branches", fresh(world.office), D(2026, 8, 1))
    assert later.value == 0.6667


# --- 3. request_path ---------------------------------------------------------------------------------------


def make_request(office, state: str, **dates) -> EstablishmentRequest:
    request = EstablishmentRequest.objects.create(
        office=office,
        title="关于成立社区党总支的请示",
        general_branch_name="东关社区党总支",
        justification="按照指导意见",
    )
    EstablishmentRequest.objects.filter(pk=request.pk).update(
        state=state, created_at=at(D(2026, 6, 21)), **dates
    )
    request.refresh_from_db()
    return request


def test_request_path_counts_the_steps_done_by_their_deadlines(r2_office):
    request = make_request(
        r2_office.office,
        RequestState.REPORTED,
        submitted_at=at(D(2026, 6, 25)),
        approved_on=D(2026, 6, 28),
        reported_on=D(2026, 7, 3),
    )
    # No campaign on record: the guidance's dates (implementation ends 30 June, assessment 31 July).
    result = compute("request_path", fresh(r2_office.office), AS_OF)
    assert (result.value, result.missing) == (0.5, 2)
    assert result.note.startswith("2 of 4 steps on time (")
    assert "reported: done late Jul 3" in result.note
    assert "county consented: not yet due" in result.note
    assert result.evidence_url == request.get_absolute_url()
    # As of 1 July the report was not made yet (and is overdue by then).
    before = compute("request_path", fresh(r2_office.office), D(2026, 7, 1))
    assert before.value == 0.5
    assert "reported: overdue" in before.note
    # The township's campaign moves the deadline: the report is on time.
    dates = Campaign.defaults_for(2026) | {"implementation_ends": D(2026, 7, 5)}
    dates["assessment_starts"] = D(2026, 7, 6)
    Campaign.objects.create(township=r2_office.office.township, year=2026, **dates)
    assert compute("request_path", fresh(r2_office.office), AS_OF).value == 0.75


def test_a_community_general_branch_on_record_before_any_request_has_every_step_done(party, world):
    result = compute("request_path", fresh(world.office), AS_OF)
    assert result.value == 1.0
    assert result.evidence_url == party.general.get_absolute_url()


# --- 4. archive_members -----------------------------------------------------------------------------------


def complete_archive(member: Member, village, year: int = 2026) -> None:
    Member.objects.filter(pk=member.pk).update(
        ethnicity="汉族",
        phone="13800000000",
        address="张庄村1号",
        education="junior",
        occupation="农民",
        village=village,
        admitted_on=D(2000, 7, 1),
    )
    for kind in (EntryKind.MEETING, EntryKind.STUDY, EntryKind.ATTENDANCE):
        ArchiveEntry.objects.create(member=member, kind=kind, on=D(year, 3, 1), content="记录")


def test_archive_members_is_the_share_of_complete_archives(r2_office, world):
    complete_archive(r2_office.secretary, world.village)
    complete_archive(r2_office.deputy, world.village)
    result = compute("archive_members", fresh(r2_office.office), AS_OF)
    assert (result.value, result.missing) == (0.25, 6)  # 2 of 8 active members
    assert result.note.startswith("2 of 8 member archives complete for 2026. Incomplete: ")
    assert result.note.endswith(" and 1 more.")
    assert result.evidence_url == (
        reverse("members:completeness") + f"?office={r2_office.office.pk}&year=2026"
    )
    # The year's entries count: in 2027 nobody's archive is complete.
    assert compute("archive_members", fresh(r2_office.office), D(2027, 1, 5)).value == 0.0


def test_archive_members_does_not_apply_without_members(world):
    result = compute("archive_members", fresh(world.other_office), AS_OF)
    assert result.value is None
    assert result.note == "The office has no active members on record."


# --- 5. archive_branches ---------------------------------------------------------------------------------


def test_archive_branches_is_the_share_of_checklist_items_met(party, world):
    branch = party.other_branch
    Branch.objects.filter(pk=branch.pk).update(founded_on=D(2010, 1, 1))
    Post.objects.create(
        branch=branch, kind=PostKind.SECRETARY, person=party.other_member, started_on=D(2026, 1, 1)
    )
    Term.objects.create(branch=branch, number=1, started_on=D(2024, 1, 1))
    ReserveCadre.objects.create(branch=branch, person=party.other_member, since=D(2026, 3, 1))
    result = compute("archive_branches", fresh(world.other_office), AS_OF)
    # The general branch: no secretary, no term, no founding date, archives incomplete (0 of 4); the
    # village branch: all but the archives (4 of 5).
    assert (result.value, result.missing) == (0.4444, 5)
    assert result.note.startswith(
        "2 organisations, 4 of 9 checklist items met. Not met: 西营办事处党总支：Has a secretary"
    )
    assert "孙庄村党支部：Member archives complete" in result.note
    assert result.evidence_url == reverse("branches:branch_list") + f"?office={world.other_office.pk}"
    # Before the reserve cadre's training began, the village branch lacked one.
    assert compute("archive_branches", fresh(world.other_office), D(2026, 2, 1)).value == 0.3333


# --- 6–8. the duty post -------------------------------------------------------------------------------------


@pytest.fixture
def duty_months(duty_post, r2_office):
    """March: Mon 2 concentrated (A on time, B late, C missing); Tue 3 A on time; Wed 4 B absent; Thu 5 C
    late. April: Mon 6 concentrated, all on time; Tue 7 A on time. July (after the window): A absent."""
    a, b, c = r2_office.village_secretaries
    rota = [
        (D(2026, 3, 2), None),
        (D(2026, 3, 3), a),
        (D(2026, 3, 4), b),
        (D(2026, 3, 5), c),
        (D(2026, 4, 6), None),
        (D(2026, 4, 7), a),
        (D(2026, 7, 6), a),
    ]
    for day, person in rota:
        kind = DayKind.CONCENTRATED if person is None else DayKind.ROTATION
        DutyDay.objects.create(post=duty_post, day=day, kind=kind, person=person)
    for person, day, hour, minute in [
        (a, D(2026, 3, 2), 8, 10),
        (b, D(2026, 3, 2), 9, 0),
        (a, D(2026, 3, 3), 8, 0),
        (c, D(2026, 3, 5), 9, 30),
        (a, D(2026, 4, 6), 8, 0),
        (b, D(2026, 4, 6), 8, 0),
        (c, D(2026, 4, 6), 8, 0),
        (a, D(2026, 4, 7), 8, 0),
    ]:
        SignIn.objects.create(post=duty_post, person=person, day=day, at=at(day, hour, minute))
    return duty_post


def test_duty_indicators_over_the_twelve_months_before_the_date(duty_months, r2_office):
    office = fresh(r2_office.office)
    url = reverse("duty_roster:stats_month", args=[duty_months.pk]) + "?month=2026-06"
    concentrated = compute("duty_concentrated", office, AS_OF)
    assert (concentrated.value, concentrated.missing) == (0.8333, 1)
    assert concentrated.note == "2025-07 to 2026-06: 5 of 6 attendances at the concentrated office signed in."
    assert concentrated.evidence_url == url
    rotation = compute("duty_rotation", office, AS_OF)
    assert (rotation.value, rotation.missing) == (0.75, 1)
    assert rotation.note == "2025-07 to 2026-06: 3 of 4 rotation duty days signed in."
    # March: A 100, B 100 − 2 (late) − 10 (absent) = 88, C 100 − 10 (missed Monday) − 2 (late) = 88.
    score = compute("duty_score", office, AS_OF)
    assert score.value == 96.0
    assert score.note == "2025-07 to 2026-06: average of 2 months (base 100): 2026-03 92.0、2026-04 100.0."
    assert score.evidence_url == url


def test_duty_indicators_without_a_post_or_without_duty_days(duty_post, r2_office, world):
    other = fresh(world.other_office)
    for code in ("duty_concentrated", "duty_rotation", "duty_score"):
        assert compute(code, other, AS_OF).note == "The office has no duty post: this does not apply."
        result = compute(code, fresh(r2_office.office), AS_OF)
        assert result.value is None
        assert "2025-07 to 2026-06" in result.note


# --- 9. meeting_cadence ----------------------------------------------------------------------------------


def test_meeting_cadence_is_the_share_of_ended_periods_met(party, world):
    for kind in MeetingKind.values:
        CadenceRule.objects.create(township=world.township, kind=kind, period=Period.YEAR, active=False)
    CadenceRule.objects.filter(kind=MeetingKind.COMMITTEE).update(
        period=Period.QUARTER, times=1, applies_to=AppliesTo.BRANCHES, active=True
    )

    def meet(branch, on, makeup_for=None):
        Meeting.objects.create(
            branch=branch, kind=MeetingKind.COMMITTEE, on=on, makeup_for=makeup_for, topic="学习"
        )

    meet(party.branch, D(2026, 2, 10))
    meet(party.branch, D(2026, 5, 10))
    meet(party.sibling_branch, D(2026, 4, 15), makeup_for=D(2026, 3, 1))  # Q1 made up late; Q2 missing
    result = compute("meeting_cadence", fresh(world.office), AS_OF)
    assert (result.value, result.missing) == (0.75, 1)
    assert result.note.startswith(
        "2026: 4 required periods ended; 2 on time, 1 made up late, 1 missing. Missing: 李楼村党支部"
    )
    assert result.evidence_url == (
        reverse("meetings:cadence") + f"?township={world.township.pk}&office={world.office.pk}&year=2026"
    )
    assert compute("meeting_cadence", fresh(world.office), D(2026, 3, 1)).value is None  # nothing ended yet


# --- 10. ledger_clearance ---------------------------------------------------------------------------------


def test_ledger_clearance_pools_the_closed_months_of_the_window(world):
    closed = timezone.now()
    for month, received, done, is_closed in [
        (D(2025, 6, 1), 10, 0, True),  # before the window
        (D(2026, 3, 1), 10, 8, True),
        (D(2026, 4, 1), 5, 5, True),
        (D(2026, 5, 1), 0, 0, False),
    ]:
        LedgerMonth.objects.create(
            office=world.office,
            month=month,
            received=received,
            done=done,
            closed_at=closed if is_closed else None,
        )
    result = compute("ledger_clearance", fresh(world.office), AS_OF)
    assert (result.value, result.missing) == (0.8667, 2)
    assert result.note == "2025-07 to 2026-06: 2 months closed, 13 of 15 items done. Not closed: 2026-05."
    assert result.evidence_url == reverse("ledger:month_list") + f"?office={world.office.pk}"
    empty = compute("ledger_clearance", fresh(world.other_office), AS_OF)
    assert (empty.value, empty.note) == (None, "No ledger month closed in 2025-07 to 2026-06.")


# --- 11. reserve_cadres -----------------------------------------------------------------------------------


def test_reserve_cadres_is_the_share_of_village_branches_with_one_in_training(r2_office):
    first, second, third = r2_office.village_branches
    person = r2_office.people[0]
    ReserveCadre.objects.create(branch=first, person=person, since=D(2026, 1, 1))
    ReserveCadre.objects.create(
        branch=second, person=person, since=D(2026, 1, 1), status=ReserveStatus.WITHDRAWN
    )
    ReserveCadre.objects.create(branch=third, person=person, since=D(2026, 8, 1))
    result = compute("reserve_cadres", fresh(r2_office.office), AS_OF)
    assert (result.value, result.missing) == (0.3333, 2)
    assert result.note.startswith("1 of 3 village branches have a reserve cadre in training. None in: ")
    assert second.name in result.note and third.name in result.note and first.name not in result.note
    assert compute("reserve_cadres", fresh(r2_office.office), D(2026, 8, 1)).value == 0.6667


# --- 12. mobile_contact -------------------------------------------------------------------------------------


def test_mobile_contact_is_the_share_contacted_within_the_limit(party, world):
    days = settings.MOBILE_CONTACT_DAYS
    make_member(party.branch, "钱进", is_mobile=True, last_contact_on=AS_OF - datetime.timedelta(days=days))
    make_member(
        party.branch, "赵远", is_mobile=True, last_contact_on=AS_OF - datetime.timedelta(days=days + 1)
    )
    make_member(party.branch, "周游", is_mobile=True)
    result = compute("mobile_contact", fresh(world.office), AS_OF)
    assert (result.value, result.missing) == (0.3333, 2)
    assert result.note.startswith("1 of 3 mobile members contacted on time. Overdue: ")
    assert "赵远" in result.note and "周游" in result.note and "钱进" not in result.note
    assert result.evidence_url == (
        reverse("members:member_list") + f"?office={world.office.pk}&category=is_mobile&contact_overdue=true"
    )
    none = compute("mobile_contact", fresh(world.other_office), AS_OF)
    assert (none.value, none.note) == (None, "The office has no active mobile members.")


# --- 13. opinions_answered ---------------------------------------------------------------------------------


def test_opinions_answered_is_the_share_answered_by_the_date(world):
    session = OpinionSession.objects.create(
        office=world.office, kind=OpinionMeeting.SYMPOSIUM, held_on=D(2026, 6, 18), participants="老党员12人"
    )
    Opinion.objects.create(
        session=session, content="建议办公场所挂牌", response="已挂牌", answered_on=D(2026, 6, 25)
    )
    Opinion.objects.create(session=session, content="建议公开值班表")
    Opinion.objects.create(
        session=session, content="建议增加学习", response="安排中", answered_on=D(2026, 7, 20)
    )
    old = OpinionSession.objects.create(
        office=world.office, kind=OpinionMeeting.VISIT, held_on=D(2025, 6, 18), participants="老党员"
    )
    Opinion.objects.create(session=old, content="去年的意见")
    result = compute("opinions_answered", fresh(world.office), AS_OF)
    assert (result.value, result.missing) == (0.3333, 2)
    assert result.note == "1 of 3 opinions collected in 2026 answered."
    assert result.evidence_url == (
        reverse("establishment:opinion_list") + f"?office={world.office.pk}&answered=false"
    )
    assert compute("opinions_answered", fresh(world.office), D(2026, 7, 31)).value == 0.6667
    assert compute("opinions_answered", fresh(world.other_office), AS_OF).value is None


# --- 14. rectifications_open ------------------------------------------------------------------------------


def test_rectifications_open_counts_the_items_not_done_by_their_deadline(world):
    from assessments.choices import InspectionKind, RectificationStatus
    from assessments.models import Inspection, Rectification

    def visit(office, on):
        return Inspection.objects.create(
            office=office, on=on, kind=InspectionKind.INSPECTION, inspectors="刘建华", checked="检查台账"
        )

    spring, june = visit(world.office, D(2026, 3, 1)), visit(world.office, D(2026, 6, 20))
    item = Rectification.objects.create
    item(inspection=spring, content="完善值班日志\n逐日记录", owner="王建国", deadline=D(2026, 4, 1))
    item(
        inspection=spring,
        content="公示值班表",
        owner="王建国",
        deadline=D(2026, 3, 20),
        status=RectificationStatus.IN_PROGRESS,
    )
    # Done before the date: not counted; done after it: still open on the date.
    item(
        inspection=spring,
        content="补齐党员档案",
        owner="王建国",
        deadline=D(2026, 4, 1),
        status=RectificationStatus.DONE,
        done_on=D(2026, 3, 25),
        evidence="已补齐",
    )
    item(
        inspection=spring,
        content="补开党员大会",
        owner="王建国",
        deadline=D(2026, 5, 1),
        status=RectificationStatus.DONE,
        done_on=D(2026, 7, 15),
        evidence="已补开",
    )
    # Deadline on the date counts; after it, not yet.
    item(inspection=june, content="更新党务公开栏", owner="王建国", deadline=AS_OF)
    item(inspection=june, content="整理佐证材料", owner="王建国", deadline=D(2026, 7, 20))
    # Another office's item is not this office's.
    item(
        inspection=visit(world.other_office, D(2026, 3, 1)),
        content="别处",
        owner="李",
        deadline=D(2026, 4, 1),
    )

    result = compute("rectifications_open", fresh(world.office), AS_OF)
    assert (result.value, result.missing) == (4, 4)
    assert result.note == (
        "4 rectification items open past their deadline on 2026-07-10: 公示值班表 (due 2026-03-20)、"
        "完善值班日志 (due 2026-04-01)、补开党员大会 (due 2026-05-01)、更新党务公开栏 (due 2026-07-10)."
    )
    assert result.evidence_url == (
        reverse("assessments:rectification_list") + f"?office={world.office.pk}&overdue=true"
    )
    assert INDICATORS["rectifications_open"].unit == Unit.COUNT
    assert points_for(result, 4, {"kind": "per_missing", "points": 0.5}) == 2.0
    assert (
        compute("rectifications_open", fresh(world.office), D(2026, 7, 31)).value == 4
    )  # one done 7-15, one due
    before = compute("rectifications_open", fresh(world.office), D(2026, 3, 10))
    assert (before.value, before.missing) == (0, 0)
    assert before.note == "No rectification item was open past its deadline on 2026-03-10."
    assert points_for(before, 4, {"kind": "per_missing", "points": 0.5}) == 4.0


# --- Points -----------------------------------------------------------------------------------------------

BANDS = {"kind": "threshold", "bands": [[0.8, 0.7], [0.95, 1.0], [0, 0.2]]}


@pytest.mark.parametrize(
    ("value", "max_points", "rule", "points"),
    [
        (0.8, 10, {"kind": "linear"}, 8.0),
        (0.3333, 10, {"kind": "linear"}, 3.33),
        (1.25, 10, {"kind": "linear"}, 10.0),  # capped at the maximum
        (-0.5, 10, {"kind": "linear"}, 0.0),  # floored at nothing
        (96.0, 10, {"kind": "linear", "full": 100}, 9.6),
        (0.96, 10, BANDS, 10.0),
        (0.95, 10, BANDS, 10.0),  # a threshold reached exactly
        (0.9, 10, BANDS, 7.0),
        (0.1, 10, BANDS, 2.0),
        (-1, 10, BANDS, 0.0),  # below every band
        (True, 5, {"kind": "bool"}, 5.0),
        (False, 5, {"kind": "bool"}, 0.0),
        (1.0, 5, {"kind": "bool"}, 5.0),
        (0.99, 5, {"kind": "bool"}, 0.0),
        (3, 5, {"kind": "bool"}, 5.0),  # a count of at least one
        (2, 10, {"kind": "per_missing", "points": 2}, 6.0),  # a bare value is the number missing
        (8, 10, {"kind": "per_missing", "points": 2}, 0.0),  # floored at nothing
        (0, 10, {"kind": "per_missing", "points": 2}, 10.0),
        (None, 10, {"kind": "linear"}, None),  # does not apply
    ],
)
def test_points_for_each_kind_of_rule(value, max_points, rule, points):
    assert points_for(value, max_points, rule) == points


def test_points_for_a_result_takes_its_value_and_what_is_missing():
    result = Result(0.6, "5 posts required, 3 filled", missing=2)
    assert points_for(result, 10, {"kind": "linear"}) == 6.0
    assert points_for(result, 10, {"kind": "per_missing", "points": 1.5}) == 7.0
    assert points_for(result, 10, {"kind": "per_missing", "points": 6}) == 0.0
    assert points_for(Result(None, "no community"), 10, {"kind": "per_missing", "points": 1}) is None
    assert points_for(Result(True, "yes"), 4, {"kind": "per_missing", "points": 1}) == 4.0


def test_points_for_refuses_a_bad_rule():
    with pytest.raises(ValueError):
        points_for(0.5, 10, {"kind": "formula", "expr": "value * 10"})


@pytest.mark.parametrize(
    "rule",
    [
        {"kind": "linear"},
        {"kind": "linear", "full": 100},
        BANDS,
        {"kind": "bool"},
        {"kind": "per_missing", "points": 2},
        {"kind": "per_missing", "points": 0.5},
    ],
)
def test_good_rules_pass(rule):
    assert validate_rule(rule) == []


@pytest.mark.parametrize(
    ("rule", "errors"),
    [
        ("linear", ["The rule must be an object with a kind."]),
        ({"kind": "formula"}, ["Unknown rule kind formula: use linear, threshold, bool or per_missing."]),
        ({"kind": "bool", "points": 2}, ["The rule has an unexpected key points."]),
        ({"kind": "linear", "full": 0}, ["The full value of a linear rule must be a number above zero."]),
        (
            {"kind": "threshold"},
            ["A threshold rule needs a list of bands [threshold, fraction of the points]."],
        ),
        (
            {"kind": "threshold", "bands": []},
            ["A threshold rule needs a list of bands [threshold, fraction of the points]."],
        ),
        (
            {"kind": "threshold", "bands": [[0.9], [0.5, "half"]]},
            [
                "Band 1 must be two numbers: [threshold, fraction of the points].",
                "Band 2 must be two numbers: [threshold, fraction of the points].",
            ],
        ),
        (
            {"kind": "threshold", "bands": [[0.9, 1.5], [0.5, -0.1]]},
            [
                "Band 1: the fraction of the points must be between 0 and 1.",
                "Band 2: the fraction of the points must be between 0 and 1.",
            ],
        ),
        ({"kind": "threshold", "bands": [[0.9, 1], [0.9, 0.5]]}, ["Two bands have the same threshold."]),
        (
            {"kind": "per_missing", "points": 0},
            ["A per-missing rule needs the points taken off for each missing thing, above zero."],
        ),
        (
            {"kind": "per_missing"},
            ["A per-missing rule needs the points taken off for each missing thing, above zero."],
        ),
        (
            {"kind": "per_missing", "points": True},
            ["A per-missing rule needs the points taken off for each missing thing, above zero."],
        ),
    ],
)
def test_bad_rules_are_refused_with_their_reasons(rule, errors):
    assert validate_rule(rule) == errors


# --- Everything at once -------------------------------------------------------------------------------


@pytest.fixture
def full_office(r2_office, world, duty_months):
    """r2_office with something for every indicator."""
    general = rename_to_community(r2_office)
    Branch.objects.create(
        office=world.office,
        community=world.community,
        parent=general,
        kind=BranchKind.COMMUNITY_OFFICE,
        name="社区机关党支部",
    )
    make_request(
        world.office, RequestState.APPROVED, submitted_at=at(D(2026, 6, 25)), approved_on=D(2026, 6, 28)
    )
    complete_archive(r2_office.secretary, world.village)
    ReserveCadre.objects.create(
        branch=r2_office.village_branches[0], person=r2_office.people[0], since=D(2026, 1, 1)
    )
    Meeting.objects.create(
        branch=r2_office.village_branches[0], kind=MeetingKind.COMMITTEE, on=D(2026, 2, 1), topic="学习"
    )
    LedgerMonth.objects.create(
        office=world.office, month=D(2026, 3, 1), received=4, done=3, closed_at=timezone.now()
    )
    make_member(r2_office.village_branches[1], "钱进", is_mobile=True)
    session = OpinionSession.objects.create(
        office=world.office, kind=OpinionMeeting.SYMPOSIUM, held_on=D(2026, 6, 18), participants="老党员"
    )
    Opinion.objects.create(session=session, content="建议公开值班表")
    return fresh(world.office)


def test_compute_all_gives_every_indicator_and_its_evidence_opens_for_township_staff(full_office, world):
    results = compute_all(full_office, AS_OF)
    assert list(results) == list(INDICATORS)
    assert all(result.value is not None for result in results.values()), results
    assert results == {code: compute(code, fresh(full_office), AS_OF) for code in INDICATORS}
    client = Client()
    assert client.login(username="township", password=PASSWORD)
    for code, result in results.items():
        assert result.evidence_url, code
        assert client.get(result.evidence_url).status_code == 200, (code, result.evidence_url)


def test_compute_all_takes_a_bounded_number_of_queries(
    full_office, world, r2_office, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as small:
        compute_all(fresh(full_office), AS_OF)
    # More of everything: members, branches, posts, meetings, sign-ins.
    for index in range(6):
        make_member(r2_office.village_branches[index % 3], f"新党员{index}", is_mobile=index % 2 == 0)
    for index in range(3):
        Branch.objects.create(
            office=world.office,
            community=world.community,
            parent=r2_office.general,
            kind=BranchKind.OTHER,
            other_kind=OtherBranchKind.ASSOCIATION,
            name=f"协会党支部{index}",
        )
    for branch in r2_office.village_branches:
        Meeting.objects.create(branch=branch, kind=MeetingKind.COMMITTEE, on=D(2026, 5, 1), topic="学习")
    with django_assert_max_num_queries(len(small.captured_queries)):
        compute_all(fresh(full_office), AS_OF)
    assert len(small.captured_queries) <= 40  # 39 today: a few per indicator


def test_compute_all_runs_for_every_office_of_the_demo_township(db):
    call_command("load_demo", stdout=io.StringIO())
    today = timezone.localdate()
    for office in Office.objects.select_related("community"):
        results = compute_all(office, today)
        assert list(results) == list(INDICATORS)
        for code, result in results.items():
            assert result.note, (office, code)
            if not hasattr(office, "community") and code in ("org_setup", "sub_branches", "request_path"):
                assert result.value is None
            if result.value is not None and INDICATORS[code].unit == Unit.RATIO:
                assert 0 <= result.value <= 1, (office, code, result)
    assert indicators.FiveGoods.LEADERSHIP.label
