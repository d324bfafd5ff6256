"""Pages for leave, swaps, covers and reassignments; today's duty board; a secretary's upcoming duties; his
iCalendar feed. Thin: the rules are in duty_roster.changes, every queryset comes through `for_user`."""

import datetime
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET
from django.views.generic import FormView, TemplateView

from accounts.scope import can_change
from duty_roster import changes
from duty_roster.calendar import CalendarUnknown
from duty_roster.choices import ChangeState, DayKind
from duty_roster.forms_changes import ChangeRequestForm, LeaveForm, ReassignForm
from duty_roster.models import DutyChange, DutyDay, DutyMember, DutyPost, Leave, SignIn, new_feed_token
from duty_roster.services import township_calendar
from duty_roster.tables_changes import ChangeFilterSet, ChangeTable, LeaveFilterSet, LeaveTable
from members.forms import add_errors
from records.views import ScopedListView

UPCOMING_DAYS = 60


def scoped_post(user, pk: int) -> DutyPost:
    return get_object_or_404(DutyPost.objects.for_user(user, "view").select_related("office"), pk=pk)


def month_list(rotas) -> str:
    return "、".join(f"{rota.year}-{rota.month:02d}" for rota in rotas)


def back_to(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


# --- Leave ----------------------------------------------------------------------------------------------


class PostListMixin:
    """A list of one post's records: the post comes through the user's scope first."""

    def dispatch(self, request, *args, **kwargs):
        self.post_obj = scoped_post(request.user, kwargs["post_pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(post=self.post_obj)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["post"] = self.post_obj
        context["can_change_post"] = can_change(self.request.user, self.post_obj)
        context["me"] = changes.member_for(self.request.user, self.post_obj)
        return context


class LeaveListView(PostListMixin, ScopedListView):
    model = Leave
    table_class = LeaveTable
    filterset_class = LeaveFilterSet
    template_name = "duty_roster/leave_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("person")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_record"] = context["can_change_post"] or context["me"] is not None
        return context


class LeaveCreateView(FormView):
    """The village secretary records his own leave; the office or township records anyone's."""

    form_class = LeaveForm
    template_name = "duty_roster/leave_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.post_obj = scoped_post(request.user, kwargs["post_pk"])
        self.me = None
        if not can_change(request.user, self.post_obj):
            self.me = changes.member_for(request.user, self.post_obj)
            if self.me is None:
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user, post=self.post_obj, person=self.me and self.me.person)
        return kwargs

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "post": self.post_obj, "me": self.me}

    def form_valid(self, form):
        data = form.cleaned_data
        person = self.me.person if self.me else data["person"]
        try:
            outcome = changes.record_leave(
                self.post_obj, person, data["starts_on"], data["ends_on"], data["reason"]
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Leave recorded: %(person)s, %(start)s to %(end)s.")
            % {"person": person, "start": data["starts_on"], "end": data["ends_on"]},
        )
        if outcome.regenerated:
            messages.info(
                self.request,
                _(
                    "The rota of %(months)s was made again: he is skipped on his leave days and gets the "
                    "turns back after."
                )
                % {"months": month_list(outcome.regenerated)},
            )
        if outcome.locked:
            messages.warning(
                self.request,
                _(
                    "The rota of %(months)s is published and locked: give his duty days there to others by "
                    "a swap or a reassignment."
                )
                % {"months": month_list(outcome.locked)},
            )
        if outcome.still_on_duty:
            messages.warning(
                self.request,
                _(
                    "%(person)s is still on duty on %(days)s (set by hand or taken over): give these days "
                    "to others by a reassignment."
                )
                % {
                    "person": person,
                    "days": "、".join(f"{day:%Y-%m-%d}" for day in outcome.still_on_duty),
                },
            )
        for problem in outcome.failed:
            messages.warning(self.request, problem)
        return redirect("duty_roster:leave_list", post_pk=self.post_obj.pk)


# --- Swaps, covers, reassignments -----------------------------------------------------------------------


class ChangeListView(PostListMixin, ScopedListView):
    model = DutyChange
    table_class = ChangeTable
    filterset_class = ChangeFilterSet
    template_name = "duty_roster/change_list.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("day", "other_day", "from_person", "to_person", "requested_by")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        me = context["me"]
        context["waiting"] = (
            self.get_queryset().filter(state=ChangeState.REQUESTED, to_person=me.person) if me else []
        )
        if context["can_change_post"]:  # the office reassigns from here or from the month rota
            context["coming_days"] = (
                DutyDay.objects.for_user(self.request.user, "change")
                .filter(post=self.post_obj, kind=DayKind.ROTATION, day__gte=timezone.localdate())
                .select_related("person")
                .order_by("day")[:21]
            )
        return context


