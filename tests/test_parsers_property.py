"""Property tests (hypothesis) of every parser of user input (issue 9, "Nothing lost"): the ID validator, the
import's cell parsers, the month and day parsers of the duty roster and the ledger, and the member search.
Whatever is typed or found in a cell, the answer is a value or a ValidationError (a ValueError where the
function says so, which the URL resolver turns into a 404), never another exception."""

import datetime
import decimal
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from duty_roster import forms_signin
from duty_roster.models import parse_weekdays
from duty_roster.services import parse_month
from duty_roster.urls_log import LogDayConverter
from ledger.urls import LedgerMonthConverter
from members import idnumbers
from records.cleaning import EXCEL_EPOCH, parse_date
from records.imports import Boolean, Choice, Compact, Date, LongNumber, Name, Text

TODAY = datetime.date.today()

# --- Resident ID numbers -----------------------------------------------------------------------------------

regions = st.from_regex(r"\A[1-8][0-9]{5}\Z", fullmatch=True)
births = st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY)
genders = st.sampled_from(["male", "female"])
valid_ids = st.builds(idnumbers.compose, regions, births, st.integers(0, 999), genders)


@given(regions, births, st.integers(0, 999), genders)
def test_every_composed_number_validates_with_its_birth_date_and_gender(region, birth, sequence, gender):
    number = idnumbers.compose(region, birth, sequence, gender)
    facts = idnumbers.parse(number)
    assert (facts.number, facts.birth_date, facts.gender) == (number, birth, gender)


@given(valid_ids, st.sampled_from(["lower", "spaced", "full-width"]))
def test_a_valid_number_validates_as_people_type_it(number, style):
    typed = {
        "lower": number.lower(),
        "spaced": f" {number[:6]} {number[6:14]} {number[14:]} ",
        "full-width": "".join(chr(ord(c) + 0xFEE0) for c in number),  # １２３…Ｘ
    }[style]
    assert idnumbers.parse(typed).number == number


@given(valid_ids, st.integers(0, 17), st.integers(1, 10))
def test_changing_any_one_character_is_refused(number, position, shift):
    alphabet = "0123456789X" if position == 17 else "0123456789"
    old = alphabet.index(number[position])
    new = alphabet[(old + shift) % len(alphabet)]
    assume(new != number[position])
    changed = number[:position] + new + number[position + 1 :]
    with pytest.raises(ValidationError):
        idnumbers.parse(changed)


@given(valid_ids, st.integers(0, 16))
def test_swapping_two_different_adjacent_digits_is_refused(number, position):
    first, second = number[position], number[position + 1]
    assume(first != second and second != "X")
    swapped = number[:position] + second + first + number[position + 2 :]
    with pytest.raises(ValidationError):
        idnumbers.parse(swapped)


id_like = st.text(alphabet="0123456789Xx１２٣ \u3000-*", min_size=15, max_size=20)


@given(st.one_of(st.text(), id_like, st.from_regex(r"\A\d{17}[\dX]\Z", fullmatch=True)))
@example("")
@example("000000000000000000")
@example("110105000002300012")  # year 0000
@example("11010519491331002X")  # 13th month
@example("\x00" * 18)
def test_any_text_is_a_number_or_a_validation_error(text):
    try:
        facts = idnumbers.parse(text)
    except ValidationError:
        return
    assert len(facts.number) == 18 and facts.birth_date <= TODAY
    assert facts.number[:17].isascii() and facts.number[:17].isdigit()  # never ٣٤١… with a check X


@given(valid_ids)
def test_digits_of_other_scripts_are_refused(number):
    # \d matches Arabic-Indic digits too; NFKC leaves them; a number written so must not be stored.
    other = "".join(chr(0x660 + int(c)) if c.isdigit() else c for c in number[:17]) + number[17]
    with pytest.raises(ValidationError):
        idnumbers.parse(other)


