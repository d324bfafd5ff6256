"""Member archives (党员档案): the list, the archive page and its actions, and archive completeness.

Every queryset comes through `for_user`: a member outside the user's scope is a 404, and a member he may
read but not change is a 403 on every action URL. Actions that touch several rows call members.services.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView

from accounts.choices import Role
from accounts.scope import can_change
from audit.choices import AuditAction
from audit.context import note_export
from audit.services import record as audit
from branches.models import Post, ReserveCadre
from communities.models import TOWNSHIP_AND_OFFICE, Community, Office
from meetings.models import Meeting
from members import services
from members.choices import CATEGORY_FIELDS, EntryKind, Standing, Status
from members.completeness import (
    DEFAULT_REQUIRED_KINDS,
    Rollup,
    incomplete_members,
    member_gaps,
    required_kinds,
    required_kinds_for,
    unit_counts,
)
from members.filters import MemberFilterSet
from members.forms import (
    ArchiveEntryForm,
    CompletenessFilterForm,
    ContactForm,
    DevelopmentStepForm,
    MemberForm,
    RequiredKindsForm,
    StatusForm,
    TransferForm,
    add_errors,
)
from members.models import (
    ArchiveEntry,
    ContactLog,
    DevelopmentStep,
    Member,
    RequiredArchiveKind,
    Transfer,
    may_view_personal_data,
)
from members.tables import MemberExportTable, MemberFullIdExportTable, MemberTable
from records.views import (
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedUpdateView,
    VersionCheckMixin,
)
from records.workbook import build_workbook, xlsx_response


class MemberListView(ScopedListView):
    model = Member
    table_class = MemberTable
    filterset_class = MemberFilterSet
    create_url_name = "members:member_create"
    template_name = "members/member_list.html"

    @property
    def full_ids(self) -> bool:
        """The export with full ID numbers (?full_ids=1): only with the permission, and audited as such."""
        return self.request.GET.get("export") == "xlsx" and bool(self.request.GET.get("full_ids"))

    def get(self, request, *args, **kwargs):
        if self.full_ids:
            if not may_view_personal_data(request.user):
                raise PermissionDenied
            note_export(action=AuditAction.EXPORT_FULL_IDS, full_id_numbers=True)
        return super().get(request, *args, **kwargs)

    @property
    def export_name(self) -> str:
        if self.full_ids:
            # The file name says what it holds: 党员名册（含完整身份证号）-20261126.xlsx
            return _("Member list (with full ID numbers)")
        return _("Member list")

    def get_queryset(self):
        return super().get_queryset().select_related("branch", "branch__office", "village")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Filters other than the search and the default status: the folded filter bar opens for them.
        data = self.request.GET
        context["filters_in_use"] = sum(
            1
            for name in context["filter"].form.fields
            if name not in ("q", "status", "order") and data.get(name)
        ) + (1 if data.get("status", Status.ACTIVE) != Status.ACTIVE else 0)
        context["can_view_personal_data"] = may_view_personal_data(self.request.user)
        return context

    def get_table_class(self):
        # The workbook has its own explicit columns (still masked), the page the shorter list.
        if self.full_ids:
            return MemberFullIdExportTable
        return MemberExportTable if self.request.GET.get("export") == "xlsx" else MemberTable


class MemberDetailView(ScopedDetailView):
    model = Member
    template_name = "members/member_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("branch__office", "village", "township")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member, user = self.object, self.request.user
        today = timezone.localdate()
        entries = list(
            ArchiveEntry.objects.for_user(user).filter(member=member).select_related("recorded_by")
        )
        required = required_kinds(member.township_id)
        context["entry_groups"] = [
            {
                "kind": kind,
                "label": label,
                "entries": [e for e in entries if e.kind == kind],
                "required": kind in required,
                "this_year": any(e.kind == kind and e.on.year == today.year for e in entries),
            }
            for kind, label in EntryKind.choices
        ]
        context["entry_count"] = len(entries)
        # Entries written from a meeting link to it, where the user may open the meeting.
        meeting_ids = {e.meeting_id for e in entries if e.meeting_id}
        context["visible_meetings"] = (
            set(Meeting.objects.for_user(user).filter(pk__in=meeting_ids).values_list("pk", flat=True))
            if meeting_ids
            else set()
        )
        context["year"] = today.year
        context["can_transfer"] = context["can_change"] and may_act(user, TOWNSHIP_AND_OFFICE)
        context["gaps"] = member_gaps(Member.objects.for_user(user).filter(pk=member.pk), today.year).get(
            member.pk
        )
        context["steps"] = DevelopmentStep.objects.for_user(user).filter(member=member)
        context["transfers"] = (
            Transfer.objects.for_user(user).filter(member=member).select_related("from_branch", "to_branch")
        )
        context["contacts"] = ContactLog.objects.for_user(user).filter(member=member)[:20]
        context["posts"] = Post.objects.for_user(user).filter(person=member).select_related("branch")
        context["reserve_roles"] = (
            ReserveCadre.objects.for_user(user).filter(person=member).select_related("branch")
        )
        context["status_history"] = member.status_history()
        context["contact_overdue"] = member.is_contact_overdue(today)
        context["probation_end"] = (
            services.probation_end(member) if member.standing == Standing.PROBATIONARY else None
        )
        context["can_develop"] = member.is_active and bool(services.NEXT_STAGES.get(member.standing))
        # A number shown in full once, right after the unmask button was pressed (and audited).
        context["unmasked"] = set(self.request.session.pop(f"unmasked-{member.pk}", []))
        context["can_view_personal_data"] = may_view_personal_data(user)
        if context["can_change"]:
            context["entry_form"] = ArchiveEntryForm(user=user, auto_id="entry_%s", compact=True)
        return context


UNMASKABLE = {"id_number": gettext_lazy("resident ID number"), "phone": gettext_lazy("phone")}


@require_POST
def member_unmask(request, pk: int):
    """Show one of a person's numbers in full on his page, once: needs the permission and is audited."""
    member = get_object_or_404(Member.objects.for_user(request.user), pk=pk)
    field = request.POST.get("field", "")
    if not may_view_personal_data(request.user):
        raise PermissionDenied
    if field not in UNMASKABLE:
        raise Http404
    audit(
        AuditAction.UNMASK,
        user=request.user,
        obj=member,
        request=request,
        detail={"field": field, "field_label": str(UNMASKABLE[field])},
    )
    request.session[f"unmasked-{member.pk}"] = [field]
    return redirect(member.get_absolute_url() + "#basic-facts")


