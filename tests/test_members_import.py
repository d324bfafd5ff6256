"""Importing member rosters from Excel: messy files that work, files with every kind of error, the
confirmation that checks again, who may import, the template and the row limit."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from members import idnumbers
from members.choices import Education, Gender, Standing
from members.import_views import SESSION_KEY, MemberImporter
from members.models import Member
from tests.access import check_access

IMPORT = reverse("members:import")
CONFIRM = reverse("members:import_confirm")
TEMPLATE = reverse("members:import_template")
EDITORS = {
    "anonymous": 302,
    "township": 200,
    "other_township": 200,
    "office": 200,
    "other_office": 200,
    "village": 200,
    "other_village": 200,
    "county": 403,
}


def login(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def xlsx(*rows, name: str = "党员名册.xlsx") -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def idn(birth: datetime.date, gender: str = Gender.MALE, sequence: int = 11) -> str:
    return idnumbers.compose("341321", birth, sequence, gender)


def upload(client: Client, file):
    return client.post(IMPORT, {"file": file})


def problems(response) -> list[tuple]:
    return [(p.row, p.column) for p in response.context["problems"]]


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


# --- A messy file that works -------------------------------------------------------------------------

WANG_ID = "34132119900304039X"  # a real X at the end
ZHAO_ID = "34132119920708006X"


def messy_file() -> SimpleUploadedFile:
    header = [
        "序号",
        "姓名",
        "性别",
        "民族",
        "出生日期",
        "身份证号",
        "手机号",
        "家庭住址",
        "文化程度",
        "职业",
        "所在村",
        "组织关系所在支部",
        "政治面貌",
        "入党时间",
        "致富能手",
        "流动党员",
    ]
    wang_id = " " + full_width(WANG_ID[:6]) + "　" + WANG_ID[6:14] + " " + WANG_ID[14:].lower()
    return xlsx(
        ["东关办事处党员花名册"],
        [],
        header,
        [1, "王　明", "男", "汉", datetime.datetime(1990, 3, 4), wang_id, "139 1234 5678", "张庄村一组",
         "高中", "务农", "", "张庄村党支部", "正式党员", datetime.datetime(2015, 7, 1), "是", "否"],
        [2, " 赵丽 ", "女 ", "回", "1992-7-8", ZHAO_ID.lower(), 13800001111, "李楼村二组", "大专", "教师",
         "李楼村", "李楼村党支部", "预备党员", "2023-6-1", "", "√"],
        [],
        [3, "孙强", "", "", "", idn(datetime.date(1985, 10, 20)), "", "", "本科", "", "李楼",
         "东关社区党总支", "", "2008年6月1日", "", ""],
        [4, "钱芳", "女", "汉族", "", idn(datetime.date(1988, 12, 1), Gender.FEMALE), "", "", "初中", "",
         "", "张庄村党支部", "入党积极分子", "", "否", ""],
        [5, "周杰", "男", "汉族", "1979.01.15", idn(datetime.date(1979, 1, 15)), "", "", "小学", "", "",
         "张庄村党支部", "党员", "2007.06.01", "", ""],
        [6],  # a pre-numbered empty line
    )  # fmt: skip


def test_a_messy_roster_is_previewed_then_imported_with_the_right_values(world, party):
    client = login(world, "office")
    before = Member.objects.count()
    response = upload(client, messy_file())
    assert response.status_code == 200
    assert not response.context["problems"], [str(p) for p in response.context["problems"]]
    assert response.context["row_count"] == 5
    assert [number for number, _ in response.context["rows"]] == [4, 5, 7, 8, 9]
    page = response.content.decode()
    assert idnumbers.mask(WANG_ID) in page and WANG_ID not in page  # IDs are masked in the preview
    assert Member.objects.count() == before  # nothing yet

    pending = client.session[SESSION_KEY]
    response = client.post(CONFIRM, {"token": pending["token"], "digest": pending["digest"]})
    assert response.status_code == 302
    assert response["Location"] == reverse("members:member_list")
    assert Member.objects.count() == before + 5
    assert SESSION_KEY not in client.session

    wang = Member.objects.get(id_number=WANG_ID)
    assert wang.name == "王明"
    assert wang.gender == Gender.MALE
    assert wang.ethnicity == "汉族"
    assert wang.birth_date == datetime.date(1990, 3, 4)
    assert wang.phone == "13912345678"
    assert wang.education == Education.SENIOR
    assert wang.branch == party.branch
    assert wang.village == world.village  # the village branch's village
    assert wang.township == world.township
    assert wang.standing == Standing.FULL
    assert wang.admitted_on == datetime.date(2015, 7, 1)
    assert wang.is_wealth_expert and not wang.is_mobile
    assert wang.name_pinyin == "wangming"

    zhao = Member.objects.get(id_number=ZHAO_ID)
    assert (zhao.name, zhao.gender, zhao.ethnicity) == ("赵丽", Gender.FEMALE, "回族")
    assert zhao.phone == "13800001111"
    assert zhao.standing == Standing.PROBATIONARY
    assert zhao.admitted_on == datetime.date(2023, 6, 1)
    assert zhao.village == world.sibling_village and zhao.branch == party.sibling_branch
    assert zhao.is_mobile and not zhao.is_wealth_expert

    sun = Member.objects.get(name="孙强")
    assert sun.branch == party.general and sun.village == world.sibling_village  # 李楼 → 李楼村
    assert sun.gender == Gender.MALE and sun.birth_date == datetime.date(1985, 10, 20)  # from the ID
    assert sun.standing == Standing.FULL  # blank counts as a full member
    assert sun.admitted_on == datetime.date(2008, 6, 1)

    qian = Member.objects.get(name="钱芳")
    assert qian.standing == Standing.ACTIVIST and qian.admitted_on is None
    zhou = Member.objects.get(name="周杰")
    assert zhou.admitted_on == datetime.date(2007, 6, 1) and zhou.education == Education.PRIMARY


# --- A file with errors ------------------------------------------------------------------------------


def test_every_error_is_reported_at_its_row_and_column_and_nothing_is_written(world, party):
    good = idn(datetime.date(1981, 2, 3))
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    impossible = "34132119800230123"
    impossible += idnumbers.check_character(impossible)
    female = idn(datetime.date(1983, 4, 5), Gender.FEMALE)
    twice = idn(datetime.date(1984, 6, 7))
    rows = [
        ["姓名", "性别", "出生日期", "公民身份号码", "所在党组织", "所在村"],
        ["甲", "", "", wrong_check, "张庄村党支部", ""],  # 2
        ["乙", "", "", impossible, "张庄村党支部", ""],  # 3
        ["丙", "男", "", female, "张庄村党支部", ""],  # 4
        ["丁", "", "", twice, "张庄村党支部", ""],  # 5
        ["戊", "", "", twice, "李楼村党支部", ""],  # 6
        ["己", "", "", party.member.id_number, "张庄村党支部", ""],  # 7: already active in the database
        ["庚", "", "", idn(datetime.date(1985, 1, 1)), "孙庄村党支部", ""],  # 8: another office's branch
        ["", "", "", idn(datetime.date(1986, 1, 1)), "张庄村党支部", ""],  # 9: no name
        ["壬", "", "1980年13月1日", idn(datetime.date(1987, 1, 1)), "张庄村党支部", ""],  # 10
        ["癸", "", "", idn(datetime.date(1988, 1, 1)), "张庄村党支部", "不存在村"],  # 11
        ["子", "", "1989-1-2", idn(datetime.date(1989, 1, 1)), "张庄村党支部", ""],  # 12: not the ID's date
        ["丑", "", "", idn(datetime.date(1990, 1, 1)), "张庄村党支部", ""],  # 13: fine on its own
    ]
    before = Member.objects.count()
    response = upload(login(world, "office"), xlsx(*rows))
    assert response.status_code == 200
    assert problems(response) == [
        (2, "公民身份号码"),
        (3, "公民身份号码"),
        (4, "性别"),
        (5, "公民身份号码"),
        (6, "公民身份号码"),
        (7, "公民身份号码"),
        (8, "所在党组织"),
        (9, "姓名"),
        (10, "出生日期"),
        (11, "所在村"),
        (12, "出生日期"),
    ]
    messages = {p.row: p.message for p in response.context["problems"]}
    with translation.override("zh-hans"):
        for row, number in [(2, wrong_check), (3, impossible)]:
            with pytest.raises(ValidationError) as error:
                idnumbers.parse(number)
            assert messages[row] == error.value.messages[0]
    assert "6" in messages[5] and "5" in messages[6]  # each duplicate names the other row
    # Without naming the holder, who may be outside the user's scope.
    assert messages[7] in (
        "An active person of the township with this ID number is already on record.",
        "本镇已有使用该公民身份号码的在册人员。",
    )
    assert "孙庄村党支部" in messages[8]
    assert Member.objects.count() == before
    assert SESSION_KEY not in response.client.session
    assert 'data-row="2"' in response.content.decode()


def test_missing_headers_are_named(world, party):
    response = upload(login(world, "office"), xlsx(["姓名", "性别"], ["王明", "男"]))
    assert response.status_code == 200
    [problem] = response.context["file_problems"]
    assert "公民身份号码" in problem.message and "所在党组织" in problem.message
    assert "姓名" not in problem.message


@pytest.mark.parametrize(
    ("name", "content"),
    [("名册.xls", b"\xd0\xcf\x11\xe0old"), ("名册.xlsx", b"PK\x03\x04broken"), ("名册.txt", b"hello")],
)
def test_a_file_that_is_not_a_workbook_gets_a_message_not_an_error_page(world, name, content):
    response = upload(login(world, "office"), SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_a_village_secretary_imports_into_his_own_branch_only(world, party):
    rows = [
        ["姓名", "身份证号", "所在党组织"],
        ["王明", idn(datetime.date(1990, 1, 1)), "张庄村党支部"],
        ["李华", idn(datetime.date(1991, 1, 1)), "李楼村党支部"],
        ["赵强", idn(datetime.date(1992, 1, 1)), "东关社区党总支"],
    ]
    response = upload(login(world, "village"), xlsx(*rows))
    assert problems(response) == [(3, "所在党组织"), (4, "所在党组织")]
    response = upload(login(world, "other_village"), xlsx(*rows[:2]))
    assert problems(response) == [(2, "所在党组织")]
    client = login(world, "village")
    upload(client, xlsx(*rows[:2]))
    pending = client.session[SESSION_KEY]
    client.post(CONFIRM, {"token": pending["token"], "digest": pending["digest"]})
    assert Member.objects.get(name="王明").branch == party.branch


def test_another_township_does_not_find_our_organisations(world, party):
    rows = [["姓名", "身份证号", "所在党组织"], ["王明", idn(datetime.date(1990, 1, 1)), "张庄村党支部"]]
    assert problems(upload(login(world, "other_township"), xlsx(*rows))) == [(2, "所在党组织")]


def test_a_renamed_organisation_is_found_by_its_former_name(world, party):
    from branches.services import rename_branch

    rename_branch(party.branch, "张庄新村党支部", datetime.date(2023, 6, 28))
    client = login(world, "township")
    response = upload(
        client,
        xlsx(["姓名", "身份证号", "所在党组织"], ["王明", idn(datetime.date(1990, 1, 1)), "张庄村党支部"]),
    )
    assert not response.context["problems"]
    assert response.context["rows"][0][1].branch == party.branch


# --- Confirmation ------------------------------------------------------------------------------------


def two_rows():
    return xlsx(
        ["姓名", "身份证号", "所在党组织"],
        ["王明", idn(datetime.date(1990, 1, 1)), "张庄村党支部"],
        ["李华", idn(datetime.date(1991, 1, 1)), "张庄村党支部"],
    )


def test_confirm_checks_everything_again_and_writes_nothing_when_something_changed(world, party):
    client = login(world, "office")
    upload(client, two_rows())
    pending = client.session[SESSION_KEY]
    # Meanwhile someone records one of the people by hand.
    Member.objects.create(branch=party.sibling_branch, name="王明", id_number=idn(datetime.date(1990, 1, 1)),
                          birth_date=datetime.date(1990, 1, 1), gender=Gender.MALE)  # fmt: skip
    before = Member.objects.count()
    response = client.post(CONFIRM, {"token": pending["token"], "digest": pending["digest"]})
    assert response.status_code == 200
    assert response.context["revalidated"]
    assert problems(response) == [(2, "身份证号")]
    assert Member.objects.count() == before
    # The pending import is gone: confirming again does nothing.
    response = client.post(CONFIRM, {"token": pending["token"], "digest": pending["digest"]})
    assert response.status_code == 302 and response["Location"] == IMPORT
    assert Member.objects.count() == before


def test_confirm_needs_the_previewed_token_and_digest(world, party):
    client = login(world, "office")
    upload(client, two_rows())
    pending = client.session[SESSION_KEY]
    before = Member.objects.count()
    for data in [{}, {"token": "x", "digest": pending["digest"]}, {"token": pending["token"], "digest": "x"}]:
        response = client.post(CONFIRM, data)
        assert response.status_code == 302 and response["Location"] == IMPORT
    assert Member.objects.count() == before
    # Another user's session knows nothing of it.
    other = login(world, "township")
    other.post(CONFIRM, {"token": pending["token"], "digest": pending["digest"]})
    assert Member.objects.count() == before


def test_a_failure_in_the_middle_rolls_every_row_back(world, party, monkeypatch):
    calls = []
    original = MemberImporter.save_form

    def failing(self, form):
        calls.append(form)
        if len(calls) == 2:
            raise IntegrityError("simulated")
        return original(self, form)

    monkeypatch.setattr(MemberImporter, "save_form", failing)
    client = login(world, "office")
    upload(client, two_rows())
    pending = client.session[SESSION_KEY]
    before = Member.objects.count()
    response = client.post(CONFIRM, {"token": pending["token"], "digest": pending["digest"]})
    assert response.status_code == 302 and response["Location"] == IMPORT
    assert len(calls) == 2
    assert Member.objects.count() == before
    assert not Member.objects.filter(name="王明").exists()


def test_the_row_limit(world, party, monkeypatch):
    monkeypatch.setattr(MemberImporter, "max_rows", 2)
    rows = [["姓名", "身份证号", "所在党组织"]]
    rows += [[f"人{i}", idn(datetime.date(1990, 1, 1 + i)), "张庄村党支部"] for i in range(3)]
    response = upload(login(world, "office"), xlsx(*rows))
    [problem] = response.context["file_problems"]
    assert "2" in problem.message
    assert SESSION_KEY not in response.client.session
    assert not response.context["result"].is_valid


# --- Access ------------------------------------------------------------------------------------------


def test_who_may_open_the_import_page(world):
    check_access(world, IMPORT, EDITORS)


def test_who_may_download_the_template(world):
    check_access(world, TEMPLATE, EDITORS)


def test_who_may_confirm(world):
    # Without a pending import everyone allowed is sent back to the upload page.
    expected = {**{role: 302 for role in EDITORS}, "county": 403}
    check_access(world, CONFIRM, expected, method="post")
    check_access(world, CONFIRM, {**{role: 405 for role in EDITORS}, "anonymous": 302, "county": 403})


def test_the_county_cannot_upload(world, party):
    response = upload(login(world, "county"), two_rows())
    assert response.status_code == 403


# --- The template ------------------------------------------------------------------------------------


def test_the_template_has_the_headers_and_the_users_own_organisations(world, party):
    response = login(world, "office").get(TEMPLATE)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[3]]
    assert headers[:6] == ["姓名*", "性别", "民族", "出生日期", "公民身份号码*", "联系电话"]
    assert "所在党组织*" in headers and "致富能手" in headers
    options = [[c.value for c in column if c.value] for column in book["选项"].iter_cols()]
    assert ["男", "女"] in options
    assert sorted(["东关社区党总支", "张庄村党支部", "李楼村党支部"]) in [sorted(o) for o in options]
    assert not any("孙庄村党支部" in o for o in options)
    assert len(sheet.data_validations.dataValidation) >= 4
    notes = book.worksheets[1]
    assert notes["A4"].value == "姓名"

    # Filled in with the example row of its notes, the template imports as it is.
    example = next(r for r in notes.iter_rows(values_only=True) if r[0] == "张建国")
    values = dict(zip(headers, example, strict=False))
    values.update({"所在党组织*": "张庄村党支部", "所在村": "张庄村"})
    for index, header in enumerate(headers, start=1):
        sheet.cell(row=4, column=index, value=values[header])
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(login(world, "office"), SimpleUploadedFile("模板.xlsx", buffer.getvalue()))
    assert not response.context["problems"], [str(p) for p in response.context["problems"]]
    assert response.context["row_count"] == 1


def test_the_member_list_links_to_the_import_only_for_those_who_may_import(world, party):
    from django.test import Client

    for role, shown in [("office", True), ("village", True), ("county", False)]:
        client = Client()
        client.force_login(world.users[role])
        page = client.get("/members/").content.decode()
        assert ('id="import-xlsx"' in page) is shown, role
