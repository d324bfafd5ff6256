"""Table helpers shared by every list: the Excel export of a django-tables2 table."""

from django.db import models


def export_rows(table) -> tuple[list[str], list[list]]:
    """Headers and raw values (numbers stay numbers, dates stay dates) of every exportable column."""
    columns = [c for c in table.columns if c.column.exclude_from_export is False and c.name != "actions"]
    headers = [str(c.header) for c in columns]
    rows = []
    for record in table.data:
        row = []
        for column in columns:
            value = column.accessor.resolve(record, quiet=True)
            field = _model_field(record, column.accessor)
            if field is not None and field.choices and value not in (None, ""):
                value = dict(field.flatchoices).get(value, value)
            elif isinstance(value, models.Model) or (value is not None and not _is_plain(value)):
                value = str(value)
            row.append(value)
        rows.append(row)
    return headers, rows


def _is_plain(value) -> bool:
    import datetime
    from decimal import Decimal

    return isinstance(value, str | int | float | Decimal | bool | datetime.date)


def _model_field(record, accessor):
    obj = record
    parts = accessor.bits
    for part in parts[:-1]:
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    if not isinstance(obj, models.Model):
        return None
    try:
        return obj._meta.get_field(parts[-1])
    except Exception:
        return None
