"""The county workbook (县委组织部报表): its sheets as openpyxl reads them, its figures against the list
pages, its scope, the command, the page and the background job that builds it."""

import datetime
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from branches.choices import BranchKind, OtherBranchKind, PostKind
from branches.models import Branch, Post
from communities.models import Township
from establishment.models import EstablishmentRequest
from jobs.models import Job
from ledger import services as ledger_services
from ledger.choices import ItemSource, ItemStatus
from members.choices import AGE_BANDS, Standing
from reports.county import county_workbook, report_townships
from tests.access import check_access
from tests.conftest import make_member

SHEETS = [
    "组织设置情况",
    "党员基本情况统计",
    "班子成员名册",
    "书面请示登记",
    "值班签到统计",
    "月清月结情况",
    "考核结果",
]
TODAY = timezone.localdate()
YEAR = TODAY.year


def years_ago(years: int) -> datetime.date:
    return datetime.date(TODAY.year - years, 1, 15)


@pytest.fixture
def data(world, party):
    """A few people of every kind, leadership posts, a volunteer-team branch, requests and a ledger month."""
    general, branch, sibling = party.general, party.branch, party.sibling_branch
    volunteer = Branch.objects.create(
        office=world.office,
        community=world.community,
        parent=general,
        kind=BranchKind.VOLUNTEER_TEAM,
        name="东关社区志愿者队伍党支部",
    )
    Branch.objects.create(
        office=world.office,
        community=world.community,
        parent=general,
        kind=BranchKind.OTHER,
        other_kind=OtherBranchKind.MOBILE,
        name="东关社区流动党员党支部",
    )
    make_member(branch, "王芳", gender="female", birth=years_ago(30), standing=Standing.PROBATIONARY)
    make_member(branch, "赵强", birth=years_ago(50), is_mobile=True, education="bachelor")
    make_member(branch, "钱进", birth=years_ago(25), standing=Standing.APPLICANT)
    make_member(sibling, "周敏", gender="female", birth=years_ago(70), ethnicity="回族")
    make_member(volunteer, "吴刚", birth=years_ago(40), is_returned_graduate=True)
    make_member(party.other_branch, "郑丽", gender="female", birth=years_ago(58), lives_elsewhere=True)
    day = datetime.date(YEAR, 1, 10)
    Post.objects.create(
        branch=general,
        kind=PostKind.SECRETARY,
        person=party.member,
        started_on=day,
        decision_number="甲党发1号",
    )
    Post.objects.create(
        branch=general, kind=PostKind.COMMITTEE_MEMBER, person=party.sibling_member, started_on=day
    )
    Post.objects.create(branch=branch, kind=PostKind.SECRETARY, person=party.member, started_on=day)
    EstablishmentRequest.objects.create(
        office=world.office, title='=HYPERLINK("x")请示', justification="因为"
    )
    EstablishmentRequest.objects.create(office=world.other_office, title="西营请示", justification="因为")
    ledger = ledger_services.ledger_for(world.office, TODAY.replace(day=1))
    for status in (ItemStatus.DONE, ItemStatus.DONE, ItemStatus.OPEN):
        result = "已办" if status == ItemStatus.DONE else ""
        ledger_services.add_item(
            ledger, source=ItemSource.OTHER, content="事项", owner="张三", status=status, result=result
        )
    return party


def workbook(user, townships=None, year=YEAR) -> openpyxl.Workbook:
    townships = townships if townships is not None else list(report_townships(user))
    return openpyxl.load_workbook(io.BytesIO(county_workbook(user, townships, year)))


def body(sheet) -> list[list]:
    """The data rows: after the three heading rows, before the totals (合计) and notes."""
    rows = []
    for row in sheet.iter_rows(min_row=4, values_only=True):
        first = str(row[0] or "")
        if first == "合计" or first.startswith("说明"):
            break
        rows.append(list(row))
    return rows


def totals_row(sheet) -> list:
    for row in sheet.iter_rows(min_row=4, values_only=True):
        if row[0] == "合计":
            return list(row)
    raise AssertionError(f"{sheet.title} has no totals row")


def headers(sheet) -> list[str]:
    return [cell.value for cell in sheet[3]]


def by_header(sheet, row: list, header: str):
    return row[headers(sheet).index(header)]


