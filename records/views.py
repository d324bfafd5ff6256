"""Generic scoped views: every page that lists, shows, adds or edits a record is one of these.

A subclass declares a model, a table, a filterset or a form; the queryset always comes from
`Model.objects.for_user(user, action)`, so an object outside the user's scope is a 404 and an object he
may read but not change is a 403 on its edit URL.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, UpdateView
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from accounts.scope import Action, can_change, can_create
from records.history import change_log
from records.tables import export_rows
from records.workbook import build_workbook, xlsx_response


class ScopedQuerysetMixin:
    model: Any
    action: Action = "view"

    def get_queryset(self):
        return self.model.objects.for_user(self.request.user, "view")


class ScopedListView(ScopedQuerysetMixin, SingleTableMixin, FilterView):
    """A list: the scoped queryset, a filterset (with a `q` search), a table, pagination, Excel export."""

    template_name = "records/object_list.html"
    page_size = 25
    max_page_size = 200
    export_name: str = ""

    def get(self, request, *args, **kwargs):
        per_page = request.GET.get("per_page")
        if per_page is not None:
            # The table reads ?per_page itself; keep it to a sane range instead of failing.
            query = request.GET.copy()
            query["per_page"] = str(
                min(max(int(per_page) if per_page.isdigit() else 0, 1), self.max_page_size)
            )
            request.GET = query
        if request.GET.get("export") == "xlsx":
            return self.export_xlsx()
        return super().get(request, *args, **kwargs)

    def get_table_pagination(self, table):
        return {"per_page": self.page_size}

    def export_xlsx(self) -> HttpResponse:
        filterset = self.get_filterset(self.get_filterset_class())
        queryset = filterset.qs if filterset.is_valid() else self.get_queryset().none()
        table = self.get_table_class()(queryset, request=self.request)
        RequestConfig(self.request, paginate=False).configure(table)  # the list's ?sort
        headers, rows = export_rows(table)
        title = self.export_name or str(self.model._meta.verbose_name_plural)
        unit = self.request.user.scope_unit if not self.request.user.is_superuser else ""
        content = build_workbook(
            [{"title": title, "headers": headers, "rows": rows, "unit": str(unit or "")}]
        )
        return xlsx_response(content, title)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["opts"] = self.model._meta
        context["can_create"] = hasattr(self, "create_url_name") and can_create(self.request.user, self.model)
        context["create_url_name"] = getattr(self, "create_url_name", "")
        query = self.request.GET.copy()
        query.pop("page", None)
        query["export"] = "xlsx"
        context["export_query"] = query.urlencode()
        return context


class ScopedObjectMixin(ScopedQuerysetMixin):
    def get_object(self, queryset=None):
        obj = super().get_object(queryset)  # 404 when outside the user's view scope
        if self.action == "change" and not can_change(self.request.user, obj):
            raise PermissionDenied
        return obj


class ScopedDetailView(ScopedObjectMixin, DetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["opts"] = self.model._meta
        context["can_change"] = can_change(self.request.user, self.object)
        context["change_log"] = change_log(self.object)
        return context


class ScopedFormMixin:
    """Saves in one transaction, then re-checks scope: nobody can move a record out of (or into) a
    place he does not own."""

    template_name = "records/object_form.html"
    success_message: str = ""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        creating = form.instance._state.adding
        with transaction.atomic():
            self.object = form.save()
            if not can_change(self.request.user, self.object):
                transaction.set_rollback(True)
                if creating:  # the row was rolled back: the form must not pretend it exists
                    form.instance.pk = None
                    form.instance._state.adding = True
                    self.object = None
                form.add_error(None, _("You cannot save a record outside your own scope."))
                return self.form_invalid(form)
        messages.success(self.request, self.get_success_message())
        return redirect(self.get_success_url())

    def get_success_message(self) -> str:
        return self.success_message % {"name": self.object} if self.success_message else _("Saved.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["opts"] = self.model._meta
        return context


class VersionCheckMixin:
    """An edit view whose form is a records.forms.VersionedFormMixin: the version is claimed in the same
    transaction as the save, so of two people saving the same record one gets the conflict message and his
    input back instead of silently overwriting the other. Put it before ScopedUpdateView in the bases."""

    def form_valid(self, form):
        with transaction.atomic():
            if not form.claim_version():
                return self.form_invalid(form)
            response = super().form_valid(form)
            if form.errors:  # refused after the claim (scope): the version goes back too
                transaction.set_rollback(True)
            return response


class ScopedCreateView(ScopedFormMixin, ScopedQuerysetMixin, CreateView):
    action = "change"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_create(request.user, self.model):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        # Links such as "add a village" from an office page pass the parent in the query string.
        initial = super().get_initial()
        for name in self.request.GET:
            initial[name] = self.request.GET[name]
        return initial


class ScopedUpdateView(ScopedFormMixin, ScopedObjectMixin, UpdateView):
    action = "change"
