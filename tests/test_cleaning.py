import datetime

import pytest
from django.core.exceptions import ValidationError

from records.cleaning import clean_text, parse_date

JUNE_1 = datetime.date(2023, 6, 1)


@pytest.mark.parametrize(
    "value",
    [
        "2023-6-1",
        "2023-06-01",
        "2023/6/1",
        "2023.06.01",
        "2023年6月1日",
        "２０２３年６月１日",
        " 2023 年 6 月 1 日 ",
        "20230601",
        45078,
        datetime.datetime(2023, 6, 1, 0, 0),
        JUNE_1,
    ],
)
def test_it_reads_dates_as_offices_write_them(value):
    assert parse_date(value) == JUNE_1


@pytest.mark.parametrize("value", [None, "", "  "])
def test_empty_is_no_date(value):
    assert parse_date(value) is None


@pytest.mark.parametrize("value", ["2023-2-30", "去年", "2023-13-01", 10**7])
def test_it_rejects_what_is_not_a_date(value):
    with pytest.raises(ValidationError):
        parse_date(value)


def test_clean_text_makes_full_width_half_width_and_trims():
    assert clean_text("  张　三 ") == "张 三"
    assert clean_text("ＡＢＣ１２３") == "ABC123"
    assert clean_text(None) == ""
