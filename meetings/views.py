"""The meeting register (会议记录, R5): the list with its workbook, the meeting's page, its form with
attachments, the attendance sheet, the democratic review, the printed register page and deletion.

Every meeting comes through `Meeting.objects.for_user`: outside the user's scope it is a 404, and one he
may read but not change is a 403 on every change URL. Attendance and review are written by
meetings.services, which keeps the member archive (R8) in step with the meeting.
"""

import os

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from accounts.scope import can_change
from meetings import services
from meetings.choices import ATTENDED, AttendanceStatus, MeetingKind, ReviewGrade
from meetings.filters import MeetingFilterSet
from meetings.forms import AttendanceSheet, MeetingForm, ReviewSheet, add_sheet_errors
from meetings.models import Attendance, Meeting, MeetingAttachment, ReviewResult
from meetings.tables import MeetingExportTable, MeetingTable
from members.models import Member
from records.views import ScopedCreateView, ScopedDetailView, ScopedListView, ScopedUpdateView


def with_counts(queryset):
    """Meetings with their attendance counted: on the list (应到), attended (实到) and each status."""
    by_status = {
        status: Count("attendances", filter=Q(attendances__status=status))
        for status in (AttendanceStatus.LATE, AttendanceStatus.LEAVE, AttendanceStatus.ABSENT)
    }
    return queryset.annotate(
        listed=Count("attendances"),
        attended=Count("attendances", filter=Q(attendances__status__in=ATTENDED)),
        **by_status,
    )


def scoped_meetings(user, action: str = "view"):
    return Meeting.objects.for_user(user, action).select_related("branch__office")


class MeetingListView(ScopedListView):
    model = Meeting
    table_class = MeetingTable
    filterset_class = MeetingFilterSet
    create_url_name = "meetings:meeting_create"
    template_name = "meetings/meeting_list.html"

    @property
    def export_name(self) -> str:
        return _("Meeting register")

    def get_queryset(self):
        # Meta.ordering is dropped from GROUP BY queries: order explicitly.
        return with_counts(super().get_queryset().select_related("branch__office")).order_by(
            "-on", "-starts_at", "-pk"
        )

    def get_table_class(self):
        return MeetingExportTable if self.request.GET.get("export") == "xlsx" else MeetingTable

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = self.request.GET
        context["filters_in_use"] = sum(
            1 for name in context["filter"].form.fields if name != "q" and data.get(name)
        )
        return context


# --- The meeting itself ---------------------------------------------------------------------------------


class MeetingFormMixin:
    model = Meeting
    form_class = MeetingForm
    template_name = "meetings/meeting_form.html"

    def get_queryset(self):
        return super().get_queryset().select_related("branch__office")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context["attachments"] = form.attachments
        context["attachments_on_record"] = (
            list(MeetingAttachment.objects.for_user(self.request.user).filter(meeting=self.object))
            if self.object is not None and self.object.pk
            else []
        )
        context["review_kind"] = MeetingKind.DEMOCRATIC_REVIEW
        return context

    def form_invalid(self, form):
        messages.error(self.request, _("The meeting was not saved: correct the fields marked below."))
        return super().form_invalid(form)


class MeetingCreateView(MeetingFormMixin, ScopedCreateView):
    def get_success_message(self) -> str:
        return _("Meeting recorded: %(meeting)s. Now mark who attended.") % {"meeting": self.object}

    def get_success_url(self) -> str:
        return reverse("meetings:meeting_attendance", args=[self.object.pk])


class MeetingUpdateView(MeetingFormMixin, ScopedUpdateView):
    def get_success_message(self) -> str:
        if self.object.archive_entries.exists():
            return _("Meeting saved: %(meeting)s. The member archives follow the correction.") % {
                "meeting": self.object
            }
        return _("Meeting saved: %(meeting)s.") % {"meeting": self.object}

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()


def meeting_context(meeting: Meeting, user) -> dict:
    """What the meeting's page and its printed register page show: who was there and who was not."""
    rows = list(Attendance.objects.for_user(user).filter(meeting=meeting).select_related("member__branch"))
    # Names link to the archives the user may open: one query for the whole list, not one per person.
    viewable = set(
        Member.objects.for_user(user)
        .filter(pk__in=[row.member_id for row in rows])
        .values_list("pk", flat=True)
    )
    for row in rows:
        row.member_url = row.member.get_absolute_url() if row.member_id in viewable else ""
    counts = services.attendance_counts(meeting)
    return {
        "attendance": rows,
        "present_rows": [row for row in rows if row.status in ATTENDED],
        "missing_rows": [row for row in rows if row.status not in ATTENDED],
        "counts": counts,
        "attachments": list(
            MeetingAttachment.objects.for_user(user).filter(meeting=meeting).select_related("uploaded_by")
        ),
        "reviews": list(
            ReviewResult.objects.for_user(user).filter(meeting=meeting).select_related("member__branch")
        ),
        "is_review": meeting.kind == MeetingKind.DEMOCRATIC_REVIEW,
        "review_warning": services.excellent_share_warning(meeting)
        if meeting.kind == MeetingKind.DEMOCRATIC_REVIEW
        else "",
    }


class MeetingDetailView(ScopedDetailView):
    model = Meeting
    template_name = "meetings/meeting_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("branch__office", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(meeting_context(self.object, self.request.user))
        context["ledger_items"] = self.object.ledger_items.count()
        context["ledger_add_url"] = ledger_add_url(self.object, self.request.user)
        return context


