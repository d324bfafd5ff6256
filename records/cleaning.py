"""Reading values as real spreadsheets hold them: full-width characters, stray spaces, dates in any of
the ways Chinese offices write them. Used by every Excel import."""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

EXCEL_EPOCH = datetime.date(1899, 12, 30)
DATE_PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def clean_text(value) -> str:
    """NFKC (full-width → half-width), trimmed, inner runs of white space made one space."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return re.sub(r"\s+", " ", text).strip()


def parse_date(value) -> datetime.date | None:
    """An Excel date or serial number, or text such as 2023-6-1, 2023/06/01, 2023.06.01, 2023年6月1日,
    20230601. Empty is None; anything else raises ValidationError."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 80000:
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise ValidationError(_("%(value)s is not a date.") % {"value": value}, code="date")
    text = clean_text(value)
    if not text:
        return None
    match = DATE_PATTERN.match(text) or COMPACT_DATE.match(text)
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise ValidationError(
        _("%(value)s is not a date; write it as 2023-6-1 or 2023年6月1日.") % {"value": text}, code="date"
    )
