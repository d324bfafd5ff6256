"""Party organisation pages: access for every role on every view, the list and its export, the forms and
their scope re-check, renaming, dissolving and the branch archive page."""

import datetime
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from branches.choices import BranchKind, PostKind, ReserveStatus
from branches.models import Branch, BranchName, Post, ReserveCadre, Term, add_years
from members.choices import Status
from members.models import Member
from tests.access import check_access
from tests.conftest import make_member

ANONYMOUS = {"anonymous": 302}
# The village branch 张庄村党支部 (party.branch): its office and village see it, township staff and the
# county see everything of their township or county.
VIEW_BRANCH = {
    **ANONYMOUS,
    "township": 200,
    "other_township": 404,
    "office": 200,
    "other_office": 404,
    "village": 200,
    "other_village": 404,
    "county": 200,
}
CHANGE_BRANCH = {**VIEW_BRANCH, "village": 403, "county": 403}
# Adding an organisation (or a post, term, reserve cadre) is for township staff and office secretaries.
CREATE = {
    **ANONYMOUS,
    "township": 200,
    "other_township": 200,
    "office": 200,
    "other_office": 200,
    "village": 403,
    "other_village": 403,
    "county": 403,
}
EVERYONE = {role: 200 for role in CREATE} | ANONYMOUS


