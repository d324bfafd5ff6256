"""Changes to the rota after it is made: leave (请假) and the regeneration it calls for, swaps (换班),
covers (代班) and the office's reassignments, each recorded with its reason; and the iCalendar text of a
secretary's duties (RFC 5545, written by hand: it is twenty lines, a library would be more).

Swaps and covers are allowed on published months: they are recorded changes, not a regeneration."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from duty_roster.choices import ChangeKind, ChangeState, DayKind
from duty_roster.models import DutyChange, DutyDay, DutyMember, DutyMonth, DutyPost, Leave
from duty_roster.services import generate_month, leave_days, month_bounds
from duty_roster.signin import person_for_user

# --- Who the user is on a post --------------------------------------------------------------------------


def member_for(user, post: DutyPost) -> DutyMember | None:
    """The post member a village secretary's account stands for (the same person sign-in uses)."""
    person = person_for_user(user)
    if person is None:
        return None
    return DutyMember.objects.filter(post=post, person=person, active=True).select_related("person").first()


def memberships(user) -> list[DutyMember]:
    """Every post membership of a village secretary's account (normally one)."""
    person = person_for_user(user)
    if person is None:
        return []
    return list(DutyMember.objects.filter(person=person, active=True).select_related("person", "post"))


# --- Leave ----------------------------------------------------------------------------------------------


@dataclass
class LeaveOutcome:
    leave: Leave
    regenerated: list[DutyMonth]  # months made again without him on his leave days
    locked: list[DutyMonth]  # published months the leave touches: changed only by swaps or reassignment
    failed: list[str]  # why a month could not be made again (e.g. the holidays of a year are unknown)
    # his coming rotation days in the leave that stay his in unpublished months (set by hand or swapped)
    still_on_duty: list[datetime.date] = field(default_factory=list)


def months_between(start: datetime.date, end: datetime.date) -> list[tuple[int, int]]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


@transaction.atomic
def record_leave(
    post: DutyPost,
    person,
    starts_on: datetime.date,
    ends_on: datetime.date,
    reason: str,
    today: datetime.date | None = None,
) -> LeaveOutcome:
    """Record leave and make the generated, unpublished months from its first month on again (past days
    and days set by hand stay; later months follow because the rotation carries across months)."""
    today = today or timezone.localdate()
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The leave ends before it starts.")})
    if not DutyMember.objects.filter(post=post, person=person, active=True).exists():
        raise ValidationError({"person": _("%(person)s is not on this duty post.") % {"person": person}})
    overlapping = Leave.objects.filter(
        post=post, person=person, starts_on__lte=ends_on, ends_on__gte=starts_on
    )
    if overlapping.exists():
        other = overlapping.first()
        raise ValidationError(
            {
                "starts_on": _("%(person)s already has leave from %(start)s to %(end)s.")
                % {"person": person, "start": other.starts_on, "end": other.ends_on}
            }
        )
    leave = Leave.objects.create(
        post=post, person=person, starts_on=starts_on, ends_on=ends_on, reason=reason.strip()
    )
    touched = set(months_between(starts_on, ends_on))
    first_month = (starts_on.year, starts_on.month)
    regenerated, locked, failed = [], [], []
    months = DutyMonth.objects.filter(post=post, generated_at__isnull=False).order_by("year", "month")
    for rota in months:
        key = (rota.year, rota.month)
        if key < first_month or month_bounds(*key)[1] < today:
            continue
        if rota.is_published:
            if key in touched:
                locked.append(rota)
            continue
        try:
            with transaction.atomic():
                regenerated.append(generate_month(post, rota.year, rota.month, today=today))
        except ValidationError as error:
            failed.extend(error.messages)
    locked_months = {(rota.year, rota.month) for rota in locked}
    still_on_duty = [
        day
        for day in DutyDay.objects.filter(
            post=post,
            person=person,
            kind=DayKind.ROTATION,
            day__range=(max(starts_on, today), ends_on),
        )
        .order_by("day")
        .values_list("day", flat=True)
        if (day.year, day.month) not in locked_months
    ]
    return LeaveOutcome(leave, regenerated, locked, failed, still_on_duty)


# --- Swaps, covers and reassignments --------------------------------------------------------------------


def _check_day_is_open(day: DutyDay, today: datetime.date, field: str = "day") -> None:
    if day.kind != DayKind.ROTATION:
        raise ValidationError(
            {field: _("Only a rotation day can change hands; the concentrated office is everyone's.")}
        )
    if day.day < today:
        raise ValidationError({field: _("%(day)s is past; a past day cannot change.") % {"day": day.day}})


