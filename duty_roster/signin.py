"""Fixed-point sign-in (定点签到) and what it decides, as plain functions: the day's QR token, signing in
(by the token or by hand, 补签), each duty day's outcome for each person, and the monthly score (考核奖惩).

A rotation day expects the person on duty, a concentrated-office day every active member. Leave and a day
given away by an accepted swap, cover or reassignment cost nothing; the person who took the day is the one
expected. Today is "pending" until the day is over; days ahead are "upcoming"; neither is scored."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import Role
from branches.choices import BranchKind, PostKind
from branches.models import Post
from duty_roster.choices import ChangeKind, ChangeState, DayKind, Outcome
from duty_roster.models import DutyChange, DutyDay, DutyMember, DutyPost, Leave, SignIn
from duty_roster.services import leave_days, month_bounds

TOKEN_SALT = "duty_roster.signin.day-token"

PENDING = "pending"  # today, no sign-in yet: the day is not over
UPCOMING = "upcoming"  # a duty day still ahead
OUTCOME_LABELS = {
    **dict(Outcome.choices),
    PENDING: gettext_lazy("not signed in yet"),
    UPCOMING: gettext_lazy("upcoming"),
}
# Bootstrap colours for the outcome badges.
OUTCOME_COLOURS = {
    Outcome.ON_TIME: "success",
    Outcome.LATE: "warning",
    Outcome.ABSENT: "danger",
    Outcome.LEAVE: "info",
    Outcome.SWAPPED: "secondary",
    PENDING: "light",
    UPCOMING: "light",
}


# --- The day's QR token ---------------------------------------------------------------------------


class TokenRefused(Exception):
    """A sign-in code that cannot be used today; `message` says why, in the user's language."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def make_token(post: DutyPost, day: datetime.date) -> str:
    """The signed token of the post's QR code on `day`: a new one every day."""
    return signing.dumps({"p": post.pk, "d": day.isoformat()}, salt=TOKEN_SALT)


def read_token(token: str, today: datetime.date) -> int:
    """The post a token names, if it is genuine and today's; else TokenRefused."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT)
        post_id, day = int(data["p"]), datetime.date.fromisoformat(data["d"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise TokenRefused(
            _("This sign-in code is not valid. Scan the QR code shown at the duty post again."), "invalid"
        ) from None
    if day != today:
        raise TokenRefused(
            _("This QR code is the one of %(day)s. Scan today's QR code at the duty post.")
            % {"day": f"{day:%Y-%m-%d}"},
            "other_day",
        )
    return post_id


# --- Who signs in ---------------------------------------------------------------------------------


def person_for_user(user, day: datetime.date | None = None):
    """The village branch secretary a village secretary's account stands for: the holder, on `day`, of
    the secretary post of his village's branch. None for other accounts."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.VILLAGE_SECRETARY:
        return None
    if not user.village_id:
        return None
    day = day or timezone.localdate()
    post = (
        Post.objects.filter(
            kind=PostKind.SECRETARY,
            branch__kind=BranchKind.VILLAGE,
            branch__village_id=user.village_id,
            branch__dissolved_on__isnull=True,
            started_on__lte=day,
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
        .select_related("person")
        .order_by("-started_on")
        .first()
    )
    return post.person if post else None


def sign_in(post: DutyPost, person, at: datetime.datetime, user) -> tuple[SignIn, bool]:
    """Sign `person` in at the post at `at` (once a day). Returns the day's sign-in and whether it is new."""
    day = timezone.localdate(at)
    existing = SignIn.objects.filter(post=post, person=person, day=day).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return SignIn.objects.create(post=post, person=person, day=day, at=at, recorded_by=user), True
    except IntegrityError:  # two scans in the same instant: the first one counts
        return SignIn.objects.get(post=post, person=person, day=day), False


@transaction.atomic
def record_manual_sign_in(
    post: DutyPost, person, day: datetime.date, time: datetime.time, reason: str, user
) -> SignIn:
    """A sign-in recorded by hand (补签) by the office or the township, with its reason; marked manual.
    Errors name the form fields they are about (person, day, time, reason)."""
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if not DutyMember.objects.filter(post=post, person=person, active=True).exists():
        errors["person"] = _("%(person)s is not a member of this duty post.") % {"person": person}
    at = timezone.make_aware(datetime.datetime.combine(day, time))
    if day > timezone.localdate():
        errors["day"] = _("The date is in the future.")
    elif at > timezone.now():
        errors["time"] = _("The time is in the future.")
    if not reason:
        errors["reason"] = _("Give the reason for the manual sign-in.")
    existing = SignIn.objects.filter(post=post, person=person, day=day).first()
    if existing is not None and "person" not in errors:
        errors["day"] = _("%(person)s already signed in on %(day)s at %(time)s.") % {
            "person": person,
            "day": f"{day:%Y-%m-%d}",
            "time": f"{timezone.localtime(existing.at):%H:%M}",
        }
    if errors:
        raise ValidationError(errors)
    return SignIn.objects.create(
        post=post, person=person, day=day, at=at, manual=True, reason=reason, recorded_by=user
    )


# --- Day outcomes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayOutcome:
    """What one duty day came to for one person."""

    day: datetime.date
    kind: str  # DayKind
    person_id: int
    outcome: str  # an Outcome, PENDING or UPCOMING
    sign_in: SignIn | None = None
    taken_by_id: int | None = None  # SWAPPED: who took the day from him

    @property
    def label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome])

    @property
    def colour(self) -> str:
        return OUTCOME_COLOURS[self.outcome]

    @property
    def concentrated(self) -> bool:
        return self.kind == DayKind.CONCENTRATED

    @property
    def decided(self) -> bool:
        return self.outcome not in (PENDING, UPCOMING)


