"""The duty log's rules (值班日志): who may record a day's visitors and matters, who may correct or delete an
entry, and the writes themselves. A future day has no entries; an entry that became a monthly-ledger item
is settled there and no longer changes here."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from duty_roster.choices import DayKind, Outcome
from duty_roster.models import DutyDay, DutyLogEntry, DutyPost
from duty_roster.signin import day_outcomes, person_for_user

ENTRY_FIELDS = ("visitor", "purpose", "handling", "needs_follow_up")


def manages(user, post: DutyPost) -> bool:
    """Township staff of the post's township, its office's secretary (and superusers)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if user.role not in (Role.TOWNSHIP_STAFF, Role.OFFICE_SECRETARY):
        return False
    return DutyPost.objects.for_user(user, "change").filter(pk=post.pk).exists()


def on_duty(post: DutyPost, day: datetime.date) -> set[int]:
    """The members expected at the post on `day` (after swaps and covers); empty on a day without duty."""
    return {row.person_id for row in day_outcomes(post, day, day) if row.outcome != Outcome.SWAPPED}


def may_record(user, post: DutyPost, day: datetime.date, today: datetime.date | None = None) -> bool:
    """The village secretary on duty that day (any of the office's on a concentrated-office day), the
    office's secretary and township staff; nobody records a day that has not come yet."""
    if day > (today or timezone.localdate()):
        return False
    if manages(user, post):
        return True
    if not getattr(user, "is_authenticated", False) or user.role != Role.VILLAGE_SECRETARY:
        return False
    if not user.village_id or user.office_id != post.office_id:
        return False
    duty = DutyDay.objects.filter(post=post, day=day).first()
    if duty is None:
        return False
    if duty.kind == DayKind.CONCENTRATED:
        return True
    person = person_for_user(user, day)
    return person is not None and person.pk in on_duty(post, day)


def may_change(user, entry: DutyLogEntry) -> bool:
    """Its recorder, the office or the township, while it has not become a ledger item."""
    if entry.ledger_item_id is not None:
        return False
    if manages(user, entry.post):
        return True
    return (
        getattr(user, "is_authenticated", False)
        and entry.recorded_by_id == user.pk
        and DutyLogEntry.objects.for_user(user, "change").filter(pk=entry.pk).exists()
    )


def may_convert(user, entry: DutyLogEntry) -> bool:
    """Who may make the entry a monthly-ledger item: whoever may record that day, or its recorder."""
    if manages(user, entry.post):
        return True
    if not DutyLogEntry.objects.for_user(user, "change").filter(pk=entry.pk).exists():
        return False
    return entry.recorded_by_id == user.pk or may_record(user, entry.post, entry.on)


def record(post: DutyPost, day: datetime.date, user, **fields) -> DutyLogEntry:
    """A new entry of the day's log; ValidationError per field, PermissionDenied for the wrong person."""
    if day > timezone.localdate():
        raise ValidationError(_("%(day)s has not come yet: nothing can be recorded.") % {"day": day})
    if not may_record(user, post, day):
        raise PermissionDenied
    entry = DutyLogEntry(
        post=post, on=day, recorded_by=user, **{k: fields[k] for k in ENTRY_FIELDS if k in fields}
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def change(entry: DutyLogEntry, user, **fields) -> DutyLogEntry:
    entry = DutyLogEntry.objects.select_for_update().get(pk=entry.pk)
    check_changeable(entry, user)
    for name in ENTRY_FIELDS:
        if name in fields:
            setattr(entry, name, fields[name])
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def delete(entry: DutyLogEntry, user) -> None:
    entry = DutyLogEntry.objects.select_for_update().get(pk=entry.pk)
    check_changeable(entry, user)
    entry.delete()


def check_changeable(entry: DutyLogEntry, user) -> None:
    if entry.ledger_item_id is not None:
        raise ValidationError(
            _("This entry became a monthly-ledger item: it is settled there and can no longer be changed.")
        )
    if not may_change(user, entry):
        raise PermissionDenied
