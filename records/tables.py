"""Table helpers shared by every list: the Excel export of a django-tables2 table."""

import datetime
from collections.abc import Iterator
from decimal import Decimal

from django.db import models

# Rows are fetched from the database this many at a time: a 50,000-member export never holds every model
# instance at once (prefetch_related needs an explicit chunk size with iterator()).
EXPORT_CHUNK_SIZE = 2000


def export_rows(table) -> tuple[list[str], Iterator[list]]:
    """Headers and a generator of raw values (numbers stay numbers, dates stay dates) of every exportable
    column, in the table's order (the list's ?sort included). The rows are read once, as they are written."""
    columns = [c for c in table.columns if c.column.exclude_from_export is False and c.name != "actions"]
    headers = [str(c.header) for c in columns]
    return headers, _rows(table, columns)


def _rows(table, columns) -> Iterator[list]:
    data = getattr(table.data, "data", table.data)  # the (sorted) queryset or list behind the table
    records = data.iterator(chunk_size=EXPORT_CHUNK_SIZE) if isinstance(data, models.QuerySet) else iter(data)
    choices: dict[tuple, dict | None] = {}  # the field of each column, looked up once per model
    for record in records:
        row = []
        for column in columns:
            value = column.accessor.resolve(record, quiet=True)
            field = _model_field(record, column.accessor, choices)
            if field is not None and value not in (None, ""):
                value = field.get(value, value)
            elif isinstance(value, models.Model) or (value is not None and not _is_plain(value)):
                value = str(value)
            row.append(value)
        yield row


def _is_plain(value) -> bool:
    return isinstance(value, str | int | float | Decimal | bool | datetime.date)


def _model_field(record, accessor, cache: dict) -> dict | None:
    """The choices of the model field the accessor ends on ({value: label}), or None."""
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
