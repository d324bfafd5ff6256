"""The home page's dashboard: every figure with a list behind it equals that list's row count for the same
user; each role sees its own scope; the print view; the page's query count does not grow with the data."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communities.dashboard import dashboard
from members.choices import AGE_BANDS, Education, Standing
from members.models import Member
from tests.access import check_access
from tests.conftest import make_member


def client_for(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def charts_of(response) -> dict[str, dict]:
    return {chart["key"]: chart for chart in response.context["dash"]["charts"]}


@pytest.fixture
def people(party):
    """A spread of ages, education and standing across the township's branches and the other township."""
    today = timezone.localdate()

    def born(age: int) -> datetime.date:
        return today.replace(year=today.year - age) - datetime.timedelta(days=10)

    spread = [
        (party.branch, "周一", 30, Education.BACHELOR, Standing.FULL),
        (party.branch, "吴二", 40, Education.SENIOR, Standing.APPLICANT),
        (party.branch, "郑三", 50, Education.JUNIOR, Standing.ACTIVIST),
        (party.sibling_branch, "冯四", 58, Education.JUNIOR, Standing.DEVELOPMENT_OBJECT),
        (party.sibling_branch, "陈五", 70, Education.PRIMARY, Standing.PROBATIONARY),
        (party.other_branch, "褚六", 36, Education.COLLEGE, Standing.APPLICANT),
        (party.other_branch, "卫七", 61, Education.PRIMARY, Standing.FULL),
        (party.far_branch, "蒋八", 45, Education.BACHELOR, Standing.ACTIVIST),
    ]
    made = [
        make_member(branch, name, birth=born(age), education=education, standing=standing)
        for branch, name, age, education, standing in spread
    ]
    gone = make_member(party.branch, "沈九", birth=born(33), education=Education.BACHELOR)
    Member.objects.filter(pk=gone.pk).update(status="deceased")
    mobile = make_member(party.branch, "韩十", birth=born(38), is_mobile=True)
    return [*made, mobile]


@pytest.mark.parametrize(
    "role", ["township", "office", "village", "county", "other_township", "other_office"]
)
def test_every_counted_figure_equals_its_list(world, people, role):
    client = client_for(world, role)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    checked = 0
    for chart in response.context["dash"]["charts"]:
        for point in chart["points"]:
            if not point["count_url"]:
                continue
            listed = client.get(point["count_url"])
            assert listed.status_code == 200, point
            assert listed.context["table"].paginator.count == point["value"], (chart["key"], point)
            checked += 1
    assert checked >= 10


def test_the_figures_add_up_to_the_members_in_scope(world, party, people):
    response = client_for(world, "township").get(reverse("home"))
    charts = charts_of(response)
    total = Member.objects.for_user(world.users["township"]).active().party_members().count()
    # Party members (full and probationary): 3 of the party, 周一, 陈五, 卫七 and the mobile member.
    assert total == 7
    assert sum(p["value"] for p in charts["members"]["points"]) == total
    assert sum(p["value"] for p in charts["age"]["points"]) == total
    assert sum(p["value"] for p in charts["education"]["points"]) == total
    pipeline = {p["count_url"].split("standing=")[1]: p["value"] for p in charts["pipeline"]["points"]}
    assert pipeline == {"applicant": 2, "activist": 1, "development_object": 1, "probationary": 1}
    ages = {p["count_url"].split("age=")[1].split("&")[0]: p["value"] for p in charts["age"]["points"]}
    party_band = next(key for key, _l, low, high in AGE_BANDS if low <= party.member.age() <= high)
    expected = {"35": 1, "36-45": 1, "46-55": 0, "56-60": 0, "61": 2}
    expected[party_band] += 3
    assert ages == expected


def test_township_staff_see_offices_and_an_office_secretary_only_his_own(world, people):
    township = charts_of(client_for(world, "township").get(reverse("home")))
    labels = [p["label"] for p in township["members"]["points"]]
    assert labels == [str(world.office), str(world.other_office)]

    office = charts_of(client_for(world, "office").get(reverse("home")))
    names = {p["label"] for p in office["members"]["points"]}
    assert names == {"张庄村党支部", "李楼村党支部"}
    assert sum(p["value"] for p in office["members"]["points"]) == 5
    page = client_for(world, "office").get(reverse("home")).content.decode()
    assert "孙庄村党支部" not in page and "杨桥村" not in page and "褚六" not in page


def test_a_village_secretary_sees_his_branch(world, people):
    charts = charts_of(client_for(world, "village").get(reverse("home")))
    assert [p["label"] for p in charts["members"]["points"]] == ["张庄村党支部"]
    assert charts["members"]["points"][0]["value"] == 3


def test_the_county_sees_across_its_townships(world, people):
    charts = charts_of(client_for(world, "county").get(reverse("home")))
    labels = {p["label"] for p in charts["members"]["points"]}
    assert labels == {str(world.office), str(world.other_office), str(world.far_office)}
    assert sum(p["value"] for p in charts["members"]["points"]) == 8


def test_the_charts_have_tables_of_their_figures_with_the_links(world, people):
    html = client_for(world, "township").get(reverse("home")).content.decode()
    assert 'id="dashboard-charts"' in html
    assert 'id="chart-data-age"' in html and 'data-chart-source="chart-data-age"' in html
    assert f"?office={world.office.pk}" in html and "?age=36-45" in html
    assert "vendor/echarts/echarts.min.js" in html and "communities/js/dashboard.js" in html


