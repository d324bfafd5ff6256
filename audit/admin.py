"""The audit log in the admin: read only, for those who may read it on the pages."""

from django.contrib import admin

from accounts.choices import Role
from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "action", "object_type", "object_repr", "count", "ip_address"]
    list_filter = ["action"]
    search_fields = ["username", "object_repr", "path"]
    date_hierarchy = "at"
    actions = None  # no "delete selected"

    def get_queryset(self, request):
        return AuditEntry.objects.for_user(request.user).select_related("object_type")

    def has_module_permission(self, request):
        user = request.user
        return user.is_active and (user.is_superuser or (user.is_staff and user.role == Role.TOWNSHIP_STAFF))

    def has_view_permission(self, request, obj=None):
        if obj is not None and not self.get_queryset(request).filter(pk=obj.pk).exists():
            return False
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
