"""Organisation-tree pages: access for every role, lists, exports, forms and their scope re-check."""

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from communities.models import Community, Village
from tests.access import check_access

READ_ALL = {"anonymous": 302, "township": 200, "county": 200}


def login(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def test_home_is_reachable_by_everyone_logged_in(world):
    check_access(
        world,
        "/",
        {
            **READ_ALL,
            "other_township": 200,
            "office": 200,
            "other_office": 200,
            "village": 200,
            "other_village": 200,
        },
    )


def test_home_counts_follow_the_scope(world):
    page = login(world, "office").get("/").content.decode()
    assert 'data-count="offices">1<' in page
    assert 'data-count="villages">2<' in page
    page = login(world, "township").get("/").content.decode()
    assert 'data-count="offices">2<' in page
    assert 'data-count="communities">1<' in page


def test_township_page_access(world):
    url = reverse("communities:township_detail", args=[world.township.pk])
    check_access(
        world,
        url,
        {
            **READ_ALL,
            "other_township": 404,
            "office": 404,
            "other_office": 404,
            "village": 404,
            "other_village": 404,
        },
    )


def test_office_page_access(world):
    url = reverse("communities:office_detail", args=[world.office.pk])
    check_access(
        world,
        url,
        {
            **READ_ALL,
            "other_township": 404,
            "office": 200,
            "other_office": 404,
            "village": 404,
            "other_village": 404,
        },
    )


def test_office_edit_is_for_township_staff(world):
    url = reverse("communities:office_update", args=[world.office.pk])
    check_access(
        world,
        url,
        {
            "anonymous": 302,
            "township": 200,
            "other_township": 404,
            "office": 403,
            "other_office": 404,
            "village": 404,
            "other_village": 404,
            "county": 403,
        },
    )


def test_village_page_access(world):
    url = reverse("communities:village_detail", args=[world.village.pk])
    check_access(
        world,
        url,
        {
            **READ_ALL,
            "other_township": 404,
            "office": 200,
            "other_office": 404,
            "village": 200,
            "other_village": 404,
        },
    )


def test_village_edit_access(world):
    url = reverse("communities:village_update", args=[world.village.pk])
    check_access(
        world,
        url,
        {
            "anonymous": 302,
            "township": 200,
            "other_township": 404,
            "office": 200,
            "other_office": 404,
            "village": 403,
            "other_village": 404,
            "county": 403,
        },
    )


def test_village_create_access(world):
    url = reverse("communities:village_create")
    check_access(
        world,
        url,
        {
            "anonymous": 302,
            "township": 200,
            "other_township": 200,
            "office": 200,
            "other_office": 200,
            "village": 403,
            "other_village": 403,
            "county": 403,
        },
    )


def test_community_edit_access(world):
    url = reverse("communities:community_update", args=[world.community.pk])
    # Both village secretaries of the office see (but cannot change) their community.
    check_access(
        world,
        url,
        {
            "anonymous": 302,
            "township": 200,
            "other_township": 404,
            "office": 200,
            "other_office": 404,
            "village": 403,
            "other_village": 403,
            "county": 403,
        },
    )


def test_list_pages_are_for_everyone_logged_in_and_scoped(world):
    for name in ("township_list", "office_list", "village_list"):
        check_access(
            world,
            reverse(f"communities:{name}"),
            {
                **READ_ALL,
                "other_township": 200,
                "office": 200,
                "other_office": 200,
                "village": 200,
                "other_village": 200,
            },
        )
    page = login(world, "office").get(reverse("communities:village_list")).content.decode()
    assert "张庄村" in page and "李楼村" in page
    assert "孙庄村" not in page and "杨桥村" not in page


def test_read_only_user_sees_no_edit_buttons(world):
    client = login(world, "county")
    page = client.get(reverse("communities:office_detail", args=[world.office.pk])).content.decode()
    assert reverse("communities:office_update", args=[world.office.pk]) not in page
    assert "新增村" not in page
    page = client.get(reverse("communities:village_list")).content.decode()
    assert reverse("communities:village_create") not in page


def test_office_secretary_adds_a_village(world):
    client = login(world, "office")
    response = client.post(
        reverse("communities:village_create"), {"office": world.office.pk, "name": "新村", "sort_order": 3}
    )
    village = Village.objects.get(name="新村")
    assert response.status_code == 302 and response["Location"] == village.get_absolute_url()
    assert village.office == world.office
    page = client.get(response["Location"]).content.decode()
    assert "已新增村“新村”" in page


def test_office_secretary_cannot_put_a_village_into_another_office(world):
    client = login(world, "office")
    response = client.post(
        reverse("communities:village_create"),
        {"office": world.other_office.pk, "name": "新村", "sort_order": 1},
    )
    assert response.status_code == 200
    assert "office" in response.context["form"].errors
    assert not Village.objects.filter(name="新村").exists()


def test_office_dropdown_offers_only_offices_in_scope(world):
    response = login(world, "office").get(reverse("communities:village_create"))
    assert list(response.context["form"].fields["office"].queryset) == [world.office]


def test_it_rejects_a_duplicate_village_name_in_the_office(world):
    response = login(world, "township").post(
        reverse("communities:village_create"), {"office": world.office.pk, "name": "张庄村", "sort_order": 1}
    )
    assert response.context["form"].errors["name"] == ["该办事处已有同名的村。"]
    assert Village.objects.filter(name="张庄村").count() == 1


def test_it_rejects_a_duplicate_community_name_in_the_township(world):
    response = login(world, "township").post(
        reverse("communities:community_create"), {"office": world.other_office.pk, "name": "东关社区"}
    )
    assert response.context["form"].errors["name"] == ["本镇已有同名的社区。"]
    assert not Community.objects.filter(office=world.other_office).exists()


def test_office_secretary_records_his_community(world):
    client = login(world, "other_office")
    response = client.post(
        reverse("communities:community_create"),
        {"office": world.other_office.pk, "name": "西营社区", "founded_on": "2023-06-28"},
    )
    assert response.status_code == 302
    assert world.other_office.community.name == "西营社区"


def test_township_staff_edit_an_office_and_the_change_is_logged(world):
    client = login(world, "township")
    url = reverse("communities:office_update", args=[world.office.pk])
    response = client.post(url, {"name": "东关街道办事处", "sort_order": 1, "address": "", "phone": "123"})
    assert response.status_code == 302
    world.office.refresh_from_db()
    assert world.office.name == "东关街道办事处"
    page = client.get(world.office.get_absolute_url()).content.decode()
    assert "变更记录" in page
    assert "东关办事处" in page and "东关街道办事处" in page  # old → new
    entry = world.office.history.first()
    assert entry.history_user == world.users["township"]


def test_village_list_filters_and_searches(world):
    client = login(world, "township")
    url = reverse("communities:village_list")
    assert [v.name for v in client.get(url, {"q": "张"}).context["table"].data] == ["张庄村"]
    assert {v.name for v in client.get(url, {"office": world.other_office.pk}).context["table"].data} == {
        "孙庄村"
    }
    in_community = client.get(url, {"in_community": "true"}).context["table"].data
    assert {v.name for v in in_community} == {"张庄村", "李楼村"}


def test_filter_dropdowns_are_scoped(world):
    response = login(world, "office").get(reverse("communities:village_list"))
    assert list(response.context["filter"].form.fields["office"].queryset) == [world.office]


def test_village_list_paginates(world):
    Village.objects.bulk_create(Village(office=world.office, name=f"村{i:03d}") for i in range(60))
    response = login(world, "township").get(reverse("communities:village_list"), {"page": 3})
    assert response.context["table"].page.number == 3
    assert len(response.context["table"].page.object_list) == 63 - 50


def test_village_export_is_the_filtered_scoped_list(world):
    response = login(world, "office").get(reverse("communities:village_list"), {"export": "xlsx", "q": "庄"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A3"].value == "名称"
    names = [row[0] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert names == ["张庄村"]


@pytest.mark.parametrize("role", ["other_office", "village"])
def test_out_of_scope_post_changes_nothing(world, role):
    url = reverse("communities:village_update", args=[world.sibling_village.pk])
    login(world, role).post(url, {"office": world.office.pk, "name": "改名", "sort_order": 1})
    world.sibling_village.refresh_from_db()
    assert world.sibling_village.name == "李楼村"
