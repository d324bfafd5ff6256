"""The list exports, made fast (issue 10), write the same workbooks as before: every list export on the
demo data against the old per-cell algorithm (kept below), and the row writer that bypasses xlsxwriter's
per-cell calls against xlsxwriter's own writers, byte for byte."""

import datetime
import decimal
import io
import zipfile

import openpyxl
import pytest
import xlsxwriter
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from accounts.models import User
from duty_roster.models import DutyPost
from records import tables as records_tables
from records import workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# --- The old algorithm, as it was before issue 10 ---------------------------------------------------------


def old_export_rows(table) -> tuple[list[str], list[list]]:
    columns = [c for c in table.columns if c.column.exclude_from_export is False and c.name != "actions"]
    headers = [str(c.header) for c in columns]
    data = getattr(table.data, "data", table.data)
    records = data.iterator(chunk_size=2000) if isinstance(data, models.QuerySet) else iter(data)
    choices: dict = {}
    rows = []
    for record in records:
        row = []
        for column in columns:
            value = column.accessor.resolve(record, quiet=True)
            field = old_model_field(record, column.accessor, choices)
            if field is not None and value not in (None, ""):
                value = field.get(value, value)
            elif isinstance(value, models.Model) or (
                value is not None
                and not isinstance(value, str | int | float | decimal.Decimal | bool | datetime.date)
            ):
                value = str(value)
            row.append(value)
        rows.append(row)
    return headers, rows


def old_model_field(record, accessor, cache: dict):
    obj = record
    parts = accessor.bits
    for part in parts[:-1]:
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    if not isinstance(obj, models.Model):
        return None
    key = (type(obj), parts[-1])
    if key not in cache:
        try:
            field = obj._meta.get_field(parts[-1])
        except Exception:
            field = None
        cache[key] = dict(field.flatchoices) if field is not None and field.choices else None
    return cache[key]


def old_cell_value(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, int | float | datetime.date | datetime.time):
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            from django.utils import timezone

            return timezone.localtime(value).replace(tzinfo=None)
        return value
    text = str(value)
    return "'" + text if text.startswith(workbook.FORMULA_TRIGGERS) else text


def old_workbook(headers: list[str], rows: list[list]) -> bytes:
    """The header and the rows at row 3 on, cell by cell as the old writer wrote them."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet()
    formats = {
        "date": book.add_format({"num_format": workbook.DATE_FORMAT}),
        "datetime": book.add_format({"num_format": workbook.DATETIME_FORMAT}),
        "time": book.add_format({"num_format": workbook.TIME_FORMAT}),
    }
    for number, row in enumerate([headers, *rows], start=2):
        for column, raw in enumerate(row):
            value = old_cell_value(raw)
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(number, column, value)
            elif isinstance(value, datetime.datetime):
                sheet.write_datetime(number, column, value, formats["datetime"])
            elif isinstance(value, datetime.date):
                sheet.write_datetime(number, column, value, formats["date"])
            elif isinstance(value, datetime.time):
                sheet.write_datetime(number, column, value.replace(tzinfo=None), formats["time"])
            else:
                sheet.write_number(number, column, value)
    book.close()
    return buffer.getvalue()


def cells(content: bytes, sheet: int = 0) -> list[list[tuple]]:
    """Row 3 (the header) on: each cell's value, type and number format as a spreadsheet reads it."""
    worksheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[sheet]
    return [
        [(c.value, c.data_type, c.number_format if c.is_date else "") for c in row]
        for row in worksheet.iter_rows(min_row=3)
        if any(c.value is not None for c in row)
    ]


# --- Every list export on the demo data -------------------------------------------------------------------


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def list_exports() -> list[tuple[str, str]]:
    """(user, URL) of every list export: each list as township staff, the member list for the county too,
    the full-ID member export, and a duty post's leave, changes and log."""
    post = DutyPost.objects.for_user(User.objects.get(username="township")).order_by("pk").first()
    names = [
        "communities:township_list",
        "communities:office_list",
        "communities:village_list",
        "branches:branch_list",
        "members:member_list",
        "establishment:request_list",
        "establishment:campaign_list",
        "establishment:survey_list",
        "establishment:opinion_list",
        "establishment:practice_list",
        "duty_roster:post_list",
        "duty_roster:calendar_list",
        "meetings:meeting_list",
        "assessments:inspection_list",
        "assessments:rectification_list",
        "jobs:job_list",
        "audit:entry_list",
    ]
    urls = [("township", reverse(name) + "?export=xlsx") for name in names]
    urls += [
        (role, reverse(name, args=[post.pk]) + "?export=xlsx")
        for role, name in [
            ("township", "duty_roster:leave_list"),
            ("township", "duty_roster:change_list"),
            ("township", "duty_roster:log_list"),
        ]
    ]
    return [
        *urls,
        ("county", reverse("members:member_list") + "?export=xlsx&status="),
        ("township", reverse("members:member_list") + "?export=xlsx&status=&sort=-age"),
        ("office1", reverse("members:member_list") + "?export=xlsx"),
        ("village1", reverse("members:member_list") + "?export=xlsx"),
        ("township", reverse("members:member_list") + "?export=xlsx&full_ids=1&status="),
    ]


def test_every_list_export_writes_the_cells_the_old_algorithm_wrote(demo, monkeypatch):
    township = User.objects.get(username="township")
    township.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    references: list = []

    def spy(table):
        # The old algorithm first, on the same table (the same queryset, sort and columns), then the new.
        references.append(old_export_rows(table))
        return records_tables.export_rows(table)

    monkeypatch.setattr("records.views.export_rows", spy)
    monkeypatch.setattr("establishment.board_views.export_rows", spy)
    checked = 0
    for username, url in list_exports():
        client = Client()
        client.force_login(User.objects.get(username=username))
        references.clear()
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith(XLSX), url
        (reference,) = references
        headers, rows = reference
        got, expected = cells(response.content), cells(old_workbook(headers, rows))
        assert got[0] == expected[0], url  # the headers
        assert len(got) == len(expected), url
        for number, (row, old_row) in enumerate(zip(got, expected, strict=True)):
            assert row == old_row, (url, number)
        checked += len(rows)
    assert checked > 5000  # the demo township's members, organisations, meetings, …