class MemberFormMixin:
    model = Member
    form_class = MemberForm
    template_name = "members/member_form.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "category_fields": CATEGORY_FIELDS}


class MemberCreateView(MemberFormMixin, ScopedCreateView):
    success_message = gettext_lazy("%(name)s recorded.")


class MemberUpdateView(VersionCheckMixin, MemberFormMixin, ScopedUpdateView):
    success_message = gettext_lazy("%(name)s saved.")

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if may_view_personal_data(request.user):
            # The form shows the numbers in full to him: that is a showing, and every showing is recorded.
            audit(
                AuditAction.UNMASK,
                user=request.user,
                obj=self.object,
                request=request,
                detail={"field": "id_number,phone", "field_label": str(_("edit form"))},
            )
        return response


# --- Actions on one member -----------------------------------------------------------------------------


def may_act(user, roles: frozenset | None) -> bool:
    return roles is None or user.is_superuser or user.role in roles


class MemberActionMixin:
    """Loads the member of the URL: outside the user's scope 404, read-only 403."""

    # Who may take this action, besides being able to change the member (None: all who can).
    roles: frozenset | None = None

    def dispatch(self, request, *args, **kwargs):
        queryset = Member.objects.for_user(request.user, "view").select_related("branch__office", "township")
        self.member = get_object_or_404(queryset, pk=kwargs["pk"])
        if not can_change(request.user, self.member) or not may_act(request.user, self.roles):
            raise PermissionDenied
        self.check_member()
        return super().dispatch(request, *args, **kwargs)

    def check_member(self) -> None:
        """Refuse (Http404) an action that does not apply to this member."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["member"] = self.member
        context["title"] = self.title
        return context


class MemberFormView(MemberActionMixin, FormView):
    """A form whose input a service function carries out; its rule errors go next to the fields."""

    template_name = "members/member_action.html"
    title = ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "member": self.member}

    def form_valid(self, form):
        try:
            message = self.perform(form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(self.get_success_url())

    def perform(self, data: dict) -> str:
        raise NotImplementedError

    def get_success_url(self) -> str:
        return self.member.get_absolute_url()


class DevelopmentCreateView(MemberFormView):
    form_class = DevelopmentStepForm
    title = gettext_lazy("Record a development step")
    template_name = "members/development_form.html"

    def perform(self, data):
        step = services.record_development_step(
            self.member,
            data["stage"],
            data["on"],
            until=data.get("until"),
            decision_number=data["decision_number"],
            note=data["note"],
        )
        return _("Recorded: %(name)s, %(stage)s.") % {"name": self.member, "stage": step.get_stage_display()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["steps"] = DevelopmentStep.objects.for_user(self.request.user).filter(member=self.member)
        return context


class TransferCreateView(MemberFormView):
    form_class = TransferForm
    title = gettext_lazy("Transfer the organisational relation")
    # Transfers and status changes are the general branch's business, not a village branch's.
    roles = TOWNSHIP_AND_OFFICE
    template_name = "members/transfer_form.html"

    def perform(self, data):
        kind, member = data["kind"], self.member
        extra = {"letter_number": data["letter_number"], "note": data["note"]}
        if kind == "within":
            transfer = services.transfer_within(member, data["to_branch"], data["on"], **extra)
        elif kind == "out":
            transfer = services.transfer_out(member, data["on"], data["external_organisation"], **extra)
        else:
            transfer = services.transfer_in(member, data["on"], data["external_organisation"], **extra)
        return _("%(name)s: %(kind)s, from %(from)s to %(to)s.") % {
            "name": member,
            "kind": transfer.get_kind_display(),
            "from": transfer.from_label or "—",
            "to": transfer.to_label or "—",
        }

    def get_success_url(self) -> str:
        # After a transfer to another office's branch the member is out of the user's scope.
        if Member.objects.for_user(self.request.user).filter(pk=self.member.pk).exists():
            return self.member.get_absolute_url()
        messages.info(self.request, _("%(name)s is now outside your scope.") % {"name": self.member})
        return reverse("members:member_list")


class StatusUpdateView(MemberFormView):
    """GET shows what will change and asks to confirm; POST changes the status. Nothing is deleted."""

    form_class = StatusForm
    title = gettext_lazy("Change the status")
    roles = TOWNSHIP_AND_OFFICE
    template_name = "members/status_form.html"

    def get_initial(self):
        return {**super().get_initial(), "status": self.request.GET.get("status", "")}

    def perform(self, data):
        member = services.change_status(self.member, data["status"], data["on"], data["note"])
        return _("%(name)s: the status is now %(status)s.") % {
            "name": member,
            "status": member.get_status_display(),
        }


class ContactCreateView(MemberFormView):
    form_class = ContactForm
    title = gettext_lazy("Record a contact")

    def check_member(self) -> None:
        if not self.member.is_mobile:
            raise Http404  # the contact log is kept for mobile members only

    def perform(self, data):
        services.add_contact(self.member, **data)
        return _("Contact with %(name)s recorded.") % {"name": self.member}


class ArchiveEntryCreateView(MemberActionMixin, ScopedCreateView):
    model = ArchiveEntry
    form_class = ArchiveEntryForm
    template_name = "members/member_action.html"
    title = gettext_lazy("Add an archive entry")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = ArchiveEntry(member=self.member, recorded_by=self.request.user)
        return kwargs

    def get_success_message(self) -> str:
        return _("Archive entry added: %(kind)s.") % {"kind": self.object.get_kind_display()}

    def get_success_url(self) -> str:
        return self.member.get_absolute_url() + "#archive"


class ArchiveEntryUpdateView(ScopedUpdateView):
    model = ArchiveEntry
    form_class = ArchiveEntryForm
    template_name = "members/member_action.html"

    def get_queryset(self):
        return super().get_queryset().select_related("member__branch__office")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            entry = self.get_object()
            if entry.meeting_id:
                # Written from a meeting's attendance or review and kept in step with it: corrected there.
                messages.error(
                    request, _("This entry comes from the meeting register: correct the meeting instead.")
                )
                return redirect(entry.member.get_absolute_url() + "#archive")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["member"] = self.object.member
        context["title"] = _("Edit the archive entry")
        return context

    def get_success_url(self) -> str:
        return self.object.member.get_absolute_url() + "#archive"


# --- Completeness --------------------------------------------------------------------------------------


class CompletenessView(TemplateView):
    """Per office (its community) and branch: the share of complete archives and what the others lack."""

    template_name = "members/completeness.html"

    def get(self, request, *args, **kwargs):
        self.form = CompletenessFilterForm(request.GET or None, user=request.user)
        if request.GET.get("export") == "xlsx":
            return self.export_xlsx()
        return super().get(request, *args, **kwargs)

    def filtered(self):
        members = Member.objects.for_user(self.request.user).active()
        year = timezone.localdate().year
        if self.form.is_bound and self.form.is_valid():
            data = self.form.cleaned_data
            if data.get("office"):
                members = members.filter(branch__office=data["office"])
            if data.get("branch"):
                members = members.filter(branch=data["branch"])
            year = int(data.get("year") or year)
        return members, year

    # At most this many incomplete members are listed per organisation (a county has tens of thousands);
    # the rest are behind a link to this page filtered to that organisation, which lists them all.
    listed_per_branch = 5

    def offices(self, limit: int | None = None) -> tuple[list[dict], int]:
        """The offices with their organisations' rows, each listing up to `limit` incomplete members."""
        members, year = self.filtered()
        communities = {c.office_id: c for c in Community.objects.for_user(self.request.user)}
        kinds = required_kinds_for(members)
        branch_rows = unit_counts(members, by="branch", year=year, kinds=kinds)
        listed = incomplete_members(members, year, by="branch", limit=limit, kinds=kinds)
        by_office: dict[int, list[Rollup]] = {}
        for row in branch_rows:
            row.incomplete = listed.get(row.unit.pk, [])
            by_office.setdefault(row.unit.office_id, []).append(row)
        office_units = Office.objects.in_bulk(list(by_office))
        offices = []
        for office_id, rows in by_office.items():
            row = Rollup(office_units[office_id], sum(r.total for r in rows), sum(r.complete for r in rows))
            branches = sorted(rows, key=lambda r: (r.unit.kind, r.unit.name))
            offices.append({"row": row, "community": communities.get(office_id), "branches": branches})
        offices.sort(key=lambda o: (o["row"].unit.township_id, o["row"].unit.sort_order, o["row"].unit.name))
        return offices, year

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        one_branch = self.form.is_bound and self.form.is_valid() and self.form.cleaned_data.get("branch")
        offices, year = self.offices(limit=None if one_branch else self.listed_per_branch)
        total = sum(o["row"].total for o in offices)
        complete = sum(o["row"].complete for o in offices)
        context.update(
            form=self.form,
            offices=offices,
            year=year,
            total=total,
            complete=complete,
            percent=round(100 * complete / total) if total else 100,
            is_township_staff=self.request.user.role == Role.TOWNSHIP_STAFF,
        )
        query = self.request.GET.copy()
        query["export"] = "xlsx"
        context["export_query"] = query.urlencode()
        return context

    def export_xlsx(self) -> HttpResponse:
        offices, year = self.offices()
        summary, gaps = [], []
        for office in offices:
            community = str(office["community"] or "")
            for row in office["branches"]:
                summary.append(
                    [str(office["row"].unit), community, str(row.unit), row.total, row.complete, row.percent]
                )
                for person, missing in row.incomplete:
                    gaps.append([str(office["row"].unit), str(row.unit), person.name, "；".join(missing)])
        title = _("Archive completeness %(year)s") % {"year": year}
        unit = self.request.user.scope_unit if not self.request.user.is_superuser else ""
        sheets = [
            {
                "title": title,
                "headers": [
                    _("office"),
                    _("community"),
                    _("party organisation"),
                    _("members"),
                    _("complete archives"),
                    _("percent complete"),
                ],
                "rows": summary,
                "unit": str(unit or ""),
            },
            {
                "title": _("Incomplete archives"),
                "headers": [_("office"), _("party organisation"), _("name"), _("missing")],
                "rows": gaps,
                "unit": str(unit or ""),
            },
        ]
        return xlsx_response(build_workbook(sheets), title)


class RequiredKindsView(FormView):
    """Township staff choose which entry kinds every member's archive needs each year."""

    template_name = "members/required_kinds.html"
    form_class = RequiredKindsForm

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (user.role == Role.TOWNSHIP_STAFF and user.township_id):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"kinds": required_kinds(self.request.user.township_id)}

    def form_valid(self, form):
        township_id = self.request.user.township_id
        kinds = form.cleaned_data["kinds"]
        rows = RequiredArchiveKind.objects.for_user(self.request.user, "change").filter(
            township_id=township_id
        )
        with transaction.atomic():
            rows.exclude(kind__in=kinds).delete()
            present = set(rows.values_list("kind", flat=True))
            RequiredArchiveKind.objects.bulk_create(
                [RequiredArchiveKind(township_id=township_id, kind=k) for k in kinds if k not in present]
            )
        messages.success(self.request, _("The required entry kinds are saved."))
        return redirect("members:completeness")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["explicit"] = RequiredArchiveKind.objects.for_user(self.request.user).exists()
        context["defaults"] = "、".join(str(EntryKind(k).label) for k in DEFAULT_REQUIRED_KINDS)
        return context
