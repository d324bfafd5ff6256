"""The change log (变更记录) shown on every record's page, from django-simple-history."""

from django.db import models
from django.utils.translation import gettext as _


def _display(field: models.Field, value) -> str:
    if value in (None, ""):
        return "—"
    masker = getattr(field.model, "masked_fields", {}).get(field.name)
    if masker is not None:  # ID and phone numbers stay masked in the history too
        return masker(str(value))
    if field.is_relation and field.related_model is not None:
        related = field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related else str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def change_log(obj: models.Model, limit: int = 30) -> list[dict]:
    """Newest first: when, who, what kind of change, and each changed field as (label, old, new)."""
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    labels = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            for change in record.diff_against(previous).changes:
                field = obj._meta.get_field(change.field)
                changes.append((field.verbose_name, _display(field, change.old), _display(field, change.new)))
        entries.append(
            {
                "date": record.history_date,
                "user": record.history_user,
                "kind": labels[record.history_type],
                "changes": changes,
            }
        )
    return entries
