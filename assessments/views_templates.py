"""The scoring templates' pages: the township's sheets by year, one sheet as the paper form shows it (with
its print and Excel versions), the header and item forms, reordering and deleting items.

Township staff change their township's sheets; office secretaries and the county read them; village
secretaries see none (404). Everything comes through `for_user`.
"""

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.choices import ROLE_LEVEL
from accounts.scope import can_change
from assessments import templating
from assessments.forms_templates import NewTemplateForm, TemplateHeaderForm, TemplateItemForm
from assessments.models import TEMPLATE_PATHS, ScoringTemplate, TemplateItem
from assessments.scoring import ItemKind
from records.views import ScopedDetailView, ScopedUpdateView
from records.workbook import build_workbook, xlsx_response


def refuse_if_in_use(request, template: ScoringTemplate):
    """A sheet a round has used is the record of how that round was scored: it is not changed, only
    copied forward. The redirect to show instead of the change, or None."""
    years = sorted(template.rounds.values_list("year", flat=True))
    if not years:
        return None
    messages.error(
        request,
        _("This sheet was used by the %(years)s assessment and cannot be changed; copy it to a new year.")
        % {"years": "、".join(str(year) for year in years)},
    )
    return redirect(template.get_absolute_url())


def may_see_templates(user) -> bool:
    if user.is_superuser:
        return True
    level = ROLE_LEVEL.get(user.role)
    return bool(level and getattr(TEMPLATE_PATHS, level))


def township_of(user):
    """The township whose sheets `user` writes: 404 for users who see no sheets, 403 for readers."""
    if not may_see_templates(user):
        raise Http404
    if user.role not in TEMPLATE_PATHS.change_roles or user.township_id is None:
        raise PermissionDenied
    return user.township


def new_template_form(user, data=None):
    township = township_of(user)
    templates = ScoringTemplate.objects.for_user(user, "change").filter(township=township).order_by("-year")
    return NewTemplateForm(data, township=township, templates=templates)


class TemplateListView(TemplateView):
    template_name = "assessments/template_list.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_see_templates(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        templates = (
            ScoringTemplate.objects.for_user(user).select_related("township").order_by("township", "-year")
        )
        query = self.request.GET.get("q", "").strip()
        if query:
            templates = templates.filter(title__icontains=query) | templates.filter(
                year=int(query) if re.fullmatch(r"[0-9]{1,4}", query) else -1
            )
        page = Paginator(templates, 25).get_page(self.request.GET.get("page"))
        changeable = set(
            ScoringTemplate.objects.for_user(user, "change")
            .filter(pk__in=[template.pk for template in page])
            .values_list("pk", flat=True)
        )
        for template in page:
            template.item_count = template.items.count()
            template.may_change = template.pk in changeable
        context.update(page_obj=page, templates=page.object_list, query=query)
        if user.role in TEMPLATE_PATHS.change_roles and user.township_id:
            own = ScoringTemplate.objects.for_user(user, "change").filter(township_id=user.township_id)
            years = set(own.values_list("year", flat=True))
            this_year = timezone.localdate().year
            next_year = this_year if this_year not in years else max(years) + 1
            context["form"] = new_template_form(user)
            context["form"].initial["year"] = next_year
            context["next_year"] = next_year
            context["copy_from"] = own.filter(year__lt=next_year).order_by("-year").first()
        return context


