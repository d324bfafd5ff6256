"""The workbook writer: every .xlsx the product produces goes through here.

It writes a merged title row, the reporting unit and date, Chinese headers, sensible column widths, a
frozen header, a totals row where one is given, and A4 landscape print setup with the header repeated on
every page. Text from users is escaped so that Excel, WPS and LibreOffice never read it as a formula.

Rows stream: xlsxwriter's constant-memory mode writes each row to disk as it comes, so a 50,000-member
export holds one row at a time, not the sheet (openpyxl's write-only mode cannot merge the title row).
"""

import datetime
import io
import math
import re
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from decimal import Decimal

import xlsxwriter
from xlsxwriter.utility import _preserve_whitespace, xl_col_to_name

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_WIDTH = 50
PROGRESS_EVERY = 1000
WIDTH_SAMPLE = 1000  # data rows measured for the column widths
# Data rows written in the current request (or thread): the audit log's export entries say how many.
rows_written: ContextVar[int] = ContextVar("rows_written", default=0)

_BORDER = {"border": 1, "border_color": "#999999", "valign": "top"}
STYLES = {
    "title": {"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"},
    "unit": {},
    "date": {"align": "right"},
    "header": {**_BORDER, "bold": True, "bg_color": "#E8E8E8", "align": "center", "text_wrap": True},
    "cell": _BORDER,
    "total": {**_BORDER, "bold": True, "top": 2},
    "plain": {},
    "bold": {"bold": True},
}
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TIME_FORMAT = "hh:mm"