@given(st.text())
def test_masking_never_shows_more_than_the_ends(text):
    masked = idnumbers.mask(text)
    assert len(masked) == len(text)
    if len(text) == 18:
        assert masked[4:14] == "*" * 10


# --- The import's cell parsers -----------------------------------------------------------------------------

# What openpyxl hands over from a cell, and more.
cells = st.one_of(
    st.none(),
    st.text(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
)
PARSERS = {
    "text": Text(),
    "name": Name(),
    "compact": Compact(),
    "long number": LongNumber(),
    "date": Date(),
    "boolean": Boolean(),
    "choice": Choice({"男": "male", "男性": "male", "女": "female"}),
}


@pytest.mark.parametrize("kind", PARSERS)
@given(value=cells)
@example(value=float("nan"))
@example(value=float("inf"))
@example(value=1e308)
@example(value=decimal.Decimal("NaN"))
@example(value="\ud800")  # a lone surrogate
def test_every_parser_gives_a_value_or_a_validation_error(kind, value):
    try:
        PARSERS[kind](value)
    except ValidationError as error:
        assert error.messages  # a reason to show beside the cell


@given(st.text())
def test_compact_text_has_no_white_space(value):
    assert not any(c.isspace() for c in Compact()(value))


@given(st.text(alphabet="王李张明华 \u3000", min_size=1).filter(lambda t: t.strip()))
def test_a_chinese_name_loses_its_aligning_spaces(value):
    assert Name()(value) == "".join(value.split())


dates = st.dates(min_value=datetime.date(1000, 1, 1), max_value=datetime.date(9999, 12, 31))


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


WRITTEN = {
    "2026-1-2": lambda d: f"{d.year}-{d.month}-{d.day}",
    "2026-01-02": lambda d: f"{d:%Y-%m-%d}",
    "2026/01/02": lambda d: f"{d:%Y/%m/%d}",
    "2026/1/2": lambda d: f"{d.year}/{d.month}/{d.day}",
    "2026.01.02": lambda d: f"{d:%Y.%m.%d}",
    "2026年1月2日": lambda d: f"{d.year}年{d.month}月{d.day}日",
    "2026 年 1 月 2 日": lambda d: f"{d.year} 年 {d.month} 月 {d.day} 日",
    "2026年01月02日": lambda d: f"{d:%Y}年{d:%m}月{d:%d}日",
    "20260102": lambda d: f"{d:%Y%m%d}",
    "２０２６－１－２": lambda d: full_width(f"{d.year}-{d.month}-{d.day}").replace("-", "－"),
    " 2026-1-2 ": lambda d: f"  {d.year}-{d.month}-{d.day}\t",
}


@pytest.mark.parametrize("form", WRITTEN)
@given(day=dates)
def test_a_date_written_in_an_accepted_form_reads_back(form, day):
    assert parse_date(WRITTEN[form](day)) == day
    assert Date()(WRITTEN[form](day)) == day


@given(st.dates(min_value=EXCEL_EPOCH + datetime.timedelta(days=1), max_value=datetime.date(2118, 1, 1)))
def test_an_excel_serial_number_reads_back(day):
    serial = (day - EXCEL_EPOCH).days
    assert parse_date(serial) == day
    assert parse_date(float(serial)) == day
    assert parse_date(serial + 0.75) == day  # a date with a time of day


@given(st.datetimes())
def test_a_datetime_is_its_day(moment):
    assert parse_date(moment) == moment.date()
    assert parse_date(moment.date()) == moment.date()


@given(st.text(alphabet="0123456789-/.年月日 ", max_size=14))
def test_text_of_date_characters_is_a_date_none_or_a_validation_error(text):
    try:
        day = parse_date(text)
    except ValidationError:
        return
    assert day is None or isinstance(day, datetime.date)


@given(
    st.sampled_from(sorted(Boolean.TRUE | Boolean.FALSE)),
    st.sampled_from([str, str.upper, lambda t: f" {t} ", lambda t: unicodedata.normalize("NFKC", t)]),
)
def test_every_yes_and_no_word_reads_as_written(word, style):
    assert Boolean()(style(word)) is (word in Boolean.TRUE)


@given(st.sampled_from(["男", "男性", "女", "male", "female", " 男 ", "男\u3000性"]))
def test_a_choice_reads_its_labels_and_its_values(text):
    assert Choice({"男": "male", "男性": "male", "女": "female"})(text) in {"male", "female"}


# --- Months, days and weekdays in addresses and forms ------------------------------------------------------


@given(st.one_of(st.none(), st.text(), st.from_regex(r"\A\d{1,5}-\d{1,3}\Z", fullmatch=True)))
@example("2026-13")
@example("1999-12")
@example("٢٠٢٦-١")  # Arabic-Indic digits match \d
def test_a_month_in_the_address_is_a_month_or_none(text):
    month = parse_month(text)
    assert month is None or (2000 <= month[0] <= 2100 and 1 <= month[1] <= 12)


@given(st.integers(2000, 2100), st.integers(1, 12), st.booleans())
def test_a_month_reads_back(year, month, padded):
    text = f"{year}-{month:02d}" if padded else f"{year}-{month}"
    assert parse_month(text) == (year, month)
    assert forms_signin.parse_month(text, TODAY) == (year, month)


def test_an_empty_month_is_this_month():
    assert forms_signin.parse_month("", TODAY) == (TODAY.year, TODAY.month)


@given(st.from_regex(r"\A" + LedgerMonthConverter.regex + r"\Z", fullmatch=True))
def test_a_ledger_month_in_a_path_is_a_month_or_a_404(text):
    converter = LedgerMonthConverter()
    try:
        month = converter.to_python(text)
    except ValueError:  # the resolver answers 404
        return
    # Other scripts' digits (٢٠٢٦) match \d too: the same month, written back in ASCII digits.
    assert month.day == 1 and converter.to_python(converter.to_url(month)) == month


@given(st.from_regex(r"\A" + LogDayConverter.regex + r"\Z", fullmatch=True))
def test_a_log_day_in_a_path_is_a_day_or_a_404(text):
    converter = LogDayConverter()
    try:
        day = converter.to_python(text)
    except ValueError:
        return
    assert converter.to_python(converter.to_url(day)) == day


@given(st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 12, 31)))
def test_path_days_and_months_read_back(day):
    assert LogDayConverter().to_python(LogDayConverter().to_url(day)) == day
    month = day.replace(day=1)
    assert LedgerMonthConverter().to_python(LedgerMonthConverter().to_url(month)) == month


