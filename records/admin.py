"""Admin base: the Django admin honours the same scope as the pages (township staff of one township never
see another's records), and its permissions follow roles rather than per-model permission rows."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.scope import can_create


class ScopedAdmin(SimpleHistoryAdmin):
    def get_queryset(self, request):
        return self.model.objects.for_user(request.user, "view")

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

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
        if field is not None and hasattr(field.queryset, "for_user"):
            field.queryset = field.queryset.for_user(request.user, "view")
        return field

    def save_model(self, request, obj, form, change):
        from django.core.exceptions import PermissionDenied
        from django.db import transaction

        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if not self.model.objects.for_user(request.user, "change").filter(pk=obj.pk).exists():
                raise PermissionDenied


admin.site.site_header = admin.site.site_title = "镇党建 管理后台"
admin.site.index_title = "管理后台"