def is_on_time(post: DutyPost, at: datetime.datetime) -> bool:
    """At or before the post's on-time limit, to the minute shown (08:30:59 is 08:30)."""
    return timezone.localtime(at).time().replace(second=0, microsecond=0) <= post.on_time_until


def _moved_away(
    post: DutyPost, start: datetime.date, end: datetime.date
) -> dict[datetime.date, dict[int, int]]:
    """For each day, who gave his day away by an accepted change, and to whom (later changes win)."""
    moved: dict[datetime.date, dict[int, int]] = defaultdict(dict)
    changes = (
        DutyChange.objects.filter(post=post, state=ChangeState.ACCEPTED)
        .filter(Q(day__day__range=(start, end)) | Q(other_day__day__range=(start, end)))
        .select_related("day", "other_day")
        .order_by("decided_at", "requested_at", "pk")
    )
    for change in changes:
        if change.from_person_id == change.to_person_id:
            continue
        moved[change.day.day][change.from_person_id] = change.to_person_id
        if change.kind == ChangeKind.SWAP and change.other_day is not None:
            moved[change.other_day.day][change.to_person_id] = change.from_person_id
    return moved


def _expected(on_duty: int | None, moved: dict[int, int]) -> int | None:
    """Who is expected on a rotation day. The rota's person, followed through accepted changes in case
    the rota row still names the one who gave the day away; a loop of changes leaves the rota's person."""
    person, seen = on_duty, set()
    while person in moved:
        if person in seen:
            return on_duty
        seen.add(person)
        person = moved[person]
    return person


def day_outcomes(
    post: DutyPost, start: datetime.date, end: datetime.date, now: datetime.datetime | None = None
) -> list[DayOutcome]:
    """Every (duty day, person) outcome of the post from `start` to `end`, in date order: the person on
    rotation duty (and anyone who gave the day away), or every active member on a concentrated day."""
    now = now or timezone.now()
    days = DutyDay.objects.filter(post=post, day__range=(start, end)).order_by("day")
    members = list(
        DutyMember.objects.filter(post=post, active=True)
        .order_by("order", "pk")
        .values_list("person_id", flat=True)
    )
    leave = leave_days(post, start, end)
    sign_ins = {(s.person_id, s.day): s for s in SignIn.objects.filter(post=post, day__range=(start, end))}
    moved = _moved_away(post, start, end)
    return _outcomes(post, days, members, leave, sign_ins, moved, timezone.localdate(now))


