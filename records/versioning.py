"""Optimistic locking: two people editing the same record must not silently overwrite each other.

A versioned model has a `version` number that every save moves on (in the database, with F(), so a save
from a stale copy still moves it forward). An edit form carries the version it was drawn from; saving first
claims that version with `UPDATE … SET version = version + 1 WHERE pk = … AND version = N`, inside the
save's transaction. The UPDATE is the check and the lock at once: of two simultaneous saves from version N
only one can match, the other finds the row at N + 1 and is refused with who changed it and when
(records.forms.VersionedFormMixin, records.views.VersionCheckMixin).
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import F


class VersionedModelMixin:
    """For a model with `version = models.PositiveIntegerField(default=0, editable=False)`: every save of
    an existing row moves its version on. Put it before models.Model in the bases."""

    def save(self, *args, **kwargs) -> None:
        if self._state.adding or self.pk is None:
            super().save(*args, **kwargs)
            return
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            if not update_fields:  # Django's "save nothing"
                return super().save(*args, **kwargs)
            kwargs["update_fields"] = {*update_fields, "version"}
        before = self.version
        self.version = F("version") + 1
        try:
            super().save(*args, **kwargs)
        except BaseException:
            self.version = before  # no query here: the transaction may be broken (an IntegrityError)
            raise
        # Never leave the expression on the instance: read back the number the database holds.
        self.version = type(self)._base_manager.filter(pk=self.pk).values_list("version", flat=True).first()


def claim_version(model: type[models.Model], pk: Any, version: int | None) -> bool:
    """Within a transaction: move the row on from `version`; False when it is no longer at that version
    (someone saved it since the form was drawn). The row stays locked until the transaction ends."""
    if version is None:
        return False
    return model._base_manager.filter(pk=pk, version=version).update(version=F("version") + 1) == 1


def current_version(obj: models.Model) -> int:
    return type(obj)._base_manager.filter(pk=obj.pk).values_list("version", flat=True).first() or 0


@dataclass
class LastChange:
    user: Any
    date: datetime.datetime | None


def last_change(obj: models.Model) -> LastChange:
    """Who changed the record last and when, from its change log (django-simple-history); a model may
    say better with its own `last_change()` (a score sheet changes through its entries)."""
    own = getattr(obj, "last_change", None)
    if callable(own):
        return own()
    record = obj.history.select_related("history_user").order_by("-history_date", "-history_id").first()
    if record is None:
        return LastChange(user=None, date=None)
    return LastChange(user=record.history_user, date=record.history_date)
