"""The inspections (调度、指导和检查, R10): the visits with their rectification items, the printed record
(督查记录), and the list of rectification items where an office reports its items done.

Every record comes through `for_user`: outside the user's scope it is a 404. Inspections and their items
are the township's to write; an office secretary reads his office's and updates the status and evidence of
its items; village secretaries see none.
"""

import os

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from accounts.scope import can_change
from assessments import services
from assessments.choices import UNFINISHED, RectificationStatus
from assessments.filters import InspectionFilterSet, RectificationFilterSet
from assessments.forms import InspectionForm, RectificationForm, RectificationReportForm
from assessments.models import Inspection, Rectification
from assessments.tables import InspectionTable, RectificationTable
from records.views import ScopedCreateView, ScopedDetailView, ScopedListView, ScopedUpdateView


def with_counts(queryset, today=None):
    today = today or timezone.localdate()
    unfinished = Q(rectifications__status__in=UNFINISHED)
    return queryset.annotate(
        rectification_count=Count("rectifications"),
        open_count=Count("rectifications", filter=unfinished),
        overdue_count=Count("rectifications", filter=unfinished & Q(rectifications__deadline__lt=today)),
    )


class InspectionListView(ScopedListView):
    model = Inspection
    table_class = InspectionTable
    filterset_class = InspectionFilterSet
    create_url_name = "assessments:inspection_create"
    template_name = "assessments/inspection_list.html"

    @property
    def export_name(self) -> str:
        return _("Inspection records")

    def get_queryset(self):
        # Meta.ordering is dropped from GROUP BY queries: order explicitly.
        return with_counts(super().get_queryset().select_related("office")).order_by("-on", "-pk")


class InspectionFormMixin:
    model = Inspection
    form_class = InspectionForm
    template_name = "assessments/inspection_form.html"

    def form_invalid(self, form):
        messages.error(self.request, _("Nothing was saved: correct the fields marked below."))
        return super().form_invalid(form)


class InspectionCreateView(InspectionFormMixin, ScopedCreateView):
    def form_valid(self, form):
        form.instance.created_by = self.request.user
        return super().form_valid(form)

    def get_success_message(self) -> str:
        return _("Inspection recorded: %(inspection)s. Add the rectification items it asks for.") % {
            "inspection": self.object
        }

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()


class InspectionUpdateView(InspectionFormMixin, ScopedUpdateView):
    def get_success_message(self) -> str:
        return _("Inspection saved: %(inspection)s.") % {"inspection": self.object}

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()


def inspection_context(inspection: Inspection, user) -> dict:
    today = timezone.localdate()
    items = list(
        Rectification.objects.for_user(user).filter(inspection=inspection).order_by("deadline", "pk")
    )
    changeable = set(
        Rectification.objects.for_user(user, "change")
        .filter(pk__in=[item.pk for item in items])
        .values_list("pk", flat=True)
    )
    for item in items:
        item.overdue_days = (today - item.deadline).days if item.is_overdue(today) else 0
        item.may_update = item.pk in changeable
    return {
        "rectifications": items,
        "done_count": sum(1 for item in items if item.status == RectificationStatus.DONE),
        "overdue_count": sum(1 for item in items if item.overdue_days),
        "today": today,
    }


class InspectionDetailView(ScopedDetailView):
    model = Inspection
    template_name = "assessments/inspection_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("office__township", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(inspection_context(self.object, self.request.user))
        return context


class InspectionPrintView(DetailView):
    """The inspection record (督查记录) as it prints on A4, with signature lines."""

    template_name = "assessments/inspection_print.html"

    def get_queryset(self):
        return Inspection.objects.for_user(self.request.user).select_related("office__township")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(inspection_context(self.object, self.request.user))
        context["printed_on"] = timezone.localdate()
        return context


class InspectionActionMixin:
    """A page that changes one inspection: outside the user's scope 404, read-only 403."""

    def dispatch(self, request, *args, **kwargs):
        self.inspection = get_object_or_404(
            Inspection.objects.for_user(request.user).select_related("office"), pk=kwargs["pk"]
        )
        if not can_change(request.user, self.inspection):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class InspectionDeleteView(InspectionActionMixin, TemplateView):
    """Only an inspection recorded in error and with no rectification items is deleted; one with items is a
    record of work asked of the office and stays."""

    template_name = "assessments/inspection_delete.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.inspection
        context["rectification_count"] = self.inspection.rectifications.count()
        return context

    def post(self, request, *args, **kwargs):
        name = str(self.inspection)
        try:
            services.delete_inspection(self.inspection)
        except ValueError:
            messages.error(request, _("An inspection with rectification items cannot be deleted."))
            return redirect(self.inspection)
        messages.success(request, _("Inspection deleted: %(inspection)s.") % {"inspection": name})
        return redirect("assessments:inspection_list")


# --- Rectification items ---------------------------------------------------------------------------------


class RectificationFormMixin:
    model = Rectification
    template_name = "assessments/rectification_form.html"

    def form_invalid(self, form):
        messages.error(self.request, _("Nothing was saved: correct the fields marked below."))
        return super().form_invalid(form)

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # From the list, the office goes back to the list after saving.
        context["next"] = self.request.GET.get("next") or self.request.POST.get("next") or ""
        return context


class RectificationCreateView(InspectionActionMixin, RectificationFormMixin, ScopedCreateView):
    form_class = RectificationForm

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.instance.inspection = self.inspection
        return form

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "inspection": self.inspection}

    def get_success_message(self) -> str:
        return _("Rectification item added: %(item)s.") % {"item": self.object}


class RectificationUpdateView(RectificationFormMixin, ScopedUpdateView):
    """The township edits every fact; the office reports status and evidence (RectificationReportForm)."""

    def get_queryset(self):
        return super().get_queryset().select_related("inspection__office")

    def may_edit_all(self) -> bool:
        return can_change(self.request.user, self.object.inspection)

    def get_form_class(self):
        return RectificationForm if self.may_edit_all() else RectificationReportForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["inspection"] = self.object.inspection
        context["report_only"] = not self.may_edit_all()
        return context

    def get_success_message(self) -> str:
        return _("Rectification item saved: %(item)s, %(status)s.") % {
            "item": self.object,
            "status": self.object.get_status_display(),
        }

    def get_success_url(self) -> str:
        if self.request.POST.get("next") == "list":
            return reverse("assessments:rectification_list")
        return super().get_success_url()


class RectificationListView(ScopedListView):
    model = Rectification
    table_class = RectificationTable
    filterset_class = RectificationFilterSet
    template_name = "assessments/rectification_list.html"

    @property
    def export_name(self) -> str:
        return _("Rectification items")

    def get_queryset(self):
        return super().get_queryset().select_related("inspection__office").order_by("deadline", "pk")

    def get_table_kwargs(self):
        changeable = Rectification.objects.for_user(self.request.user, "change").values_list("pk", flat=True)
        return {"changeable": frozenset(changeable)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["overdue_count"] = services.overdue_rectifications(self.request.user).count()
        return context


def evidence_download(request, pk: int):
    """An evidence file, to those who may see its item; never from a public /media/ URL."""
    item = get_object_or_404(Rectification.objects.for_user(request.user, "view"), pk=pk)
    if not item.evidence_file:
        raise Http404
    try:
        handle = item.evidence_file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(handle, as_attachment=True, filename=os.path.basename(item.evidence_file.name))
