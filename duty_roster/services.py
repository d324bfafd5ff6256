"""Generating a post's month of duty (deterministic and idempotent; a published month is locked) and
keeping the post's members in step with the village branch secretaries."""

import calendar as month_calendar
import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from duty_roster.calendar import DayInfo, day_info
from duty_roster.choices import DayKind
from duty_roster.models import CalendarEntry, DutyDay, DutyMember, DutyMonth, DutyPost, Leave
from duty_roster.rotation import RotationState, assign, duty_days


def township_calendar(township_id: int) -> Callable[[datetime.date], DayInfo]:
    """The calendar of a township: its own entries over chinesecalendar."""
    overrides = {
        entry.day: (entry.working, entry.name)
        for entry in CalendarEntry.objects.filter(township_id=township_id)
    }

    @cache
    def info(day: datetime.date) -> DayInfo:
        return day_info(day, overrides)

    return info


MONTH_PARAM = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_month(text: str | None) -> tuple[int, int] | None:
    """`2026-11` → (2026, 11); None when the text is no month between 2000 and 2100."""
    match = MONTH_PARAM.match((text or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        return None
    return year, month


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    last = month_calendar.monthrange(year, month)[1]
    return datetime.date(year, month, 1), datetime.date(year, month, last)


def rotation_state_before(post: DutyPost, day: datetime.date) -> RotationState:
    """Turns served on the post before `day`, and who served last: the rotation carries across months."""
    served: dict[int, int] = {}
    last = None
    rows = DutyDay.objects.filter(post=post, kind=DayKind.ROTATION, day__lt=day, person__isnull=False)
    for person_id in rows.order_by("day").values_list("person_id", flat=True):
        served[person_id] = served.get(person_id, 0) + 1
        last = person_id
    return RotationState(served, last)


def leave_days(post: DutyPost, start: datetime.date, end: datetime.date) -> dict[int, set[datetime.date]]:
    days: dict[int, set[datetime.date]] = {}
    for leave in Leave.objects.filter(post=post, starts_on__lte=end, ends_on__gte=start):
        day = max(leave.starts_on, start)
        while day <= min(leave.ends_on, end):
            days.setdefault(leave.person_id, set()).add(day)
            day += datetime.timedelta(days=1)
    return days


@transaction.atomic
def generate_month(post: DutyPost, year: int, month: int, today: datetime.date | None = None) -> DutyMonth:
    """(Re)generate the month: past days and days set by hand stay; the rest follows the rotation."""
    post = DutyPost.objects.select_for_update().get(pk=post.pk)
    today = today or timezone.localdate()
    rota, _created = DutyMonth.objects.get_or_create(post=post, year=year, month=month)
    if rota.is_published:
        raise ValidationError(
            _("The rota of %(month)s is published and locked.") % {"month": f"{year}-{month:02d}"}
        )
    start, end = month_bounds(year, month)
    days = duty_days(max(start, post.starts_on), end, post.policy, township_calendar(post.office.township_id))
    existing = DutyDay.objects.filter(post=post, day__range=(start, end))
    kept = {d.day: d for d in existing if d.day < today or d.manual}
    existing.exclude(pk__in=[d.pk for d in kept.values()]).delete()
    order = list(
        DutyMember.objects.filter(post=post, active=True)
        .order_by("order", "pk")
        .values_list("person_id", flat=True)
    )
    fixed = {day: row.person_id for day, row in kept.items() if row.kind == DayKind.ROTATION}
    rotation = [d.day for d in days if not d.concentrated]
    assigned, _state = assign(
        rotation, order, rotation_state_before(post, start), leave_days(post, start, end), fixed
    )
    DutyDay.objects.bulk_create(
        DutyDay(
            post=post,
            day=d.day,
            kind=DayKind.CONCENTRATED if d.concentrated else DayKind.ROTATION,
            person_id=None if d.concentrated else assigned.get(d.day),
        )
        for d in days
        if d.day not in kept
    )
    rota.generated_at = timezone.now()
    rota.save()
    return rota


@dataclass
class Generated:
    rota: DutyMonth
    followed: list[DutyMonth] = field(default_factory=list)  # later months made again after it
    locked: list[DutyMonth] = field(default_factory=list)  # later months published, left as they are
    failed: list[str] = field(default_factory=list)


@transaction.atomic
def generate_and_follow(
    post: DutyPost, year: int, month: int, today: datetime.date | None = None
) -> Generated:
    """Generate the month, then make the later generated, unpublished months again: the rotation carries
    across months, so a month generated out of order or changed must not leave the next ones stale."""
    result = Generated(generate_month(post, year, month, today=today))
    later = (
        DutyMonth.objects.filter(post=post, generated_at__isnull=False)
        .filter(Q(year__gt=year) | Q(year=year, month__gt=month))
        .order_by("year", "month")
    )
    for rota in later:
        if rota.is_published:
            result.locked.append(rota)
            continue
        try:
            with transaction.atomic():
                result.followed.append(generate_month(post, rota.year, rota.month, today=today))
        except ValidationError as error:
            result.failed.extend(error.messages)
    return result


@transaction.atomic
def publish_month(rota: DutyMonth, user) -> DutyMonth:
    if rota.generated_at is None:
        raise ValidationError(_("Generate the rota before publishing it."))
    if rota.is_published:
        raise ValidationError(_("The rota is already published."))
    rota.published_at = timezone.now()
    rota.published_by = user
    rota.save()
    return rota


@transaction.atomic
def sync_members(post: DutyPost) -> tuple[list, list]:
    """Keep the post's members in step with the office's village branch secretaries: new secretaries join
    at the end of the order, former ones leave the rotation (their record stays)."""
    from establishment.services import r2_leadership

    secretaries = r2_leadership(post.office).village_secretaries
    wanted = {person.pk for person in secretaries}
    members = {m.person_id: m for m in DutyMember.objects.filter(post=post)}
    added, removed = [], []
    next_order = (DutyMember.objects.filter(post=post).aggregate(m=Max("order"))["m"] or 0) + 1
    for person in secretaries:
        member = members.get(person.pk)
        if member is None:
            DutyMember.objects.create(post=post, person=person, order=next_order)
            next_order += 1
            added.append(person)
        elif not member.active:
            member.active = True
            member.save()
            added.append(person)
    for person_id, member in members.items():
        if member.active and person_id not in wanted:
            member.active = False
            member.save()
            removed.append(member.person)
    return added, removed
