"""Working days in China: statutory holidays and adjusted working days (调休) from chinesecalendar, with
the township's own entries taking precedence. A year neither knows is an error, never a guess."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

import chinese_calendar
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CalendarUnknown(ValidationError):
    """Nobody has entered the holidays of this year yet."""


@dataclass(frozen=True)
class DayInfo:
    day: datetime.date
    working: bool  # a day people work (a weekday that is no holiday, or an adjusted working day)
    holiday: bool  # a statutory holiday (法定节假日)
    adjusted: bool  # a weekend day made a working day (调休上班)
    name: str = ""


def day_info(
    day: datetime.date, overrides: Mapping[datetime.date, tuple[bool, str]] | None = None
) -> DayInfo:
    """What `day` is. `overrides` maps a date to (is a working day, name), as the township entered it;
    for a year the township has entered, days it has not listed are ordinary weekdays or weekends."""
    overrides = overrides or {}
    weekend = day.weekday() >= 5
    if day in overrides:  # the township lists its holidays (not working) and adjusted working days
        working, name = overrides[day]
        return DayInfo(day, working, holiday=not working, adjusted=working and weekend, name=name)
    try:
        holiday, name = chinese_calendar.get_holiday_detail(day)
        working = chinese_calendar.is_workday(day)
    except NotImplementedError:
        if any(d.year == day.year for d in overrides):
            return DayInfo(day, not weekend, holiday=False, adjusted=False)
        raise CalendarUnknown(
            _(
                "The holidays of %(year)s are not known yet. Township staff: enter that year's "
                "statutory holidays and adjusted working days (from the State Council's notice) under "
                "Duty roster → Holidays."
            )
            % {"year": day.year},
            code="calendar_unknown",
        ) from None
    return DayInfo(
        day,
        working,
        holiday=holiday and name is not None,  # an ordinary weekend is no statutory holiday
        adjusted=working and weekend,
        name=_holiday_name(name) if holiday and name else "",
    )


HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def _holiday_name(name: str) -> str:
    return HOLIDAY_NAMES.get(name, name)
