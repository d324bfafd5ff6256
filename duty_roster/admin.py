from django.contrib import admin

from duty_roster.models import (
    CalendarEntry,
    DutyChange,
    DutyDay,
    DutyLogEntry,
    DutyMember,
    DutyMonth,
    DutyPost,
    Leave,
    SignIn,
)
from records.admin import ScopedAdmin, ScopedTabularInline, scoped_filter


class DutyMemberInline(ScopedTabularInline):
    model = DutyMember
    extra = 0
    fields = ["person", "order", "active"]
    raw_id_fields = ["person"]

    def has_delete_permission(self, request, obj=None):
        return False  # members leave the rotation by `active`; their duty record stays


@admin.register(DutyPost)
class DutyPostAdmin(ScopedAdmin):
    list_display = ["name", "office", "place", "concentrated_weekday", "on_time_until", "starts_on"]
    list_filter = [scoped_filter("office__township")]
    search_fields = ["name", "place", "office__name"]
    list_select_related = ["office"]
    inlines = [DutyMemberInline]


@admin.register(CalendarEntry)
class CalendarEntryAdmin(ScopedAdmin):
    list_display = ["day", "name", "working", "township"]
    list_filter = ["working", scoped_filter("township")]
    search_fields = ["name"]
    date_hierarchy = "day"


@admin.register(DutyMonth)
class DutyMonthAdmin(ScopedAdmin):
    list_display = ["post", "year", "month", "generated_at", "published_at", "published_by"]
    list_filter = ["year", scoped_filter("post")]
    readonly_fields = ["generated_at", "published_at", "published_by"]


@admin.register(DutyDay)
class DutyDayAdmin(ScopedAdmin):
    list_display = ["day", "post", "kind", "person", "manual", "note"]
    list_filter = ["kind", "manual", scoped_filter("post")]
    search_fields = ["person__name", "note"]
    date_hierarchy = "day"
    raw_id_fields = ["person"]
    list_select_related = ["post", "person"]


@admin.register(Leave)
class LeaveAdmin(ScopedAdmin):
    list_display = ["person", "post", "starts_on", "ends_on", "reason"]
    list_filter = [scoped_filter("post")]
    search_fields = ["person__name", "reason"]
    raw_id_fields = ["person"]


@admin.register(DutyChange)
class DutyChangeAdmin(ScopedAdmin):
    list_display = ["day", "kind", "from_person", "to_person", "state", "requested_at"]
    list_filter = ["kind", "state", scoped_filter("post")]
    search_fields = ["from_person__name", "to_person__name", "reason"]
    raw_id_fields = ["day", "other_day", "from_person", "to_person"]


@admin.register(SignIn)
class SignInAdmin(ScopedAdmin):
    list_display = ["day", "person", "post", "at", "manual", "reason"]
    list_filter = ["manual", scoped_filter("post")]
    search_fields = ["person__name", "reason"]
    date_hierarchy = "day"
    raw_id_fields = ["person"]


@admin.register(DutyLogEntry)
class DutyLogEntryAdmin(ScopedAdmin):
    list_display = ["on", "post", "visitor", "purpose", "needs_follow_up", "ledger_item", "recorded_by"]
    list_filter = ["needs_follow_up", scoped_filter("post")]
    search_fields = ["visitor", "purpose", "handling"]
    date_hierarchy = "on"
    readonly_fields = ["post", "on", "ledger_item", "recorded_by", "recorded_at"]
    list_select_related = ["post", "ledger_item", "recorded_by"]

    def has_add_permission(self, request):
        return False  # entries are recorded on the duty day's page, which checks who is on duty

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.ledger_item_id:
            return False  # it became a ledger item: the matter is followed there
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.ledger_item_id:
            return False
        return super().has_delete_permission(request, obj)
