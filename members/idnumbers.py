"""Resident ID numbers (公民身份号码, GB 11643-1999): normalising, checking, and what they tell."""

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
# [0-9], not \d: \d also matches other scripts' digits (٣٤١…), which NFKC leaves as they are.
SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")


@dataclass(frozen=True)
class IdFacts:
    number: str
    birth_date: datetime.date
    gender: str  # "male" or "female", as members.choices.Gender


def normalise(raw: str) -> str:
    """As people type and spreadsheets store it: full-width digits, spaces, a lowercase x."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    return re.sub(r"\s+", "", text).upper()


def check_character(first17: str) -> str:
    return CHECK_CHARACTERS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def parse(raw: str, today: datetime.date | None = None) -> IdFacts:
    """The normalised number with its birth date and gender; ValidationError says what is wrong."""
    number = normalise(raw)
    if len(number) != 18:
        raise ValidationError(
            _("An ID number has 18 characters; this one has %(count)d.") % {"count": len(number)},
            code="length",
        )
    if not SHAPE.match(number):
        raise ValidationError(_("An ID number is 17 digits followed by a digit or X."), code="characters")
    try:
        birth_date = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("The birth date in the ID number (%(date)s) does not exist.")
            % {"date": f"{number[6:10]}-{number[10:12]}-{number[12:14]}"},
            code="birth_date",
        ) from None
    today = today or datetime.date.today()
    if birth_date > today or birth_date.year < 1900:
        raise ValidationError(
            _("The birth date in the ID number (%(date)s) is not possible.") % {"date": birth_date},
            code="birth_date",
        )
    if check_character(number[:17]) != number[17]:
        raise ValidationError(_("The check character of the ID number is wrong."), code="check")
    gender = "male" if int(number[16]) % 2 else "female"
    return IdFacts(number, birth_date, gender)


def mask(number: str) -> str:
    """For lists and exports: 3301**********123X."""
    if len(number) != 18:
        return "*" * len(number)
    return number[:4] + "*" * 10 + number[14:]


def compose(region: str, birth_date: datetime.date, sequence: int, gender: str) -> str:
    """A valid number for a region code, birth date and sequence (for demo data and tests): the
    sequence's last digit is made odd for men and even for women, as GB 11643 says."""
    order = sequence % 1000
    if (order % 2 == 1) != (gender == "male"):
        order = (order + 1) % 1000
    first17 = f"{region[:6]}{birth_date:%Y%m%d}{order:03d}"
    return first17 + check_character(first17)
