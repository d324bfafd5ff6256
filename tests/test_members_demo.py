"""The demo township's organisations and people: shaped like the guidance, idempotent, removable."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from branches.choices import BranchKind, OtherBranchKind, PostKind
from branches.models import Branch, BranchName, Post, ReserveCadre, Term, add_years
from communities.demo import OFFICE_SECRETARIES, VILLAGE_SECRETARIES
from communities.models import Township
from members import idnumbers
from members.choices import DevelopmentStage, Standing, Status, TransferKind
from members.completeness import member_gaps
from members.models import (
    ArchiveEntry,
    ContactLog,
    DevelopmentStep,
    Member,
    RequiredArchiveKind,
    Transfer,
    years_between,
)


def load(*args) -> None:
    call_command("load_demo", *args, stdout=io.StringIO())


def counts() -> dict[str, int]:
    models = [Branch, BranchName, Post, Term, ReserveCadre, Member, DevelopmentStep, Transfer, ContactLog]
    return {m.__name__: m.objects.count() for m in [*models, ArchiveEntry, RequiredArchiveKind]}


@pytest.fixture
def demo(db):
    load()
    return Township.objects.get(name="青石镇")


def check_every_kind_of_organisation_is_there(demo):
    kinds = set(Branch.objects.values_list("kind", flat=True))
    assert kinds == set(BranchKind.values)
    assert set(Branch.objects.exclude(other_kind="").values_list("other_kind", flat=True)) == set(
        OtherBranchKind.values
    )
    # Two communities are established by the campaign (establishment/demo.py); three are on their way.
    assert Branch.objects.filter(kind=BranchKind.COMMUNITY_GENERAL).count() == 2
    assert Branch.objects.filter(kind=BranchKind.OFFICE_GENERAL).count() == 5
    assert Branch.objects.filter(kind=BranchKind.VILLAGE).count() == 50
    for branch in Branch.objects.filter(kind=BranchKind.VILLAGE).select_related("parent", "village"):
        assert branch.parent.is_general and branch.village.office_id == branch.office_id
    for branch in Branch.objects.exclude(kind__in=[BranchKind.VILLAGE, *BranchKind.values[:2]]):
        assert branch.parent.kind == BranchKind.COMMUNITY_GENERAL


def check_general_branches_keep_their_names_until_established(demo):
    for office in demo.offices.all():
        general = Branch.objects.get(office=office, parent__isnull=True)
        if general.kind == BranchKind.OFFICE_GENERAL:
            assert general.name == f"{office.name}党总支" and not general.former_names.exists()
        else:
            [former] = general.former_names.all()
            assert former.name == f"{office.name}党总支"
            assert general.name == f"{office.community.name}党总支"
    assert BranchName.objects.count() == 2


def check_people_are_plausible(demo):
    people = Member.objects.filter(township=demo)
    total = people.count()
    assert 1300 <= total <= 1700
    women = people.filter(gender="female").count() / total
    assert 0.22 <= women <= 0.32
    assert people.exclude(ethnicity="汉族").exists()
    assert people.filter(standing=Standing.PROBATIONARY).exists()
    assert people.filter(standing=Standing.FULL).count() > 0.9 * total
    for person in people.order_by("?")[:200]:
        facts = idnumbers.parse(person.id_number)
        assert (facts.birth_date, facts.gender) == (person.birth_date, person.gender)
        assert person.stroke_key and person.name_pinyin
    assert len(set(people.values_list("id_number", flat=True))) == total
    assert people.filter(is_wealth_expert=True, branch__kind=BranchKind.VOLUNTEER_TEAM).exists()
    assert people.filter(is_enterprise_head=True, branch__kind=BranchKind.VOLUNTEER_TEAM).exists()


def check_every_development_stage_is_there_and_keeps_the_rules(demo):
    standings = set(Member.objects.values_list("standing", flat=True))
    assert {Standing.APPLICANT, Standing.ACTIVIST, Standing.DEVELOPMENT_OBJECT} <= standings
    assert {Standing.PROBATIONARY, Standing.FULL} <= standings
    stages = set(DevelopmentStep.objects.values_list("stage", flat=True))
    assert set(DevelopmentStage.values) - {DevelopmentStage.CANCELLED} <= stages
    # The dates of each developed person's steps keep the party's rules (the builder used the service).
    today = timezone.localdate()
    for person in Member.objects.filter(development_steps__isnull=False).distinct():
        on = {step.stage: step.on for step in person.development_steps.all()}
        assert sorted(on.values()) == [s.on for s in person.development_steps.order_by("on", "pk")]
        assert max(on.values()) <= today
        if DevelopmentStage.APPLIED in on:
            assert years_between(person.birth_date, on[DevelopmentStage.APPLIED]) >= 18
        if DevelopmentStage.DEVELOPMENT_OBJECT in on:
            assert on[DevelopmentStage.DEVELOPMENT_OBJECT] >= add_years(on[DevelopmentStage.ACTIVIST], 1)
        if DevelopmentStage.FULL in on:
            assert on[DevelopmentStage.FULL] >= add_years(on[DevelopmentStage.ADMITTED], 1)


def check_posts_follow_r2_and_the_demo_accounts(demo):
    for number, name in enumerate(OFFICE_SECRETARIES, start=1):
        office = User.objects.get(username=f"office{number}").office
        general = Branch.objects.get(
            office=office, kind__in=[BranchKind.OFFICE_GENERAL, BranchKind.COMMUNITY_GENERAL]
        )
        current = general.posts.filter(ended_on__isnull=True)
        assert current.get(kind=PostKind.SECRETARY).person.name == name
        assert current.filter(kind=PostKind.DEPUTY_SECRETARY).count() == 1
        if hasattr(office, "community"):
            assert ReserveCadre.objects.filter(branch=general).exists()
    for number, name in enumerate(VILLAGE_SECRETARIES, start=1):
        village = User.objects.get(username=f"village{number}").village
        assert Branch.objects.get(village=village).posts.get(kind=PostKind.SECRETARY).person.name == name
    for general in Branch.objects.filter(kind=BranchKind.COMMUNITY_GENERAL):
        # R2, as the establishment filled the posts.
        villages = general.children.filter(kind=BranchKind.VILLAGE)
        secretaries = {p.person_id for p in Post.objects.filter(branch__in=villages, kind=PostKind.SECRETARY)}
        [elected] = general.posts.filter(kind=PostKind.ELECTED_DEPUTY)
        committee = set(general.posts.filter(kind=PostKind.COMMITTEE_MEMBER).values_list("person", flat=True))
        assert elected.person_id in secretaries
        assert committee == secretaries - {elected.person_id}
        assert elected.decision_number.startswith("青石党发〔")
        assert not any(post.holder_has_left() for post in general.posts.all())
    assert Branch.objects.filter(kind=BranchKind.VILLAGE, posts__kind=PostKind.SECRETARY).count() == 50


def check_terms_have_one_due_soon(demo):
    states = [b.current_term().expiry_state() for b in Branch.objects.all()]
    assert states.count("due") == 1
    assert "expired" not in states


def check_transfers_deaths_contacts_and_archive_gaps(demo):
    assert Member.objects.filter(status=Status.TRANSFERRED_OUT).exists()
    assert Member.objects.filter(status=Status.DECEASED).exists()
    assert Transfer.objects.filter(kind=TransferKind.WITHIN).exists()
    assert Member.objects.mobile_overdue().exists()
    mobile = Member.objects.filter(is_mobile=True, status=Status.ACTIVE)
    assert mobile.exclude(pk__in=Member.objects.mobile_overdue()).exists()
    assert ContactLog.objects.exists()
    assert RequiredArchiveKind.objects.filter(township=demo).count() >= 3
    gaps = member_gaps(Member.objects.filter(township=demo))
    complete = sum(1 for missing in gaps.values() if not missing)
    assert 0.4 * len(gaps) < complete < len(gaps)


def test_the_demo_is_shaped_like_the_guidance(demo):
    """One load, many checks: building the demo takes seconds, so the checks share it."""
    check_every_kind_of_organisation_is_there(demo)
    check_general_branches_keep_their_names_until_established(demo)
    check_people_are_plausible(demo)
    check_every_development_stage_is_there_and_keeps_the_rules(demo)
    check_posts_follow_r2_and_the_demo_accounts(demo)
    check_terms_have_one_due_soon(demo)
    check_transfers_deaths_contacts_and_archive_gaps(demo)


def test_loading_twice_adds_nothing_and_reset_rebuilds_or_removes_it(demo):
    from duty_roster.demo import reset as reset_duty
    from establishment.demo import reset as reset_campaign
    from ledger.demo import reset as reset_ledger
    from meetings.demo import reset as reset_meetings
    from members.demo import reset

    before = counts()
    load()
    assert counts() == before
    load("--reset")
    assert counts() == before
    assert Branch.objects.filter(name="东关社区党总支").exists()

    # PROTECT links everywhere: the reset deletes in an order they allow.
    township = Township.objects.get(name="青石镇")
    reset_ledger(township)  # the meetings and ledgers name people and posts: they go first
    reset_meetings(township)
    reset_duty(township)  # the duty posts and the requests name people: they go first (as in load_demo)
    reset_campaign(township)
    reset(township)
    assert not Member.objects.filter(township=township).exists()
    assert not Branch.objects.filter(office__township=township).exists()
    assert Post.objects.count() == Term.objects.count() == ReserveCadre.objects.count() == 0