def test_masked_and_full_id_numbers_come_out_as_before(demo):
    """The masking the old algorithm kept: the member export masks IDs and phones, the full-ID one not."""
    from members.models import Member

    township = User.objects.get(username="township")
    township.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    client = Client()
    client.force_login(township)
    member = Member.objects.for_user(township).exclude(id_number="").exclude(phone="").order_by("pk").first()
    masked = client.get(reverse("members:member_list") + "?export=xlsx&status=").content
    full = client.get(reverse("members:member_list") + "?export=xlsx&status=&full_ids=1").content
    masked_cells = {value for row in cells(masked) for value, _type, _format in row}
    full_cells = {value for row in cells(full) for value, _type, _format in row}
    assert member.masked_id_number in masked_cells and member.masked_phone in masked_cells
    assert member.id_number not in masked_cells and member.phone not in masked_cells
    assert member.id_number in full_cells and member.masked_phone in full_cells


# --- The extractors on records that are not model instances ------------------------------------------------


class Thing:
    def __init__(self, name, parent=None):
        self.name = name
        self.parent = parent
        self.items = ["零", "一"]

    def shout(self):
        return self.name.upper()

    def delete(self):
        raise AssertionError("never called")

    delete.alters_data = True

    @property
    def broken(self):
        raise KeyError("no")


def test_the_extractors_resolve_as_django_tables2_does():
    import django_tables2 as tables

    class ThingTable(tables.Table):
        name = tables.Column()
        shout = tables.Column()
        parent_name = tables.Column(accessor="parent__name")
        parent_shout = tables.Column(accessor="parent__shout")
        delete = tables.Column()
        broken = tables.Column()
        missing = tables.Column(accessor="parent__nothing")
        item = tables.Column(accessor="items__1")
        key = tables.Column(accessor="k__v")
        plain = tables.Column(accessor="parent")

    data = [
        Thing("a", Thing("=p")),
        Thing("b"),
        {"name": "字典", "k": {"v": datetime.date(2026, 1, 1)}, "parent__name": "直接"},
        Thing(decimal.Decimal("1.5"), Thing(3)),
    ]
    table = ThingTable(data)
    headers, rows = records_tables.export_rows(table)
    old_headers, old_rows = old_export_rows(ThingTable(data))
    assert headers == old_headers
    got = [[old_cell_value(v) for v in row] for row in rows]
    assert got == [[old_cell_value(v) for v in row] for row in old_rows]
    assert got[0][:4] == ["a", "A", "'=p", "'=P"]


# --- The row writer against xlsxwriter's own writers ------------------------------------------------------

TRICKY = [
    "a&b<c>",
    "x\x01y",
    "_x0041_",
    " lead",
    "trail ",
    "line\n",
    "<r>x</r>",
    "=1+2",
    "+x",
    "-",
    "@a",
    "\tq",
    "\rq",
    "",
    "\ufffe",
    'a"b',
    "中文字符",
    "x" * 20000,
    mark_safe("<b>"),
    mark_safe("=x"),
    gettext_lazy("name"),
]
VALUES = [
    None,
    True,
    False,
    0,
    -7,
    10**17,
    1.5,
    0.1,
    1e-20,
    decimal.Decimal("1.10"),
    datetime.date(2020, 1, 2),
    datetime.date(1900, 1, 1),
    datetime.date(1899, 12, 31),
    datetime.datetime(2020, 1, 2, 3, 4),
    datetime.datetime(2020, 1, 2, 3, 4, tzinfo=datetime.timezone(datetime.timedelta(hours=3))),
    datetime.time(5, 6),
]


def build(rows) -> zipfile.ZipFile:
    writer = workbook.WorkbookWriter()
    writer.add_sheet(
        "标题",
        [f"列{i}" for i in range(6)],
        iter(rows),
        unit="单位",
        date=datetime.date(2026, 1, 1),
        totals=["合计", 3, None],
    )
    writer.add_sheet("第二", ["a", "b"], iter([[datetime.date(2020, 1, 1), "x"], ["y", 2]]))
    return zipfile.ZipFile(io.BytesIO(writer.close()))


def test_the_row_writer_writes_what_xlsxwriter_writes(monkeypatch):
    rows = [[value, "x", 1] for value in TRICKY + VALUES]  # one unusual value a row
    rows += [[*VALUES[:6]], ["短"], [], list(range(9)), TRICKY[:6], VALUES[6:]]  # short, empty, long rows
    fast = build(rows)
    monkeypatch.setattr(workbook._RowWriter, "supports", staticmethod(lambda worksheet: False))
    slow = build(rows)
    names = [name for name in slow.namelist() if not name.startswith("docProps")]  # docProps: the time
    assert names == [name for name in fast.namelist() if not name.startswith("docProps")]
    for name in names:
        assert fast.read(name) == slow.read(name), name


def test_column_widths_come_from_the_header_and_the_first_rows():
    rows = [["短"]] * workbook.WIDTH_SAMPLE + [["很长很长很长很长很长很长很长很长的一个名字"]]
    writer = workbook.WorkbookWriter()
    sheet = writer.add_sheet("标题", ["一个较长的表头"], iter(rows))
    writer.close()
    assert sheet.widths == [workbook.display_width("一个较长的表头")]
