import datetime
import io

import openpyxl

from records.workbook import build_workbook, escape_text


def load(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def test_it_escapes_text_that_would_start_a_formula():
    for text in ["=1+1", "+86", "-3", "@SUM(A1)", "\tx", "\rx"]:
        assert escape_text(text) == "'" + text
    assert escape_text("张三") == "张三"


def test_formula_text_is_stored_as_text_not_as_a_formula():
    content = build_workbook([{"title": "名单", "headers": ["姓名"], "rows": [['=HYPERLINK("x")']]}])
    cell = load(content)["名单"]["A4"]
    assert cell.data_type == "s"
    assert cell.value.startswith("'=")


def test_numbers_and_dates_keep_their_types_and_the_sheet_is_set_up_for_a4():
    rows = [["张庄村", 320, datetime.date(2023, 6, 28)]]
    content = build_workbook(
        [
            {
                "title": "村名单",
                "headers": ["名称", "户数", "成立日期"],
                "rows": rows,
                "unit": "甲镇",
                "date": datetime.date(2026, 11, 26),
            }
        ]
    )
    sheet = load(content)["村名单"]
    assert sheet["A1"].value == "村名单"
    assert "A1:C1" in [str(r) for r in sheet.merged_cells.ranges]
    assert sheet["A2"].value == "填报单位：甲镇"
    assert sheet["C2"].value == "日期：2026-11-26"
    assert sheet["B4"].value == 320
    assert sheet["C4"].value.date() == datetime.date(2023, 6, 28)
    assert sheet.freeze_panes == "A4"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == int(sheet.PAPERSIZE_A4)
    assert sheet.print_title_rows == "$1:$3"


def test_a_totals_row_follows_the_rows_in_bold():
    content = build_workbook(
        [{"title": "统计", "headers": ["村", "党员"], "rows": [["甲", 3], ["乙", 4]], "totals": ["合计", 7]}]
    )
    sheet = load(content)["统计"]
    assert [sheet["A6"].value, sheet["B6"].value] == ["合计", 7]
    assert sheet["A6"].font.b
    assert sheet["B6"].value == sheet["B4"].value + sheet["B5"].value


def test_rows_may_be_a_generator_consumed_once_and_progress_is_reported():
    from records.workbook import WorkbookWriter

    seen = []
    writer = WorkbookWriter()
    writer.add_sheet("名单", ["序号"], ([n] for n in range(2500)), progress=seen.append)
    sheet = load(writer.close())["名单"]
    assert sheet.max_row == 3 + 2500
    assert sheet["A2503"].value == 2499
    assert seen == [1000, 2000]


def test_column_widths_follow_the_longest_chinese_text():
    content = build_workbook(
        [{"title": "名单", "headers": ["名称", "备注"], "rows": [["张庄村党支部委员会", "x"]]}]
    )
    sheet = load(content)["名单"]
    assert sheet.column_dimensions["A"].width >= 18
    assert sheet.column_dimensions["B"].width < sheet.column_dimensions["A"].width


def test_times_are_times_and_a_column_can_be_text_for_what_is_typed_later():
    from records.workbook import WorkbookWriter

    writer = WorkbookWriter()
    sheet = writer.add_sheet("值班", ["岗位", "签到时间"], [["东关", datetime.time(8, 30)]])
    sheet.set_column_format(0, writer.add_format({"num_format": "@"}))
    book = load(writer.close())["值班"]
    assert book["B4"].is_date and book["B4"].number_format == "hh:mm"
    assert book["B4"].value == datetime.time(8, 30)
    assert book.column_dimensions["A"].number_format == "@"


def test_tab_names_excel_would_refuse_are_made_acceptable_and_unique():
    from records.workbook import WorkbookWriter

    writer = WorkbookWriter()
    long = "东关社区党总支" * 6
    for title in ["张三'", long, long + "乙", "=1+1"]:
        writer.add_sheet(title, ["甲"])
    book = load(writer.close())
    assert book.sheetnames[0] == "张三"
    assert book.sheetnames[1] == long[:31] and book.sheetnames[2] == long[:27] + " (2)"
    assert book.worksheets[3]["A1"].value == "'=1+1"  # the title row is text, never a formula


def test_a_one_column_sheet_keeps_both_unit_and_date():
    content = build_workbook([{"title": "名单", "headers": ["姓名"], "rows": [], "unit": "甲镇"}])
    assert load(content)["名单"]["A2"].value.startswith("填报单位：甲镇　日期：")