def ledger_add_url(meeting: Meeting, user) -> str:
    """Where a resolution becomes an item of this month's ledger, prefilled from the meeting; "" when
    there is no resolution or the user may not change the office's ledger."""
    from ledger.services import ledger_offices

    if not meeting.resolutions.strip():
        return ""
    if not ledger_offices(user, "change").filter(pk=meeting.branch.office_id).exists():
        return ""
    month = f"{timezone.localdate():%Y-%m}"
    return f"{reverse('ledger:item_create', args=[meeting.branch.office_id, month])}?meeting={meeting.pk}"


class MeetingPrintView(DetailView):
    """The register page (会议记录) as it prints on A4."""

    template_name = "meetings/meeting_print.html"

    def get_queryset(self):
        return scoped_meetings(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(meeting_context(self.object, self.request.user))
        context["printed_on"] = timezone.localdate()
        return context


class MeetingActionMixin:
    """A page that changes one meeting: outside the user's scope 404, read-only 403."""

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(scoped_meetings(request.user), pk=kwargs["pk"])
        if not can_change(request.user, self.object):
            raise PermissionDenied
        self.check_meeting()
        return super().dispatch(request, *args, **kwargs)

    def check_meeting(self) -> None:
        """Refuse (Http404) a page that does not apply to this meeting."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "object": self.object, "meeting": self.object}


class MeetingDeleteView(MeetingActionMixin, TemplateView):
    """GET asks to confirm and says what goes with the meeting; POST deletes it."""

    template_name = "meetings/meeting_delete.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.object
        context.update(
            attendance_count=meeting.attendances.count(),
            review_count=meeting.review_results.count(),
            entry_count=meeting.archive_entries.count(),
            attachment_count=meeting.attachments.count(),
            ledger_count=meeting.ledger_items.count(),
        )
        return context

    def post(self, request, *args, **kwargs):
        meeting = self.object
        name = str(meeting)
        services.delete_meeting(meeting)
        messages.success(
            request,
            _("Meeting deleted: %(meeting)s. Its entries in the member archives went with it.")
            % {"meeting": name},
        )
        return redirect("meetings:meeting_list")


# --- The sheets: attendance and democratic review ---------------------------------------------------------


class SheetView(MeetingActionMixin, TemplateView):
    """A list of people to mark. `add` and `remove` change the list and show it again, unsaved."""

    sheet_class = AttendanceSheet

    def get_sheet(self, data=None):
        return self.sheet_class(self.object, self.request.user, data)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(sheet=self.get_sheet()))

    def post(self, request, *args, **kwargs):
        sheet = self.get_sheet(request.POST)
        if "add" in request.POST or "remove" in request.POST:
            return self.render_to_response(self.get_context_data(sheet=sheet, unsaved=True))
        if not sheet.is_valid():
            messages.error(request, _("Nothing was saved: correct the rows marked below."))
            return self.render_to_response(self.get_context_data(sheet=sheet, unsaved=True))
        try:
            self.save(sheet)
        except ValidationError as error:
            add_sheet_errors(error, sheet)
            messages.error(request, _("Nothing was saved: correct the rows marked below."))
            return self.render_to_response(self.get_context_data(sheet=sheet, unsaved=True))
        return self.saved(sheet)

    def save(self, sheet) -> None:
        raise NotImplementedError

    def saved(self, sheet):
        raise NotImplementedError


class AttendanceView(SheetView):
    template_name = "meetings/meeting_attendance.html"
    sheet_class = AttendanceSheet

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statuses"] = AttendanceStatus.choices
        context["leave"] = AttendanceStatus.LEAVE
        context["present"] = AttendanceStatus.PRESENT
        return context

    def save(self, sheet) -> None:
        services.save_attendance(self.object, sheet.cleaned(), self.request.user)

    def saved(self, sheet):
        counts = services.attendance_counts(self.object)
        messages.success(
            self.request,
            _(
                "Attendance saved: %(attended)s of %(listed)s attended (%(late)s late), %(leave)s on leave, "
                "%(absent)s absent. It is written to their archives."
            )
            % counts,
        )
        if self.object.kind == MeetingKind.DEMOCRATIC_REVIEW and not self.object.review_results.exists():
            return redirect("meetings:meeting_review", pk=self.object.pk)
        return redirect(self.object)


class ReviewView(SheetView):
    """The democratic review of members (民主评议党员): a grade per member, once a year."""

    template_name = "meetings/meeting_review.html"
    sheet_class = ReviewSheet

    def check_meeting(self) -> None:
        if self.object.kind != MeetingKind.DEMOCRATIC_REVIEW:
            raise Http404  # only a democratic review grades its members

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["grades"] = ReviewGrade.choices
        context["excellent"] = ReviewGrade.EXCELLENT
        context["qualified"] = ReviewGrade.QUALIFIED
        context["warning"] = services.excellent_share_warning(self.object)
        return context

    def save(self, sheet) -> None:
        try:
            with transaction.atomic():
                services.save_review(self.object, sheet.cleaned(), self.request.user)
        except IntegrityError as error:
            # Another review of the year graded someone in the meantime.
            raise ValidationError(
                _("Someone on the list was graded in another democratic review meanwhile: reload the page.")
            ) from error

    def saved(self, sheet):
        graded = self.object.review_results.count()
        messages.success(
            self.request,
            _("Democratic review saved: %(count)s members graded, written to their archives.")
            % {"count": graded},
        )
        warning = services.excellent_share_warning(self.object)
        if warning:
            messages.warning(self.request, warning)
        return redirect(self.object)


def attachment_download(request, pk: int):
    """An attachment, to those who may see its meeting; never from a public /media/ URL."""
    attachment = get_object_or_404(MeetingAttachment.objects.for_user(request.user, "view"), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(handle, as_attachment=True, filename=os.path.basename(attachment.file.name))
