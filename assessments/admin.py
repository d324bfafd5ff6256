from django.contrib import admin

from assessments.models import Inspection, Rectification
from records.admin import ScopedAdmin, ScopedTabularInline, scoped_filter


class RectificationInline(ScopedTabularInline):
    model = Rectification
    extra = 0
    fields = ["content", "owner", "deadline", "status", "evidence", "done_on"]


@admin.register(Inspection)
class InspectionAdmin(ScopedAdmin):
    list_display = ["on", "office", "kind", "inspectors"]
    list_filter = ["kind", scoped_filter("office")]
    search_fields = ["inspectors", "checked", "findings", "office__name"]
    date_hierarchy = "on"
    list_select_related = ["office"]
    inlines = [RectificationInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Rectification)
class RectificationAdmin(ScopedAdmin):
    list_display = ["deadline", "inspection", "content", "owner", "status", "done_on"]
    list_filter = ["status", scoped_filter("inspection__office")]
    search_fields = ["content", "owner", "evidence"]
    raw_id_fields = ["inspection"]
    list_select_related = ["inspection__office"]
