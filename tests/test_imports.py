"""The generic Excel import engine (records.imports), on a tiny declared spec."""

import datetime
import io
import zipfile

import openpyxl
import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError

from communities.models import County
from records.imports import (
    Boolean,
    Choice,
    Column,
    Compact,
    Date,
    Importer,
    ImportFileError,
    ImportResult,
    LongNumber,
    Name,
    header_key,
)


class PersonForm(forms.Form):
    name = forms.CharField(max_length=10)
    born = forms.DateField(required=False)
    active = forms.BooleanField(required=False)
    level = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], required=False)


class PersonImporter(Importer):
    columns = (
        Column("name", ("姓名", "名字"), Name(), required=True),
        Column("born", ("出生日期",), Date()),
        Column("active", ("在册",), Boolean()),
        Column("level", ("等级",), Choice({"甲级": "a", "甲": "a", "乙级": "b"})),
    )
    form_class = PersonForm
    unique_in_file = ("name",)


def workbook(*rows, name: str = "名单.xlsx", sheets: dict | None = None) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    for title, extra_rows in (sheets or {}).items():
        extra = book.create_sheet(title)
        for row in extra_rows:
            extra.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def problems(result: ImportResult) -> list[tuple]:
    return [(p.row, p.column) for p in result.problems]


def test_it_finds_the_header_below_title_rows_and_numbers_rows_as_excel_does():
    upload = workbook(
        ["人员名单"],
        [],
        ["填报单位：甲镇", None, "日期：2023-06-20"],
        ["序号", " 名 字 ", "出生日期（年月日）", "在册*", "备注"],
        [1, "王　明", datetime.datetime(1980, 1, 2), "是"],
        [],
        [2],  # only a pre-filled 序号: an empty row
        [3, "李四", "2023年6月1日", "√"],
    )
    result = PersonImporter().run(upload)
    assert result.is_valid, [str(p) for p in result.problems]
    assert result.headers == {"name": "名 字", "born": "出生日期(年月日)", "active": "在册"}
    assert [row.number for row in result.rows] == [5, 8]
    assert [f.cleaned_data["name"] for f in result.forms] == ["王明", "李四"]
    assert result.rows[1].values["born"] == datetime.date(2023, 6, 1)
    assert len(result.warnings) == 1 and "备注" in result.warnings[0]  # said, and ignored; 序号 goes unsaid


def test_header_labels_ignore_spaces_width_marks_and_notes():
    assert header_key("　姓 名＊") == "姓名"
    assert header_key("出生日期(yyyy-mm-dd)") == "出生日期"
    assert header_key("ＩＤ") == "id"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("是", True),
        ("√", True),
        (" Y ", True),
        (1, True),
        ("否", False),
        ("", False),
        (None, False),
        ("×", False),
    ],
)
def test_booleans_read_as_offices_write_them(cell, expected):
    assert Boolean()(cell) is expected


def test_an_unreadable_boolean_choice_or_date_is_a_problem_at_its_cell():
    upload = workbook(
        ["姓名", "在册", "等级", "出生日期"],
        ["王明", "也许", "丙", "2023-13-01"],
        ["李四", "否", " 甲 级 ", 45078],
    )
    result = PersonImporter().run(upload)
    assert problems(result) == [(2, "在册"), (2, "等级"), (2, "出生日期")]
    assert "甲级、乙级" in result.problems[1].message  # the accepted labels, once each
    assert result.forms[1].cleaned_data["level"] == "a"
    assert result.forms[1].cleaned_data["born"] == datetime.date(2023, 6, 1)
    assert "2" in str(result.problems[0]) and "在册" in str(result.problems[0])


def test_form_errors_and_duplicates_within_the_file_name_row_and_column():
    upload = workbook(
        ["姓名", "等级"],
        ["王明", "甲"],
        ["", "乙级"],
        ["王　明", "乙级"],
        ["名字太长了名字太长了名字", ""],
    )
    result = PersonImporter().run(upload)
    assert not result.is_valid
    assert problems(result) == [(2, "姓名"), (3, "姓名"), (4, "姓名"), (5, "姓名")]
    assert "4" in result.problems[0].message and "2" in result.problems[2].message


def test_missing_required_headers_are_listed():
    result = PersonImporter().run(workbook(["名称", "出生日期"], ["王明", "2020-1-1"]))
    assert problems(result) == [(None, "")]
    assert "姓名" in result.problems[0].message
    assert not result.rows


def test_no_header_at_all_and_no_data_rows_are_file_problems():
    assert problems(PersonImporter().run(workbook(["a", "b"], [1, 2]))) == [(None, "")]
    result = PersonImporter().run(workbook(["姓名", "在册"], [], [None, ""]))
    assert problems(result) == [(None, "")]


