"""The village-secretary duty post (村书记值班岗, R6, R7): the post and its members, the township's holiday
entries, the generated rota, leave, swaps and sign-ins."""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scope import EDITING_ROLES, ScopedManager, ScopePaths
from communities.models import TOWNSHIP_AND_OFFICE, TOWNSHIP_ONLY, Office, Township
from duty_roster.choices import ChangeKind, ChangeState, DayKind
from duty_roster.rotation import Policy

POST_PATHS = ScopePaths(
    county="office__township__county",
    township="office__township",
    office="office",
    village="office__villages",
    change_roles=TOWNSHIP_AND_OFFICE,
)


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class DutyPost(models.Model):
    """An office's duty post (one per community, or per office without one, R7) and its policy."""

    office = models.OneToOneField(Office, models.PROTECT, related_name="duty_post", verbose_name=_("office"))
    name = models.CharField(_("name"), max_length=80)
    place = models.CharField(_("place"), max_length=120)
    concentrated_weekday = models.PositiveSmallIntegerField(
        _("concentrated office weekday"), choices=WEEKDAYS, default=0
    )
    rotation_weekdays = models.CharField(
        _("rotation weekdays"), max_length=20, default="1,2,3,4,5", help_text=_("0 = Monday … 6 = Sunday")
    )
    on_time_until = models.TimeField(_("on time until"), default=datetime.time(8, 30))
    duty_on_holidays = models.BooleanField(_("duty on statutory holidays"), default=False)
    adjusted_sunday_is_rotation = models.BooleanField(
        _("adjusted working Sundays are duty days"), default=True
    )
    move_concentrated_day = models.BooleanField(
        _("move a holiday Monday's concentrated office to the next working day"), default=True
    )
    # Points (考核奖惩): a month starts from the base; each event adds its (negative) points.
    base_points = models.SmallIntegerField(_("base points"), default=100)
    late_points = models.SmallIntegerField(_("points for being late"), default=-2)
    absent_points = models.SmallIntegerField(_("points for being absent"), default=-10)
    missed_concentrated_points = models.SmallIntegerField(
        _("points for missing the concentrated office"), default=-10
    )
    starts_on = models.DateField(_("rotation starts on"))

    objects = ScopedManager()
    scope_paths = POST_PATHS
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("duty post")
        verbose_name_plural = _("duty posts")
        ordering = ["office__township__name", "office__sort_order"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("duty_roster:post_detail", args=[self.pk])

    @property
    def policy(self) -> Policy:
        return Policy(
            concentrated_weekday=self.concentrated_weekday,
            rotation_weekdays=frozenset(parse_weekdays(self.rotation_weekdays)),
            duty_on_holidays=self.duty_on_holidays,
            adjusted_sunday_is_rotation=self.adjusted_sunday_is_rotation,
            move_concentrated_day=self.move_concentrated_day,
        )

    def clean(self) -> None:
        try:
            weekdays = parse_weekdays(self.rotation_weekdays)
        except ValueError:
            raise ValidationError(
                {"rotation_weekdays": _("Give weekdays as numbers 0–6 separated by commas.")}
            ) from None
        if self.concentrated_weekday in weekdays:
            raise ValidationError(
                {"rotation_weekdays": _("The concentrated office weekday cannot also be a rotation weekday.")}
            )


def parse_weekdays(text: str) -> list[int]:
    days = sorted({int(part) for part in text.replace("，", ",").split(",") if part.strip()})
    if not days or any(d < 0 or d > 6 for d in days):
        raise ValueError(text)
    return days


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class DutyMember(models.Model):
    """A secretary on the post, in rotation order. Members leave by `active`, never by deletion."""

    post = models.ForeignKey(DutyPost, models.CASCADE, related_name="members", verbose_name=_("duty post"))
    person = models.ForeignKey(
        "members.Member", models.PROTECT, related_name="duty_roles", verbose_name=_("person")
    )
    order = models.PositiveSmallIntegerField(_("rotation order"))
    active = models.BooleanField(_("active"), default=True)
    # The secret in his calendar feed's address (/duty/ical/<token>.ics): whoever has it reads his duties.
    feed_token = models.CharField(
        _("calendar feed token"), max_length=64, unique=True, default=new_feed_token, editable=False
    )

    objects = ScopedManager()
    scope_paths = POST_PATHS.through("post")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("duty post member")
        verbose_name_plural = _("duty post members")
        ordering = ["post", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["post", "person"], name="duty_member_unique")]

    def __str__(self) -> str:
        return str(self.person)


