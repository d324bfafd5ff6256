"""The demo township's campaign mid-way (issue 4): a request in every state, two communities established
through the real path, one returned with its opinion, the survey, opinions and good practices;
idempotent and removable."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from branches.choices import BranchKind, OtherBranchKind, PostKind
from branches.models import Branch, BranchName, Post, Term
from communities.models import Township
from establishment import services
from establishment.board import build_board
from establishment.choices import CellState, OpinionMeeting, RequestAction, RequestState
from establishment.demo import RETURN_OPINION, campaign_year, reset
from establishment.models import (
    Campaign,
    EstablishmentRequest,
    GoodPractice,
    Opinion,
    OpinionSession,
    ProposedBranch,
    ProposedPost,
    RequestEvent,
    SurveySnapshot,
)
from members.choices import PARTY_MEMBER_STANDINGS, Status
from members.models import Member, Transfer

CAMPAIGN_MODELS = [
    Campaign,
    EstablishmentRequest,
    ProposedPost,
    ProposedBranch,
    RequestEvent,
    SurveySnapshot,
    OpinionSession,
    Opinion,
    GoodPractice,
]


def load(*args) -> None:
    call_command("load_demo", *args, stdout=io.StringIO())


def counts() -> dict[str, int]:
    models = [*CAMPAIGN_MODELS, Branch, BranchName, Post, Term, Transfer, Member]
    return {m.__name__: m.objects.count() for m in models}


@pytest.fixture
def demo(db):
    load()
    return Township.objects.get(name="青石镇")


def year() -> int:
    return campaign_year(timezone.localdate())


def general_request(office_name: str) -> EstablishmentRequest:
    return EstablishmentRequest.objects.get(office__name=office_name, establish_general=True)


def check_requests_in_every_state(demo):
    assert set(EstablishmentRequest.objects.values_list("state", flat=True)) == set(RequestState.values)
    by_office = {r.office.name: r.state for r in EstablishmentRequest.objects.filter(establish_general=True)}
    assert by_office == {
        "东关办事处": RequestState.ESTABLISHED,
        "西营办事处": RequestState.ESTABLISHED,
        "南湖办事处": RequestState.RETURNED,
        "北岭办事处": RequestState.REPORTED,
        "柳河办事处": RequestState.APPROVED,
    }
    # Offices without a community file no request (R7), but the board still has their rows.
    assert not EstablishmentRequest.objects.filter(office__community__isnull=True).exists()
    for request in EstablishmentRequest.objects.exclude(state=RequestState.ESTABLISHED):
        assert services.check_request(request) == {}, request
    # 北岭 leaves a village secretary out, with the reason in writing (flagged to the township).
    north = general_request("北岭办事处")
    assert services.deviations(north) and north.deviation_reason


def check_the_path_was_walked_by_the_demo_accounts_on_the_campaign_days(demo):
    campaign = Campaign.objects.get(township=demo, year=year())
    expected = [
        (RequestAction.CREATE, "office1"),
        (RequestAction.SUBMIT, "office1"),
        (RequestAction.APPROVE, "township"),
        (RequestAction.REPORT, "township"),
        (RequestAction.CONSENT, "county"),
    ]
    request = general_request("东关办事处")
    events = list(request.events.order_by("at", "pk"))
    assert [(e.action, e.actor.username) for e in events] == expected
    days = [timezone.localdate(e.at) for e in events]
    assert days == sorted(days)
    assert campaign.implementation_starts <= days[0] and days[-1] <= campaign.implementation_ends
    assert request.decision_number == f"青石党发〔{year()}〕12号"
    assert campaign.implementation_starts <= request.meeting_date <= campaign.implementation_ends
    assert timezone.localdate(request.submitted_at) == days[1]
    # 西营 is the late one: reported and established after the implementation phase.
    west = general_request("西营办事处")
    assert west.reported_on > campaign.implementation_ends
    assert west.events.get(action=RequestAction.CONSENT).actor.username == "township"


def check_two_communities_established_with_renamed_branches_r2_posts_and_sub_branches(demo):
    other_kinds = set()
    for number, (office_name, community_name) in enumerate(
        [("东关办事处", "东关社区"), ("西营办事处", "西营社区")]
    ):
        request = general_request(office_name)
        general = Branch.objects.get(name=f"{community_name}党总支")
        assert general.kind == BranchKind.COMMUNITY_GENERAL and general.community.name == community_name
        [former] = general.former_names.all()
        assert former.name == f"{office_name}党总支"
        assert (former.used_until, former.decision_number) == (request.consented_on, request.decision_number)
        # R2: the posts the request proposed, the office account's holder as secretary.
        current = general.posts.filter(ended_on__isnull=True)
        assert {(p.kind, p.person_id) for p in current} == {
            (p.kind, p.person_id) for p in request.posts.all()
        }
        secretary = User.objects.get(username=f"office{number + 1}").display_name
        assert current.get(kind=PostKind.SECRETARY).person.name == secretary
        villages = general.children.filter(kind=BranchKind.VILLAGE)
        secretaries = set(
            Post.objects.filter(branch__in=villages, kind=PostKind.SECRETARY).values_list("person", flat=True)
        )
        elected = current.get(kind=PostKind.ELECTED_DEPUTY).person_id
        committee = set(current.filter(kind=PostKind.COMMITTEE_MEMBER).values_list("person", flat=True))
        assert elected in secretaries and committee == secretaries - {elected}
        assert general.current_term().started_on == request.consented_on
        # The sub-branches, with the people the request proposed moved in.
        for proposed in request.branches.select_related("created_branch"):
            branch = proposed.created_branch
            assert branch.parent == general and branch.founded_on == request.consented_on
            assert (branch.kind, branch.other_kind) == (proposed.kind, proposed.other_kind)
            assert set(branch.members.all()) == set(proposed.members.all()) and branch.members.exists()
            assert branch.current_term() is not None
            other_kinds.add(branch.other_kind)
        kinds = set(general.children.values_list("kind", flat=True))
        assert {BranchKind.COMMUNITY_OFFICE, BranchKind.VOLUNTEER_TEAM} <= kinds
        volunteers = Member.objects.filter(branch__parent=general, branch__kind=BranchKind.VOLUNTEER_TEAM)
        assert volunteers.filter(is_wealth_expert=True).exists()
        assert volunteers.filter(is_enterprise_head=True).exists()
        assert volunteers.exclude(standing__in=PARTY_MEMBER_STANDINGS).exists()  # being developed there
    assert other_kinds - {""} == set(OtherBranchKind.values)
    mobile = Member.objects.filter(branch__other_kind=OtherBranchKind.MOBILE)
    assert mobile.exists() and not mobile.filter(is_mobile=False).exists()
    # The others keep their office general branch, name and kind, until they are established.
    for name in ["南湖办事处", "北岭办事处", "柳河办事处", "杨庄办事处", "马集办事处"]:
        general = Branch.objects.get(office__name=name, parent__isnull=True)
        assert (general.name, general.kind) == (f"{name}党总支", BranchKind.OFFICE_GENERAL)


def check_one_returned_with_its_opinion(demo):
    request = general_request("南湖办事处")
    assert request.state == RequestState.RETURNED
    last = request.events.order_by("-at", "-pk").first()
    assert (last.action, last.actor.username, last.opinion) == (
        RequestAction.RETURN,
        "township",
        RETURN_OPINION,
    )
    assert services.may(User.objects.get(username="office3"), RequestAction.EDIT, request)


def check_each_party_finds_what_waits_for_it(demo):
    def waiting(username: str) -> set[tuple[str, str]]:
        user = User.objects.get(username=username)
        requests = services.waiting_for(user, EstablishmentRequest.objects.for_user(user))
        return {(r.office.name, r.state) for r in requests}

    assert waiting("county") == {("北岭办事处", RequestState.REPORTED)}
    assert waiting("township") == {
        ("西营办事处", RequestState.SUBMITTED),
        ("北岭办事处", RequestState.REPORTED),
        ("柳河办事处", RequestState.APPROVED),
    }
    assert waiting("office3") == {("南湖办事处", RequestState.RETURNED)}
    assert waiting("office1") == {("东关办事处", RequestState.DRAFT)}


def check_the_survey_opinions_and_good_practices(demo):
    campaign = Campaign.objects.get(township=demo, year=year())
    assert {f: getattr(campaign, f) for f in Campaign.defaults_for(year())} == Campaign.defaults_for(year())
    snapshots = SurveySnapshot.objects.filter(office__township=demo)
    assert snapshots.filter(taken_on__lte=campaign.survey_ends).count() >= 3
    assert snapshots.filter(taken_on__gt=campaign.survey_ends).count() == 1
    assert not snapshots.filter(office__name="柳河办事处").exists()
    # Frozen before the establishments: 东关 counted its office general branch and seven villages.
    east = snapshots.get(office__name="东关办事处").counts
    assert east["organisations"][BranchKind.OFFICE_GENERAL] == 1
    assert east["organisations"][BranchKind.VILLAGE] == 7
    assert east["party_members"] > 100 and east["mobile"] > 0
    sessions = OpinionSession.objects.filter(office__township=demo)
    assert set(sessions.values_list("kind", flat=True)) == set(OpinionMeeting.values)
    opinions = Opinion.objects.filter(session__in=sessions)
    assert opinions.filter(answered_on__isnull=False).exclude(response="").exists()
    assert opinions.filter(response="").exists()
    practices = GoodPractice.objects.filter(office__township=demo)
    assert practices.count() >= 2 and practices.filter(published_at__isnull=False).count() == 1


def check_the_board_shows_green_amber_and_red(demo):
    campaign = Campaign.objects.get(township=demo, year=year())
    board = build_board(campaign, User.objects.get(username="township"), timezone.localdate())
    path = ["survey", "opinions", "request", "approved", "reported", "consented", "branches"]
    rows = {row.office.name: {c.key: cell.state for c, cell in row.cells} for row in board.rows}
    assert len(rows) == 7
    assert {rows["东关办事处"][key] for key in path} == {CellState.DONE}
    assert CellState.LATE in {rows["西营办事处"][key] for key in path}
    assert rows["南湖办事处"]["request"] == CellState.MISSING
    assert rows["北岭办事处"]["survey"] == CellState.LATE
    assert rows["柳河办事处"]["survey"] == CellState.MISSING
    assert rows["杨庄办事处"]["request"] == CellState.NOT_APPLICABLE


def test_the_demo_shows_the_campaign_mid_way(demo):
    """One load, many checks: building the demo takes seconds, so the checks share it."""
    check_requests_in_every_state(demo)
    check_the_path_was_walked_by_the_demo_accounts_on_the_campaign_days(demo)
    check_two_communities_established_with_renamed_branches_r2_posts_and_sub_branches(demo)
    check_one_returned_with_its_opinion(demo)
    check_each_party_finds_what_waits_for_it(demo)
    check_the_survey_opinions_and_good_practices(demo)
    check_the_board_shows_green_amber_and_red(demo)


def test_loading_twice_adds_nothing_and_reset_removes_the_campaign(demo):
    before = counts()
    load()
    assert counts() == before

    reset(demo)
    for model in CAMPAIGN_MODELS:
        assert not model.objects.exists(), model.__name__
    assert Member.objects.filter(township=demo, status=Status.ACTIVE).exists()  # the people stay

    load("--reset")
    assert counts() == before
    assert Branch.objects.get(name="东关社区党总支").kind == BranchKind.COMMUNITY_GENERAL


def test_the_campaign_is_last_years_until_its_july_steps_are_past():
    assert campaign_year(datetime.date(2026, 11, 26)) == 2026
    assert campaign_year(datetime.date(2026, 8, 1)) == 2026
    assert campaign_year(datetime.date(2027, 3, 1)) == 2026