def test_the_sheet_with_the_header_is_used_whichever_it_is():
    upload = workbook(["说明"], ["请在第二个工作表填写"], sheets={"名单": [["姓名"], ["王明"]]})
    result = PersonImporter().run(upload)
    assert result.is_valid and result.sheet == "名单"


def test_a_column_named_twice_is_a_file_problem():
    result = PersonImporter().run(workbook(["姓名", "名字"], ["王明", "王明"]))
    assert problems(result) == [(None, "")]


def test_too_many_rows_is_a_file_problem():
    importer = PersonImporter()
    importer.max_rows = 3
    result = importer.run(workbook(["姓名"], *([f"人{i}"] for i in range(4))))
    assert problems(result) == [(None, "")]
    assert "3" in result.problems[0].message
    assert importer.run(workbook(["姓名"], *([f"人{i}"] for i in range(3)))).is_valid


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("名单.xls", b"\xd0\xcf\x11\xe0 old format"),
        ("名单.csv", b"a,b"),
        ("名单.xlsx", b"not a zip at all"),
        ("名单.xlsx", b""),
    ],
)
def test_files_that_are_not_workbooks_raise_a_clear_error(name, content):
    with pytest.raises(ImportFileError):
        PersonImporter().run(SimpleUploadedFile(name, content))


def test_a_zip_that_is_not_a_workbook_raises_a_clear_error():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ImportFileError):
        PersonImporter().run(SimpleUploadedFile("名单.xlsx", buffer.getvalue()))


def test_a_file_over_the_size_limit_is_refused():
    importer = PersonImporter()
    importer.max_file_bytes = 100
    with pytest.raises(ImportFileError):
        importer.run(workbook(["姓名"], ["王明"]))


def test_numbers_and_long_numbers():
    assert Compact()(13912345678.0) == "13912345678"
    assert Compact()(" 139 1234　5678 ") == "13912345678"
    assert LongNumber()("３４１３２１") == "341321"
    with pytest.raises(ValidationError):
        LongNumber()(3.41321198001021e17)  # Excel rounded an ID number stored as a number


def test_the_result_survives_the_session_and_keeps_its_digest():
    result = PersonImporter().run(workbook(["姓名", "出生日期"], ["王明", "2020-1-2"]))
    data = result.to_data()
    assert data["rows"] == [[2, {"name": "王明", "born": "2020-01-02"}]]
    restored = PersonImporter().restore(data)
    assert restored.is_valid
    assert restored.forms[0].cleaned_data["born"] == datetime.date(2020, 1, 2)
    assert restored.digest() == result.digest()


class CountyForm(forms.ModelForm):
    class Meta:
        model = County
        fields = ["name"]


class CountyImporter(Importer):
    columns = (Column("name", ("县名",), required=True),)
    form_class = CountyForm


def test_valid_rows_are_saved_together(db):
    importer = CountyImporter()
    result = importer.run(workbook(["县名"], ["甲县"], ["乙县"]))
    assert [c.name for c in importer.save(result)] == ["甲县", "乙县"]
    assert County.objects.count() == 2


def test_a_failure_in_the_middle_undoes_every_row(db):
    class FailingImporter(CountyImporter):
        def save_form(self, form):
            if form.cleaned_data["name"] == "丙县":
                raise IntegrityError("simulated")
            return super().save_form(form)

    importer = FailingImporter()
    result = importer.run(workbook(["县名"], ["甲县"], ["乙县"], ["丙县"]))
    with pytest.raises(IntegrityError):
        importer.save(result)
    assert County.objects.count() == 0


def test_an_invalid_result_is_never_saved(db):
    importer = CountyImporter()
    result = importer.run(workbook(["县名"], ["甲县"], ["县" * 60]))
    assert problems(result) == [(3, "县名")]
    with pytest.raises(ValueError):
        importer.save(result)
    with pytest.raises(ValueError):
        importer.save(ImportResult())
    assert County.objects.count() == 0


def test_the_template_has_headers_dropdowns_and_notes():
    content = PersonImporter().template("人员名单", unit="甲镇")
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[3]] == ["姓名*", "出生日期", "在册", "等级"]
    validated = {str(v.sqref).split(":")[0] for v in sheet.data_validations.dataValidation}
    assert validated == {"C4", "D4"}
    options = book["选项"]
    assert options.sheet_state == "hidden"
    assert [c.value for c in options["A"]] == ["是", "否"]
    assert len(book.worksheets) == 3
    # The template itself imports once a row is filled in.
    sheet.append(["王明", "2020-1-2", "是", "甲级"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert PersonImporter().run(SimpleUploadedFile("t.xlsx", buffer.getvalue())).is_valid
