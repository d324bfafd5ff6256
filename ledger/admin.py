from django.contrib import admin

from ledger.models import LedgerEvent, LedgerItem, LedgerMonth
from records.admin import ScopedAdmin, ScopedTabularInline, scoped_filter


class LedgerEventInline(ScopedTabularInline):
    model = LedgerEvent
    extra = 0
    fields = ["action", "actor", "at", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # closes and reopenings go through ledger.services, which record them

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LedgerMonth)
class LedgerMonthAdmin(ScopedAdmin):
    """Read only: a month is opened, closed and reopened on the ledger pages, which keep the rules."""

    list_display = ["office", "month", "closed_at", "closed_by", "received", "done", "carried", "overdue"]
    list_filter = [scoped_filter("office")]
    search_fields = ["office__name"]
    date_hierarchy = "month"
    readonly_fields = ["closed_at", "closed_by", "received", "done", "carried", "overdue"]
    list_select_related = ["office", "closed_by"]
    inlines = [LedgerEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LedgerItem)
class LedgerItemAdmin(ScopedAdmin):
    list_display = ["content", "ledger", "source", "owner", "due_on", "status", "carried_times"]
    list_filter = ["status", "source", scoped_filter("ledger__office")]
    search_fields = ["content", "owner", "result"]
    # The month and the meeting are set by the ledger pages, which check the lock and the office.
    readonly_fields = ["ledger", "meeting", "carried_from", "carried_times", "created_by", "created_at"]
    list_select_related = ["ledger__office"]

    def has_add_permission(self, request):
        return False  # items go into an open month through the ledger pages

    def has_change_permission(self, request, obj=None):
        if obj is not None and (obj.ledger.is_closed or hasattr(obj, "carried_to")):
            return False  # a locked month, or an item settled in the next month
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False