@given(st.text(max_size=30))
@example("1,,3")
@example("7")
@example("１，２")
def test_rotation_weekdays_are_a_list_or_a_value_error(text):
    try:
        days = parse_weekdays(text)
    except ValueError:
        return
    assert days and all(0 <= d <= 6 for d in days) and days == sorted(set(days))


@given(st.sets(st.integers(0, 6), min_size=1), st.sampled_from([",", "，", ", "]))
def test_rotation_weekdays_read_back(days, separator):
    assert parse_weekdays(separator.join(str(d) for d in days)) == sorted(days)


# --- The member search ------------------------------------------------------------------------------------


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    query=st.one_of(
        st.text(max_size=40),
        st.from_regex(r"\A\d{1,20}[xX]?\Z", fullmatch=True),
        st.from_regex(r"\A[a-zA-Z]{1,12}\Z", fullmatch=True),
    )
)
@example(query="\x00")
@example(query="%_\\'\"")
@example(query="3411")
def test_any_search_text_lists_members_or_nobody(world, party, query):
    from members.filters import MemberFilterSet
    from members.models import Member

    request = RequestFactory().get("/", {"q": query})
    request.user = world.users["township"]
    filterset = MemberFilterSet(
        request.GET, queryset=Member.objects.for_user(request.user, "view"), request=request
    )
    if filterset.is_valid():  # a NUL character is refused by the form before any query
        found = list(filterset.qs)
        assert all(member.township_id == world.township.pk for member in found)