def _outcomes(
    post: DutyPost,
    days: Iterable[DutyDay],
    members: list[int],
    leave: dict[int, set[datetime.date]],
    sign_ins: dict[tuple[int, datetime.date], SignIn],
    moved: dict[datetime.date, dict[int, int]],
    today: datetime.date,
) -> list[DayOutcome]:
    """day_outcomes() on loaded rows: the post's duty days in date order, its active members' person ids
    in rota order, leave, sign-ins by (person, day) and the days given away (_moved_away)."""

    def outcome(row: DutyDay, person_id: int) -> DayOutcome:
        found = sign_ins.get((person_id, row.day))
        if row.day in leave.get(person_id, ()):
            result = Outcome.LEAVE
        elif found is not None:
            result = Outcome.ON_TIME if is_on_time(post, found.at) else Outcome.LATE
        elif row.day < today:
            result = Outcome.ABSENT
        elif row.day == today:
            result = PENDING
        else:
            result = UPCOMING
        return DayOutcome(row.day, row.kind, person_id, result, found)

    results: list[DayOutcome] = []
    for row in days:
        if row.kind == DayKind.CONCENTRATED:
            results.extend(outcome(row, person_id) for person_id in members)
            continue
        given = moved.get(row.day, {})
        expected = _expected(row.person_id, given)
        if expected is not None:
            results.append(outcome(row, expected))
        for person_id, taker in given.items():
            if person_id != expected:
                found = sign_ins.get((person_id, row.day))
                results.append(DayOutcome(row.day, row.kind, person_id, Outcome.SWAPPED, found, taker))
    return results


# --- Scoring (考核奖惩) ---------------------------------------------------------------------------


@dataclass
class MemberMonth:
    """A member's month: counts of each outcome and the score. On time, late and leave count every duty
    day; absent counts rotation days, a missed concentrated office is counted apart."""

    person: object  # members.Member
    order: int = 0
    rotation_days: int = 0  # rotation days he was expected on
    concentrated_days: int = 0
    on_time: int = 0
    late: int = 0
    absent: int = 0  # rotation days without a sign-in
    leave: int = 0
    swapped: int = 0  # rotation days he gave away (not counted in rotation_days)
    concentrated_attended: int = 0
    concentrated_missed: int = 0
    pending: int = 0  # today and days ahead, not scored yet
    score: int = 0

    @property
    def duty_days(self) -> int:
        return self.rotation_days + self.concentrated_days

    def add(self, row: DayOutcome) -> None:
        if row.outcome == Outcome.SWAPPED:
            self.swapped += 1
            return
        if row.concentrated:
            self.concentrated_days += 1
        else:
            self.rotation_days += 1
        if row.outcome in (Outcome.ON_TIME, Outcome.LATE):
            if row.outcome == Outcome.ON_TIME:
                self.on_time += 1
            else:
                self.late += 1
            if row.concentrated:
                self.concentrated_attended += 1
        elif row.outcome == Outcome.ABSENT:
            if row.concentrated:
                self.concentrated_missed += 1
            else:
                self.absent += 1
        elif row.outcome == Outcome.LEAVE:
            self.leave += 1
        else:
            self.pending += 1

    def compute_score(self, post: DutyPost) -> int:
        self.score = (
            post.base_points
            + post.late_points * self.late
            + post.absent_points * self.absent
            + post.missed_concentrated_points * self.concentrated_missed
        )
        return self.score


def scores_from(post: DutyPost, rows: list[DayOutcome]) -> list[MemberMonth]:
    """Per member counts and score over `rows`: every active member, and anyone else the rows name."""
    memberships = DutyMember.objects.filter(post=post).select_related("person").order_by("order", "pk")
    named = {row.person_id for row in rows}
    table: dict[int, MemberMonth] = {
        m.person_id: MemberMonth(m.person, m.order) for m in memberships if m.active or m.person_id in named
    }
    for row in rows:
        if row.person_id in table:
            table[row.person_id].add(row)
    for member in table.values():
        member.compute_score(post)
    return list(table.values())


def month_scores(
    post: DutyPost, year: int, month: int, now: datetime.datetime | None = None
) -> list[MemberMonth]:
    """The month's score of each member of the post (the July assessment reads it)."""
    start, end = month_bounds(year, month)
    return scores_from(post, day_outcomes(post, start, end, now))


@dataclass
class PostRates:
    """The post's month as a whole: decided person-days, how many were attended, how many on time."""

    expected: int  # decided person-days that needed a sign-in (leave and swapped days excluded)
    attended: int
    on_time: int
    average_score: float | None

    @property
    def attendance_rate(self) -> float | None:
        return self.attended / self.expected if self.expected else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.expected if self.expected else None

    @property
    def attendance_percent(self) -> float | None:
        return None if self.attendance_rate is None else round(self.attendance_rate * 100, 1)

    @property
    def on_time_percent(self) -> float | None:
        return None if self.on_time_rate is None else round(self.on_time_rate * 100, 1)


