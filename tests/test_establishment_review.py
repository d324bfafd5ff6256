"""Regressions found while walking the establishment requests as the real users would (review of issue 4)."""

from django.urls import reverse

from branches.choices import BranchKind
from establishment.models import EstablishmentRequest
from tests.test_establishment_views import form_data, login


def make_community_general(r2_office) -> None:
    general = r2_office.general
    general.kind = BranchKind.COMMUNITY_GENERAL
    general.community = r2_office.office.community
    general.name = "东关社区党总支"
    general.save()


def test_a_new_request_after_the_community_general_branch_is_for_sub_branches(world, r2_office):
    """Once the community general branch exists, the form no longer proposes to set it up again."""
    make_community_general(r2_office)
    response = login(world, "office").get(reverse("establishment:request_create"))
    assert response.context["form"]["establish_general"].value() is False

    # Before it exists, the form starts from setting it up (R1).
    r2_office.general.kind = BranchKind.OFFICE_GENERAL
    r2_office.general.save()
    response = login(world, "office").get(reverse("establishment:request_create"))
    assert response.context["form"]["establish_general"].value() is True


def test_a_request_for_sub_branches_only_keeps_no_leadership(world, r2_office):
    """With 'set up the community general branch' unticked, the R2 posts (pre-filled and ticked) are not
    stored with the request: they belong to a general branch the request does not set up."""
    make_community_general(r2_office)
    data = form_data(
        r2_office,
        title="关于成立东关社区志愿者队伍党支部的请示",
        establish_general="",
        general_branch_name="",
    )
    del data["establish_general"]
    response = login(world, "office").post(reverse("establishment:request_create"), data)
    assert response.status_code == 302
    request = EstablishmentRequest.objects.get(title="关于成立东关社区志愿者队伍党支部的请示")
    assert not request.establish_general
    assert request.posts.count() == 0
    assert request.branches.count() == 2


def test_the_board_judges_a_resubmitted_request_by_its_first_submission(world, r2_office):
    import datetime

    from django.utils import timezone

    from establishment import services
    from establishment.choices import RequestState
    from establishment.models import EstablishmentRequest
    from tests.test_establishment_path import DAY

    request = EstablishmentRequest.objects.create(
        office=r2_office.office,
        title="请示",
        general_branch_name="东关社区党总支",
        justification="-",
        election_date=DAY,
        election_method="democratic",
        members_expected=40,
        members_present=36,
        votes=30,
    )
    services.fill_posts_by_r2(request, r2_office.village_secretaries[0])
    services.submit(request, world.users["office"])
    first = EstablishmentRequest.objects.get(pk=request.pk).first_submitted_at
    services.return_request(request, world.users["township"], "补充材料")
    services.submit(request, world.users["office"])
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED
    assert request.first_submitted_at == first and request.submitted_at >= first
    assert timezone.localdate(request.first_submitted_at) <= datetime.date.today()


def test_establishment_closes_the_office_general_branch_term(world, r2_office):
    import datetime

    from branches.models import Term
    from establishment import services
    from establishment.models import EstablishmentRequest
    from tests.test_establishment_path import DAY

    old = Term.objects.create(branch=r2_office.general, number=2, started_on=datetime.date(2023, 5, 10))
    request = EstablishmentRequest.objects.create(
        office=r2_office.office,
        title="请示",
        general_branch_name="东关社区党总支",
        justification="-",
        election_date=DAY,
        election_method="democratic",
        members_expected=40,
        members_present=36,
        votes=30,
    )
    services.fill_posts_by_r2(request, r2_office.village_secretaries[0])
    users = world.users
    services.submit(request, users["office"])
    services.approve(request, users["township"], DAY, "1号")
    services.report(request, users["township"], DAY, "2号")
    services.consent(request, users["county"], DAY)
    old.refresh_from_db()
    assert old.ends_on == DAY
    assert r2_office.general.terms.get(number=3).started_on == DAY


def test_on_a_phone_the_request_page_leads_to_the_waiting_actions(world, r2_office):
    from django.test import Client

    from establishment import services
    from establishment.models import EstablishmentRequest
    from tests.test_establishment_path import DAY

    request = EstablishmentRequest.objects.create(
        office=r2_office.office,
        title="请示",
        general_branch_name="东关社区党总支",
        justification="-",
        election_date=DAY,
        election_method="democratic",
        members_expected=40,
        members_present=36,
        votes=30,
    )
    services.fill_posts_by_r2(request, r2_office.village_secretaries[0])
    services.submit(request, world.users["office"])
    client = Client()
    client.force_login(world.users["township"])
    assert 'id="jump-to-actions"' in client.get(request.get_absolute_url()).content.decode()
    client.force_login(world.users["county"])  # nothing waits for the county yet
    assert 'id="jump-to-actions"' not in client.get(request.get_absolute_url()).content.decode()