def xlsx_response(content: bytes, title: str, dated: bool = True):
    """The download of a workbook, named after its title (and today's date), Chinese names intact."""
    from urllib.parse import quote

    from django.http import HttpResponse
    from django.utils import timezone

    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    filename = f"{title}-{timezone.localdate():%Y%m%d}.xlsx" if dated else f"{title}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def escape_text(value: str) -> str:
    """Make user text inert: a leading = + - @, tab or CR would start a formula (CSV/formula injection)."""
    if value and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def cell_value(value):
    """What a Python value becomes in a cell: numbers and dates keep their type, the rest is safe text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, int | float | datetime.date | datetime.time):
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            from django.utils import timezone

            return timezone.localtime(value).replace(tzinfo=None)
        return value
    return escape_text(str(value))


def local_today() -> datetime.date:
    """Today in Beijing (the file name uses the same), whatever clock the server keeps."""
    from django.utils import timezone

    return timezone.localdate()


def display_width(text: str) -> int:
    # A CJK character is about two Latin characters wide in Excel's default font; UTF-8 spends three bytes
    # on one and one byte on a Latin character, so (bytes + characters) / 2 counts it at C speed.
    return (len(text.encode()) + len(text)) // 2


def sheet_name(title: str, taken: set[str] | None = None) -> str:
    """A name Excel accepts for a sheet tab: no : \\ / ? * [ ], no apostrophe at either end, at most 31
    characters, and not one already taken in the workbook (case does not count). The title row keeps
    the full text."""
    name = re.sub(r"[:\\/?*\[\]]", " ", str(title)).strip("' ")[:31].strip("' ") or "Sheet"
    taken = taken or set()
    candidate, number = name, 2
    while candidate.lower() in taken:
        suffix = f" ({number})"
        candidate, number = name[: 31 - len(suffix)] + suffix, number + 1
    return candidate


class Sheet:
    """One worksheet being written top to bottom; rows go out in order (constant memory needs that)."""

    def __init__(self, writer: "WorkbookWriter", worksheet, ncols: int):
        self.writer = writer
        self.worksheet = worksheet
        self.ncols = ncols
        self.row = 0
        self.widths = [0] * ncols
        self.column_formats: dict[int, object] = {}
        self.measured = 0  # data rows measured for the column widths so far
        self.fast = _RowWriter(worksheet) if _RowWriter.supports(worksheet) else None

    def write_row(self, values: Sequence, style: str = "cell", *, measure: bool = True) -> None:
        formats = self.writer.formats_for(style)
        if style == "cell":
            # Column widths come from the header, the totals and the first WIDTH_SAMPLE data rows: measuring
            # every cell of a 50,000-row export costs more than it changes.
            measure = measure and self.measured < WIDTH_SAMPLE
            if measure:
                self.measured += 1
        if self.fast is None or not self.fast.write(self.row, values, self.ncols, formats):
            self._write_cells(values, formats)
        if measure:
            self._measure(values)
        self.row += 1
        if style == "cell":
            rows_written.set(rows_written.get() + 1)

    def _write_cells(self, values: Sequence, formats: tuple) -> None:
        """The row through xlsxwriter's own cell writers, one cell at a time."""
        write = self.worksheet
        plain, dated, timed, clock = formats
        for column, raw in enumerate(values):
            value = cell_value(raw)
            if value is None:
                write.write_blank(self.row, column, None, plain)
            elif isinstance(value, str):
                write.write_string(self.row, column, value, plain)
            elif isinstance(value, datetime.datetime):
                write.write_datetime(self.row, column, value, timed)
            elif isinstance(value, datetime.date):
                write.write_datetime(self.row, column, value, dated)
            elif isinstance(value, datetime.time):
                write.write_datetime(self.row, column, value.replace(tzinfo=None), clock)
            else:
                write.write_number(self.row, column, value, plain)
        # A bordered grid looks ragged when a short row stops early: blank bordered cells fill it.
        for column in range(len(values), self.ncols):
            write.write_blank(self.row, column, None, plain)

    def _measure(self, values: Sequence) -> None:
        widths = self.widths
        for column, raw in enumerate(values[: len(widths)]):
            value = cell_value(raw)
            if value is None:
                continue
            if isinstance(value, str):
                text = value
            elif isinstance(value, datetime.datetime):
                text = "0000-00-00 00:00"
            elif isinstance(value, datetime.date):
                text = "0000-00-00"
            elif isinstance(value, datetime.time):
                text = "00:00"
            else:
                text = str(value)
            width = display_width(text)
            if width > widths[column]:
                widths[column] = width

    def set_width(self, column: int, width: int) -> None:
        self.widths[column] = max(self.widths[column], width)

    def set_column_format(self, column: int, cell_format) -> None:
        """A format for the column's empty cells (what a clerk types there later), e.g. text for IDs."""
        self.column_formats[column] = cell_format

    def finish(self) -> None:
        for column, width in enumerate(self.widths):
            width = min(max(width + 2, 6), MAX_WIDTH)
            self.worksheet.set_column(column, column, width, self.column_formats.get(column))


