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

from accounts.choices import ROLE_LEVEL, Role
from communities.models import Office
from ledger.choices import STUCK_CARRIES, UNSETTLED, ItemSource, ItemStatus, LedgerAction
from ledger.models import LEDGER_PATHS, LedgerEvent, LedgerItem, LedgerMonth

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


def unit_name(office: Office) -> str:
    """The community's name once the office has one, else the office's."""
    community = getattr(office, "community", None)
    return community.name if community is not None else office.name


def ledger_offices(user, action: str = "view"):
    """The offices whose ledger `user` may view (a village secretary: his village's office) or change,
    by the same paths as LedgerMonth, so a month not opened yet is in scope exactly when it would be."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Office.objects.none()
    if user.is_superuser:
        return Office.objects.all()
    level = ROLE_LEVEL.get(user.role)
    if level is None or (action == "change" and user.role not in LEDGER_PATHS.change_roles):
        return Office.objects.none()
    path, unit_id = getattr(LEDGER_PATHS, level), getattr(user, f"{level}_id")
    if path is None or unit_id is None:
        return Office.objects.none()
    lookup = "pk" if path == "office" else path.removeprefix("office__")
    return Office.objects.filter(**{lookup: unit_id}).distinct()


def open_month(office: Office | int, month: datetime.date, today: datetime.date | None = None) -> LedgerMonth:
    """The office's ledger of `month`, created if need be: not beyond next month, and not before a month
    already closed (months are closed in order)."""
    office_id = office if isinstance(office, int) else office.pk
    month = month.replace(day=1)
    existing = LedgerMonth.objects.filter(office_id=office_id, month=month).first()
    if existing is not None:
        return existing
    refusal = opening_refusal(office_id, month, today)
    if refusal:
        raise ValidationError(refusal)
    return ledger_for(office_id, month)


def opening_refusal(office_id: int, month: datetime.date, today: datetime.date | None = None) -> str:
    """Why the office's ledger of `month` cannot be opened now ('' if it can). Not beyond next month;
    not before a month already closed; and not before the office's first ledger month (or, for an office
    with no ledger yet, before last month): an old month opened by mistake would otherwise have to be
    closed, month after month, before any later month could be."""
    today = today or timezone.localdate()
    if month > next_month(today.replace(day=1)):
        return _("The ledger of %(month)s cannot be opened yet: it is more than a month ahead.") % {
            "month": f"{month:%Y-%m}"
        }
    later = LedgerMonth.objects.filter(office_id=office_id, month__gt=month, closed_at__isnull=False)
    if later.exists():
        return _("%(later)s is already closed: an earlier month cannot be opened after it.") % {
            "later": f"{later.order_by('-month').first().month:%Y-%m}",
            "month": f"{month:%Y-%m}",
        }
    first = LedgerMonth.objects.filter(office_id=office_id).order_by("month").first()
    earliest = first.month if first else previous_month(today.replace(day=1))
    if month < earliest:
        return _("The ledger starts in %(first)s: %(month)s is before it and cannot be opened.") % {
            "first": f"{earliest:%Y-%m}",
            "month": f"{month:%Y-%m}",
        }
    return ""


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


def summarise_many(ledgers, today: datetime.date | None = None) -> dict[int, Summary]:
    """summarise() for many months at once (the township's table): stored for closed months, a few
    grouped counts for the open ones."""
    today = today or timezone.localdate()
    result: dict[int, Summary] = {}
    open_by_date: dict[datetime.date, list[int]] = {}
    for ledger in ledgers:
        if ledger.is_closed:
            result[ledger.pk] = Summary(ledger.received, ledger.done, ledger.carried, ledger.overdue)
        else:
            open_by_date.setdefault(min(today, month_end(ledger.month)), []).append(ledger.pk)
    for as_of, ids in open_by_date.items():
        for ledger_id in ids:
            result[ledger_id] = Summary(0, 0, 0, 0)
        rows = (
            LedgerItem.objects.filter(ledger_id__in=ids)
            .values("ledger_id")
            .order_by()
            .annotate(
                received=Count("pk"),
                done=Count("pk", filter=Q(status=ItemStatus.DONE)),
                unsettled=Count("pk", filter=Q(status__in=UNSETTLED)),
                overdue=Count("pk", filter=Q(status__in=UNSETTLED, due_on__lt=as_of)),
            )
        )
        for row in rows:
            result[row["ledger_id"]] = Summary(row["received"], row["done"], row["unsettled"], row["overdue"])
    return result


def to_carry(ledger: LedgerMonth):
    """The items a close would carry into the next month: unsettled and not carried already."""
    return ledger.items.filter(status__in=UNSETTLED, carried_to__isnull=True)


def is_overdue(item: LedgerItem, today: datetime.date | None = None) -> bool:
    as_of = min(today or timezone.localdate(), month_end(item.ledger.month))
    return item.status in UNSETTLED and item.due_on is not None and item.due_on < as_of


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
    """A new item of an open month (a done one gets today as its date unless given)."""
    check_open(ledger)
    item = LedgerItem(ledger=ledger, created_by=user, **fields)
    if item.status == ItemStatus.DONE and not item.done_on:
        item.done_on = timezone.localdate()
    item.full_clean()
    item.save()
    return item


ITEM_FIELDS = ("source", "content", "owner", "due_on", "status", "result", "done_on", "meeting")


@transaction.atomic
def update_item(item: LedgerItem, user=None, today: datetime.date | None = None, **fields) -> LedgerItem:
    """Change an item of an open month (not one carried on): a done item gets its date, an unsettled one
    loses it."""
    item = LedgerItem.objects.select_for_update().select_related("ledger").get(pk=item.pk)
    check_item_editable(item)
    for name, value in fields.items():
        if name not in ITEM_FIELDS:
            raise ValueError(name)
        setattr(item, name, value)
    if item.status == ItemStatus.DONE:
        item.done_on = item.done_on or today or timezone.localdate()
    else:
        item.done_on = None
    item.full_clean()
    item.save()
    return item


def item_from_duty_log(entry, user=None, today: datetime.date | None = None) -> LedgerItem:
    """One click on a duty-log entry: the matter becomes an open item of its office's current ledger.
    A second click returns the same item. With a user, only one who may record that day (or the entry's
    recorder, the office, the township) may do it."""
    from duty_roster.log import may_convert
    from duty_roster.models import DutyLogEntry

    with transaction.atomic():
        entry = DutyLogEntry.objects.select_for_update().select_related("post").get(pk=entry.pk)
        if user is not None and not may_convert(user, entry):
            raise PermissionDenied
        if entry.ledger_item_id:  # a double click makes one item
            return entry.ledger_item
        day = today or timezone.localdate()
        ledger = ledger_for(entry.post.office_id, max(day, entry.on))
        while ledger.is_closed:  # the month is closed: the matter goes into the next open month
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
    recorder = user or entry.recorded_by
    return str(recorder)[:30] if recorder else "值班人员"  # data, kept in Chinese like the archives


def may_close(user) -> bool:
    return bool(user.is_superuser or user.role in (Role.TOWNSHIP_STAFF, Role.OFFICE_SECRETARY))


def may_reopen(user) -> bool:
    return bool(user.is_superuser or user.role == Role.TOWNSHIP_STAFF)


def check_closable(ledger: LedgerMonth, today: datetime.date | None = None) -> None:
    """Why the month cannot be closed now, as a ValidationError: closed already, too early, or an earlier
    month of the office still open (months are closed in order)."""
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


@transaction.atomic
def close_month(ledger: LedgerMonth, user=None, today: datetime.date | None = None) -> Summary:
    """Close (月结): store the summary, carry every unsettled item into the next month, lock the month."""
    if user is not None and not may_close(user):
        raise PermissionDenied
    ledger = LedgerMonth.objects.select_for_update().get(pk=ledger.pk)
    check_closable(ledger, today)
    summary = summarise(ledger, month_end(ledger.month))
    following = ledger_for(ledger.office_id, next_month(ledger.month))
    check_open(following)
    for item in to_carry(ledger):
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
    if not may_reopen(user):
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


@dataclass
class Attention:
    """What the home page shows of the ledger: months past their end still open (each with `unit`, the
    community's or office's name), and items carried STUCK_CARRIES times or more (each with `unit` and
    `url`: its month page, at the item)."""

    unclosed_count: int
    unclosed: list[LedgerMonth]
    stuck_count: int
    stuck: list[LedgerItem]

    @property
    def count(self) -> int:
        return self.unclosed_count + self.stuck_count


def attention(user, today: datetime.date | None = None, limit: int = 10) -> Attention:
    """The ledger's overdue work in `user`'s scope: open months that have ended (oldest first) and stuck
    items (most carried first), counted, and up to `limit` of each."""
    today = today or timezone.localdate()
    unclosed = (
        LedgerMonth.objects.for_user(user)
        .filter(closed_at__isnull=True, month__lt=today.replace(day=1))
        .select_related("office__community")
        .order_by("month", "office__sort_order", "pk")
    )
    stuck = (
        LedgerItem.objects.for_user(user)
        .filter(carried_times__gte=STUCK_CARRIES, status__in=UNSETTLED, carried_to__isnull=True)
        .select_related("ledger__office__community")
        .order_by("-carried_times", "ledger__month", "pk")
    )
    if not may_close(user):  # only those who close months are asked to
        unclosed = unclosed.none()
    months = list(unclosed[:limit])
    for month in months:
        month.unit = unit_name(month.office)
    items = list(stuck[:limit])
    for item in items:
        item.unit = unit_name(item.ledger.office)
        item.url = f"{item.ledger.get_absolute_url()}#item-{item.pk}"
    return Attention(unclosed.count(), months, stuck.count(), items)
