"""Members in the admin, in the user's scope. People's records are never deleted, and development steps and
transfers are only recorded on the member pages, where the party's rules are checked: here they are read."""

from django.contrib import admin

from members.models import ArchiveEntry, ContactLog, DevelopmentStep, Member, RequiredArchiveKind, Transfer
from records.admin import ScopedAdmin, ScopedTabularInline, scoped_filter


class ReadOnlyInline(ScopedTabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DevelopmentStepInline(ReadOnlyInline):
    model = DevelopmentStep
    fields = ["stage", "on", "until", "decision_number", "note"]


class TransferInline(ReadOnlyInline):
    model = Transfer
    fk_name = "member"
    fields = ["kind", "on", "from_branch", "to_branch", "external_organisation", "letter_number"]


class ContactLogInline(ReadOnlyInline):
    model = ContactLog
    fields = ["on", "means", "whereabouts", "content"]


class ArchiveEntryInline(ReadOnlyInline):
    model = ArchiveEntry
    fields = ["kind", "on", "content", "recorded_by"]
    readonly_fields = ["recorded_by"]


@admin.register(Member)
class MemberAdmin(ScopedAdmin):
    list_display = ["name", "gender", "masked_id_number", "branch", "standing", "status"]
    list_filter = [scoped_filter("branch__office"), "standing", "status", "is_mobile"]
    search_fields = ["name", "name_pinyin", "name_initials", "id_number"]
    list_select_related = ["branch"]
    # Branch, standing and status change through transfers, development steps and status changes,
    # which keep their records; the admin only corrects the facts.
    readonly_fields = [
        "township",
        "branch",
        "standing",
        "status",
        "status_changed_on",
        "status_note",
        "last_contact_on",
    ]
    inlines = [DevelopmentStepInline, TransferInline, ContactLogInline, ArchiveEntryInline]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ArchiveEntry)
class ArchiveEntryAdmin(ScopedAdmin):
    list_display = ["member", "kind", "on", "content"]
    list_filter = ["kind"]
    search_fields = ["member__name", "content"]
    list_select_related = ["member"]
    date_hierarchy = "on"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # Entries a meeting wrote follow the meeting (meetings.services.sync_archive): edit it instead.
        if obj is not None and obj.meeting_id:
            return False
        return super().has_change_permission(request, obj)


@admin.register(RequiredArchiveKind)
class RequiredArchiveKindAdmin(ScopedAdmin):
    list_display = ["township", "kind"]
    list_filter = [scoped_filter("township")]
