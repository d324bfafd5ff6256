"""Member archive pages: access for every role, the list (search, filters, order, masked export), the
archive page and its actions (entries, contacts, transfers, status), completeness and its settings."""

import datetime
import io

import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members import services
from members.choices import EntryKind, Standing, Status, TransferKind
from members.idnumbers import compose
from members.models import ArchiveEntry, ContactLog, Member, RequiredArchiveKind, Transfer
from tests.access import check_access
from tests.conftest import make_member

ALL_IN = {
    "anonymous": 302,
    "township": 200,
    "other_township": 200,
    "office": 200,
    "other_office": 200,
    "village": 200,
    "other_village": 200,
    "county": 200,
}
# A member of world.village's branch: who may see him, and who may change him.
SEE_MEMBER = {
    "anonymous": 302,
    "township": 200,
    "other_township": 404,
    "office": 200,
    "other_office": 404,
    "village": 200,
    "other_village": 404,
    "county": 200,
}
CHANGE_MEMBER = {**SEE_MEMBER, "county": 403}
TOWNSHIP_STAFF_ONLY = {
    "anonymous": 302,
    "township": 200,
    "other_township": 200,
    "office": 403,
    "other_office": 403,
    "village": 403,
    "other_village": 403,
    "county": 403,
}


def login(world, role: str, language: str = "") -> Client:
    client = Client()
    client.force_login(world.users[role])
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def today() -> datetime.date:
    return timezone.localdate()


def listed_names(response) -> list[str]:
    return [row.record.name for row in response.context["table"].page.object_list]


@pytest.fixture
def mobile(party) -> Member:
    """A mobile member of world.village's branch, never contacted."""
    return make_member(party.branch, "流动甲", is_mobile=True)


# --- Access: every view, GET and POST ----------------------------------------------------------------


def test_member_list_access(world, party):
    check_access(world, reverse("members:member_list"), ALL_IN)


def test_member_list_shows_only_the_users_scope(world, party):
    assert listed_names(login(world, "village").get(reverse("members:member_list"))) == ["张三"]
    office = set(listed_names(login(world, "office").get(reverse("members:member_list"))))
    assert office == {"张三", "李四"}
    township = set(listed_names(login(world, "township").get(reverse("members:member_list"))))
    assert township == {"张三", "李四", "孙五"}
    county = set(listed_names(login(world, "county").get(reverse("members:member_list"))))
    assert county == {"张三", "李四", "孙五", "杨六"}


def test_member_detail_access(world, party):
    check_access(world, reverse("members:member_detail", args=[party.member.pk]), SEE_MEMBER)


def test_member_create_access(world, party):
    url = reverse("members:member_create")
    expected = {**ALL_IN, "county": 403}
    check_access(world, url, expected)
    check_access(world, url, expected, method="post")
    assert Member.objects.count() == 4


def test_member_update_access(world, party):
    url = reverse("members:member_update", args=[party.member.pk])
    check_access(world, url, CHANGE_MEMBER)
    check_access(world, url, CHANGE_MEMBER, method="post")


@pytest.mark.parametrize(
    "name", ["development_create", "transfer_create", "status_update", "contact_create", "entry_create"]
)
def test_member_actions_access(world, party, name):
    party.member.is_mobile = True  # the contact log is kept for mobile members
    party.member.save()
    url = reverse(f"members:{name}", args=[party.member.pk])
    expected = dict(CHANGE_MEMBER)
    if name in ("transfer_create", "status_update"):  # the general branch's business
        expected["village"] = 403
    check_access(world, url, expected)
    # An empty form: in scope it comes back with its errors; nothing is written by anyone.
    check_access(world, url, expected, method="post")
    assert not ArchiveEntry.objects.exists() and not ContactLog.objects.exists()
    assert not Transfer.objects.exists() and Member.objects.get(pk=party.member.pk).status == Status.ACTIVE