# Strings that need xlsxwriter's escaping (control characters, its own _xHHHH_ escapes, XML's & < >) or
# keep leading or trailing spaces: the rest are written as they are.
_NEEDS_WORK = re.compile(r"^\s|\s$|[\x00-\x08\x0b-\x1f&<>\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_TRIGGER_CHARS = frozenset(FORMULA_TRIGGERS)


class _RowWriter:
    """A data row's cells straight into the sheet's XML, exactly as xlsxwriter's constant-memory mode writes
    them (an inline string, a number, a date as its serial number, a blank bordered cell), without its
    per-cell objects and calls: they cost more than the rest of a large export together. A row with any
    unusual value (a very long string, NaN, a rich-text look-alike, a row past Excel's last) goes through
    xlsxwriter's own writers instead. tests/test_export_equality.py compares the two byte for byte."""

    def __init__(self, worksheet):
        self.worksheet = worksheet
        self.columns: list[str] = []  # the column letters, A, B, … AA
        self.xf: dict[int, int] = {}  # each format's index, taken in the order xlsxwriter would take it
        self.half = worksheet.xls_strmax // 2
        self.serials: dict[datetime.date, float] = {}  # each date's Excel serial number, worked out once

    @staticmethod
    def supports(worksheet) -> bool:
        return bool(getattr(worksheet, "constant_memory", False)) and all(
            hasattr(worksheet, name)
            for name in ("_write_single_row", "_check_dimensions", "_convert_date_time", "fh", "previous_row")
        )

    def _style(self, cell_format) -> int:
        index = self.xf.get(id(cell_format))
        if index is None:
            index = self.xf[id(cell_format)] = cell_format._get_xf_index()
        return index

    def write(self, row: int, values: Sequence, ncols: int, formats: tuple) -> bool:
        """Write the row; False when it needs xlsxwriter's own writers (nothing of it written then)."""
        worksheet = self.worksheet
        width = max(len(values), ncols)
        if row >= worksheet.xls_rowmax or width > worksheet.xls_colmax or row <= worksheet.previous_row:
            return False
        columns = self.columns
        while len(columns) < width:
            columns.append(xl_col_to_name(len(columns)))
        # As xlsxwriter: the row before (the header) goes out first, then this row's cells, in order (the
        # cells' formats take their style numbers in that order).
        worksheet._check_dimensions(row, 0)
        worksheet._check_dimensions(row, width - 1)
        worksheet._write_single_row(row)
        plain, dated, timed, clock = formats
        style, serials, half = self._style, self.serials, self.half
        text_cell = blank_cell = date_cell = None  # the start of a cell, up to its reference
        number = str(row + 1)
        parts = [f'<row r="{number}">']
        for column, raw in enumerate(values):
            kind = type(raw)
            if kind is str:
                value = "'" + raw if raw and raw[0] in _TRIGGER_CHARS else raw  # escape_text, in line
            elif raw is None:
                if blank_cell is None:
                    blank_cell = f'" s="{style(plain)}"/>'
                parts.append(f'<c r="{columns[column]}{number}{blank_cell}')
                continue
            elif kind is int:
                parts.append(f'<c r="{columns[column]}{number}" s="{style(plain)}"><v>{raw:.16G}</v></c>')
                continue
            elif kind is datetime.date:
                serial = serials.get(raw)
                if serial is None:
                    serial = serials[raw] = worksheet._convert_date_time(raw)
                if date_cell is None:
                    date_cell = f'" s="{style(dated)}"><v>'
                parts.append(f'<c r="{columns[column]}{number}{date_cell}{serial:.16G}</v></c>')
                continue
            else:
                value = cell_value(raw)
                if value is None:
                    if blank_cell is None:
                        blank_cell = f'" s="{style(plain)}"/>'
                    parts.append(f'<c r="{columns[column]}{number}{blank_cell}')
                    continue
                if not isinstance(value, str):
                    if isinstance(value, datetime.datetime):
                        serial, cell_format = worksheet._convert_date_time(value), timed
                    elif isinstance(value, datetime.date):
                        serial, cell_format = worksheet._convert_date_time(value), dated
                    elif isinstance(value, datetime.time):
                        serial, cell_format = worksheet._convert_date_time(value.replace(tzinfo=None)), clock
                    elif (
                        isinstance(value, int | float)
                        and not isinstance(value, bool)
                        and math.isfinite(value)
                    ):
                        serial, cell_format = value, plain
                    else:
                        return False
                    ref = columns[column] + number
                    parts.append(f'<c r="{ref}" s="{style(cell_format)}"><v>{serial:.16G}</v></c>')
                    continue
            if len(value) > half:
                return False
            space = ""
            if _NEEDS_WORK.search(value) is not None:
                value = worksheet._escape_control_characters(value)
                if value.startswith("<r>") and value.endswith("</r>"):
                    return False
                if _preserve_whitespace(value):
                    space = ' xml:space="preserve"'
                value = worksheet._escape_data(value)
            if text_cell is None:
                text_cell = f'" s="{style(plain)}" t="inlineStr"><is><t'
            parts.append(f'<c r="{columns[column]}{number}{text_cell}{space}>{value}</t></is></c>')
        if len(values) < ncols:
            # A bordered grid looks ragged when a short row stops early: blank bordered cells fill it.
            if blank_cell is None:
                blank_cell = f'" s="{style(plain)}"/>'
            for column in range(len(values), ncols):
                parts.append(f'<c r="{columns[column]}{number}{blank_cell}')
        parts.append("</row>")
        worksheet.fh.write("".join(parts))
        return True


class WorkbookWriter:
    """An .xlsx being written. `stream=True` (the default) keeps one row in memory at a time."""

    def __init__(self, target=None, *, stream: bool = True):
        self.buffer = io.BytesIO() if target is None else None
        self.book = xlsxwriter.Workbook(
            self.buffer if target is None else target,
            {
                "constant_memory": stream,
                # Text is text: never turned into a formula, a link or a number behind the user's back.
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        self.sheets: list[Sheet] = []
        self._formats: dict[str, tuple] = {}

    def formats_for(self, style: str) -> tuple:
        """The (plain, date, datetime, time) cell formats of a style, made once per workbook."""
        if style not in self._formats:
            base = STYLES[style]
            self._formats[style] = (
                self.book.add_format(base),
                self.book.add_format({**base, "num_format": DATE_FORMAT}),
                self.book.add_format({**base, "num_format": DATETIME_FORMAT}),
                self.book.add_format({**base, "num_format": TIME_FORMAT}),
            )
        return self._formats[style]

    def add_format(self, properties: dict):
        return self.book.add_format(properties)

    def add_sheet(
        self,
        title: str,
        headers: Sequence[str],
        rows: Iterable[Sequence] = (),
        *,
        unit: str = "",
        date: datetime.date | None = None,
        totals: Sequence | None = None,
        note: str = "",
        name: str = "",
        progress: Callable[[int], None] | None = None,
    ) -> Sheet:
        """A formatted sheet: title row, unit and date row, header row, the rows, then the totals row.
        `name` is the sheet's tab when it should be shorter than the title."""
        tab = sheet_name(name or title, {sheet.worksheet.name.lower() for sheet in self.sheets})
        worksheet = self.book.add_worksheet(tab)
        headers = [str(h) for h in headers]
        ncols = max(len(headers), 1)
        sheet = Sheet(self, worksheet, ncols)
        self.sheets.append(sheet)
        title_format = self.formats_for("title")[0]
        title = escape_text(str(title))  # it holds unit and post names people typed
        if ncols > 1:
            worksheet.merge_range(0, 0, 0, ncols - 1, title, title_format)
        else:
            worksheet.write_string(0, 0, title, title_format)
        worksheet.set_row(0, 24)
        # Row 2: the reporting unit (or a note) on the left, the date on the right.
        left = note or (f"填报单位：{unit}" if unit else "")
        dated = f"日期：{date or local_today():%Y-%m-%d}"
        if ncols == 1:  # one column: unit and date share the cell rather than one overwriting the other
            left, dated = "", "　".join(part for part in (escape_text(left), dated) if part)
        if left:
            worksheet.write_string(1, 0, escape_text(left), self.formats_for("unit")[0])
        worksheet.write_string(1, ncols - 1, dated, self.formats_for("date")[0])
        sheet.row = 2
        sheet.write_row(headers, "header")
        for count, row in enumerate(rows, start=1):
            sheet.write_row(row)
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(count)
        if totals is not None:
            sheet.write_row(totals, "total")
        worksheet.freeze_panes(3, 0)
        worksheet.repeat_rows(0, 2)
        worksheet.set_landscape()
        worksheet.set_paper(9)  # A4
        worksheet.fit_to_pages(1, 0)
        worksheet.center_horizontally()
        worksheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        worksheet.set_footer("&C第 &P 页，共 &N 页")
        return sheet

    def close(self) -> bytes | None:
        for sheet in self.sheets:
            sheet.finish()
        self.book.close()
        return self.buffer.getvalue() if self.buffer is not None else None


def build_workbook(sheets: Iterable[dict], target=None) -> bytes | None:
    """Each dict holds add_sheet's arguments; returns the .xlsx file's bytes (or writes to `target`)."""
    writer = WorkbookWriter(target)
    for sheet in sheets:
        writer.add_sheet(**sheet)
    return writer.close()