def test_the_attention_lists_count_mobile_members_and_incomplete_archives(world, people):
    dash = dashboard(world.users["township"])
    assert dash["mobile_not_contacted"]["count"] == 1
    listed = client_for(world, "township").get(dash["mobile_not_contacted"]["url"])
    assert listed.context["table"].paginator.count == 1
    # Nobody has an archive entry this year: every active member's archive is incomplete.
    assert dash["archives_incomplete"]["count"] == 11
    html = client_for(world, "township").get(reverse("home")).content.decode()
    assert 'data-count="mobile_not_contacted">1<' in html
    assert 'data-count="archives_incomplete">11<' in html


def test_the_print_view_has_no_navigation_and_a_print_button(world, people):
    response = client_for(world, "township").get(reverse("home") + "?print=1")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="print"' in html and 'id="sidebar"' not in html and '<details class="chart-table" open' in html
    assert "echarts.min.js" in html


def test_access_to_the_dashboard_and_its_print_view(world):
    everyone = {role: 200 for role in ("township", "other_township", "office", "other_office")}
    everyone |= {"village": 200, "other_village": 200, "county": 200, "anonymous": 302}
    check_access(world, reverse("home"), everyone)
    check_access(world, reverse("home") + "?print=1", everyone)


def test_the_home_page_query_count_does_not_grow_with_the_members(world, people, party):
    client = client_for(world, "township")
    client.get(reverse("home"))  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("home") + "?refresh=1")  # worked out, not taken from the cache
    for i in range(30):
        make_member(party.branch if i % 2 else party.other_branch, f"新人{i}", is_mobile=bool(i % 3))
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("home") + "?refresh=1")
    assert len(after) == len(before)


def test_the_home_page_stays_within_a_query_budget(world, people, django_assert_max_num_queries):
    client = client_for(world, "township")
    with django_assert_max_num_queries(80):
        client.get(reverse("home"))


def test_campaign_duty_and_ledger_charts_and_a_village_secretarys_duties(world, r2_office, duty_post):
    from duty_roster.choices import DayKind
    from duty_roster.models import DutyDay
    from establishment.models import Campaign
    from ledger import services as ledger_services

    today = timezone.localdate()
    Campaign.objects.create(township=world.township, year=today.year, **Campaign.defaults_for(today.year))
    ledger_services.open_month(world.office, today.replace(day=1), today)
    ahead = today + datetime.timedelta(days=1)
    DutyDay.objects.create(
        post=duty_post, day=ahead, kind=DayKind.ROTATION, person=r2_office.village_secretaries[0]
    )

    township = dashboard(world.users["township"], today)
    keys = {chart["key"] for chart in township["charts"]}
    assert {"members", "age", "education", "pipeline", "campaign"} <= keys
    campaign = next(chart for chart in township["charts"] if chart["key"] == "campaign")
    assert [p["label"] for p in campaign["points"]] == [str(world.office), str(world.other_office)]

    office = dashboard(world.users["office"], today)
    assert {p["label"] for p in next(c for c in office["charts"] if c["key"] == "campaign")["points"]} == {
        str(world.office)
    }

    village = dashboard(world.users["village"], today)
    assert "campaign" not in {chart["key"] for chart in village["charts"]}
    assert village["my_duties"]["person"] == "张建军"
    assert ahead in [row["day"] for row in village["my_duties"]["upcoming"]]
    html = client_for(world, "village").get(reverse("home")).content.decode()
    assert 'id="my-duties"' in html and f'data-duty-day="{ahead:%Y-%m-%d}"' in html
    assert dashboard(world.users["office"], today)["my_duties"] is None


def test_the_figures_are_kept_a_few_minutes_and_refresh_works_them_out_again(world, party, client):
    client.force_login(world.users["township"])
    before = client.get("/").context["counts"]["members"]
    first = client.get("/").context["dash"]
    make_member(party.branch, "新党员甲")
    kept = client.get("/").context["dash"]
    assert kept["computed_at"] == first["computed_at"]  # the same figures, not worked out again
    fresh = client.get("/?refresh=1")
    assert fresh.context["dash"]["computed_at"] > first["computed_at"]
    assert fresh.context["counts"]["members"] == before + 1
    assert "数据更新于" in fresh.content.decode()


def test_a_user_moved_to_another_office_sees_his_new_offices_figures_at_once(world, party, client):
    user = world.users["office"]
    client.force_login(user)
    first = client.get("/").context["dash"]
    assert party.branch.name in str(first["charts"])
    user.office, user.township = world.far_office, world.far_office.township
    user.save()
    moved = client.get("/").context["dash"]
    assert moved["computed_at"] > first["computed_at"]  # not the old office's figures from the cache
    assert party.branch.name not in str(moved["charts"])


def test_the_overdue_meetings_say_when_they_were_worked_out(world, party, client):
    client.force_login(world.users["township"])
    response = client.get("/")
    assert response.context["meetings_overdue"].count
    computed = timezone.localtime(response.context["dash"]["computed_at"])
    assert f'id="meetings-overdue-as-of">截至 {computed:%H:%M}' in response.content.decode()
    assert f"数据更新于 {computed:%Y-%m-%d %H:%M}" in client.get("/?print=1").content.decode()