def test_entry_update_access(world, party):
    entry = services.add_archive_entry(party.member, None, kind=EntryKind.STUDY, on=today(), content="学习")
    url = reverse("members:entry_update", args=[entry.pk])
    check_access(world, url, CHANGE_MEMBER)
    check_access(world, url, CHANGE_MEMBER, method="post")
    assert ArchiveEntry.objects.get(pk=entry.pk).content == "学习"


def test_completeness_access(world, party):
    check_access(world, reverse("members:completeness"), ALL_IN)


def test_required_kinds_page_is_for_township_staff(world, party):
    url = reverse("members:required_kinds")
    check_access(world, url, TOWNSHIP_STAFF_ONLY)
    check_access(world, url, TOWNSHIP_STAFF_ONLY, method="post")
    assert not RequiredArchiveKind.objects.exists()


def test_secretaries_cannot_add_a_member_to_a_branch_outside_their_scope(world, party):
    response = login(world, "village").post(
        reverse("members:member_create"),
        {"branch": party.sibling_branch.pk, "name": "王七", "id_number": "11010519491231002X"},
    )
    assert response.status_code == 200
    assert "branch" in response.context["form"].errors
    assert not Member.objects.filter(name="王七").exists()


# --- The list: search, filters, order, masking, export -------------------------------------------------


def search(world, query: str, role: str = "township", **params) -> list[str]:
    response = login(world, role).get(reverse("members:member_list"), {"q": query, **params})
    assert response.status_code == 200
    return listed_names(response)


def test_it_finds_a_member_by_full_pinyin_initials_name_or_last_id_digits(world, party):
    make_member(party.branch, "张山峰")
    assert search(world, "zhangsan") == ["张三"]
    assert search(world, "zhang") == ["张三", "张山峰"]
    assert search(world, "shanfeng") == ["张山峰"]  # a part of the pinyin
    assert search(world, "ZS") == ["张三", "张山峰"]
    assert search(world, "zsf") == ["张山峰"]
    assert search(world, "张") == ["张三", "张山峰"]
    assert search(world, party.member.id_number[-6:]) == ["张三"]
    assert search(world, "李四") == ["李四"]


def test_it_searches_the_id_digits_with_a_lowercase_x(world, party):
    number = next(
        n
        for n in (compose("341321", datetime.date(1990, 3, 1), s, "female") for s in range(2, 200, 2))
        if n.endswith("X")
    )
    member = Member(branch=party.branch, name="赵八", id_number=number)
    member.full_clean()
    member.save()
    assert search(world, number[-4:].lower()) == ["赵八"]


def test_search_stays_in_scope(world, party):
    assert search(world, "yang") == []
    assert search(world, "sun", role="office") == []


def test_the_list_is_in_surname_stroke_order_by_default(world, party):
    for name in ["张一", "王二", "丁三"]:
        make_member(party.general, name)
    names = search(world, "", role="office", branch=party.general.pk)
    assert names == ["丁三", "王二", "张一"]  # 丁 has 2 strokes, 王 4, 张 7


def test_the_list_can_be_in_pinyin_order(world, party):
    for name in ["张一", "王二", "丁三"]:
        make_member(party.general, name)
    names = search(world, "", role="office", branch=party.general.pk, order="pinyin")
    assert names == ["丁三", "王二", "张一"]
    names = search(world, "", role="office", branch=party.general.pk, order="pinyin", sort="-name")
    assert names == ["张一", "王二", "丁三"]


def test_the_list_filters_by_category_age_band_standing_and_gender(world, party):
    make_member(party.branch, "老党员", birth=datetime.date(1950, 1, 1), is_veteran=True)
    make_member(party.branch, "年轻人", birth=datetime.date(2000, 1, 1), standing=Standing.ACTIVIST)
    assert search(world, "", role="village", category="is_veteran") == ["老党员"]
    assert search(world, "", role="village", age="35") == ["年轻人"]
    assert search(world, "", role="village", age="61") == ["老党员"]
    assert search(world, "", role="village", standing=Standing.ACTIVIST) == ["年轻人"]
    assert search(world, "", role="office", gender="female") == ["李四"]