def test_it_has_the_seven_sheets_with_title_headers_and_print_setup(data, world):
    book = workbook(world.users["township"])
    assert book.sheetnames == SHEETS
    for sheet in book.worksheets:
        assert sheet["A1"].value == f"甲镇{YEAR}年{sheet.title}"
        assert any(str(r).startswith("A1:") for r in sheet.merged_cells.ranges)
        assert "甲镇" in sheet["A2"].value and str(YEAR) in sheet["A2"].value
        assert all(headers(sheet)), sheet.title
        assert sheet.freeze_panes == "A4"
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == 9  # A4
        assert sheet.print_title_rows == "$1:$3"
    assert headers(book["党员基本情况统计"])[:3] == ["社区 / 办事处", "党员", "女党员"]
    assert headers(book["书面请示登记"])[:2] == ["办事处", "标题"]


def test_numbers_are_numbers_and_dates_are_dates(data, world):
    book = workbook(world.users["township"])
    members = book["党员基本情况统计"]
    for cell in members[4][1:]:
        assert cell.data_type == "n", cell.coordinate
    roster = book["班子成员名册"]
    column = headers(roster).index("出生日期") + 1
    assert roster.cell(row=4, column=column).is_date
    requests = book["书面请示登记"]
    assert requests.cell(row=4, column=headers(requests).index("起草日期") + 1).is_date


def test_totals_are_the_sums_of_the_rows(data, world):
    book = workbook(world.users["township"])
    for name, first in [("组织设置情况", 7), ("党员基本情况统计", 1), ("月清月结情况", 2)]:
        sheet = book[name]
        rows, totals = body(sheet), totals_row(sheet)
        assert rows, name
        for column in range(first, len(totals)):
            numbers = [row[column] for row in rows if isinstance(row[column], int | float)]
            if headers(sheet)[column].endswith("（%）"):
                continue  # a rate of the whole, not a sum
            assert totals[column] == (sum(numbers) if numbers else None), (name, headers(sheet)[column])


def test_user_text_is_escaped_against_formulas(data, world):
    sheet = workbook(world.users["township"])["书面请示登记"]
    titles = [row[1] for row in body(sheet)]
    assert '\'=HYPERLINK("x")请示' in titles
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def list_count(client: Client, name: str, **params) -> int:
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response.context["filter"].qs.count()


def test_member_figures_agree_with_the_member_list(data, world):
    user = world.users["township"]
    client = Client()
    client.force_login(user)
    sheet = workbook(user)["党员基本情况统计"]
    rows = {row[0]: row for row in body(sheet)}
    assert set(rows) == {"东关社区", "西营办事处"}
    for office in (world.office, world.other_office):
        row = rows["东关社区" if office == world.office else "西营办事处"]

        def party(office=office, **params) -> int:
            return sum(
                list_count(client, "members:member_list", office=office.pk, standing=standing, **params)
                for standing in (Standing.FULL, Standing.PROBATIONARY)
            )

        assert by_header(sheet, row, "党员") == party()
        assert by_header(sheet, row, "女党员") == party(gender="female")
        for key, label, _low, _high in AGE_BANDS:
            assert by_header(sheet, row, str(label)) == party(age=key), label
        assert by_header(sheet, row, "本科") == party(education="bachelor")
        assert by_header(sheet, row, "流动党员") == party(category="is_mobile")
        assert by_header(sheet, row, "大学生回村党员") == party(category="is_returned_graduate")
        assert by_header(sheet, row, "在外居住党员") == party(category="lives_elsewhere")
        assert by_header(sheet, row, "预备党员") == list_count(
            client, "members:member_list", office=office.pk, standing=Standing.PROBATIONARY
        )
        assert by_header(sheet, row, "入党申请人") == list_count(
            client, "members:member_list", office=office.pk, standing=Standing.APPLICANT
        )
    # The fixture's figures, so that an empty workbook cannot agree by accident.
    assert by_header(sheet, rows["东关社区"], "党员") == 6
    assert by_header(sheet, rows["东关社区"], "女党员") == 3
    assert by_header(sheet, rows["东关社区"], "少数民族") == 1
    assert by_header(sheet, rows["西营办事处"], "在外居住党员") == 1


