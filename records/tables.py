"""Table helpers shared by every list: the Excel export of a django-tables2 table."""

import datetime
from collections.abc import Callable, Iterator
from decimal import Decimal

from django.db import models
from django.utils.functional import Promise

# Rows are fetched from the database this many at a time: a 50,000-member export never holds every model
# instance at once (prefetch_related needs an explicit chunk size with iterator()).
EXPORT_CHUNK_SIZE = 2000

# The types a cell keeps as they are (anything else becomes its text); exact types first, for speed.
PLAIN_TYPES = (str, int, float, Decimal, bool, datetime.date)
_EXACTLY_PLAIN = frozenset({str, int, float, Decimal, bool, datetime.date, datetime.datetime, type(None)})


def export_rows(table) -> tuple[list[str], Iterator[list]]:
    """Headers and a generator of raw values (numbers stay numbers, dates stay dates) of every exportable
    column, in the table's order (the list's ?sort included). The rows are read once, as they are written.

    Each cell is the column's accessor resolved on the record (as django-tables2 resolves it: callables
    called), a choice as its label (its text), a related object or any other value as its text. The columns'
    render methods are for the page only. Every column's extractor is built once per export, not per
    cell: a 50,000-member export has close to a million cells."""
    columns = [c for c in table.columns if c.column.exclude_from_export is False and c.name != "actions"]
    headers = [str(c.header) for c in columns]
    return headers, _rows(table, columns)


def _rows(table, columns) -> Iterator[list]:
    data = getattr(table.data, "data", table.data)  # the (sorted) queryset or list behind the table
    records = data.iterator(chunk_size=EXPORT_CHUNK_SIZE) if isinstance(data, models.QuerySet) else iter(data)
    extractors = [_extractor(column.accessor) for column in columns]
    for record in records:
        yield [extract(record) for extract in extractors]


def _extractor(accessor) -> Callable[[object], object]:
    """The cell of one column for a record: what accessor.resolve(record, quiet=True) gives, the choice's
    label where the model field it ends on has choices, text for anything but numbers, text and dates.

    Records that are model instances (every list's) take a direct attribute walk; anything subscriptable
    on the way (dicts, lists) goes through django-tables2's own resolve, so the result is the same."""
    bits = tuple(accessor.bits)
    if not bits:
        return lambda record: _finish(accessor.resolve(record, quiet=True), None)
    parents, last = bits[:-1], bits[-1]
    args, kwargs = accessor.callable_args, accessor.callable_kwargs
    choices_of: dict[type, dict | None] = {}  # the choices of the field `last` on each model, once

    def field_choices(obj) -> dict | None:
        kind = type(obj)
        if kind not in choices_of:
            choices = None
            if isinstance(obj, models.Model):
                try:
                    field = obj._meta.get_field(last)
                except Exception:
                    field = None
                if field is not None and field.choices:
                    # The labels are lazy: their text once per export, not once per cell.
                    choices = {
                        key: str(label) if isinstance(label, Promise) else label
                        for key, label in field.flatchoices
                    }
            choices_of[kind] = choices
        return choices_of[kind]

    def slow(record):
        value = accessor.resolve(record, quiet=True)
        obj = record
        for part in parents:
            obj = getattr(obj, part, None)
            if obj is None:
                return _finish(value, None)
        return _finish(value, field_choices(obj))

    def value_of(obj):
        """The last bit read from obj (a model instance, or anything else without obj[bit])."""
        value = getattr(obj, last)
        if callable(value):
            if getattr(value, "alters_data", False):
                return None  # resolve refuses to call it
            if not getattr(value, "do_not_call_in_templates", False):
                value = value(*args, **kwargs)
        return value

    def finish(obj, value):
        if value is None:
            return None
        kind = type(obj)
        choices = choices_of[kind] if kind in choices_of else field_choices(obj)
        if choices is None and type(value) in _EXACTLY_PLAIN:
            return value
        return _finish(value, choices)

    if not parents:

        def extract(record):  # value_of and finish written out: most columns are one attribute
            kind = type(record)
            if kind not in _ATTRIBUTE_ONLY and not _attribute_only(kind):
                return slow(record)
            try:
                value = getattr(record, last)
                if callable(value):
                    if getattr(value, "alters_data", False):
                        return None  # resolve refuses to call it
                    if not getattr(value, "do_not_call_in_templates", False):
                        value = value(*args, **kwargs)
            except Exception:
                # resolve(quiet=True) gives None for an attribute that is not there (or fails); the slow
                # way finds out exactly as before.
                return slow(record)
            if value is None:
                return None
            choices = choices_of[kind] if kind in choices_of else field_choices(record)
            if choices is None and type(value) in _EXACTLY_PLAIN:
                return value
            return _finish(value, choices)

        return extract

    def extract(record):
        obj = record
        try:
            for bit in parents:
                if type(obj) not in _ATTRIBUTE_ONLY and not _attribute_only(type(obj)):
                    return slow(record)
                obj = getattr(obj, bit)
                if obj is None:
                    return None
                if callable(obj):  # a method on the way: rare, and resolve calls it
                    return slow(record)
            if type(obj) not in _ATTRIBUTE_ONLY and not _attribute_only(type(obj)):
                return slow(record)
            value = value_of(obj)
        except Exception:
            return slow(record)
        return finish(obj, value)

    return extract


# Types whose instances have no __getitem__: django-tables2's resolve tries obj[bit] first and only then
# getattr(obj, bit); for these the first try always fails, so getattr is the same walk without the raise.
_ATTRIBUTE_ONLY: set[type] = set()


def _attribute_only(kind: type) -> bool:
    if issubclass(kind, type) or hasattr(kind, "__getitem__"):
        return False
    _ATTRIBUTE_ONLY.add(kind)
    return True


def _finish(value, choices):
    if choices is not None and value not in (None, ""):
        return choices.get(value, value)
    if type(value) in _EXACTLY_PLAIN:
        return value
    if isinstance(value, models.Model) or (value is not None and not _is_plain(value)):
        return str(value)
    return value


def _is_plain(value) -> bool:
    return isinstance(value, PLAIN_TYPES)