class CalendarEntry(models.Model):
    """A township's own holiday or adjusted working day; it overrides chinesecalendar for that date."""

    township = models.ForeignKey(Township, models.CASCADE, related_name="calendar_entries")
    day = models.DateField(_("date"))
    working = models.BooleanField(
        _("working day"), help_text=_("Ticked: an adjusted working day; empty: a holiday.")
    )
    name = models.CharField(_("name"), max_length=40)

    objects = ScopedManager()
    scope_paths = ScopePaths(
        county="township__county",
        township="township",
        office="township__offices",
        village="township__offices__villages",
        change_roles=TOWNSHIP_ONLY,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("holiday entry")
        verbose_name_plural = _("holiday entries")
        ordering = ["township", "day"]
        constraints = [models.UniqueConstraint(fields=["township", "day"], name="calendar_entry_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"


class DutyMonth(models.Model):
    """A generated month of a post's rota; once published it is locked."""

    post = models.ForeignKey(DutyPost, models.CASCADE, related_name="months", verbose_name=_("duty post"))
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ScopedManager()
    scope_paths = POST_PATHS.through("post")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rota month")
        verbose_name_plural = _("rota months")
        ordering = ["post", "year", "month"]
        constraints = [models.UniqueConstraint(fields=["post", "year", "month"], name="duty_month_unique")]

    def __str__(self) -> str:
        return f"{self.post} {self.year}-{self.month:02d}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class DutyDay(models.Model):
    """A duty day of the rota: the concentrated office (everyone) or one secretary's rotation duty."""

    post = models.ForeignKey(DutyPost, models.CASCADE, related_name="days", verbose_name=_("duty post"))
    day = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=DayKind.choices)
    person = models.ForeignKey(
        "members.Member",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="duty_days",
        verbose_name=_("on duty"),
    )
    manual = models.BooleanField(_("set by hand"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_paths = POST_PATHS.through("post")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("duty day")
        verbose_name_plural = _("duty days")
        ordering = ["post", "day"]
        constraints = [models.UniqueConstraint(fields=["post", "day"], name="duty_day_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.person or self.get_kind_display()}"


class Leave(models.Model):
    """Leave (请假) or unavailability: the rotation skips him and gives the turns back after."""

    post = models.ForeignKey(DutyPost, models.CASCADE, related_name="leaves", verbose_name=_("duty post"))
    person = models.ForeignKey("members.Member", models.PROTECT, related_name="+", verbose_name=_("person"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=200)

    objects = ScopedManager()
    scope_paths = POST_PATHS.through("post", change_roles=EDITING_ROLES)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("leave")
        verbose_name_plural = _("leave")
        ordering = ["post", "starts_on"]

    def __str__(self) -> str:
        return f"{self.person} {self.starts_on}–{self.ends_on}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The leave ends before it starts.")})


class DutyChange(models.Model):
    """A swap, cover or reassignment of a duty day, with its reason and who agreed."""

    post = models.ForeignKey(DutyPost, models.CASCADE, related_name="changes", verbose_name=_("duty post"))
    day = models.ForeignKey(DutyDay, models.CASCADE, related_name="changes", verbose_name=_("duty day"))
    other_day = models.ForeignKey(
        DutyDay,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("his day in exchange"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ChangeKind.choices)
    from_person = models.ForeignKey(
        "members.Member", models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_person = models.ForeignKey("members.Member", models.PROTECT, related_name="+", verbose_name=_("to"))
    reason = models.CharField(_("reason"), max_length=200)
    state = models.CharField(
        _("state"), max_length=20, choices=ChangeState.choices, default=ChangeState.REQUESTED
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ScopedManager()
    scope_paths = POST_PATHS.through("post", change_roles=EDITING_ROLES)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("duty change")
        verbose_name_plural = _("duty changes")
        ordering = ["post", "-requested_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.day.day}"


class SignIn(models.Model):
    """A sign-in at the fixed point (定点签到): by the day's QR token, or by hand (补签) with a reason."""

    post = models.ForeignKey(DutyPost, models.CASCADE, related_name="sign_ins", verbose_name=_("duty post"))
    person = models.ForeignKey(
        "members.Member", models.PROTECT, related_name="sign_ins", verbose_name=_("person")
    )
    day = models.DateField(_("date"))
    at = models.DateTimeField(_("signed in at"))
    manual = models.BooleanField(_("signed in by hand"), default=False)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    objects = ScopedManager()
    scope_paths = POST_PATHS.through("post", change_roles=EDITING_ROLES)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sign-in")
        verbose_name_plural = _("sign-ins")
        ordering = ["post", "day", "at"]
        constraints = [models.UniqueConstraint(fields=["post", "person", "day"], name="sign_in_once_a_day")]

    def __str__(self) -> str:
        return f"{self.person} {self.at:%Y-%m-%d %H:%M}"


class DutyLogEntry(models.Model):
    """One visitor or matter handled on a duty day (值班日志): who came, what for, what was done.

    Keyed by the post and the date rather than the rota row, so regenerating a month never touches it."""

    post = models.ForeignKey(
        DutyPost, models.CASCADE, related_name="log_entries", verbose_name=_("duty post")
    )
    on = models.DateField(_("date"))
    visitor = models.CharField(_("visitor"), max_length=60)
    purpose = models.CharField(_("came for"), max_length=300)
    handling = models.CharField(_("what was done"), max_length=300, blank=True)
    needs_follow_up = models.BooleanField(_("needs follow-up"), default=False)
    ledger_item = models.OneToOneField(
        "ledger.LedgerItem",
        models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="duty_log_entry",
        verbose_name=_("ledger item"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager()
    scope_paths = POST_PATHS.through("post", change_roles=EDITING_ROLES)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("duty log entry")
        verbose_name_plural = _("duty log entries")
        ordering = ["post", "-on", "pk"]
        indexes = [models.Index(fields=["post", "on"])]

    def __str__(self) -> str:
        return f"{self.on} {self.visitor}"
