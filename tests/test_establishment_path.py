"""The establishment request's path (R2–R4) through its service functions: the whole way from draft to
established, every illegal transition, each validation message and two people acting at once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from branches.choices import BranchKind, ElectionMethod, OtherBranchKind, PostKind
from branches.models import Branch, BranchName, Post
from establishment import services
from establishment.choices import RequestState
from establishment.models import EstablishmentRequest, ProposedBranch, ProposedPost, RequestEvent
from members.models import Transfer

DAY = datetime.date(2026, 6, 22)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def draft(world, r2_office):
    request = EstablishmentRequest.objects.create(
        office=r2_office.office,
        title="关于成立东关社区党总支的请示",
        general_branch_name="东关社区党总支",
        justification="按照镇党委指导意见",
        election_date=DAY,
        election_method=ElectionMethod.DEMOCRATIC,
        members_expected=40,
        members_present=36,
        votes=30,
        created_by=world.users["office"],
    )
    services.fill_posts_by_r2(request, r2_office.village_secretaries[0])
    volunteers = ProposedBranch.objects.create(
        request=request, kind=BranchKind.VOLUNTEER_TEAM, name="东关社区志愿者队伍党支部"
    )
    volunteers.members.set(r2_office.people[:2])
    ProposedBranch.objects.create(
        request=request,
        kind=BranchKind.OTHER,
        other_kind=OtherBranchKind.MOBILE,
        name="东关社区流动党员党支部",
    )
    return request


def test_r2_fills_the_posts_from_the_data(draft, r2_office):
    posts = [(p.kind, p.person) for p in draft.posts.order_by("pk")]
    first, second, third = r2_office.village_secretaries
    assert posts == [
        (PostKind.SECRETARY, r2_office.secretary),
        (PostKind.DEPUTY_SECRETARY, r2_office.deputy),
        (PostKind.ELECTED_DEPUTY, first),
        (PostKind.COMMITTEE_MEMBER, second),
        (PostKind.COMMITTEE_MEMBER, third),
    ]
    assert services.check_request(draft) == {}
    assert services.deviations(draft) == []


def test_the_whole_path_from_draft_to_established(world, draft, r2_office):
    users = world.users
    services.submit(draft, users["office"])
    services.approve(draft, users["township"], DAY, "青石党发〔2026〕12号", "同意")
    services.report(draft, users["township"], DAY + datetime.timedelta(days=1), "青石党报〔2026〕3号")
    services.consent(draft, users["county"], DAY + datetime.timedelta(days=3), "同意成立")
    draft.refresh_from_db()
    assert draft.state == RequestState.ESTABLISHED
    general = Branch.objects.get(pk=r2_office.general.pk)
    assert general.name == "东关社区党总支" and general.kind == BranchKind.COMMUNITY_GENERAL
    assert general.community == world.community
    former = BranchName.objects.get(branch=general)
    assert former.name == "东关办事处党总支" and former.used_until == DAY + datetime.timedelta(days=3)
    current = Post.objects.filter(branch=general, ended_on__isnull=True)
    assert {(p.kind, p.person_id) for p in current} == {(p.kind, p.person_id) for p in draft.posts.all()}
    assert {p.decision_number for p in current} == {"青石党发〔2026〕12号"}
    assert Post.objects.filter(branch=general, ended_on=DAY + datetime.timedelta(days=3)).count() == 2
    volunteers = Branch.objects.get(name="东关社区志愿者队伍党支部")
    assert volunteers.parent == general and volunteers.kind == BranchKind.VOLUNTEER_TEAM
    assert set(volunteers.members.all()) == set(r2_office.people[:2])
    assert Transfer.objects.filter(to_branch=volunteers).count() == 2
    assert Branch.objects.get(name="东关社区流动党员党支部").other_kind == OtherBranchKind.MOBILE
    assert general.terms.get().members_present == 36
    actions = list(RequestEvent.objects.filter(request=draft).values_list("action", "actor__username"))
    assert actions == [
        ("submit", "office"),
        ("approve", "township"),
        ("report", "township"),
        ("consent", "county"),
    ]


def test_every_illegal_transition_is_refused(world, draft):
    users = world.users
    with pytest.raises(ValidationError):
        services.approve(draft, users["township"], DAY, "1号")  # approving a draft
    with pytest.raises(ValidationError):
        services.submit(draft, users["township"])  # only the office submits
    with pytest.raises(ValidationError):
        services.submit(draft, users["other_office"])
    services.submit(draft, users["office"])
    with pytest.raises(ValidationError):
        services.submit(draft, users["office"])  # twice
    assert not services.may(users["office"], "edit", draft)  # editing after submission
    with pytest.raises(ValidationError):
        services.approve(draft, users["office"], DAY, "1号")  # the office approving itself
    with pytest.raises(ValidationError):
        services.approve(draft, users["other_township"], DAY, "1号")
    with pytest.raises(ValidationError):
        services.report(draft, users["township"], DAY, "2号")  # reporting before approval
    services.approve(draft, users["township"], DAY, "1号")
    with pytest.raises(ValidationError):
        services.consent(draft, users["county"], DAY)  # consent before the report
    services.report(draft, users["township"], DAY, "2号")
    services.consent(draft, users["township"], DAY)  # township staff on the county's behalf
    with pytest.raises(ValidationError):
        services.consent(draft, users["county"], DAY)  # establishing twice
    assert Branch.objects.filter(name="东关社区志愿者队伍党支部").count() == 1


def test_a_returned_request_is_editable_again_and_carries_the_opinion(world, draft):
    services.submit(draft, world.users["office"])
    services.return_request(draft, world.users["township"], "请补充选举记录")
    assert draft.state == RequestState.RETURNED and services.may(world.users["office"], "edit", draft)
    assert RequestEvent.objects.filter(request=draft, action="return").get().opinion == "请补充选举记录"
    services.submit(draft, world.users["office"])
    assert draft.state == RequestState.SUBMITTED


def test_of_two_approvals_at_once_only_one_succeeds(world, draft):
    services.submit(draft, world.users["office"])
    stale = EstablishmentRequest.objects.get(pk=draft.pk)  # the second clerk's page, loaded before
    services.approve(draft, world.users["township"], DAY, "1号")
    with pytest.raises(ValidationError) as error:
        services.approve(stale, world.users["township"], DAY, "2号")
    assert "Someone else" in str(error.value) or "cannot" in str(error.value)
    assert EstablishmentRequest.objects.get(pk=draft.pk).decision_number == "1号"
    assert RequestEvent.objects.filter(request=draft, action="approve").count() == 1


def messages_of(request) -> list[str]:
    return [m for messages in services.check_request(request).values() for m in messages]


def test_it_rejects_a_person_in_two_posts(draft, r2_office):
    ProposedPost.objects.create(request=draft, kind=PostKind.COMMITTEE_MEMBER, person=r2_office.secretary)
    assert any("two posts" in m for m in messages_of(draft))


def test_it_rejects_a_committee_member_who_is_not_a_village_secretary_of_this_office(draft, r2_office):
    ProposedPost.objects.create(request=draft, kind=PostKind.COMMITTEE_MEMBER, person=r2_office.people[0])
    assert any("not a village branch secretary" in m for m in messages_of(draft))


def test_it_rejects_a_missing_elected_deputy(draft):
    draft.posts.filter(kind=PostKind.ELECTED_DEPUTY).delete()
    assert "The elected deputy secretary is missing." in messages_of(draft)


def test_it_rejects_a_name_already_used_in_the_township(world, draft, party):
    # party.general is 东关社区党总支 of the same township
    assert any("already used in the township" in m for m in messages_of(draft))


def test_it_rejects_a_second_pending_request_for_the_same_organisation(world, draft, r2_office):
    second = EstablishmentRequest.objects.create(
        office=r2_office.office, title="再次请示", general_branch_name="东关新社区党总支", justification="-"
    )
    assert any("still pending" in m for m in messages_of(second))


def test_a_deviation_needs_a_written_reason_and_is_listed(draft, r2_office):
    draft.posts.filter(person=r2_office.village_secretaries[2]).delete()
    assert services.deviations(draft) == ["Village secretaries left out of the committee: 王永福."]
    assert "deviation_reason" in services.check_request(draft)
    draft.deviation_reason = "王永福同志长期外出务工"
    assert services.check_request(draft) == {}


def test_the_election_record_is_checked(draft):
    draft.members_present, draft.votes = 15, 10
    errors = services.check_request(draft)
    assert "members_present" in errors
    draft.members_present, draft.votes = 36, 12
    assert "votes" in services.check_request(draft)
