"""The monthly ledger's rules: items go into an open month; the office closes a month (月结) with a summary
and carries what is unsettled into the next, marked with how often it has been carried; a closed month is
locked, and only township staff reopen it, with a recorded reason."""

import calendar
import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from communities.models import Office
from ledger.choices import UNSETTLED, ItemSource, ItemStatus, LedgerAction
from ledger.models import LedgerEvent, LedgerItem, LedgerMonth

# A month may be closed from this many days before its last day (the office closes at month end).
CLOSE_DAYS_AHEAD = 6


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def next_month(month: datetime.date) -> datetime.date:
    return (month_end(month) + datetime.timedelta(days=1)).replace(day=1)


def previous_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def ledger_for(office: Office | int, month: datetime.date) -> LedgerMonth:
    office_id = office if isinstance(office, int) else office.pk
    ledger, _created = LedgerMonth.objects.get_or_create(office_id=office_id, month=month.replace(day=1))
    return ledger


@dataclass(frozen=True)
class Summary:
    received: int
    done: int
    carried: int
    overdue: int

    @property
    def clearance_rate(self) -> float | None:
        return self.done / self.received if self.received else None


def summarise(ledger: LedgerMonth, today: datetime.date | None = None) -> Summary:
    """The month as it stands: a closed month's stored summary, an open month's live count (overdue:
    unsettled past its due date, as of `today` or the month's end, whichever is earlier)."""
    if ledger.is_closed:
        return Summary(ledger.received, ledger.done, ledger.carried, ledger.overdue)
    as_of = min(today or timezone.localdate(), month_end(ledger.month))
    counts = ledger.items.aggregate(
        received=Count("pk"),
        done=Count("pk", filter=Q(status=ItemStatus.DONE)),
        unsettled=Count("pk", filter=Q(status__in=UNSETTLED)),
        overdue=Count("pk", filter=Q(status__in=UNSETTLED, due_on__lt=as_of)),
    )
    return Summary(counts["received"], counts["done"], counts["unsettled"], counts["overdue"])


def check_open(ledger: LedgerMonth) -> None:
    if ledger.is_closed:
        raise ValidationError(
            _("The ledger of %(month)s is closed and locked.") % {"month": f"{ledger.month:%Y-%m}"}
        )


def check_item_editable(item: LedgerItem) -> None:
    check_open(item.ledger)
    if hasattr(item, "carried_to"):
        raise ValidationError(_("This item was carried to the next month; settle it there."))


def add_item(ledger: LedgerMonth, user=None, **fields) -> LedgerItem:
    check_open(ledger)
    item = LedgerItem(ledger=ledger, created_by=user, **fields)
    item.full_clean()
    item.save()
    return item


def item_from_duty_log(entry, user=None, today: datetime.date | None = None) -> LedgerItem:
    """One click on a duty-log entry: the matter becomes an open item of its office's current ledger."""
    from duty_roster.models import DutyLogEntry

    with transaction.atomic():
        entry = DutyLogEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.ledger_item_id:  # a double click makes one item
            return entry.ledger_item
        day = today or timezone.localdate()
        ledger = ledger_for(entry.post.office_id, max(day, entry.on))
        if ledger.is_closed:  # the month is closed: the matter goes into the next open month
            ledger = ledger_for(entry.post.office_id, next_month(ledger.month))
        content = f"{entry.visitor}：{entry.purpose}"
        if entry.handling:
            content += f"（{entry.handling}）"
        item = add_item(
            ledger,
            user,
            source=ItemSource.DUTY_LOG,
            content=content[:300],
            owner=person_name(entry, user),
            due_on=None,
        )
        entry.ledger_item = item
        entry.needs_follow_up = True
        entry.save(update_fields=["ledger_item", "needs_follow_up"])
        return item


def person_name(entry, user) -> str:
    from duty_roster.models import DutyDay

    day = DutyDay.objects.filter(post=entry.post, day=entry.on).select_related("person").first()
    if day and day.person:
        return day.person.name
    return (user.get_full_name() or user.username)[:30] if user else ""


def may_close(user) -> bool:
    return bool(user.is_superuser or user.role in (Role.TOWNSHIP_STAFF, Role.OFFICE_SECRETARY))


@transaction.atomic
def close_month(ledger: LedgerMonth, user=None, today: datetime.date | None = None) -> Summary:
    """Close (月结): store the summary, carry every unsettled item into the next month, lock the month."""
    ledger = LedgerMonth.objects.select_for_update().get(pk=ledger.pk)
    today = today or timezone.localdate()
    check_open(ledger)
    if today < month_end(ledger.month) - datetime.timedelta(days=CLOSE_DAYS_AHEAD):
        raise ValidationError(
            _("%(month)s can be closed from %(day)s on.")
            % {
                "month": f"{ledger.month:%Y-%m}",
                "day": month_end(ledger.month) - datetime.timedelta(days=CLOSE_DAYS_AHEAD),
            }
        )
    earlier_open = LedgerMonth.objects.filter(
        office_id=ledger.office_id, month__lt=ledger.month, closed_at__isnull=True
    )
    if earlier_open.exists():
        raise ValidationError(
            _("Close %(month)s first: months are closed in order.")
            % {"month": f"{earlier_open.order_by('month').first().month:%Y-%m}"}
        )
    summary = summarise(ledger, month_end(ledger.month))
    following = ledger_for(ledger.office_id, next_month(ledger.month))
    to_carry = ledger.items.filter(status__in=UNSETTLED, carried_to__isnull=True)
    for item in to_carry:
        LedgerItem.objects.create(
            ledger=following,
            source=item.source,
            content=item.content,
            owner=item.owner,
            due_on=item.due_on,
            status=item.status,
            result=item.result,
            carried_from=item,
            carried_times=item.carried_times + 1,
            meeting_id=item.meeting_id,
            created_by=user,
        )
    ledger.received, ledger.done = summary.received, summary.done
    ledger.carried, ledger.overdue = summary.carried, summary.overdue
    ledger.closed_at, ledger.closed_by = timezone.now(), user
    ledger.save()
    LedgerEvent.objects.create(ledger=ledger, action=LedgerAction.CLOSE, actor=user)
    return summarise(ledger)


@transaction.atomic
def reopen_month(ledger: LedgerMonth, user, reason: str) -> LedgerMonth:
    """Township staff reopen a closed month with a reason. Items already carried stay in the next month
    (and stay read-only here); what is added or left unsettled is carried at the next close."""
    ledger = LedgerMonth.objects.select_for_update().get(pk=ledger.pk)
    if not (user.is_superuser or user.role == Role.TOWNSHIP_STAFF):
        raise PermissionDenied
    if not ledger.is_closed:
        raise ValidationError(_("This month is not closed."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for reopening the month.")})
    later_closed = LedgerMonth.objects.filter(
        office_id=ledger.office_id, month__gt=ledger.month, closed_at__isnull=False
    )
    if later_closed.exists():
        raise ValidationError(_("Reopen the later closed months first."))
    ledger.closed_at = ledger.closed_by = None
    ledger.save()
    LedgerEvent.objects.create(ledger=ledger, action=LedgerAction.REOPEN, actor=user, reason=reason.strip())
    return ledger