def test_organisation_sheet_lists_the_community_general_branch(data, world):
    sheet = workbook(world.users["township"])["组织设置情况"]
    (row,) = body(sheet)
    assert row[:2] == ["东关办事处", "东关社区党总支"]
    assert by_header(sheet, row, "书记") == "张三"
    assert by_header(sheet, row, "委员") == "李四"
    assert by_header(sheet, row, "文号") == "甲党发1号"
    assert by_header(sheet, row, "村党支部（个）") == 2
    assert by_header(sheet, row, "村党支部党员（人）") == 5  # 张三 李四 王芳 赵强 周敏 (钱进 applies)
    assert by_header(sheet, row, "志愿者队伍党支部（个）") == 1
    assert by_header(sheet, row, "志愿者队伍党支部党员（人）") == 1
    assert by_header(sheet, row, "其他形式党支部（个）") == 1


def test_leadership_is_ordered_by_organisation_then_post(data, world):
    sheet = workbook(world.users["township"])["班子成员名册"]
    rows = [(row[1], row[2], row[3]) for row in body(sheet)]
    assert rows == [
        ("东关社区党总支", "书记", "张三"),
        ("东关社区党总支", "委员", "李四"),
        ("张庄村党支部", "书记", "张三"),
    ]


def test_requests_agree_with_the_request_list(data, world):
    user = world.users["township"]
    client = Client()
    client.force_login(user)
    sheet = workbook(user)["书面请示登记"]
    assert len(body(sheet)) == list_count(client, "establishment:request_list") == 2
    own = [row for row in body(sheet) if row[0] == "东关办事处"]
    assert len(own) == list_count(client, "establishment:request_list", office=world.office.pk)


def test_ledger_agrees_with_the_ledger_page(data, world):
    user = world.users["township"]
    client = Client()
    client.force_login(user)
    response = client.get(reverse("ledger:month_list"), {"year": YEAR})
    cells = {
        (row.unit, f"{cell.month:%Y-%m}"): cell
        for row in response.context["rows"]
        for cell in row.cells
        if cell.ledger
    }
    sheet = workbook(user)["月清月结情况"]
    rows = body(sheet)
    assert len(rows) == len(cells) == 1
    for row in rows:
        cell = cells[(row[0], row[1])]
        assert by_header(sheet, row, "收件") == cell.summary.received == 3
        assert by_header(sheet, row, "已完成") == cell.summary.done == 2
        assert by_header(sheet, row, "结转") == cell.summary.carried
        assert by_header(sheet, row, "清结率（%）") == cell.rate_percent == 66.7


def test_an_office_secretary_gets_only_his_office(data, world):
    book = workbook(world.users["office"])
    assert "东关办事处" in book["组织设置情况"]["A2"].value
    assert [row[0] for row in body(book["党员基本情况统计"])] == ["东关社区"]
    assert {row[0] for row in body(book["书面请示登记"])} == {"东关办事处"}
    assert not any(
        "西营" in str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    )


def test_a_county_viewer_gets_every_township_with_a_township_column(data, world):
    book = workbook(world.users["county"])
    sheet = book["党员基本情况统计"]
    assert headers(sheet)[:2] == ["乡镇", "社区 / 办事处"]
    assert {row[0] for row in body(sheet)} == {"甲镇", "乙镇"}
    assert "甲镇" in sheet["A2"].value and "乙镇" in sheet["A2"].value


def test_the_command_writes_the_workbook_and_refuses_an_unknown_township(data, world, tmp_path):
    target = tmp_path / "report.xlsx"
    call_command("county_report", "--township", "甲镇", "--year", str(YEAR), "-o", str(target), verbosity=0)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == SHEETS
    # No user: everything of the township, the other office's figures too.
    assert {row[0] for row in body(book["党员基本情况统计"])} == {"东关社区", "西营办事处"}
    everywhere = tmp_path / "all.xlsx"
    call_command("county_report", "-o", str(everywhere), verbosity=0)
    assert {row[0] for row in body(openpyxl.load_workbook(everywhere)["党员基本情况统计"])} == {
        "甲镇",
        "乙镇",
    }
    with pytest.raises(CommandError, match="没有名为“丙镇”的乡镇"):
        call_command("county_report", "--township", "丙镇", "-o", str(tmp_path / "x.xlsx"))


def test_page_access(world):
    url = reverse("reports:index")
    everyone = {"anonymous": 302, "township": 200, "other_township": 200, "office": 200}
    everyone |= {"other_office": 200, "village": 403, "other_village": 403, "county": 200}
    check_access(world, url, everyone)
    data = {"township": world.township.pk, "year": YEAR}
    # Township staff of another township cannot choose this one: the form comes back (200).
    posted = {"anonymous": 302, "township": 302, "other_township": 200, "office": 302}
    posted |= {"other_office": 302, "village": 403, "other_village": 403, "county": 302}
    check_access(world, url, posted, method="post", data=data)


