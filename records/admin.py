"""Admin base: the Django admin honours the same scope as the pages (township staff of one township never
see another's records), and its permissions follow roles rather than per-model permission rows."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.scope import can_create, scope_choices


class ScopedAdmin(SimpleHistoryAdmin):
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


def scoped_filter(path: str) -> tuple:
    """A sidebar filter offering only the related rows the user's own records point to."""
    return (path, admin.RelatedOnlyFieldListFilter)


admin.site.site_header = admin.site.site_title = "镇党建 管理后台"
admin.site.index_title = "管理后台"