class ChangeRequestView(FormView):
    """A secretary asks another member of the post to swap or cover his rotation day."""

    form_class = ChangeRequestForm
    template_name = "duty_roster/change_request.html"

    def dispatch(self, request, *args, **kwargs):
        self.day = get_object_or_404(
            DutyDay.objects.for_user(request.user, "view").select_related("post", "person"), pk=kwargs["pk"]
        )
        self.me = changes.member_for(request.user, self.day.post)
        if self.me is None or self.day.person_id != self.me.person_id:
            raise PermissionDenied
        if self.day.day < timezone.localdate():
            messages.error(request, _("%(day)s is past; a past day cannot change.") % {"day": self.day.day})
            return redirect("duty_roster:upcoming")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "day": self.day}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "day": self.day, "post": self.day.post}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            change = changes.request_change(
                self.day,
                self.me.person,
                data.get("to_person"),
                data["kind"],
                data["reason"],
                user=self.request.user,
                other_day=data.get("other_day"),
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Your request is sent to %(person)s; the rota changes when he accepts.")
            % {"person": change.to_person},
        )
        return redirect("duty_roster:upcoming")


class ChangeDecisionView(View):
    """The member asked accepts or declines (POST only; the buttons are on his upcoming-duties page)."""

    http_method_names = ["post"]
    accept = True

    def post(self, request, pk: int):
        change = get_object_or_404(
            DutyChange.objects.for_user(request.user, "view").select_related("post", "day", "to_person"),
            pk=pk,
        )
        me = changes.member_for(request.user, change.post)
        if me is None or change.to_person_id != me.person_id:
            raise PermissionDenied
        try:
            if self.accept:
                changes.accept_change(change)
                messages.success(
                    request,
                    _("Accepted: %(day)s is now your duty day.") % {"day": change.day.day}
                    if change.kind != "swap"
                    else _("Accepted: you are on duty on %(day)s, %(person)s on %(other)s.")
                    % {"day": change.day.day, "person": change.from_person, "other": change.other_day.day},
                )
            else:
                changes.decline_change(change)
                messages.success(
                    request, _("Declined; %(person)s keeps his day.") % {"person": change.from_person}
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(back_to(request, reverse("duty_roster:upcoming")))


class DayReassignView(FormView):
    """The office (or township) gives a rotation day to another member directly, with a reason."""

    form_class = ReassignForm
    template_name = "duty_roster/change_reassign.html"

    def dispatch(self, request, *args, **kwargs):
        self.day = get_object_or_404(
            DutyDay.objects.for_user(request.user, "view").select_related("post", "person"), pk=kwargs["pk"]
        )
        if not can_change(request.user, self.day):
            raise PermissionDenied
        if self.day.day < timezone.localdate() or self.day.kind != DayKind.ROTATION:
            messages.error(request, _("Only a coming rotation day can be given to someone else."))
            return redirect("duty_roster:change_list", post_pk=self.day.post_id)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "day": self.day}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "day": self.day, "post": self.day.post}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            change = changes.reassign_day(self.day, data["to_person"], data["reason"], user=self.request.user)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(day)s is now %(person)s's duty day.") % {"day": change.day.day, "person": change.to_person},
        )
        return redirect(back_to(self.request, reverse("duty_roster:change_list", args=[self.day.post_id])))


# --- Today's duty board ---------------------------------------------------------------------------------


@dataclass
class Attendance:
    person: object
    state: str  # on_time, late, waiting, missing, leave
    at: datetime.datetime | None = None
    manual: bool = False


@dataclass
class PostToday:
    post: DutyPost
    kind: str = ""  # DayKind, or "" for no duty
    reason: str = ""  # why there is no duty today
    people: list[Attendance] = field(default_factory=list)
    note: str = ""


def attendance(post: DutyPost, people, signins: dict, away: set, now: datetime.datetime) -> list[Attendance]:
    rows = []
    for person in people:
        sign_in = signins.get((post.pk, person.pk))
        if sign_in is not None:
            at = timezone.localtime(sign_in.at)
            state = "on_time" if at.time() <= post.on_time_until else "late"
            rows.append(Attendance(person, state, at, sign_in.manual))
        elif person.pk in away:
            rows.append(Attendance(person, "leave"))
        else:
            rows.append(Attendance(person, "missing" if now.time() > post.on_time_until else "waiting"))
    return rows


