"""Edge cases found in review: admin history scope, administrators' accounts, odd query strings."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User


def login(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def test_admin_history_of_another_townships_record_is_not_found(world):
    client = login(world, "other_township")
    assert client.get(f"/admin/communities/village/{world.village.pk}/history/").status_code == 404
    user = world.users["office"]
    assert client.get(f"/admin/accounts/user/{user.pk}/history/").status_code == 404
    assert (
        login(world, "township").get(f"/admin/communities/village/{world.village.pk}/history/").status_code
        == 200
    )


def test_admin_sidebar_filters_offer_only_the_users_own_township(world):
    page = login(world, "other_township").get("/admin/communities/village/").content.decode()
    assert "杨桥村" in page
    assert "甲镇" not in page and "东关办事处" not in page


def test_administrators_are_out_of_township_staffs_reach(world):
    admin = User.objects.create_superuser("root", password="x" * 12)
    admin.township = world.township
    admin.save()
    assert not User.objects.for_user(world.users["township"]).filter(pk=admin.pk).exists()
    assert login(world, "township").get(f"/admin/accounts/user/{admin.pk}/password/").status_code != 200


def test_township_staff_cannot_add_townships_in_the_admin(world):
    assert login(world, "township").get("/admin/communities/township/add/").status_code == 403


@pytest.mark.parametrize(
    "query", ["page=abc", "page=0", "page=999", "per_page=-1", "per_page=abc", "per_page=100000"]
)
def test_lists_survive_odd_paging_parameters(world, query):
    assert login(world, "township").get(f"{reverse('communities:village_list')}?{query}").status_code == 200


def test_renaming_an_office_to_a_name_in_use_is_a_form_error(world):
    url = reverse("communities:office_update", args=[world.office.pk])
    response = login(world, "township").post(url, {"name": "西营办事处", "sort_order": 1})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["本镇已有同名的办事处。"]


def test_password_reset_by_email_is_not_offered(db):
    assert Client().get("/accounts/password_reset/").status_code == 404
    assert Client().get("/accounts/reset/x/y/").status_code == 404


def test_office_page_costs_the_same_queries_for_more_users(world):
    from tests.conftest import make_user

    client = login(world, "township")
    url = world.office.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(10):
        make_user(f"v{i}", "village_secretary", village=world.sibling_village)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_an_office_page_shows_the_communitys_change_log(world):
    world.community.name = "东关新社区"
    world.community.save()
    page = login(world, "township").get(world.office.get_absolute_url()).content.decode()
    assert "社区变更记录" in page and "东关新社区" in page


def test_township_staff_create_an_office_secretary_in_the_admin(world):
    client = login(world, "township")
    page = client.get("/admin/accounts/user/add/").content.decode()
    assert "county_viewer" not in page
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "newsec",
            "password1": "Quite-long-pw-2026",
            "password2": "Quite-long-pw-2026",
            "display_name": "新书记",
            "role": "office_secretary",
            "office": world.other_office.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="newsec")
    assert user.township == world.township and user.office == world.other_office
