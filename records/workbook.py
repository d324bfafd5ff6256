"""The workbook writer: every .xlsx the product produces goes through here.

It writes a merged title row, the reporting unit and date, Chinese headers, sensible column widths, a
frozen header, and A4 landscape print setup with the header repeated on every page. Text from users is
escaped so that Excel, WPS and LibreOffice never read it as a formula.
"""

import datetime
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | Decimal | datetime.date | datetime.datetime):
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            from django.utils import timezone

            return timezone.localtime(value).replace(tzinfo=None)
        return value
    return escape_text(str(value))


def display_width(text: str) -> int:
    # A CJK character is about two Latin characters wide in Excel's default font.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def add_sheet(
    workbook: Workbook,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    unit: str = "",
    date: datetime.date | None = None,
) -> None:
    """Append a formatted sheet: title row, unit and date row, header row, data rows."""
    # A sheet name may not hold : \ / ? * [ ] (Excel refuses the file); the title row keeps them.
    sheet = workbook.create_sheet(title=re.sub(r"[:\\/?*\[\]]", " ", title)[:31])
    ncols = max(len(headers), 1)
    last = get_column_letter(ncols)
    sheet.append([title])
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].font = Font(size=14, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    # Row 2: the reporting unit on the left, the date on the right.
    sheet.append([f"填报单位：{unit}" if unit else ""])
    sheet.cell(row=2, column=ncols, value=f"日期：{date or datetime.date.today():%Y-%m-%d}")
    sheet.cell(row=2, column=ncols).alignment = Alignment(horizontal="right")
    sheet.append(list(headers))
    widths = [display_width(str(h)) for h in headers]
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8E8E8")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
    for row_number, row in enumerate(rows, start=4):
        values = [cell_value(v) for v in row]
        sheet.append(values)
        for i, v in enumerate(values):
            if v is not None and i < len(widths):
                widths[i] = max(widths[i], display_width(v if isinstance(v, str) else str(v)))
        # sheet[n] and sheet.max_row scan every cell: with them a 2,000-row sheet took seconds.
        (cells,) = sheet.iter_rows(min_row=row_number, max_row=row_number, max_col=max(ncols, len(values)))
        for cell in cells:
            cell.border = BORDER
            if isinstance(cell.value, datetime.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 6), 50)
    sheet.freeze_panes = "A4"
    sheet.print_title_rows = "1:3"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True


def build_workbook(sheets: Iterable[dict]) -> bytes:
    """Each dict holds add_sheet's arguments; returns the .xlsx file's bytes."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        add_sheet(workbook, **sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