def post_rates(members: list[MemberMonth]) -> PostRates:
    attended = sum(m.on_time + m.late for m in members)
    expected = attended + sum(m.absent + m.concentrated_missed for m in members)
    average = sum(m.score for m in members) / len(members) if members else None
    return PostRates(expected, attended, sum(m.on_time for m in members), average)


def month_rates(
    posts: Iterable[DutyPost], months: Iterable[tuple[int, int]], now: datetime.datetime | None = None
) -> dict[tuple[int, int, int], PostRates]:
    """post_rates(month_scores(post, year, month, now)) for every post and (year, month), keyed by
    (post id, year, month): the same figures in six queries, whatever the number of posts and months (the
    home page adds up a county's posts over three months)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    posts, months = list(posts), list(months)
    if not posts or not months:
        return {}
    bounds = {month: month_bounds(*month) for month in months}
    first, last = min(start for start, _end in bounds.values()), max(end for _start, end in bounds.values())
    ids = [post.pk for post in posts]
    days: dict[int, list[DutyDay]] = defaultdict(list)
    for row in DutyDay.objects.filter(post__in=ids, day__range=(first, last)).order_by("post_id", "day"):
        days[row.post_id].append(row)
    active: dict[int, list[int]] = defaultdict(list)
    memberships: dict[int, list[tuple[int, int, bool]]] = defaultdict(list)
    for post_id, person_id, order, is_active in (
        DutyMember.objects.filter(post__in=ids)
        .order_by("post_id", "order", "pk")
        .values_list("post_id", "person_id", "order", "active")
    ):
        memberships[post_id].append((person_id, order, is_active))
        if is_active:
            active[post_id].append(person_id)
    leave: dict[int, dict[int, set[datetime.date]]] = defaultdict(dict)
    for row in Leave.objects.filter(post__in=ids, starts_on__lte=last, ends_on__gte=first).order_by():
        day = max(row.starts_on, first)
        while day <= min(row.ends_on, last):
            leave[row.post_id].setdefault(row.person_id, set()).add(day)
            day += datetime.timedelta(days=1)
    sign_ins: dict[int, dict[tuple[int, datetime.date], SignIn]] = defaultdict(dict)
    # Ordered as SignIn's Meta.ordering within a post, without joining the posts to order by them.
    signed = SignIn.objects.filter(post__in=ids, day__range=(first, last)).order_by("post_id", "day", "at")
    for sign_in in signed:
        sign_ins[sign_in.post_id][(sign_in.person_id, sign_in.day)] = sign_in
    moved: dict[int, dict[datetime.date, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    changes = (
        DutyChange.objects.filter(post__in=ids, state=ChangeState.ACCEPTED)
        .filter(Q(day__day__range=(first, last)) | Q(other_day__day__range=(first, last)))
        .select_related("day", "other_day")
        .order_by("decided_at", "requested_at", "pk")
    )
    for change in changes:  # as _moved_away, post by post: a day's entries only concern that day
        if change.from_person_id == change.to_person_id:
            continue
        moved[change.post_id][change.day.day][change.from_person_id] = change.to_person_id
        if change.kind == ChangeKind.SWAP and change.other_day is not None:
            moved[change.post_id][change.other_day.day][change.to_person_id] = change.from_person_id
    rates = {}
    for post in posts:
        for month, (start, end) in bounds.items():
            month_days = [row for row in days[post.pk] if start <= row.day <= end]
            rows = _outcomes(
                post, month_days, active[post.pk], leave[post.pk], sign_ins[post.pk], moved[post.pk], today
            )
            # As scores_from: every active member, and anyone else the rows name who is a member.
            named = {row.person_id for row in rows}
            table = {
                person_id: MemberMonth(None, order)
                for person_id, order, is_active in memberships[post.pk]
                if is_active or person_id in named
            }
            for row in rows:
                if row.person_id in table:
                    table[row.person_id].add(row)
            for member in table.values():
                member.compute_score(post)
            rates[(post.pk, *month)] = post_rates(list(table.values()))
    return rates