def test_township_choices_follow_scope(world):
    client = Client()
    client.force_login(world.users["county"])
    choices = dict(client.get(reverse("reports:index")).context["form"].fields["township"].choices)
    first, *others = choices.values()
    assert first == "全部乡镇" and set(others) == {"甲镇", "乙镇"}
    client.force_login(world.users["office"])
    choices = dict(client.get(reverse("reports:index")).context["form"].fields["township"].choices)
    assert list(choices.values()) == ["甲镇"]


def test_sidebar_links_the_page_except_for_village_secretaries(world):
    client = Client()
    client.force_login(world.users["township"])
    assert f'href="{reverse("reports:index")}"' in client.get("/").content.decode()
    client.force_login(world.users["village"])
    assert f'href="{reverse("reports:index")}"' not in client.get("/").content.decode()


def test_page_to_job_to_download(data, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = Client()
    client.force_login(world.users["county"])
    response = client.post(reverse("reports:index"), {"township": "all", "year": YEAR})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.owner == world.users["county"] and job.params["year"] == YEAR
    assert len(job.params["townships"]) == 2
    call_command("run_jobs", "--once")
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.error
    assert job.result_name == f"全部乡镇{YEAR}年党建工作报表.xlsx"
    download = client.get(reverse("jobs:job_download", args=[job.pk]))
    assert download.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book.sheetnames == SHEETS
    assert {row[0] for row in body(book["党员基本情况统计"])} == {"甲镇", "乙镇"}
    # The page lists the job with its download link; nobody else downloads it.
    page = client.get(reverse("reports:index")).content.decode()
    assert job.title in page and reverse("jobs:job_download", args=[job.pk]) in page
    other = Client()
    other.force_login(world.users["township"])
    assert other.get(reverse("jobs:job_download", args=[job.pk])).status_code == 404


def test_the_job_rechecks_scope_when_it_runs(world, settings, tmp_path):
    from jobs.services import enqueue

    settings.MEDIA_ROOT = tmp_path
    far = Township.objects.get(name="乙镇")
    job = enqueue(
        world.users["township"], "reports.county_workbook", "x", {"townships": [far.pk], "year": YEAR}
    )
    call_command("run_jobs", "--once")
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "权限" in job.error


def test_duty_figures_agree_with_the_monthly_statistics_page(world, duty_post):
    from duty_roster.choices import DayKind
    from duty_roster.models import DutyDay, SignIn
    from duty_roster.services import generate_month

    generate_month(duty_post, 2026, 10, today=datetime.date(2026, 1, 1))
    rotation = DutyDay.objects.filter(post=duty_post, day__month=10, kind=DayKind.ROTATION).order_by("day")
    for row, time in zip(
        rotation[:3], (datetime.time(8, 0), datetime.time(9, 15), datetime.time(8, 20)), strict=True
    ):
        at = timezone.make_aware(datetime.datetime.combine(row.day, time))
        SignIn.objects.create(post=duty_post, person=row.person, day=row.day, at=at)
    user = world.users["township"]
    client = Client()
    client.force_login(user)
    page = client.get(reverse("duty_roster:stats_month", args=[duty_post.pk]), {"month": "2026-10"}).context
    sheet = workbook(user, year=2026)["值班签到统计"]
    (row,) = [row for row in body(sheet) if row[1] == "2026-10"]
    assert row[0] == "东关社区书记值班岗"
    rates, members = page["rates"], page["members"]
    assert by_header(sheet, row, "应签到人次") == rates.expected
    assert by_header(sheet, row, "按时") == sum(m.on_time for m in members) == 2
    assert by_header(sheet, row, "迟到") == sum(m.late for m in members) == 1
    assert by_header(sheet, row, "缺勤（轮流值班）") == sum(m.absent for m in members)
    assert by_header(sheet, row, "签到率（%）") == rates.attendance_percent
    assert by_header(sheet, row, "按时签到率（%）") == rates.on_time_percent
    assert by_header(sheet, row, "值班日") == DutyDay.objects.filter(post=duty_post, day__month=10).count()