def test_the_list_shows_active_members_unless_asked(world, party):
    services.change_status(party.member, Status.DECEASED, today())
    assert search(world, "", role="village") == []
    assert search(world, "", role="village", status=Status.DECEASED) == ["张三"]
    assert search(world, "", role="village", status="") == ["张三"]


def test_the_list_flags_mobile_members_not_contacted(world, party, mobile):
    contacted = make_member(party.branch, "流动乙", is_mobile=True)
    services.add_contact(contacted, on=today(), means="phone")
    response = login(world, "village").get(reverse("members:member_list"), {"contact_overdue": "true"})
    assert listed_names(response) == ["流动甲"]
    page = response.content.decode()
    assert page.count("contact-overdue") == 1
    assert search(world, "", role="village", contact_overdue="false") == ["张三", "流动乙"]


def test_the_list_shows_masked_ids_and_phones_only(world, party):
    Member.objects.filter(pk=party.member.pk).update(phone="13912345678")
    page = login(world, "village").get(reverse("members:member_list")).content.decode()
    assert party.member.id_number not in page
    assert party.member.masked_id_number in page
    assert "13912345678" not in page and "139****5678" in page


def test_the_export_has_chinese_headers_and_masked_ids(world, party):
    Member.objects.filter(pk=party.member.pk).update(phone="13912345678")
    response = login(world, "office").get(reverse("members:member_list"), {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    text = repr(values)
    assert party.member.id_number not in text and party.sibling_member.id_number not in text
    assert "13912345678" not in text
    headers = values[2]
    assert "公民身份号码" in headers or "resident ID number" in headers
    rows = {row[0]: row for row in values[3:]}
    assert set(rows) == {"张三", "李四"}
    assert party.member.masked_id_number in rows["张三"]
    assert "139****5678" in rows["张三"]


def test_the_export_follows_the_filters(world, party):
    response = login(world, "office").get(reverse("members:member_list"), {"export": "xlsx", "q": "ls"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=4, values_only=True)] == ["李四"]


def test_the_list_pages_by_25_or_as_asked(world, party):
    for number in range(30):
        make_member(party.branch, f"王{number}")
    client = login(world, "village")
    page = client.get(reverse("members:member_list")).context["table"].page
    assert (len(page.object_list), page.paginator.count) == (25, 31)
    page = client.get(reverse("members:member_list"), {"per_page": 10, "page": 4}).context["table"].page
    assert len(page.object_list) == 1


@pytest.mark.parametrize("query", ["per_page=5", "per_page=abc", "page=99", "age=nonsense", "order=x"])
def test_the_list_survives_odd_parameters(world, party, query):
    assert login(world, "township").get(f"{reverse('members:member_list')}?{query}").status_code == 200


# --- Create and edit -----------------------------------------------------------------------------------


def member_data(branch, **fields) -> dict:
    data = {
        "branch": branch.pk,
        "name": "王七",
        "id_number": "11010519491231002X",
        "ethnicity": "汉族",
        "standing": Standing.FULL,
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_a_village_secretary_adds_a_member_of_his_branch(world, party):
    response = login(world, "village").post(reverse("members:member_create"), member_data(party.branch))
    member = Member.objects.get(name="王七")
    assert response.status_code == 302 and response["Location"] == member.get_absolute_url()
    assert member.township == world.township
    assert member.village == world.village  # from the village branch
    assert member.gender == "female" and member.birth_date == datetime.date(1949, 12, 31)
    assert member.name_pinyin == "wangqi" and member.name_initials == "wq"


def test_the_edit_form_shows_the_full_id_only_with_the_permission_and_other_pages_mask_it(world, party):
    from django.contrib.auth.models import Permission

    client = login(world, "village")
    edit = client.get(reverse("members:member_update", args=[party.member.pk])).content.decode()
    assert party.member.id_number not in edit and party.member.masked_id_number in edit
    world.users["village"].user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    edit = client.get(reverse("members:member_update", args=[party.member.pk])).content.decode()
    assert party.member.id_number in edit
    detail = client.get(party.member.get_absolute_url()).content.decode()
    assert party.member.id_number not in detail
    assert party.member.masked_id_number in detail


def test_editing_keeps_the_branch_and_standing(world, party):
    url = reverse("members:member_update", args=[party.member.pk])
    data = member_data(
        party.sibling_branch,
        name="张三",
        id_number=party.member.id_number,
        standing=Standing.NONE,
        phone="13800000000",
    )
    response = login(world, "office").post(url, data)
    assert response.status_code == 302
    member = Member.objects.get(pk=party.member.pk)
    assert member.branch == party.branch and member.standing == Standing.FULL
    assert member.phone == "13800000000"


# --- The archive page and its actions --------------------------------------------------------------------


def test_the_archive_page_shows_every_part(world, party, mobile):
    services.add_archive_entry(mobile, None, kind=EntryKind.STUDY, on=today(), content="学习党章")
    services.transfer_within(mobile, party.sibling_branch, today())
    response = login(world, "office").get(mobile.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "学习党章" in page
    assert 'id="contact-warning"' in page
    assert 'id="entry-form"' in page
    assert [g["kind"] for g in response.context["entry_groups"]] == list(EntryKind.values)
    assert response.context["gaps"]  # phone, address, … and this year's meeting entries
    assert [t.to_branch for t in response.context["transfers"]] == [party.sibling_branch]
    assert mobile.masked_id_number in page and mobile.id_number not in page


def test_the_archive_page_offers_no_actions_to_readers(world, party):
    page = login(world, "county").get(party.member.get_absolute_url()).content.decode()
    assert 'id="entry-form"' not in page
    assert reverse("members:member_update", args=[party.member.pk]) not in page
    assert reverse("members:status_update", args=[party.member.pk]) not in page


def test_a_village_secretary_adds_an_archive_entry(world, party):
    url = reverse("members:entry_create", args=[party.member.pk])
    day = today() - datetime.timedelta(days=3)
    response = login(world, "village").post(
        url, {"kind": EntryKind.MEETING, "on": day.isoformat(), "content": "参加支部党员大会"}
    )
    assert response.status_code == 302
    assert response["Location"] == party.member.get_absolute_url() + "#archive"
    entry = ArchiveEntry.objects.get()
    assert (entry.member, entry.kind, entry.on) == (party.member, EntryKind.MEETING, day)
    assert entry.recorded_by == world.users["village"]


def test_it_rejects_an_archive_entry_dated_in_the_future(world, party):
    url = reverse("members:entry_create", args=[party.member.pk])
    tomorrow = today() + datetime.timedelta(days=1)
    response = login(world, "village", "en").post(
        url, {"kind": EntryKind.MEETING, "on": tomorrow.isoformat(), "content": "x"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["on"] == ["The date is in the future."]
    assert not ArchiveEntry.objects.exists()


def test_an_archive_entry_can_be_corrected(world, party):
    entry = services.add_archive_entry(party.member, None, kind=EntryKind.STUDY, on=today(), content="学习")
    url = reverse("members:entry_update", args=[entry.pk])
    response = login(world, "village").post(
        url, {"kind": EntryKind.IDEOLOGY, "on": today().isoformat(), "content": "思想稳定"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.kind, entry.content, entry.member) == (EntryKind.IDEOLOGY, "思想稳定", party.member)


def test_recording_a_contact_clears_the_overdue_flag(world, party, mobile):
    assert mobile.is_contact_overdue()
    url = reverse("members:contact_create", args=[mobile.pk])
    response = login(world, "village").post(
        url, {"on": today().isoformat(), "means": "wechat", "whereabouts": "杭州", "content": "在厂里务工"}
    )
    assert response.status_code == 302
    mobile.refresh_from_db()
    assert mobile.last_contact_on == today() and not mobile.is_contact_overdue()
    assert ContactLog.objects.get().whereabouts == "杭州"
    page = login(world, "village").get(mobile.get_absolute_url()).content.decode()
    assert 'id="contact-warning"' not in page and "杭州" in page


def test_a_transfer_within_the_office_keeps_the_history(world, party):
    url = reverse("members:transfer_create", args=[party.member.pk])
    response = login(world, "office").post(
        url,
        {"kind": TransferKind.WITHIN, "on": today().isoformat(), "to_branch": party.sibling_branch.pk},
    )
    assert response.status_code == 302 and response["Location"] == party.member.get_absolute_url()
    member = Member.objects.get(pk=party.member.pk)
    assert member.branch == party.sibling_branch and member.village == world.village
    transfer = Transfer.objects.get()
    assert (transfer.from_branch, transfer.to_branch) == (party.branch, party.sibling_branch)
    page = login(world, "office").get(member.get_absolute_url()).content.decode()
    assert page.count('class="list-group-item transfer"') == 1


def test_a_transfer_to_another_offices_branch_leaves_the_scope(world, party):
    url = reverse("members:transfer_create", args=[party.member.pk])
    form = login(world, "office").get(url).context["form"]
    assert party.other_branch in form.fields["to_branch"].queryset  # the whole township's organisations
    assert party.far_branch not in form.fields["to_branch"].queryset
    response = login(world, "office").post(
        url, {"kind": TransferKind.WITHIN, "on": today().isoformat(), "to_branch": party.other_branch.pk}
    )
    assert response.status_code == 302 and response["Location"] == reverse("members:member_list")
    member = Member.objects.get(pk=party.member.pk)
    assert member.branch == party.other_branch
    assert member.village == world.other_village  # the new branch's village
    assert login(world, "office").get(member.get_absolute_url()).status_code == 404
    response = login(world, "other_office").get(member.get_absolute_url())
    assert [t.from_branch for t in response.context["transfers"]] == [party.branch]


def test_a_transfer_out_keeps_the_record_and_a_transfer_in_reactivates_it(world, party):
    url = reverse("members:transfer_create", args=[party.member.pk])
    client = login(world, "office")
    response = client.post(
        url,
        {
            "kind": TransferKind.OUT,
            "on": today().isoformat(),
            "external_organisation": "杭州市某街道党工委",
            "letter_number": "介字第12号",
        },
    )
    assert response.status_code == 302
    member = Member.objects.get(pk=party.member.pk)
    assert member.status == Status.TRANSFERRED_OUT and member.status_changed_on == today()
    assert client.get(reverse("members:transfer_create", args=[member.pk])).context["form"].fields[
        "kind"
    ].choices == [(TransferKind.IN, TransferKind.IN.label)]
    response = client.post(
        url,
        {"kind": TransferKind.IN, "on": today().isoformat(), "external_organisation": "杭州市某街道党工委"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == Status.ACTIVE
    assert list(member.transfers.values_list("kind", flat=True)) == [TransferKind.OUT, TransferKind.IN]
    page = client.get(member.get_absolute_url()).content.decode()
    assert page.count('class="list-group-item transfer"') == 2 and "介字第12号" in page


def test_a_transfer_out_needs_the_organisation(world, party):
    url = reverse("members:transfer_create", args=[party.member.pk])
    response = login(world, "office", "en").post(url, {"kind": TransferKind.OUT, "on": today().isoformat()})
    assert response.status_code == 200
    assert response.context["form"].errors["external_organisation"] == [
        "Say which organisation he is transferred to."
    ]
    assert Member.objects.get(pk=party.member.pk).status == Status.ACTIVE


def test_a_status_change_is_confirmed_then_done(world, party):
    url = reverse("members:status_update", args=[party.member.pk])
    client = login(world, "office")
    confirm = client.get(url, {"status": Status.DECEASED})
    assert confirm.status_code == 200 and 'id="status-confirm"' in confirm.content.decode()
    assert confirm.context["form"].initial["status"] == Status.DECEASED
    assert Member.objects.get(pk=party.member.pk).status == Status.ACTIVE
    day = today() - datetime.timedelta(days=1)
    response = client.post(url, {"status": Status.DECEASED, "on": day.isoformat(), "note": "病故"})
    assert response.status_code == 302
    member = Member.objects.get(pk=party.member.pk)
    assert (member.status, member.status_changed_on, member.status_note) == (Status.DECEASED, day, "病故")
    history = client.get(member.get_absolute_url()).context["status_history"]
    assert [row["on"] for row in history][:1] == [day]


def test_back_to_active_is_refused_when_the_id_is_in_use_again(world, party):
    services.change_status(party.member, Status.LEFT_PARTY, today())
    twin = Member(branch=party.sibling_branch, name="张三", id_number=party.member.id_number)
    twin.full_clean()
    twin.save()
    url = reverse("members:status_update", args=[party.member.pk])
    response = login(world, "office", "en").post(url, {"status": Status.ACTIVE, "on": today().isoformat()})
    assert response.status_code == 200
    assert "already on record" in str(response.context["form"].non_field_errors())
    assert Member.objects.get(pk=party.member.pk).status == Status.LEFT_PARTY


# --- Completeness ----------------------------------------------------------------------------------------


def complete_the_archive(member: Member, kinds) -> None:
    Member.objects.filter(pk=member.pk).update(
        phone="13800000000",
        address="张庄村1号",
        education="senior",
        occupation="农民",
        admitted_on=datetime.date(2005, 7, 1),
    )
    for kind in kinds:
        services.add_archive_entry(member, None, kind=kind, on=today(), content="记录")


def test_completeness_rolls_up_per_office_and_branch(world, party):
    complete_the_archive(party.member, [EntryKind.MEETING, EntryKind.STUDY, EntryKind.ATTENDANCE])
    response = login(world, "office").get(reverse("members:completeness"))
    offices = response.context["offices"]
    assert [o["row"].unit for o in offices] == [world.office]
    assert offices[0]["community"] == world.community
    rows = {r.unit: r for r in offices[0]["branches"]}
    assert (rows[party.branch].total, rows[party.branch].complete) == (1, 1)
    assert rows[party.sibling_branch].percent == 0
    assert [p.name for p, _gaps in rows[party.sibling_branch].incomplete] == ["李四"]
    assert response.context["percent"] == 50
    assert "李四" in response.content.decode()


def test_completeness_follows_the_required_kinds_and_the_year(world, party):
    complete_the_archive(party.member, [EntryKind.AWARD])
    client = login(world, "township")
    response = client.post(reverse("members:required_kinds"), {"kinds": [EntryKind.AWARD]})
    assert response.status_code == 302
    assert list(RequiredArchiveKind.objects.values_list("township", "kind")) == [
        (world.township.pk, EntryKind.AWARD)
    ]
    rows = client.get(reverse("members:completeness"), {"branch": party.branch.pk}).context["offices"]
    assert rows[0]["branches"][0].complete == 1
    last_year = client.get(reverse("members:completeness"), {"year": today().year - 1}).context
    assert last_year["complete"] == 0


def test_the_required_kinds_need_at_least_one(world, party):
    response = login(world, "township", "en").post(reverse("members:required_kinds"), {})
    assert response.status_code == 200
    assert response.context["form"].errors["kinds"] == ["Tick at least one kind."]


def test_completeness_exports_to_excel(world, party):
    response = login(world, "township").get(reverse("members:completeness"), {"export": "xlsx"})
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 2
    summary = list(workbook.worksheets[0].iter_rows(min_row=4, values_only=True))
    assert {row[2] for row in summary} == {"张庄村党支部", "李楼村党支部", "孙庄村党支部"}
    gaps = list(workbook.worksheets[1].iter_rows(min_row=4, values_only=True))
    assert {row[2] for row in gaps} == {"张三", "李四", "孙五"}


# --- Home page, sidebar, admin -----------------------------------------------------------------------


def test_home_counts_members_and_overdue_mobile_members_in_scope(world, party, mobile):
    page = login(world, "village").get("/").content.decode()
    assert 'data-count="members">2<' in page
    assert 'data-count="mobile_overdue">1<' in page
    page = login(world, "other_office").get("/").content.decode()
    assert 'data-count="members">1<' in page and 'data-count="mobile_overdue">0<' in page


def test_the_sidebar_links_to_the_member_archives(world, party):
    nav = login(world, "village").get(reverse("members:member_list")).context["nav"]
    item = next(i for i in nav["items"] if i["url"] == reverse("members:member_list"))
    assert item["active"]


def test_the_admin_lists_members_in_scope_and_deletes_nothing(world, party):
    client = login(world, "township")
    page = client.get("/admin/members/member/").content.decode()
    assert "张三" in page and "杨六" not in page
    assert client.get(f"/admin/members/member/{party.member.pk}/change/").status_code == 200
    assert client.get(f"/admin/members/member/{party.member.pk}/delete/").status_code == 403
    assert client.get("/admin/members/archiveentry/add/").status_code == 200
    assert client.get(f"/admin/members/member/{party.far_member.pk}/change/").status_code == 302


def test_the_order_dropdown_always_names_an_order(world, party):
    from django.test import Client

    client = Client()
    client.force_login(world.users["township"])
    form = client.get("/members/").context["filter"].form
    assert [value for value, _label in form.fields["order"].choices] == ["stroke", "pinyin"]
    assert "" not in [value for value, _label in form.fields["status"].choices][1:]


def test_the_transfer_form_offers_transfer_in_only_to_a_record_without_transfers(world, party):
    from members.forms import TransferForm
    from members.services import transfer_within

    assert [k for k, _l in TransferForm(member=party.member).fields["kind"].choices] == [
        "within",
        "out",
        "in",
    ]
    transfer_within(party.member, party.sibling_branch, party.member.birth_date.replace(year=2024))
    party.member.refresh_from_db()
    assert [k for k, _l in TransferForm(member=party.member).fields["kind"].choices] == ["within", "out"]


def test_it_keeps_no_contact_log_for_a_member_who_is_not_mobile(world, party):
    url = reverse("members:contact_create", args=[party.member.pk])
    response = login(world, "village").post(url, {"on": today().isoformat(), "means": "phone"})
    assert response.status_code == 404
    assert not ContactLog.objects.exists()


def test_the_id_search_takes_the_last_digits_or_a_whole_number_only_with_the_permission(world, party):
    number = party.member.id_number
    for role, query, found in [
        ("township", number[-4:], True),
        ("township", number, False),  # a whole number only with the personal-data permission
        ("county", number[-6:], True),
        ("county", number, False),  # a read-only user cannot confirm guesses at the masked digits
        ("county", number[-10:], False),
    ]:
        page = login(world, role).get("/members/", {"q": query})
        assert (party.member in page.context["table"].data.data) is found, (role, query)


def test_the_duplicate_message_does_not_name_a_person_outside_the_scope(world, party):
    response = login(world, "office").post(
        "/members/add/",
        {
            "branch": party.branch.pk,
            "name": "重复",
            "id_number": party.other_member.id_number,
            "ethnicity": "汉族",
        },
    )
    assert response.status_code == 200
    assert "孙五" not in response.content.decode()


def test_a_transferred_out_member_comes_back_only_by_a_transfer_in(world, party):
    from members.services import change_status, transfer_out

    transfer_out(party.member, today(), "外县某村党支部")
    party.member.refresh_from_db()
    with pytest.raises(ValidationError):
        change_status(party.member, Status.ACTIVE, today())
    url = reverse("members:status_update", args=[party.member.pk])
    form = login(world, "office").get(url).context["form"]
    assert Status.ACTIVE not in [value for value, _label in form.fields["status"].choices]


def test_a_village_secretary_sees_no_transfer_or_status_actions(world, party):
    page = login(world, "village").get(party.member.get_absolute_url()).content.decode()
    assert 'id="action-transfer"' not in page and 'id="action-status"' not in page
    page = login(world, "office").get(party.member.get_absolute_url()).content.decode()
    assert 'id="action-transfer"' in page and 'id="action-status"' in page