class TemplateCreateView(View):
    """POST: a sheet for a year, from the default sheet or a copy of another year's (copy forward)."""

    def get(self, request):
        township_of(request.user)
        return redirect("assessments:template_list")

    def post(self, request):
        form = new_template_form(request.user, request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("assessments:template_list")
        source, year = form.source_template, form.cleaned_data["year"]
        try:
            if source is not None:
                template = templating.copy_template(source, year)
                messages.success(
                    request,
                    _("The %(source)s sheet was copied to %(year)s: check it and adjust what changed.")
                    % {"source": source.year, "year": year},
                )
            else:
                template = templating.default_template(form.township, year)
                messages.success(
                    request, _("The %(year)s sheet was made from the default sheet.") % {"year": year}
                )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("assessments:template_list")
        return redirect(template)


def sheet_context(template: ScoringTemplate) -> dict:
    layout = templating.sheet(template)
    return {"sheet": layout, "problems": templating.template_problems(template, layout)}


class TemplateDetailView(ScopedDetailView):
    model = ScoringTemplate
    template_name = "assessments/template_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("township")

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            self.object = self.get_object()
            sheet = templating.workbook_sheet(self.object)
            return xlsx_response(build_workbook([sheet]), sheet["title"], dated=False)
        if request.GET.get("print"):
            self.template_name = "assessments/template_print.html"
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(sheet_context(self.object))
        context["printed_on"] = timezone.localdate()
        context["kinds"] = ItemKind
        context["used_by"] = sorted(self.object.rounds.values_list("year", flat=True))
        if context["used_by"]:
            context["can_change"] = False
        return context


class TemplateUpdateView(ScopedUpdateView):
    model = ScoringTemplate
    form_class = TemplateHeaderForm
    template_name = "assessments/template_form.html"

    def get_object(self, queryset=None):
        template = super().get_object(queryset)  # 404 outside the scope, 403 read-only
        self.in_use = refuse_if_in_use(self.request, template)
        return template

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.in_use or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.in_use or super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        messages.error(self.request, _("Nothing was saved: correct the fields marked below."))
        return super().form_invalid(form)

    def get_success_message(self) -> str:
        return _("Sheet saved: %(template)s.") % {"template": self.object}

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()


class TemplateActionMixin:
    """A page that changes one sheet: outside the user's scope 404, read-only 403."""

    def dispatch(self, request, *args, **kwargs):
        self.template = get_object_or_404(
            ScoringTemplate.objects.for_user(request.user).select_related("township"), pk=kwargs["pk"]
        )
        if not can_change(request.user, self.template):
            raise PermissionDenied
        return refuse_if_in_use(request, self.template) or super().dispatch(request, *args, **kwargs)


class ItemActionMixin:
    """A page that changes one item: outside the user's scope 404, read-only 403."""

    def dispatch(self, request, *args, **kwargs):
        self.item = get_object_or_404(
            TemplateItem.objects.for_user(request.user).select_related("template__township"), pk=kwargs["pk"]
        )
        if not can_change(request.user, self.item):
            raise PermissionDenied
        self.template = self.item.template
        return refuse_if_in_use(request, self.template) or super().dispatch(request, *args, **kwargs)


class ItemFormMixin:
    model = TemplateItem
    form_class = TemplateItemForm
    template_name = "assessments/template_item_form.html"

    def form_invalid(self, form):
        messages.error(self.request, _("Nothing was saved: correct the fields marked below."))
        return super().form_invalid(form)

    def get_success_url(self) -> str:
        return f"{self.template.get_absolute_url()}#item-{self.object.pk}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["template"] = self.template
        return context


class TemplateItemCreateView(TemplateActionMixin, ItemFormMixin, ScopedUpdateView):
    """Adds an item; an update view over a new instance, so the template is set before validation."""

    def get_object(self, queryset=None):
        kind = self.request.GET.get("kind")
        return TemplateItem(template=self.template, kind=kind if kind in ItemKind.values else ItemKind.SCORED)

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("group"):
            initial["group"] = self.request.GET["group"]
        return initial

    def form_valid(self, form):
        form.instance.order = templating.next_order(self.template, form.instance.kind, form.instance.group)
        return super().form_valid(form)

    def get_success_message(self) -> str:
        return _("Item added: %(item)s.") % {"item": self.object}


class TemplateItemUpdateView(ItemActionMixin, ItemFormMixin, ScopedUpdateView):
    def get_object(self, queryset=None):
        return self.item

    def form_valid(self, form):
        if {"kind", "group"} & set(form.changed_data):  # it moves to the end of its new place
            form.instance.order = templating.next_order(
                self.template, form.instance.kind, form.instance.group
            )
        return super().form_valid(form)

    def get_success_message(self) -> str:
        return _("Item saved: %(item)s.") % {"item": self.object}


class TemplateItemDeleteView(ItemActionMixin, TemplateView):
    template_name = "assessments/template_item_delete.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        templating.sheet(self.template, [self.item])
        context.update(item=self.item, template=self.template)
        return context

    def post(self, request, *args, **kwargs):
        title = self.item.title
        self.item.delete()
        messages.success(request, _("Item deleted: %(item)s.") % {"item": title})
        return redirect(self.template)


class TemplateItemMoveView(ItemActionMixin, View):
    def post(self, request, *args, **kwargs):
        up = request.POST.get("direction") != "down"
        if templating.move_item(self.item, up):
            message = _("Moved up: %(item)s.") if up else _("Moved down: %(item)s.")
            messages.success(request, message % {"item": self.item.title})
        else:
            messages.info(request, _("The item is already first.") if up else _("The item is already last."))
        return redirect(f"{self.template.get_absolute_url()}#item-{self.item.pk}")
