"""Admin base: the Django admin honours the same scope as the pages (township staff of one township never
see another's records), and its permissions follow roles rather than per-model permission rows."""

import datetime
from collections.abc import Iterator
from decimal import Decimal

from django.contrib import admin
from django.contrib.admin.utils import label_for_field, lookup_field
from django.db import models
from django.utils.html import strip_tags
from django.utils.safestring import SafeData
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.scope import can_create, scope_choices
from records.tables import EXPORT_CHUNK_SIZE
from records.workbook import build_workbook, xlsx_response


class ScopedAdmin(SimpleHistoryAdmin):
    actions = ["export_xlsx"]

    @admin.action(description=_("Export to Excel"))
    def export_xlsx(self, request, queryset):
        """The selected rows as the list shows them (its columns, labels and order) in one workbook.

        The rows are re-read through the user's scope, so ids posted from outside it export nothing, and a
        column whose model offers `masked_<name>` (the ID number, the phone) is written masked."""
        queryset = queryset.filter(pk__in=self.get_queryset(request).values("pk"))
        names = [n for n in self.get_list_display(request) if n != "action_checkbox"]
        headers = [str(label_for_field(name, self.model, self)) for name in names]
        title = str(self.model._meta.verbose_name_plural)
        unit = "" if request.user.is_superuser else str(request.user.scope_unit or "")
        content = build_workbook(
            [{"title": title, "headers": headers, "rows": self._export_rows(queryset, names), "unit": unit}]
        )
        return xlsx_response(content, title)

    def _export_rows(self, queryset, names: list[str]) -> Iterator[list]:
        masked = {
            n: f"masked_{n}" for n in names if isinstance(n, str) and hasattr(self.model, f"masked_{n}")
        }
        for obj in queryset.iterator(chunk_size=EXPORT_CHUNK_SIZE):
            yield [_admin_cell(*lookup_field(masked.get(name, name), obj, self)) for name in names]

    def get_queryset(self, request):
        return self.model.objects.for_user(request.user, "view")

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        if obj is not None and not self.get_queryset(request).filter(pk=obj.pk).exists():
            return False
        return self.has_module_permission(request)

    def history_view(self, request, object_id, extra_context=None):
        # simple-history falls back to the history rows for an object the queryset hides.
        self._get_in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._get_in_scope_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _get_in_scope_or_404(self, request, object_id):
        from django.shortcuts import get_object_or_404

        return get_object_or_404(self.get_queryset(request), pk=object_id)

    def has_add_permission(self, request):
        return self.has_module_permission(request) and can_create(request.user, self.model)

    def has_change_permission(self, request, obj=None):
        if not self.has_module_permission(request):
            return False
        if obj is None:
            return can_create(request.user, self.model)
        return self.model.objects.for_user(request.user, "change").filter(pk=obj.pk).exists()

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None:
            scope_choices(field, request.user)
        return field

    def save_model(self, request, obj, form, change):
        from django.core.exceptions import PermissionDenied
        from django.db import transaction

        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if not self.model.objects.for_user(request.user, "change").filter(pk=obj.pk).exists():
                raise PermissionDenied


class ScopedTabularInline(admin.TabularInline):
    """Inline rows follow the same role rules as ScopedAdmin, their dropdowns included."""

    def get_queryset(self, request):
        return self.model.objects.for_user(request.user, "view")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None:
            scope_choices(field, request.user)
        return field

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request, obj=None):
        return self.has_view_permission(request) and can_create(request.user, self.model)

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)


def _admin_cell(field, attr, value):
    """A value as the admin list shows it, but numbers stay numbers and dates stay dates."""
    if value is None:
        return None
    if field is not None and getattr(field, "flatchoices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, bool | int | float | Decimal | datetime.date):
        return value
    if isinstance(value, SafeData):  # a display function's HTML: its text only
        return strip_tags(str(value))
    return str(value)


def scoped_filter(path: str) -> tuple:
    """A sidebar filter offering only the related rows the user's own records point to."""
    return (path, admin.RelatedOnlyFieldListFilter)


admin.site.site_header = admin.site.site_title = "镇党建 管理后台"
admin.site.index_title = "管理后台"