def no_duty_reason(post: DutyPost, today: datetime.date, generated: bool) -> str:
    try:
        info = township_calendar(post.office.township_id)(today)
    except CalendarUnknown as error:
        return error.messages[0]
    if info.holiday:
        return _("Statutory holiday: %(name)s") % {"name": info.name} if info.name else _("Statutory holiday")
    if not info.working:
        return _("Weekend")
    if not generated:
        return _("The rota of this month is not generated yet.")
    return _("No duty on this weekday.")


class TodayView(TemplateView):
    """Today, for every post in scope: concentrated office, rotation or no duty (and why), who is on duty,
    who has signed in."""

    template_name = "duty_roster/today_board.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, now = self.request.user, timezone.localtime()
        today = now.date()
        posts = list(DutyPost.objects.for_user(user, "view").select_related("office__township"))
        days = {
            d.post_id: d
            for d in DutyDay.objects.for_user(user, "view").filter(day=today).select_related("person")
        }
        signins = {
            (s.post_id, s.person_id): s for s in SignIn.objects.for_user(user, "view").filter(day=today)
        }
        away: dict[int, set[int]] = {}
        for leave in Leave.objects.for_user(user, "view").filter(starts_on__lte=today, ends_on__gte=today):
            away.setdefault(leave.post_id, set()).add(leave.person_id)
        members: dict[int, list] = {}
        for member in DutyMember.objects.for_user(user, "view").filter(active=True).select_related("person"):
            members.setdefault(member.post_id, []).append(member.person)
        generated = set(
            DutyPost.objects.for_user(user, "view")
            .filter(months__year=today.year, months__month=today.month, months__generated_at__isnull=False)
            .values_list("pk", flat=True)
        )
        board = []
        for post in posts:
            row = PostToday(post)
            day = days.get(post.pk)
            if day is None:
                row.reason = no_duty_reason(post, today, post.pk in generated)
            elif day.kind == DayKind.CONCENTRATED:
                row.kind = day.kind
                row.people = attendance(
                    post, members.get(post.pk, []), signins, away.get(post.pk, set()), now
                )
            else:
                row.kind, row.note = day.kind, day.note
                people = [day.person] if day.person else []
                row.people = attendance(post, people, signins, away.get(post.pk, set()), now)
            board.append(row)
        context.update(board=board, today=today, now=now)
        return context


# --- A secretary's upcoming duties and his calendar feed ------------------------------------------------


class UpcomingView(TemplateView):
    template_name = "duty_roster/upcoming_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, today = self.request.user, timezone.localdate()
        mine = changes.memberships(user)
        people = [m.person_id for m in mine]
        posts = [m.post_id for m in mine]
        days = (
            DutyDay.objects.for_user(user, "view")
            .filter(post__in=posts, day__range=(today, today + datetime.timedelta(days=UPCOMING_DAYS)))
            .filter(Q(kind=DayKind.CONCENTRATED) | Q(kind=DayKind.ROTATION, person__in=people))
            .select_related("post")
            .order_by("day")
        )
        pending = (
            DutyChange.objects.for_user(user, "view")
            .filter(state=ChangeState.REQUESTED, post__in=posts)
            .select_related("day", "other_day", "from_person", "to_person")
            .order_by("day__day")
        )
        context.update(
            memberships=mine,
            days=days,
            to_me=pending.filter(to_person__in=people),
            from_me=pending.filter(from_person__in=people),
            today=today,
            horizon=UPCOMING_DAYS,
            feeds=[
                (m, self.request.build_absolute_uri(reverse("duty_roster:ical_feed", args=[m.feed_token])))
                for m in mine
            ],
        )
        return context


class FeedResetView(TemplateView):
    """A new secret address for his calendar feed; the old one stops working (confirmed first)."""

    template_name = "duty_roster/upcoming_feed_reset.html"

    def dispatch(self, request, *args, **kwargs):
        self.mine = changes.memberships(request.user)
        if not self.mine:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request):
        for member in self.mine:
            DutyMember.objects.filter(pk=member.pk).update(feed_token=new_feed_token())
        messages.success(
            request, _("Your calendar link is new; subscribe again with it. The old link no longer works.")
        )
        return redirect("duty_roster:upcoming")


@login_not_required
@require_GET
def ical_feed(request, token: str) -> HttpResponse:
    """The member's duties as iCalendar. No login: the secret token in the address is the key, so the
    lookup is by token alone and an unknown token is simply not found."""
    member = get_object_or_404(
        DutyMember.objects.select_related("post", "person"), feed_token=token, active=True
    )
    since = timezone.localdate() - datetime.timedelta(days=31)
    with translation.override("zh-hans"):
        name = _("%(person)s · duty (%(post)s)") % {"person": member.person, "post": member.post}
        text = changes.calendar_text(name, changes.member_events(member, since))
    response = HttpResponse(text.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="duty.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