def _check_on_post(post: DutyPost, person, field: str) -> None:
    if person is None or not DutyMember.objects.filter(post=post, person=person, active=True).exists():
        raise ValidationError({field: _("%(person)s is not on this duty post.") % {"person": person}})


def _check_not_on_leave(post: DutyPost, person, day: datetime.date, field: str) -> None:
    """Nobody is put on duty on a day of his leave (a swap, a cover or a reassignment)."""
    if person is not None and on_leave(post, person, day):
        raise ValidationError(
            {field: _("%(person)s is on leave on %(day)s.") % {"person": person, "day": f"{day:%Y-%m-%d}"}}
        )


def on_leave(post: DutyPost, person, day: datetime.date) -> bool:
    return Leave.objects.filter(post=post, person=person, starts_on__lte=day, ends_on__gte=day).exists()


def _pending(day: DutyDay):
    return DutyChange.objects.filter(Q(day=day) | Q(other_day=day), state=ChangeState.REQUESTED)


@transaction.atomic
def request_change(
    day: DutyDay,
    from_person,
    to_person,
    kind: str,
    reason: str,
    user=None,
    other_day: DutyDay | None = None,
    today: datetime.date | None = None,
) -> DutyChange:
    """A secretary asks another member of the post to take his rotation day: a swap (he takes the other's
    `other_day` in exchange) or a cover (the other simply takes it). The other accepts or declines."""
    today = today or timezone.localdate()
    if kind not in (ChangeKind.SWAP, ChangeKind.COVER):
        raise ValidationError({"kind": _("Choose a swap or a cover.")})
    _check_day_is_open(day, today)
    if day.person_id != getattr(from_person, "pk", None):
        raise ValidationError({"day": _("%(day)s is not your duty day.") % {"day": day.day}})
    if kind == ChangeKind.SWAP:
        if other_day is None:
            raise ValidationError({"other_day": _("Choose the day you take in exchange.")})
        if other_day.post_id != day.post_id or other_day.pk == day.pk:
            raise ValidationError({"other_day": _("Choose another duty day of this post.")})
        _check_day_is_open(other_day, today, "other_day")
        to_person = other_day.person
    else:
        other_day = None
    _check_on_post(day.post, to_person, "other_day" if kind == ChangeKind.SWAP else "to_person")
    if to_person.pk == from_person.pk:
        raise ValidationError({"to_person": _("Ask another member of the post.")})
    _check_not_on_leave(day.post, to_person, day.day, "other_day" if kind == ChangeKind.SWAP else "to_person")
    if other_day is not None:
        _check_not_on_leave(day.post, from_person, other_day.day, "other_day")
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")})
    if _pending(day).exists() or (other_day and _pending(other_day).exists()):
        raise ValidationError(_("A request about this day is already waiting for an answer."))
    return DutyChange.objects.create(
        post=day.post,
        day=day,
        other_day=other_day,
        kind=kind,
        from_person=from_person,
        to_person=to_person,
        reason=reason.strip(),
        requested_by=user,
    )


def _decide(change: DutyChange, state: str) -> DutyChange:
    """Moves a request on from REQUESTED once, and only once: two answers at the same time cannot both win."""
    now = timezone.now()
    updated = DutyChange.objects.filter(pk=change.pk, state=ChangeState.REQUESTED).update(
        state=state, decided_at=now
    )
    if not updated:
        raise ValidationError(_("This request has already been answered."))
    change.state, change.decided_at = state, now
    return change


def _change_note(change: DutyChange) -> str:
    label = {
        ChangeKind.SWAP: _("swapped"),
        ChangeKind.COVER: _("covered"),
        ChangeKind.REASSIGN: _("reassigned"),
    }[change.kind]
    note = _("%(kind)s: %(from)s → %(to)s (%(reason)s)") % {
        "kind": label,
        "from": change.from_person,
        "to": change.to_person,
        "reason": change.reason,
    }
    return note[:200]


