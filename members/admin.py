"""Members in the admin, in the user's scope. People's records are never deleted, and development steps and
transfers are only recorded on the member pages, where the party's rules are checked: here they are read."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.template_utils import HistoricalRecordContextHelper

from members.models import (
    ArchiveEntry,
    ContactLog,
    DevelopmentStep,
    Member,
    RequiredArchiveKind,
    Transfer,
    may_view_personal_data,
)
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


class MaskedHistoryHelper(HistoricalRecordContextHelper):
    """The admin's history list shows ID and phone numbers masked, as the pages do."""

    def prepare_delta_change_value(self, change, value):
        masker = getattr(self.model, "masked_fields", {}).get(change.field)
        if masker is not None and value:
            return masker(str(value))
        return super().prepare_delta_change_value(change, value)


@admin.register(Member)
class MemberAdmin(ScopedAdmin):
    list_display = ["name", "gender", "masked_id_number", "branch", "standing", "status"]
    list_filter = [scoped_filter("branch__office"), "standing", "status", "is_mobile"]
    # Whole numbers only: a partial match would let anyone complete a masked number digit by digit.
    search_fields = ["name", "name_pinyin", "name_initials", "=id_number"]

    def get_search_fields(self, request):
        # Finding a person by his whole ID number confirms a guess at the masked digits: only for those
        # who may see the number anyway.
        fields = super().get_search_fields(request)
        if may_view_personal_data(request.user):
            return fields
        return [field for field in fields if field != "=id_number"]

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

    def get_historical_record_context_helper(self, request, historical_record):
        return MaskedHistoryHelper(self.model, historical_record)

    def get_exclude(self, request, obj=None):
        excluded = list(super().get_exclude(request, obj) or [])
        if obj is not None and not may_view_personal_data(request.user):
            # Without the permission an existing person's numbers are shown masked and not edited here.
            excluded += ["id_number", "phone"]
        return excluded

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not may_view_personal_data(request.user):
            fields += ["id_number_masked", "phone_masked"]
        return fields

    @admin.display(description=_("resident ID number"))
    def id_number_masked(self, obj):
        return obj.masked_id_number

    @admin.display(description=_("phone"))
    def phone_masked(self, obj):
        return obj.masked_phone

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A past version's form holds the full numbers.
        if not may_view_personal_data(request.user):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

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
