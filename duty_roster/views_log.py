"""The duty log's pages (值班日志): a day's visitors and matters with the form to add one (quick on a
phone), correcting and deleting an entry, turning it into a monthly-ledger item with one click, and the
post's log as a list with Excel export. The rules are duty_roster.log's; the post comes through scope."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.scope import can_change
from duty_roster import log
from duty_roster.choices import DayKind
from duty_roster.forms_log import LogEntryForm
from duty_roster.models import DutyDay, DutyLogEntry, DutyPost
from duty_roster.tables_log import LogEntryFilterSet, LogEntryTable
from ledger import services as ledger_services
from members.models import Member
from records.views import ScopedListView


def scoped_post(user, pk: int) -> DutyPost:
    return get_object_or_404(
        DutyPost.objects.for_user(user, "view").select_related("office__community"), pk=pk
    )


def day_url(post_id: int, day: datetime.date, anchor: str = "") -> str:
    url = reverse("duty_roster:log_day", args=[post_id, day])
    return f"{url}#{anchor}" if anchor else url


def apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class LogDayView(TemplateView):
    """One day of the post's log: what the duty was, the entries, and (for who may record) the form."""

    template_name = "duty_roster/log_day.html"

    def dispatch(self, request, *args, **kwargs):
        self.post_obj = scoped_post(request.user, kwargs["pk"])
        self.day: datetime.date = kwargs["day"]
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, post, day, today = self.request.user, self.post_obj, self.day, timezone.localdate()
        duty = DutyDay.objects.for_user(user).filter(post=post, day=day).select_related("person").first()
        entries = list(
            DutyLogEntry.objects.for_user(user)
            .filter(post=post, on=day)
            .select_related("ledger_item__ledger", "recorded_by")
            .order_by("pk")
        )
        for entry in entries:
            entry.changeable = log.may_change(user, entry)
            entry.convertible = entry.ledger_item_id is None and log.may_convert(user, entry)
            entry.converted = entry.ledger_item_id is not None
        may_record = log.may_record(user, post, day, today)
        people = []
        if duty is not None and duty.kind == DayKind.ROTATION:
            people = list(Member.objects.filter(pk__in=log.on_duty(post, day)).order_by("name"))
        context.update(
            post=post,
            day=day,
            today=today,
            future=day > today,
            duty=duty,
            people=people,
            entries=entries,
            may_record=may_record,
            manages=log.manages(user, post),
            form=kwargs.get("form") or (LogEntryForm() if may_record else None),
            previous_day=day - datetime.timedelta(days=1),
            next_day=day + datetime.timedelta(days=1),
            ledger_url=reverse("ledger:month_detail", args=[post.office_id, f"{day:%Y-%m}"]),
        )
        return context

    def post(self, request, *args, **kwargs):
        if self.day > timezone.localdate():
            messages.error(
                request,
                _("%(day)s has not come yet: nothing can be recorded.") % {"day": f"{self.day:%Y-%m-%d}"},
            )
            return redirect(day_url(self.post_obj.pk, self.day))
        if not log.may_record(request.user, self.post_obj, self.day):
            raise PermissionDenied
        form = LogEntryForm(request.POST)
        if form.is_valid():
            try:
                entry = log.record(self.post_obj, self.day, request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Recorded: %(entry)s.") % {"entry": entry.visitor})
                return redirect(day_url(self.post_obj.pk, self.day, f"entry-{entry.pk}"))
        return self.render_to_response(self.get_context_data(form=form))


class EntryMixin:
    """An entry in the user's view scope (404 otherwise); `refuse` may turn the request away."""

    def dispatch(self, request, *args, **kwargs):
        self.entry = get_object_or_404(
            DutyLogEntry.objects.for_user(request.user).select_related("post__office", "ledger_item__ledger"),
            pk=kwargs["pk"],
        )
        refused = self.refuse(request)
        if refused is not None:
            return refused
        return super().dispatch(request, *args, **kwargs)

    def refuse(self, request):
        return None

    def back(self) -> str:
        return day_url(self.entry.post_id, self.entry.on, f"entry-{self.entry.pk}")


class ChangeableEntryMixin(EntryMixin):
    """Only its recorder, the office or the township, and only while it is not a ledger item."""

    def refuse(self, request):
        if self.entry.ledger_item_id is not None:
            messages.error(
                request,
                _(
                    "This entry became a monthly-ledger item: it is settled there and can no longer be "
                    "changed."
                ),
            )
            return redirect(self.back())
        if not log.may_change(request.user, self.entry):
            raise PermissionDenied
        return None


class EntryUpdateView(ChangeableEntryMixin, TemplateView):
    template_name = "duty_roster/log_entry_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(entry=self.entry, post=self.entry.post, day=self.entry.on)
        context.setdefault("form", LogEntryForm(instance=self.entry))
        return context

    def post(self, request, *args, **kwargs):
        form = LogEntryForm(request.POST, instance=DutyLogEntry.objects.get(pk=self.entry.pk))
        if form.is_valid():
            try:
                log.change(self.entry, request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The entry is saved."))
                return redirect(self.back())
        return self.render_to_response(self.get_context_data(form=form))


class EntryDeleteView(ChangeableEntryMixin, TemplateView):
    """Asks first (GET), then deletes (POST)."""

    template_name = "duty_roster/log_entry_delete.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(entry=self.entry, post=self.entry.post, day=self.entry.on)
        return context

    def post(self, request, *args, **kwargs):
        try:
            log.delete(self.entry, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.back())
        messages.success(request, _("The entry of %(visitor)s is deleted.") % {"visitor": self.entry.visitor})
        return redirect(day_url(self.entry.post_id, self.entry.on))


class EntryToLedgerView(EntryMixin, View):
    """转入月清月结: one POST makes the entry an item of the office's open month; a second makes none."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not log.may_convert(request.user, self.entry):
            raise PermissionDenied
        already = self.entry.ledger_item_id is not None
        try:
            item = ledger_services.item_from_duty_log(self.entry, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.back())
        month = f"{item.ledger.month:%Y-%m}"
        text = (
            _("This entry is already an item of the %(month)s ledger.")
            if already
            else _("The matter is now an item of the %(month)s ledger.")
        )
        link = f"{item.ledger.get_absolute_url()}#item-{item.pk}"
        message = format_html(
            '{} <a class="alert-link" href="{}">{}</a>', text % {"month": month}, link, _("Open it")
        )
        (messages.info if already else messages.success)(request, message)
        return redirect(self.back())


class LogListView(ScopedListView):
    """The post's log: every entry, filtered by month, follow-up and search; paginated; to Excel."""

    model = DutyLogEntry
    table_class = LogEntryTable
    filterset_class = LogEntryFilterSet
    template_name = "duty_roster/log_list.html"

    def dispatch(self, request, *args, **kwargs):
        self.post_obj = scoped_post(request.user, kwargs["pk"])
        self.export_name = _("%(post)s duty log") % {"post": self.post_obj}
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(post=self.post_obj)
            .select_related("ledger_item__ledger", "recorded_by")
            .order_by("-on", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context.update(
            post=self.post_obj,
            today=today,
            may_record_today=log.may_record(self.request.user, self.post_obj, today),
            can_change_post=can_change(self.request.user, self.post_obj),
        )
        return context
