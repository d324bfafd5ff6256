"""The duty post pages (R6, R7): posts and their members, the month calendar with generating, publishing
and days set by hand, the printable and .xlsx rota, and the township's holidays. The work is done by
duty_roster.services; these views collect the input, show the services' messages and stay in scope."""

import datetime
from dataclasses import dataclass, field

import chinese_calendar
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View
from django.views.generic import DetailView, TemplateView

from accounts.scope import can_change
from duty_roster import services
from duty_roster.calendar import CalendarUnknown, DayInfo
from duty_roster.choices import DayKind
from duty_roster.filters import CalendarEntryFilterSet, DutyPostFilterSet
from duty_roster.forms_roster import CalendarEntryForm, DutyDayForm, DutyPostForm
from duty_roster.models import WEEKDAYS, CalendarEntry, DutyDay, DutyMember, DutyMonth, DutyPost, Leave
from duty_roster.tables import CalendarEntryTable, DutyPostTable
from members.models import Member
from records.views import ScopedCreateView, ScopedDetailView, ScopedListView, ScopedUpdateView
from records.workbook import build_workbook, xlsx_response

WEEKDAY_SHORT = [
    pgettext_lazy("weekday", "Mon"),
    pgettext_lazy("weekday", "Tue"),
    pgettext_lazy("weekday", "Wed"),
    pgettext_lazy("weekday", "Thu"),
    pgettext_lazy("weekday", "Fri"),
    pgettext_lazy("weekday", "Sat"),
    pgettext_lazy("weekday", "Sun"),
]


# --- The month: what each day is and who is on duty -------------------------------------------------


@dataclass
class DayCell:
    day: datetime.date
    in_month: bool
    today: bool
    info: DayInfo | None  # None: nobody has entered the holidays of that year
    duty: DutyDay | None = None
    on_leave: list[Member] = field(default_factory=list)

    @property
    def weekday_short(self) -> str:
        return str(WEEKDAY_SHORT[self.day.weekday()])

    @property
    def weekday(self) -> str:
        return str(WEEKDAYS[self.day.weekday()][1])

    @property
    def weekend(self) -> bool:
        return self.day.weekday() >= 5

    @property
    def holiday(self) -> bool:
        return bool(self.info and self.info.holiday)

    @property
    def adjusted(self) -> bool:
        return bool(self.info and self.info.adjusted)

    @property
    def concentrated(self) -> bool:
        return self.duty is not None and self.duty.kind == DayKind.CONCENTRATED

    @property
    def noteworthy(self) -> bool:
        """Whether the phone's list of days shows it: a duty day, a holiday, an adjusted day or leave."""
        return self.duty is not None or self.holiday or self.adjusted or bool(self.on_leave)


@dataclass
class MemberCount:
    member: DutyMember
    rotation: int
    leave_days: int
    to_date: int


