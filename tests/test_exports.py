"""Excel export everywhere: every list page exports its filtered, scoped rows through the one workbook
writer, the admin exports the selected rows, user text never becomes a formula, and rows stream."""

import datetime
import inspect
import io

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tables2 import RequestConfig

from assessments.models import Inspection, Rectification
from branches.models import Branch
from communities.models import Office, Township, Village
from duty_roster.models import CalendarEntry, DutyLogEntry, DutyPost, Leave
from establishment.models import (
    Campaign,
    EstablishmentRequest,
    GoodPractice,
    OpinionSession,
    SurveySnapshot,
)
from meetings.choices import MeetingKind
from meetings.models import Meeting
from members.models import Member
from members.tables import MemberExportTable
from records.tables import export_rows
from tests.conftest import make_member

DAY = datetime.date(2026, 3, 10)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def client_for(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def sheet_of(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith(XLSX)
    return openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]


def data_rows(sheet) -> list[tuple]:
    """The rows under the header row (row 3)."""
    return [row for row in sheet.iter_rows(min_row=4, values_only=True) if any(v is not None for v in row)]


@pytest.fixture
def everywhere(world, party):
    """A record of every listed kind in two offices of the township and in the other township."""
    offices = [world.office, world.other_office, world.far_office]
    branches = [party.branch, party.other_branch, party.far_branch]
    members = [party.member, party.other_member, party.far_member]
    for township in (world.township, world.other_township):
        Campaign.objects.create(township=township, year=2026, **Campaign.defaults_for(2026))
        CalendarEntry.objects.create(
            township=township, day=datetime.date(2027, 1, 1), name="元旦", working=False
        )
    posts = {}
    for office, branch, member in zip(offices, branches, members, strict=True):
        SurveySnapshot.objects.create(office=office, taken_on=DAY)
        OpinionSession.objects.create(office=office, kind="symposium", held_on=DAY, place="会议室")
        GoodPractice.objects.create(office=office, title="结对帮扶", content="-", recorded_on=DAY)
        EstablishmentRequest.objects.create(office=office, title=f"{office}的请示", justification="-")
        post = DutyPost.objects.create(office=office, name=f"{office}值班岗", place="服务中心", starts_on=DAY)
        posts[office.pk] = post
        Leave.objects.create(post=post, person=member, starts_on=DAY, ends_on=DAY, reason="病")
        DutyLogEntry.objects.create(post=post, on=DAY, visitor="孙大爷", purpose="咨询")
        Meeting.objects.create(branch=branch, kind=MeetingKind.GENERAL_MEETING, on=DAY, topic="学习")
        inspection = Inspection.objects.create(office=office, on=DAY, kind="inspection", inspectors="刘")
        Rectification.objects.create(inspection=inspection, content="整改", owner="王", deadline=DAY)
    return posts


# Every list page with ?export=xlsx whose rows are records of one model, and that model.
LIST_PAGES = [
    ("communities:office_list", Office),
    ("communities:village_list", Village),
    ("branches:branch_list", Branch),
    ("members:member_list", Member),
    ("establishment:request_list", EstablishmentRequest),
    ("establishment:campaign_list", Campaign),
    ("establishment:survey_list", SurveySnapshot),
    ("establishment:opinion_list", OpinionSession),
    ("establishment:practice_list", GoodPractice),
    ("duty_roster:post_list", DutyPost),
    ("duty_roster:calendar_list", CalendarEntry),
    ("meetings:meeting_list", Meeting),
    ("assessments:inspection_list", Inspection),
    ("assessments:rectification_list", Rectification),
]


@pytest.mark.parametrize(("url_name", "model"), LIST_PAGES, ids=[name for name, _m in LIST_PAGES])
def test_it_exports_only_the_office_secretarys_rows(world, everywhere, url_name, model):
    check_scoped_export(world, "office", url_name, model, unit="东关办事处")


def test_the_township_list_exports_only_the_staffs_township(world, everywhere):
    # An office secretary lists no townships; township staff list their own.
    check_scoped_export(world, "township", "communities:township_list", Township, unit="甲镇")


def check_scoped_export(world, role: str, url_name: str, model, unit: str) -> None:
    in_scope = model.objects.for_user(world.users[role]).count()
    assert 0 < in_scope < model.objects.count()  # the other office and township have rows too
    page = client_for(world, role).get(reverse(url_name))
    assert 'id="export-xlsx"' in page.content.decode() and "导出 Excel" in page.content.decode()
    sheet = sheet_of(client_for(world, role).get(reverse(url_name) + "?export=xlsx"))
    assert sheet["A1"].value  # the title row
    assert unit in str(sheet["A2"].value)  # the reporting unit: the user's own
    assert any(
        str(v).startswith("日期") for v in next(sheet.iter_rows(min_row=2, max_row=2, values_only=True)) if v
    )
    headers = next(sheet.iter_rows(min_row=3, max_row=3, values_only=True))
    assert headers[0] and all(isinstance(h, str) for h in headers if h is not None)
    assert len(data_rows(sheet)) == in_scope


@pytest.mark.parametrize("url_name", ["duty_roster:leave_list", "duty_roster:log_list"])
def test_a_posts_list_exports_that_posts_rows(world, everywhere, url_name):
    post = everywhere[world.office.pk]
    url = reverse(url_name, args=[post.pk])
    sheet = sheet_of(client_for(world, "office").get(url + "?export=xlsx"))
    assert len(data_rows(sheet)) == 1
    other = everywhere[world.other_office.pk]
    assert (
        client_for(world, "office").get(reverse(url_name, args=[other.pk]) + "?export=xlsx").status_code
        == 404
    )


def test_the_export_follows_the_filter_and_the_sort(world, party):
    for name in ("王二", "赵一"):
        make_member(party.branch, name)
    client = client_for(world, "office")
    sheet = sheet_of(client.get(reverse("members:member_list") + f"?branch={party.branch.pk}&export=xlsx"))
    names = [row[0] for row in data_rows(sheet)]
    assert sorted(names) == sorted(["张三", "王二", "赵一"])  # 李四 of the sibling branch is filtered out
    descending = data_rows(sheet_of(client.get(reverse("members:member_list") + "?sort=-name&export=xlsx")))
    ascending = data_rows(sheet_of(client.get(reverse("members:member_list") + "?sort=name&export=xlsx")))
    assert [r[0] for r in descending] == [r[0] for r in reversed(ascending)]


def test_the_member_export_keeps_id_and_phone_masked(world, party):
    Member.objects.filter(pk=party.member.pk).update(phone="13912345678")
    sheet = sheet_of(client_for(world, "office").get(reverse("members:member_list") + "?export=xlsx"))
    cells = [str(v) for row in data_rows(sheet) for v in row if v is not None]
    member = Member.objects.get(pk=party.member.pk)
    assert member.id_number not in cells and "13912345678" not in cells
    assert member.masked_id_number in cells and member.masked_phone in cells


# --- Formula injection ---------------------------------------------------------------------------------


@pytest.mark.parametrize("trigger", TRIGGERS, ids=["eq", "plus", "minus", "at", "tab", "cr"])
def test_user_text_never_becomes_a_formula(world, party, trigger):
    topic = f'{trigger}HYPERLINK("http://x","点我")'
    Meeting.objects.create(branch=party.branch, kind=MeetingKind.GENERAL_MEETING, on=DAY, topic=topic)
    response = client_for(world, "office").get(reverse("meetings:meeting_list") + "?export=xlsx")
    sheet = sheet_of(response)
    headers = next(sheet.iter_rows(min_row=3, max_row=3))
    column = next(cell.column for cell in headers if cell.value == "会议主题")
    (row,) = sheet.iter_rows(min_row=4, max_row=4)
    cell = row[column - 1]
    assert cell.data_type == "s"
    assert isinstance(cell.value, str) and cell.value.startswith("'")
    assert cell.value[1:].lstrip("\r\n\t").endswith('HYPERLINK("http://x","点我")')
    for line in sheet.iter_rows():
        assert all(c.data_type != "f" for c in line)


# --- The admin action -----------------------------------------------------------------------------------


def admin_export(client, members):
    return client.post(
        reverse("admin:members_member_changelist"),
        {"action": "export_xlsx", "_selected_action": [m.pk for m in members]},
    )


def test_the_admin_exports_the_selected_rows(world, party):
    response = admin_export(client_for(world, "township"), [party.member, party.other_member])
    sheet = sheet_of(response)
    rows = data_rows(sheet)
    assert sorted(row[0] for row in rows) == ["孙五", "张三"]
    cells = {str(v) for row in rows for v in row}
    assert party.member.id_number not in cells and party.member.masked_id_number in cells
    assert "男" in cells  # choices as their labels


def test_the_admin_export_ignores_rows_outside_the_scope(world, party):
    # Township staff of the other township post ids of this township's members: nothing comes out.
    response = admin_export(client_for(world, "other_township"), [party.member, party.other_member])
    assert data_rows(sheet_of(response)) == []
    both = admin_export(client_for(world, "other_township"), [party.member, party.far_member])
    assert [row[0] for row in data_rows(sheet_of(both))] == ["杨六"]
    # An office secretary has no admin at all.
    office = admin_export(client_for(world, "office"), [party.other_member, party.far_member])
    assert office.status_code == 302 and not office.get("Content-Type", "").startswith(XLSX)


def test_every_admin_list_offers_the_export(world, rf):
    from django.contrib import admin

    from records.admin import ScopedAdmin

    request = rf.get("/admin/")
    request.user = world.users["township"]
    for model, model_admin in admin.site._registry.items():
        # Not domain records: the audit log is read-only, lockouts and authenticator devices are axes' and
        # django-otp's own admin pages.
        if model._meta.app_label in (
            "auth",
            "sessions",
            "contenttypes",
            "admin",
            "audit",
            "axes",
            "otp_totp",
        ):
            continue
        assert isinstance(model_admin, ScopedAdmin), model
        assert "export_xlsx" in model_admin.get_actions(request), model


# --- Streaming --------------------------------------------------------------------------------------------


def test_export_rows_is_a_generator(world, party, rf):
    request = rf.get("/members/")
    request.user = world.users["township"]
    table = MemberExportTable(Member.objects.for_user(request.user), request=request)
    RequestConfig(request, paginate=False).configure(table)
    headers, rows = export_rows(table)
    assert inspect.isgenerator(rows)
    assert "姓名" in headers
    assert len(list(rows)) == 3


def test_the_member_export_runs_the_same_queries_for_20_and_200_members(
    world, party, django_assert_max_num_queries
):
    client = client_for(world, "township")
    url = reverse("members:member_list") + "?export=xlsx"
    for i in range(17):
        make_member(party.branch, f"甲{i}")
    with CaptureQueriesContext(connection) as twenty:
        assert len(data_rows(sheet_of(client.get(url)))) == 20
    for i in range(180):
        make_member(party.sibling_branch if i % 2 else party.other_branch, f"乙{i}")
    with django_assert_max_num_queries(len(twenty)):
        assert len(data_rows(sheet_of(client.get(url)))) == 200


def test_the_offices_ledger_months_export(world, party):
    from ledger.models import LedgerMonth

    for month in (1, 2):
        LedgerMonth.objects.create(office=world.office, month=datetime.date(2026, month, 1))
    LedgerMonth.objects.create(office=world.other_office, month=datetime.date(2026, 1, 1))
    url = reverse("ledger:month_list")
    page = client_for(world, "office").get(url)
    assert 'id="export-xlsx"' in page.content.decode()
    sheet = sheet_of(client_for(world, "office").get(url + "?export=xlsx"))
    assert "东关社区" in str(sheet["A2"].value)
    assert [row[0] for row in data_rows(sheet)] == ["2026-02", "2026-01"]
    assert (
        client_for(world, "office").get(url + f"?office={world.other_office.pk}&export=xlsx").status_code
        == 404
    )
    township = sheet_of(
        client_for(world, "township").get(url + f"?office={world.other_office.pk}&export=xlsx")
    )
    assert [row[0] for row in data_rows(township)] == ["2026-01"]


def test_the_year_on_year_table_exports_the_offices_years(world, party, monkeypatch):
    from tests.test_assessment_round_pages import published_round
    from tests.test_assessment_rounds import make_template

    now = datetime.datetime(2026, 7, 20, 2, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)
    round_ = published_round(world, make_template(world.township, 2026))
    url = reverse("assessments:round_compare") + f"?office={world.office.pk}"
    assert 'id="export-xlsx"' in client_for(world, "office").get(url).content.decode()
    sheet = sheet_of(client_for(world, "office").get(url + "&export=xlsx"))
    (row,) = data_rows(sheet)
    total = round_.sheets.get(office=world.office).total
    assert row[0] == 2026 and float(row[6]) == float(total) and row[9] == 1
    other = reverse("assessments:round_compare") + f"?office={world.other_office.pk}&export=xlsx"
    assert client_for(world, "office").get(other).status_code == 404