def login(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def zh(message: str) -> str:
    """The message as the page shows it (Chinese once the catalogue has it, else the msgid)."""
    with override("zh-hans"):
        return gettext(message)


@pytest.fixture
def archive(world, party):
    """An archive for the community general branch and its village branch: posts, terms, a reserve cadre."""
    today = timezone.localdate()
    general, branch = party.general, party.branch
    secretary = make_member(general, "马书记")
    deputy = make_member(party.sibling_branch, "王副书记")
    Post.objects.create(branch=general, person=secretary, kind=PostKind.SECRETARY, started_on=today)
    Post.objects.create(
        branch=general,
        person=deputy,
        kind=PostKind.ELECTED_DEPUTY,
        started_on=today,
        decision_number="镇党发1号",
    )
    Post.objects.create(branch=branch, person=party.member, kind=PostKind.SECRETARY, started_on=today)
    Term.objects.create(branch=branch, number=1, started_on=add_years(today, -3))
    ReserveCadre.objects.create(
        branch=branch, person=party.member, since=today, status=ReserveStatus.TRAINING
    )
    return party


# --- Access: every view, every role -------------------------------------------------------------------


def test_list_access(world, party):
    check_access(world, reverse("branches:branch_list"), EVERYONE)


def test_archive_page_access(world, archive):
    check_access(world, reverse("branches:branch_detail", args=[archive.branch.pk]), VIEW_BRANCH)
    # The general branch is not a village secretary's own branch.
    check_access(
        world,
        reverse("branches:branch_detail", args=[archive.general.pk]),
        {**VIEW_BRANCH, "village": 404},
    )


@pytest.mark.parametrize("method", ["get", "post"])
def test_create_access(world, party, method):
    check_access(world, reverse("branches:branch_create"), CREATE, method=method)


@pytest.mark.parametrize("name", ["branch_update", "branch_rename", "branch_dissolve"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_change_access(world, party, name, method):
    # An empty POST is re-shown with its errors (200) in scope: nothing is written by this test.
    check_access(world, reverse(f"branches:{name}", args=[party.branch.pk]), CHANGE_BRANCH, method=method)
    party.branch.refresh_from_db()
    assert party.branch.dissolved_on is None and not party.branch.former_names.exists()


@pytest.mark.parametrize("name", ["post_create", "term_create", "reserve_create"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_record_create_access(world, party, name, method):
    url = reverse(f"branches:{name}") + f"?branch={party.branch.pk}"
    # Another office's organisation does not exist for the secretary; village secretaries never add.
    expected = {**CREATE, "other_township": 404, "other_office": 404}
    check_access(world, url, expected, method=method)
    check_access(world, reverse(f"branches:{name}"), CREATE, method=method)


@pytest.mark.parametrize("method", ["get", "post"])
def test_record_update_access(world, archive, method):
    post = Post.objects.get(branch=archive.branch)
    term = Term.objects.get(branch=archive.branch)
    cadre = ReserveCadre.objects.get(branch=archive.branch)
    for name, obj in [("post_update", post), ("term_update", term), ("reserve_update", cadre)]:
        check_access(world, reverse(f"branches:{name}", args=[obj.pk]), CHANGE_BRANCH, method=method)


def test_it_rejects_a_branch_id_that_is_not_a_number(world, party):
    response = login(world, "township").get(reverse("branches:post_create") + "?branch=abc")
    assert response.status_code == 404


# --- The list -----------------------------------------------------------------------------------------


def test_list_is_scoped_and_counts_active_members_and_shows_the_secretary(world, archive):
    make_member(archive.branch, "王五", status=Status.TRANSFERRED_OUT)
    response = login(world, "office").get(reverse("branches:branch_list"))
    page = response.content.decode()
    assert "东关社区党总支" in page and "张庄村党支部" in page
    assert "西营办事处党总支" not in page and "杨桥村党支部" not in page
    rows = {row.pk: row for row in response.context["table"].data}
    assert rows[archive.branch.pk].member_count == 1  # 王五 was transferred out
    assert rows[archive.branch.pk].secretary_name == "张三"
    assert rows[archive.general.pk].secretary_name == "马书记"
    assert rows[archive.branch.pk].place == "张庄村"
    assert rows[archive.general.pk].place == "东关社区"


def test_list_search_finds_former_names_and_counts_once(world, archive):
    BranchName.objects.create(
        branch=archive.branch, name="张庄大队党支部", used_until=datetime.date(2000, 1, 1)
    )
    BranchName.objects.create(branch=archive.branch, name="张庄党支部", used_until=datetime.date(2010, 1, 1))
    response = login(world, "township").get(reverse("branches:branch_list"), {"q": "张庄"})
    rows = list(response.context["table"].data)
    assert [row.pk for row in rows] == [archive.branch.pk]
    assert rows[0].member_count == 1


def test_list_shows_active_organisations_unless_asked(world, party):
    Branch.objects.filter(pk=party.sibling_branch.pk).update(dissolved_on=datetime.date(2025, 1, 1))
    client = login(world, "township")
    response = client.get(reverse("branches:branch_list"))
    names = [row.name for row in response.context["table"].data]
    assert "李楼村党支部" not in names and "张庄村党支部" in names
    assert 'value="active" selected' in response.content.decode()
    response = client.get(reverse("branches:branch_list"), {"status": "dissolved"})
    assert [row.name for row in response.context["table"].data] == ["李楼村党支部"]
    response = client.get(reverse("branches:branch_list"), {"status": "all"})
    assert "李楼村党支部" in [row.name for row in response.context["table"].data]


def test_list_filters_by_kind_and_office(world, party):
    client = login(world, "township")
    response = client.get(
        reverse("branches:branch_list"), {"kind": BranchKind.VILLAGE, "office": world.office.pk}
    )
    assert sorted(row.name for row in response.context["table"].data) == ["张庄村党支部", "李楼村党支部"]
    # The community's organisations are those of its office, whether or not they name the community.
    response = client.get(reverse("branches:branch_list"), {"community": world.community.pk})
    names = sorted(row.name for row in response.context["table"].data)
    assert names == sorted(["东关社区党总支", "张庄村党支部", "李楼村党支部"])


def test_export_is_an_xlsx_with_chinese_headers(world, archive):
    response = login(world, "township").get(reverse("branches:branch_list"), {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    header_row = next(row for row in values if row and "名称" in row)
    assert "办事处" in header_row
    data = [row for row in values[values.index(header_row) + 1 :] if row and row[0]]
    names = [row[0] for row in data]
    assert "张庄村党支部" in names and "杨桥村党支部" not in names
    zhangzhuang = data[names.index("张庄村党支部")]
    assert 1 in zhangzhuang and "张三" in zhangzhuang


# --- Create and edit ----------------------------------------------------------------------------------


def test_office_secretary_adds_an_other_branch_under_his_general_branch(world, party):
    response = login(world, "office").post(
        reverse("branches:branch_create"),
        {
            "office": world.office.pk,
            "kind": BranchKind.OTHER,
            "other_kind": "mobile",
            "name": "流动党员党支部",
            "parent": party.general.pk,
            "founded_on": "2023-06-28",
        },
    )
    branch = Branch.objects.get(name="流动党员党支部")
    assert response.status_code == 302 and response["Location"] == branch.get_absolute_url()
    assert branch.parent == party.general and branch.founded_on == datetime.date(2023, 6, 28)


def test_it_rejects_creating_a_branch_in_another_office(world, party):
    """The scope re-check: POSTing another office's id does not create anything."""
    response = login(world, "office").post(
        reverse("branches:branch_create"),
        {"office": world.other_office.pk, "kind": BranchKind.OFFICE_GENERAL, "name": "偷建党总支"},
    )
    assert response.status_code == 200
    assert "office" in response.context["form"].errors
    assert not Branch.objects.filter(name="偷建党总支").exists()


def test_it_rejects_a_parent_of_another_office(world, party):
    response = login(world, "township").post(
        reverse("branches:branch_create"),
        {
            "office": world.office.pk,
            "kind": BranchKind.VOLUNTEER_TEAM,
            "name": "志愿者队伍党支部",
            "parent": party.other_general.pk,
        },
    )
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    assert not Branch.objects.filter(name="志愿者队伍党支部").exists()


def test_it_rejects_a_sub_kind_for_a_branch_that_is_not_other_and_a_village_branch_without_village(
    world, party
):
    client = login(world, "township")
    url = reverse("branches:branch_create")
    base = {"office": world.office.pk, "parent": party.general.pk}
    response = client.post(
        url, {**base, "kind": BranchKind.VOLUNTEER_TEAM, "other_kind": "mobile", "name": "甲"}
    )
    assert "other_kind" in response.context["form"].errors
    response = client.post(url, {**base, "kind": BranchKind.VILLAGE, "name": "乙"})
    assert "village" in response.context["form"].errors
    response = client.post(url, {**base, "kind": BranchKind.VOLUNTEER_TEAM, "name": "西营办事处党总支"})
    assert "name" in response.context["form"].errors
    assert Branch.objects.count() == 6


def test_editing_does_not_change_the_name_and_links_to_renaming(world, party):
    client = login(world, "office")
    url = reverse("branches:branch_update", args=[party.branch.pk])
    page = client.get(url).content.decode()
    assert reverse("branches:branch_rename", args=[party.branch.pk]) in page
    response = client.post(
        url,
        {
            "office": world.other_office.pk,
            "kind": BranchKind.VILLAGE,
            "name": "改名党支部",
            "parent": party.general.pk,
            "village": world.village.pk,
            "founded_on": "1998-07-01",
        },
    )
    assert response.status_code == 302
    party.branch.refresh_from_db()
    assert party.branch.name == "张庄村党支部"
    assert party.branch.office == world.office
    assert party.branch.founded_on == datetime.date(1998, 7, 1)


# --- Renaming (R1) and dissolving ---------------------------------------------------------------------


def test_renaming_keeps_the_old_name_and_the_archive_shows_it(world, party):
    client = login(world, "office")
    response = client.post(
        reverse("branches:branch_rename", args=[party.general.pk]),
        {
            "name": "东关社区党委",
            "on": "2023-06-28",
            "decision_number": "镇党发〔2023〕8号",
            "reason": "建立社区",
        },
    )
    assert response.status_code == 302
    party.general.refresh_from_db()
    assert party.general.name == "东关社区党委"
    former = party.general.former_names.get()
    assert (former.name, former.used_until, former.decision_number) == (
        "东关社区党总支",
        datetime.date(2023, 6, 28),
        "镇党发〔2023〕8号",
    )
    page = client.get(party.general.get_absolute_url()).content.decode()
    assert 'data-former-name="东关社区党总支"' in page
    assert 'data-check="renaming" data-ok="true"' in page


def test_it_rejects_renaming_to_the_same_name_with_a_message_next_to_the_field(world, party):
    response = login(world, "township").post(
        reverse("branches:branch_rename", args=[party.branch.pk]),
        {"name": "张庄村党支部", "on": "2024-01-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [zh("Enter a new name different from the current one.")]
    assert not party.branch.former_names.exists()


def test_it_refuses_to_dissolve_an_organisation_with_active_members(world, party):
    client = login(world, "office")
    url = reverse("branches:branch_dissolve", args=[party.branch.pk])
    page = client.get(url).content.decode()
    assert 'id="dissolve-blockers"' in page
    response = client.post(url, {"on": "2025-12-31"})
    assert response.status_code == 200
    message = zh("Transfer its active members to another organisation first.")
    assert message in response.context["form"].non_field_errors()
    assert message in response.content.decode()
    party.branch.refresh_from_db()
    assert party.branch.dissolved_on is None


def test_dissolving_an_empty_branch_keeps_it_on_record(world, party):
    Member.objects.filter(pk=party.member.pk).update(branch=party.sibling_branch)
    post = Post.objects.create(
        branch=party.branch,
        person=party.member,
        kind=PostKind.SECRETARY,
        started_on=datetime.date(2020, 1, 1),
    )
    client = login(world, "office")
    url = reverse("branches:branch_dissolve", args=[party.branch.pk])
    page = client.get(url).content.decode()
    assert 'id="dissolve-blockers"' not in page and "张三" in page  # his post will end
    response = client.post(url, {"on": "2025-12-31"})
    assert response.status_code == 302
    party.branch.refresh_from_db()
    post.refresh_from_db()
    assert party.branch.dissolved_on == datetime.date(2025, 12, 31)
    assert post.ended_on == datetime.date(2025, 12, 31)
    page = client.get(party.branch.get_absolute_url()).content.decode()
    assert 'id="dissolved-badge"' in page
    assert reverse("branches:branch_dissolve", args=[party.branch.pk]) not in page


# --- Posts, terms, reserve cadres ---------------------------------------------------------------------


def test_office_secretary_appoints_a_secretary_from_the_branch(world, party):
    client = login(world, "office")
    url = reverse("branches:post_create") + f"?branch={party.branch.pk}"
    form = client.get(url).context["form"]
    assert set(form.fields["person"].queryset) == {party.member}
    response = client.post(
        url,
        {
            "kind": PostKind.SECRETARY,
            "person": party.member.pk,
            "started_on": "2024-01-05",
            "decision_number": "1号",
        },
    )
    assert response.status_code == 302
    post = Post.objects.get()
    assert (post.branch, post.person, post.kind) == (party.branch, party.member, PostKind.SECRETARY)
    assert response["Location"] == party.branch.get_absolute_url() + "#leadership"


def test_a_general_branch_post_may_go_to_a_member_of_a_branch_under_it(world, party):
    client = login(world, "office")
    url = reverse("branches:post_create") + f"?branch={party.general.pk}"
    people = set(client.get(url).context["form"].fields["person"].queryset)
    assert people == {party.member, party.sibling_member}
    data = {"kind": PostKind.ELECTED_DEPUTY, "person": party.sibling_member.pk, "started_on": "2024-01-05"}
    response = client.post(url, data)
    # R2: the elected deputy must be one of the village branch secretaries under it.
    assert "person" in response.context["form"].errors
    Post.objects.create(
        branch=party.sibling_branch,
        person=party.sibling_member,
        kind=PostKind.SECRETARY,
        started_on=datetime.date(2021, 3, 1),
    )
    response = client.post(url, data)
    assert response.status_code == 302
    assert Post.objects.filter(branch=party.general, kind=PostKind.ELECTED_DEPUTY).count() == 1


def test_it_rejects_a_post_for_someone_outside_the_organisation_or_the_scope(world, party):
    client = login(world, "office")
    url = reverse("branches:post_create") + f"?branch={party.branch.pk}"
    for person in (party.sibling_member, party.other_member):
        response = client.post(
            url, {"kind": PostKind.SECRETARY, "person": person.pk, "started_on": "2024-01-05"}
        )
        assert response.status_code == 200
        assert "person" in response.context["form"].errors
    # Choosing the organisation in the form: another office's organisation is not a valid choice.
    response = client.post(
        reverse("branches:post_create"),
        {
            "branch": party.other_branch.pk,
            "kind": PostKind.SECRETARY,
            "person": party.member.pk,
            "started_on": "2024-01-05",
        },
    )
    assert "branch" in response.context["form"].errors
    assert not Post.objects.exists()


def test_it_rejects_a_second_secretary_with_the_models_message(world, archive):
    other = make_member(archive.branch, "王五")
    response = login(world, "township").post(
        reverse("branches:post_create") + f"?branch={archive.branch.pk}",
        {"kind": PostKind.SECRETARY, "person": other.pk, "started_on": "2024-01-05"},
    )
    assert response.context["form"].errors["kind"] == [
        zh("This organisation already has a secretary; end his post first.")
    ]


def test_ending_a_post_is_setting_its_end_date(world, archive):
    post = Post.objects.get(branch=archive.branch)
    client = login(world, "office")
    url = reverse("branches:post_update", args=[post.pk])
    data = {
        "kind": post.kind,
        "person": post.person_id,
        "started_on": post.started_on.isoformat(),
        "ended_on": "2000-01-01",
    }
    response = client.post(url, data)
    assert "ended_on" in response.context["form"].errors  # before the start
    response = client.post(
        url, {**data, "ended_on": timezone.localdate().isoformat(), "branch": archive.other_branch.pk}
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.ended_on == timezone.localdate() and post.branch == archive.branch
    assert Post.objects.filter(pk=post.pk).exists()


def test_a_post_whose_holder_left_can_still_be_ended(world, archive):
    post = Post.objects.get(branch=archive.branch)
    Member.objects.filter(pk=post.person_id).update(status=Status.TRANSFERRED_OUT)
    response = login(world, "office").post(
        reverse("branches:post_update", args=[post.pk]),
        {
            "kind": post.kind,
            "person": post.person_id,
            "started_on": post.started_on.isoformat(),
            "ended_on": post.started_on.isoformat(),
        },
    )
    assert response.status_code == 302


def test_a_new_term_gets_the_next_number_and_ends_after_five_years(world, archive):
    client = login(world, "office")
    url = reverse("branches:term_create") + f"?branch={archive.branch.pk}"
    assert client.get(url).context["form"].initial["number"] == 2
    response = client.post(url, {"number": 2, "started_on": "2026-07-01", "election_method": "competitive"})
    assert response.status_code == 302
    term = Term.objects.get(branch=archive.branch, number=2)
    assert term.ends_on == datetime.date(2031, 7, 1)
    response = client.post(url, {"number": 2, "started_on": "2026-07-02"})
    assert response.context["form"].errors["number"] == [
        zh("This organisation already has a term with this number.")
    ]
    response = client.post(
        url, {"number": 3, "started_on": "2026-07-02", "members_expected": 10, "members_present": 11}
    )
    assert "members_present" in response.context["form"].errors


def test_a_reserve_cadre_is_recorded_and_edited(world, archive):
    client = login(world, "office")
    other = make_member(archive.branch, "王五")
    response = client.post(
        reverse("branches:reserve_create") + f"?branch={archive.branch.pk}",
        {"person": other.pk, "since": "2026-01-01", "status": ReserveStatus.TRAINING, "training": "党校培训"},
    )
    assert response.status_code == 302
    cadre = ReserveCadre.objects.get(person=other)
    response = client.post(
        reverse("branches:reserve_update", args=[cadre.pk]),
        {"person": other.pk, "since": "2026-01-01", "status": ReserveStatus.PROMOTED},
    )
    assert response.status_code == 302
    cadre.refresh_from_db()
    assert cadre.status == ReserveStatus.PROMOTED and cadre.branch == archive.branch


# --- The archive page ---------------------------------------------------------------------------------


def test_archive_page_shows_leadership_in_order_and_flags_a_holder_who_left(world, archive):
    client = login(world, "township")
    url = archive.general.get_absolute_url()
    response = client.get(url)
    assert [p.person.name for p in response.context["current_posts"]] == ["马书记", "王副书记"]
    assert 'data-left="true"' not in response.content.decode()

    # The elected deputy transfers to the other office's branch: his post is flagged.
    Member.objects.filter(name="王副书记").update(branch=archive.other_branch)
    page = client.get(url).content.decode()
    deputy = Post.objects.get(kind=PostKind.ELECTED_DEPUTY)
    assert f'data-post="{deputy.pk}" data-left="true"' in page
    assert "left-badge" in page


def test_archive_page_flags_a_holder_who_died(world, archive):
    Member.objects.filter(pk=archive.member.pk).update(status=Status.DECEASED)
    page = login(world, "office").get(archive.branch.get_absolute_url()).content.decode()
    post = Post.objects.get(branch=archive.branch)
    assert f'data-post="{post.pk}" data-left="true"' in page
    assert 'data-check="secretary" data-ok="false"' in page


def test_archive_page_keeps_past_posts_apart(world, archive):
    post = Post.objects.get(branch=archive.branch)
    Post.objects.filter(pk=post.pk).update(
        ended_on=datetime.date(2024, 1, 1), started_on=datetime.date(2020, 1, 1)
    )
    response = login(world, "office").get(archive.branch.get_absolute_url())
    assert response.context["current_posts"] == []
    assert response.context["past_posts"] == [post]
    assert 'id="past-posts"' in response.content.decode()


def test_archive_page_warns_when_the_term_ends_within_three_months(world, archive):
    client = login(world, "office")
    url = archive.branch.get_absolute_url()
    assert 'id="term-alert"' not in client.get(url).content.decode()
    term = Term.objects.get(branch=archive.branch)
    Term.objects.filter(pk=term.pk).update(ends_on=timezone.localdate() + datetime.timedelta(days=60))
    assert 'id="term-alert" data-state="due"' in client.get(url).content.decode()
    Term.objects.filter(pk=term.pk).update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    page = client.get(url).content.decode()
    assert 'id="term-alert" data-state="expired"' in page
    assert 'data-check="term" data-ok="false"' in page


def test_archive_page_composition_covers_the_organisations_under_it(world, archive):
    make_member(archive.branch, "回族党员", gender="female", ethnicity="回族")
    make_member(archive.branch, "已故党员", status=Status.DECEASED)
    response = login(world, "township").get(archive.general.get_absolute_url())
    composition = response.context["composition"]
    # 马书记 (the general branch), 张三 and 回族党员 (张庄), 李四 and 王副书记 (李楼).
    assert composition.total == 5
    assert composition.count("gender", "female") == 2
    assert composition.count("ethnicity", "minority") == 1
    page = response.content.decode()
    assert 'data-composition="ethnicity:minority" data-count="1"' in page
    assert 'data-member-total="5"' in page


def test_archive_page_lists_mobile_members_not_contacted_in_time(world, archive):
    late = make_member(archive.branch, "外出党员", is_mobile=True)
    recent = make_member(archive.branch, "常联系", is_mobile=True)
    Member.objects.filter(pk=recent.pk).update(last_contact_on=timezone.localdate())
    Member.objects.filter(pk=late.pk).update(
        last_contact_on=timezone.localdate() - datetime.timedelta(days=400)
    )
    page = login(world, "office").get(archive.general.get_absolute_url()).content.decode()
    assert f'data-overdue="{late.pk}"' in page
    assert f'data-overdue="{recent.pk}"' not in page


def test_archive_page_checklist_and_incomplete_members(world, archive):
    response = login(world, "office").get(archive.branch.get_absolute_url())
    checks = {item.key: item.ok for item in response.context["checklist"]}
    assert checks == {"secretary": True, "term": True, "reserve": True, "founded": False, "members": False}
    page = response.content.decode()
    assert f'data-incomplete="{archive.member.pk}"' in page
    assert response.context["archives"].total == 1


def test_archive_page_lists_the_organisations_under_a_general_branch(world, archive):
    response = login(world, "office").get(archive.general.get_absolute_url())
    names = [row.name for row in response.context["children_table"].data]
    assert names == ["张庄村党支部", "李楼村党支部"]
    assert login(world, "office").get(archive.branch.get_absolute_url()).context["children_table"] is None


def test_read_only_users_see_no_change_buttons(world, archive):
    for role in ("county", "village"):
        page = login(world, role).get(archive.branch.get_absolute_url()).content.decode()
        for name in ("branch_update", "branch_rename", "branch_dissolve"):
            assert reverse(f"branches:{name}", args=[archive.branch.pk]) not in page, (role, name)
        assert reverse("branches:post_create") not in page
        assert reverse("branches:term_create") not in page
        assert reverse("branches:reserve_create") not in page
    page = login(world, "office").get(archive.branch.get_absolute_url()).content.decode()
    assert reverse("branches:branch_rename", args=[archive.branch.pk]) in page
    assert reverse("branches:post_create") + f"?branch={archive.branch.pk}" in page


def test_archive_page_shows_the_change_log(world, party):
    client = login(world, "office")
    client.post(
        reverse("branches:branch_update", args=[party.branch.pk]),
        {
            "kind": BranchKind.VILLAGE,
            "parent": party.general.pk,
            "village": world.village.pk,
            "founded_on": "1998-07-01",
        },
    )
    response = client.get(party.branch.get_absolute_url())
    assert response.context["change_log"][0]["user"] == world.users["office"]
    assert "change-log" in response.content.decode()


def test_the_sidebar_links_to_party_organisations(world, party):
    page = login(world, "village").get(reverse("branches:branch_list")).content.decode()
    assert f'nav-link active" href="{reverse("branches:branch_list")}"' in page


def test_the_admin_lists_only_organisations_in_scope(world, party):
    user = world.users["township"]
    user.is_staff = True
    user.save()
    page = login(world, "township").get("/admin/branches/branch/").content.decode()
    assert "张庄村党支部" in page and "杨桥村党支部" not in page


def test_list_counts_a_general_branch_with_the_people_of_the_branches_under_it(world, party):
    client = Client()
    client.force_login(world.users["township"])
    rows = {row.pk: row for row in client.get("/branches/").context["table"].data}
    # 东关社区党总支 keeps nobody itself; 张庄村 and 李楼村 branches under it have one member each.
    assert rows[party.general.pk].member_count == 2
    assert rows[party.branch.pk].member_count == 1