@dataclass
class MonthView:
    post: DutyPost
    year: int
    month: int
    rota: DutyMonth | None
    weeks: list[list[DayCell]]
    calendar_error: str
    counts: list[MemberCount]
    concentrated_days: int
    holidays: list[DayCell]

    @property
    def first(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)

    @property
    def param(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def days(self) -> list[DayCell]:
        return [cell for week in self.weeks for cell in week if cell.in_month]

    @property
    def duty_day_count(self) -> int:
        return sum(1 for cell in self.days if cell.duty is not None)

    @property
    def state(self) -> str:
        if self.rota is None or self.rota.generated_at is None:
            return "none"
        return "published" if self.rota.is_published else "generated"

    @property
    def locked(self) -> bool:
        return self.state == "published"

    @property
    def previous(self) -> str:
        day = self.first - datetime.timedelta(days=1)
        return f"{day.year}-{day.month:02d}"

    @property
    def next(self) -> str:
        day = self.first + datetime.timedelta(days=31)
        return f"{day.year}-{day.month:02d}"

    @property
    def holiday_runs(self) -> list[dict]:
        """The month's holidays and adjusted working days in runs of days: when, name, whether a holiday."""
        runs: list[dict] = []
        for cell in self.holidays:
            name = (cell.info.name or _("holiday")) if cell.holiday else _("adjusted working day")
            last = runs[-1] if runs else None
            if last and last["last"] == cell.day - datetime.timedelta(days=1) and last["name"] == name:
                last["last"] = cell.day
            else:
                runs.append({"first": cell.day, "last": cell.day, "name": name, "holiday": cell.holiday})
        for run in runs:
            if run["first"] == run["last"]:
                run["when"] = _("%(month)s/%(day)s") % {"month": self.month, "day": run["first"].day}
            else:
                run["when"] = _("%(month)s/%(first)s–%(last)s") % {
                    "month": self.month,
                    "first": run["first"].day,
                    "last": run["last"].day,
                }
        return runs

    @property
    def title(self) -> str:
        office = self.post.office
        community = getattr(office, "community", None)
        return _("%(unit)s village secretaries' duty rota (%(year)s-%(month)s)") % {
            "unit": community.name if community is not None else office.name,
            "year": self.year,
            "month": self.month,
        }


def month_view(post: DutyPost, user, year: int, month: int) -> MonthView:
    """The month of `post` as `user` may see it: the weeks Monday to Sunday, each day's facts and duty."""
    start, end = services.month_bounds(year, month)
    grid_start = start - datetime.timedelta(days=start.weekday())
    grid_end = end + datetime.timedelta(days=6 - end.weekday())
    info = services.township_calendar(post.office.township_id)
    calendar_error = ""
    duties = {
        duty.day: duty
        for duty in DutyDay.objects.for_user(user)
        .filter(post=post, day__range=(start, end))
        .select_related("person")
    }
    leaves = list(
        Leave.objects.for_user(user)
        .filter(post=post, starts_on__lte=end, ends_on__gte=start)
        .select_related("person")
    )
    today = timezone.localdate()
    weeks: list[list[DayCell]] = []
    day = grid_start
    while day <= grid_end:
        if day.weekday() == 0:
            weeks.append([])
        in_month = start <= day <= end
        try:
            facts = info(day)
        except CalendarUnknown as error:
            facts = None
            if in_month:  # the grid's days of the next year do not stop this month
                calendar_error = calendar_error or error.messages[0]
        weeks[-1].append(
            DayCell(
                day,
                in_month,
                day == today,
                facts,
                duties.get(day) if in_month else None,
                [leave.person for leave in leaves if leave.starts_on <= day <= leave.ends_on]
                if in_month
                else [],
            )
        )
        day += datetime.timedelta(days=1)
    rota = DutyMonth.objects.for_user(user).filter(post=post, year=year, month=month).first()
    members = list(
        DutyMember.objects.for_user(user)
        .filter(post=post)
        .select_related("person__village", "person__branch__village")
        .order_by("order", "pk")
    )
    rotation = [d.person_id for d in duties.values() if d.kind == DayKind.ROTATION and d.person_id]
    served = services.rotation_state_before(post, end + datetime.timedelta(days=1)).served
    leave_count = {person: len(days) for person, days in services.leave_days(post, start, end).items()}
    counts = [
        MemberCount(
            m, rotation.count(m.person_id), leave_count.get(m.person_id, 0), served.get(m.person_id, 0)
        )
        for m in members
    ]
    cells = [cell for week in weeks for cell in week if cell.in_month]
    return MonthView(
        post,
        year,
        month,
        rota,
        weeks,
        calendar_error,
        counts,
        concentrated_days=sum(1 for cell in cells if cell.concentrated),
        holidays=[cell for cell in cells if cell.holiday or cell.adjusted],
    )


def checked_month(year: int, month: int) -> tuple[int, int]:
    """A year and month from the URL, or 404."""
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise Http404
    return year, month


def detail_url(post: DutyPost, year: int, month: int) -> str:
    return f"{reverse('duty_roster:post_detail', args=[post.pk])}?month={year}-{month:02d}"


def scoped_posts(user):
    return DutyPost.objects.for_user(user).select_related("office__township", "office__community")


# --- Posts ------------------------------------------------------------------------------------------


class PostListView(ScopedListView):
    model = DutyPost
    table_class = DutyPostTable
    filterset_class = DutyPostFilterSet
    create_url_name = "duty_roster:post_create"
    template_name = "duty_roster/post_list.html"

    def get_queryset(self):
        # Meta.ordering is dropped from GROUP BY queries: order explicitly.
        return (
            super()
            .get_queryset()
            .select_related("office__township")
            .annotate(member_count=Count("members", filter=Q(members__active=True)))
            .order_by("office__township__name", "office__sort_order", "pk")
        )


class PostFormMixin:
    model = DutyPost
    form_class = DutyPostForm
    template_name = "duty_roster/post_form.html"
    success_message = gettext_lazy("Duty post %(name)s saved.")


class PostCreateView(PostFormMixin, ScopedCreateView):
    def form_valid(self, form):
        response = super().form_valid(form)
        if self.object is not None and self.object.pk:
            added, _removed = services.sync_members(self.object)
            if added:
                messages.info(
                    self.request,
                    _("The village secretaries of the office joined the rotation: %(names)s.")
                    % {"names": "、".join(str(person) for person in added)},
                )
            else:
                messages.warning(
                    self.request,
                    _(
                        "The office has no village branch secretaries on record yet: record their posts "
                        "(party organisations), then sync the members."
                    ),
                )
        return response


class PostUpdateView(PostFormMixin, ScopedUpdateView):
    pass


class PostDetailView(ScopedDetailView):
    """The post page: the month calendar with its actions, and the secretaries in rotation order."""

    model = DutyPost
    template_name = "duty_roster/post_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("office__township", "office__community")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        requested = self.request.GET.get("month")
        chosen = services.parse_month(requested)
        if requested and chosen is None:
            context["month_error"] = _("“%(value)s” is not a month: give it as 2026-11.") % {
                "value": requested
            }
        year, month = chosen or (today.year, today.month)
        view = month_view(self.object, self.request.user, year, month)
        context["month"] = view
        context["weekday_names"] = [name for _number, name in WEEKDAYS]
        context["this_month"] = f"{today.year}-{today.month:02d}"
        context["can_edit_days"] = context["can_change"] and not view.locked
        return context


# --- Members: order, keeping in step, leaving and rejoining the rotation ------------------------------


class PostActionView(View):
    """A POST on a post the user may change: 404 outside his scope, 403 when he may only read it."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        self.post_obj = get_object_or_404(scoped_posts(request.user), pk=kwargs["pk"])
        if not can_change(request.user, self.post_obj):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def back(self) -> HttpResponse:
        month = services.parse_month(self.request.POST.get("month"))
        url = self.post_obj.get_absolute_url()
        if month:
            url = detail_url(self.post_obj, *month)
        return redirect(f"{url}#members" if "member" in self.request.resolver_match.url_name else url)

    def member(self) -> DutyMember:
        members = DutyMember.objects.for_user(self.request.user, "change").filter(post=self.post_obj)
        return get_object_or_404(members.select_related("person"), pk=self.kwargs["member_pk"])


class MemberMoveView(PostActionView):
    def post(self, request, *args, **kwargs):
        member = self.member()
        direction = request.POST.get("direction")
        if direction not in ("up", "down"):
            messages.error(request, _("Choose up or down."))
            return self.back()
        with transaction.atomic():
            members = list(
                DutyMember.objects.select_for_update().filter(post=self.post_obj).order_by("order", "pk")
            )
            index = next(i for i, m in enumerate(members) if m.pk == member.pk)
            other = index - 1 if direction == "up" else index + 1
            if 0 <= other < len(members):
                members[index], members[other] = members[other], members[index]
                index = other
            # Renumbered 1…n, so that equal numbers left by older edits cannot make a move a no-op.
            for number, row in enumerate(members, start=1):
                if row.order != number:
                    row.order = number
                    row.save(update_fields=["order"])
        messages.success(
            request,
            _("%(name)s is now number %(number)s in the rotation order.")
            % {"name": member.person, "number": index + 1},
        )
        return self.back()


class MemberActiveView(PostActionView):
    def post(self, request, *args, **kwargs):
        member = self.member()
        active = request.POST.get("active") == "1"
        if member.active == active:
            messages.info(request, _("Nothing changed."))
            return self.back()
        member.active = active
        member.save(update_fields=["active"])
        if active:
            message = _("%(name)s is back in the rotation.")
        else:
            message = _("%(name)s leaves the rotation; his record stays.")
        messages.success(
            request,
            message % {"name": member.person}
            + " "
            + _("Regenerate the months not yet published so that the rota follows."),
        )
        return self.back()


class MemberSyncView(PostActionView):
    def post(self, request, *args, **kwargs):
        added, removed = services.sync_members(self.post_obj)
        if not added and not removed:
            messages.success(request, _("The members are already in step with the village secretaries."))
            return self.back()
        parts = []
        if added:
            parts.append(_("joined: %(names)s") % {"names": "、".join(str(p) for p in added)})
        if removed:
            parts.append(_("left the rotation: %(names)s") % {"names": "、".join(str(p) for p in removed)})
        messages.success(
            request,
            _("Synced with the village secretaries — %(changes)s.") % {"changes": "；".join(parts)}
            + " "
            + _("Regenerate the months not yet published so that the rota follows."),
        )
        return self.back()


# --- The month: generate, publish, a day by hand ----------------------------------------------------


class MonthGenerateView(PostActionView):
    def post(self, request, *args, **kwargs):
        year, month = checked_month(kwargs["year"], kwargs["month"])
        existing = DutyMonth.objects.filter(post=self.post_obj, year=year, month=month).first()
        regenerating = existing is not None and existing.generated_at is not None
        try:
            generated = services.generate_and_follow(self.post_obj, year, month)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(detail_url(self.post_obj, year, month))
        days = DutyDay.objects.filter(post=self.post_obj, day__year=year, day__month=month).count()
        if regenerating:
            message = _(
                "The rota of %(month)s is regenerated: %(days)s duty days; past days and days set by hand "
                "are kept."
            )
        else:
            message = _("The rota of %(month)s is generated: %(days)s duty days.")
        messages.success(request, message % {"month": f"{year}-{month:02d}", "days": days})
        if generated.followed:
            messages.info(
                request,
                _("The later months %(months)s were made again so that the rotation follows on.")
                % {"months": "、".join(f"{r.year}-{r.month:02d}" for r in generated.followed)},
            )
        if generated.locked:
            messages.warning(
                request,
                _(
                    "%(months)s is published and locked, so it was not made again; its rotation may not "
                    "follow on from this month."
                )
                % {"months": "、".join(f"{r.year}-{r.month:02d}" for r in generated.locked)},
            )
        for problem in generated.failed:
            messages.warning(request, problem)
        return redirect(detail_url(self.post_obj, year, month))


class MonthPublishView(TemplateView):
    """Asks for confirmation (GET), then publishes and locks the month (POST)."""

    template_name = "duty_roster/month_publish.html"

    def dispatch(self, request, *args, **kwargs):
        self.post_obj = get_object_or_404(scoped_posts(request.user), pk=kwargs["pk"])
        if not can_change(request.user, self.post_obj):
            raise PermissionDenied
        self.year, self.month = checked_month(kwargs["year"], kwargs["month"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        view = month_view(self.post_obj, self.request.user, self.year, self.month)
        return {**super().get_context_data(**kwargs), "object": self.post_obj, "month": view}

    def post(self, request, *args, **kwargs):
        rota = DutyMonth.objects.for_user(request.user, "change").filter(
            post=self.post_obj, year=self.year, month=self.month
        )
        with transaction.atomic():
            row = rota.select_for_update().first()
            try:
                if row is None:
                    raise ValidationError(_("Generate the rota before publishing it."))
                services.publish_month(row, request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect(detail_url(self.post_obj, self.year, self.month))
        messages.success(
            request,
            _("The rota of %(month)s is published and now locked.")
            % {"month": f"{self.year}-{self.month:02d}"},
        )
        return redirect(detail_url(self.post_obj, self.year, self.month))


class DayUpdateView(ScopedUpdateView):
    """A day set by hand (saved with manual=True and a note); a published month refuses it."""

    model = DutyDay
    form_class = DutyDayForm
    template_name = "duty_roster/month_day_form.html"

    def get_queryset(self):
        return super().get_queryset().select_related("post__office", "person")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            day = self.get_object()
            if DutyMonth.objects.filter(
                post=day.post_id, year=day.day.year, month=day.day.month, published_at__isnull=False
            ).exists():
                messages.error(
                    request,
                    _("The rota of %(month)s is published and locked: the day cannot be changed by hand.")
                    % {"month": f"{day.day:%Y-%m}"},
                )
                return redirect(detail_url(day.post, day.day.year, day.day.month))
            if day.day < timezone.localdate():
                # A past day is what happened: its sign-ins and scores hang on it.
                messages.error(
                    request, _("%(day)s is past: it cannot be changed.") % {"day": f"{day.day:%Y-%m-%d}"}
                )
                return redirect(detail_url(day.post, day.day.year, day.day.month))
        return super().dispatch(request, *args, **kwargs)

    def get_success_message(self) -> str:
        return _("%(day)s is set by hand.") % {"day": f"{self.object.day:%Y-%m-%d}"}

    def get_success_url(self) -> str:
        return detail_url(self.object.post, self.object.day.year, self.object.day.month)


# --- Print and export -------------------------------------------------------------------------------


class MonthPrintView(DetailView):
    """The monthly rota as posted on the office wall: one A4 sheet."""

    template_name = "duty_roster/month_print.html"
    context_object_name = "object"

    def get_queryset(self):
        return scoped_posts(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year, month = checked_month(self.kwargs["year"], self.kwargs["month"])
        context["month"] = month_view(self.object, self.request.user, year, month)
        context["printed_on"] = timezone.localdate()
        context["weekday_names"] = [name for _number, name in WEEKDAYS]
        context["concentrated_name"] = WEEKDAYS[self.object.concentrated_weekday][1]
        context["members"] = [c.member for c in context["month"].counts if c.member.active]
        return context


def day_remark(cell: DayCell) -> str:
    parts = []
    if cell.holiday:
        parts.append(cell.info.name or _("holiday"))
    if cell.adjusted:
        parts.append(_("adjusted working day (调休上班)"))
    if cell.duty is not None and cell.duty.manual:
        parts.append(
            _("set by hand: %(note)s") % {"note": cell.duty.note} if cell.duty.note else _("set by hand")
        )
    if cell.on_leave:
        parts.append(_("on leave: %(names)s") % {"names": "、".join(str(p) for p in cell.on_leave)})
    return "；".join(parts)


def export_rows(view: MonthView) -> list[list]:
    rows = []
    for cell in view.days:
        if cell.duty is None and not cell.holiday and not cell.adjusted:
            continue
        if cell.duty is None:
            kind, person = _("no duty"), ""
        elif cell.concentrated:
            kind, person = str(DayKind.CONCENTRATED.label), _("all village secretaries")
        else:
            kind, person = str(DayKind.ROTATION.label), str(cell.duty.person or "")
        rows.append([cell.day, cell.weekday, kind, person, day_remark(cell)])
    return rows


class MonthExportView(DetailView):
    def get_queryset(self):
        return scoped_posts(self.request.user)

    def get(self, request, *args, **kwargs):
        post = self.get_object()
        year, month = checked_month(kwargs["year"], kwargs["month"])
        view = month_view(post, request.user, year, month)
        headers = [_("date"), _("weekday"), _("kind"), _("on duty"), _("remarks")]
        content = build_workbook(
            [
                {
                    "title": view.title,
                    "headers": headers,
                    "rows": export_rows(view),
                    "unit": str(post.office),
                }
            ]
        )
        return xlsx_response(content, view.title, dated=False)


# --- The township's holidays ------------------------------------------------------------------------


def last_known_year() -> int:
    """The last year chinesecalendar knows the holidays of."""
    return max(day.year for day in chinese_calendar.holidays)


class CalendarListView(ScopedListView):
    model = CalendarEntry
    table_class = CalendarEntryTable
    filterset_class = CalendarEntryFilterSet
    create_url_name = "duty_roster:calendar_create"
    template_name = "duty_roster/calendar_list.html"
    page_size = 50

    def get_queryset(self):
        return super().get_queryset().select_related("township")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["known_until"] = last_known_year()
        context["next_year"] = last_known_year() + 1
        return context


class CalendarFormMixin:
    model = CalendarEntry
    form_class = CalendarEntryForm
    template_name = "duty_roster/calendar_form.html"

    def get_success_message(self) -> str:
        return _("%(day)s %(name)s saved.") % {"day": f"{self.object.day:%Y-%m-%d}", "name": self.object.name}

    def get_success_url(self) -> str:
        return f"{reverse('duty_roster:calendar_list')}?year={self.object.day.year}"


class CalendarCreateView(CalendarFormMixin, ScopedCreateView):
    pass


class CalendarUpdateView(CalendarFormMixin, ScopedUpdateView):
    pass