@transaction.atomic
def accept_change(change: DutyChange, today: datetime.date | None = None) -> DutyChange:
    """The other secretary accepts: the days change hands (set by hand, with a note) in one transaction."""
    today = today or timezone.localdate()
    _decide(change, ChangeState.ACCEPTED)
    ids = [change.day_id] + ([change.other_day_id] if change.other_day_id else [])
    days = {d.pk: d for d in DutyDay.objects.select_for_update().filter(pk__in=ids)}
    day = days[change.day_id]
    _check_day_is_open(day, today)
    if day.person_id != change.from_person_id:
        raise ValidationError(
            _("%(day)s is no longer %(person)s's day.") % {"day": day.day, "person": change.from_person}
        )
    _check_not_on_leave(change.post, change.to_person, day.day, "day")
    if change.other_day_id:
        _check_not_on_leave(change.post, change.from_person, days[change.other_day_id].day, "other_day")
    note = _change_note(change)
    day.person_id, day.manual, day.note = change.to_person_id, True, note
    day.save()
    if change.other_day_id:
        other = days[change.other_day_id]
        _check_day_is_open(other, today, "other_day")
        if other.person_id != change.to_person_id:
            raise ValidationError(
                _("%(day)s is no longer %(person)s's day.") % {"day": other.day, "person": change.to_person}
            )
        other.person_id, other.manual, other.note = change.from_person_id, True, note
        other.save()
    return change


@transaction.atomic
def decline_change(change: DutyChange) -> DutyChange:
    return _decide(change, ChangeState.DECLINED)


@transaction.atomic
def reassign_day(
    day: DutyDay, to_person, reason: str, user=None, today: datetime.date | None = None
) -> DutyChange:
    """The office gives a rotation day to another member directly; recorded as an accepted change."""
    today = today or timezone.localdate()
    day = DutyDay.objects.select_for_update(of=("self",)).select_related("post", "person").get(pk=day.pk)
    _check_day_is_open(day, today)
    _check_on_post(day.post, to_person, "to_person")
    _check_not_on_leave(day.post, to_person, day.day, "to_person")
    if day.person_id == to_person.pk:
        raise ValidationError(
            {"to_person": _("%(person)s is already on duty that day.") % {"person": to_person}}
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")})
    if _pending(day).exists():
        raise ValidationError(
            _("A request about this day is waiting for an answer; it must be answered first.")
        )
    change = DutyChange.objects.create(
        post=day.post,
        day=day,
        kind=ChangeKind.REASSIGN,
        from_person=day.person or to_person,
        to_person=to_person,
        reason=reason.strip(),
        state=ChangeState.ACCEPTED,
        requested_by=user,
        decided_at=timezone.now(),
    )
    day.person, day.manual, day.note = to_person, True, _change_note(change)
    day.save()
    return change


# --- iCalendar (RFC 5545) -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    day: datetime.date
    summary: str
    location: str = ""
    description: str = ""


def ical_escape(text: str) -> str:
    """TEXT values (RFC 5545 3.3.11): backslash, semicolon, comma and newline are escaped."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str, limit: int = 75) -> str:
    """Fold a content line into physical lines of at most `limit` octets (RFC 5545 3.1), never inside a
    UTF-8 character; each continuation line starts with one space, which counts."""
    parts, current, size = [], [], 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size = [" "], 1
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n".join(parts)


def calendar_text(name: str, events: Iterable[CalendarEvent], now: datetime.datetime | None = None) -> str:
    """A whole VCALENDAR of all-day events, CRLF line endings, lines folded at 75 octets."""
    stamp = (now or timezone.now()).astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//zhendangjian//duty roster//ZH",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ical_escape(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{event.day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{event.day + datetime.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{ical_escape(event.summary)}",
        ]
        if event.location:
            lines.append(f"LOCATION:{ical_escape(event.location)}")
        if event.description:
            lines.append(f"DESCRIPTION:{ical_escape(event.description)}")
        lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def member_events(member: DutyMember, since: datetime.date) -> list[CalendarEvent]:
    """A member's duties from `since` on: his rotation days and the post's concentrated days, except the
    concentrated days he is on leave."""
    post = member.post
    days = list(
        DutyDay.objects.filter(post=post, day__gte=since)
        .filter(Q(kind=DayKind.CONCENTRATED) | Q(kind=DayKind.ROTATION, person=member.person))
        .order_by("day")
    )
    if not days:
        return []
    away = leave_days(post, days[0].day, days[-1].day).get(member.person_id, set())
    on_time = post.on_time_until.strftime("%H:%M")
    events = []
    for day in days:
        if day.kind == DayKind.CONCENTRATED and day.day in away:
            continue
        if day.kind == DayKind.CONCENTRATED:
            summary = _("Concentrated office (%(post)s)") % {"post": post}
        else:
            summary = _("Rotation duty (%(post)s)") % {"post": post}
        description = _("Sign in at the fixed point by %(time)s.") % {"time": on_time}
        if day.note:
            description += "\n" + day.note
        events.append(
            CalendarEvent(
                uid=f"dutyday-{day.pk}@zhendangjian",
                day=day.day,
                summary=summary,
                location=post.place,
                description=description,
            )
        )
    return events
