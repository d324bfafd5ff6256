"""The admin follows the pages' scope; every change that touches attendance or grades rewrites the
member archive (meetings.services), so the archive never drifts from the meeting."""

from django.contrib import admin

from meetings import services
from meetings.models import Attendance, CadenceRule, Meeting, MeetingAttachment, ReviewResult
from members.models import ArchiveEntry
from records.admin import ScopedAdmin, ScopedTabularInline, scoped_filter


class AttendanceInline(ScopedTabularInline):
    """Read here: attendance is marked on the attendance sheet, which checks who may be on the list."""

    model = Attendance
    extra = 0
    fields = ["member", "status", "reason"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MeetingAttachmentInline(ScopedTabularInline):
    model = MeetingAttachment
    extra = 0
    fields = ["file", "description"]


@admin.register(Meeting)
class MeetingAdmin(ScopedAdmin):
    list_display = ["on", "kind", "branch", "topic", "host", "recorder"]
    list_filter = ["kind", scoped_filter("branch__office")]
    search_fields = ["topic", "place", "host", "branch__name"]
    date_hierarchy = "on"
    list_select_related = ["branch"]
    inlines = [AttendanceInline, MeetingAttachmentInline]

    def get_readonly_fields(self, request, obj=None):
        # Moving a meeting to another organisation, kind or date is checked on its page (attendees must
        # belong there; a graded review cannot change its year), so here those are read-only.
        return ["branch", "kind", "on", "makeup_for"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.resync_meeting(form.instance, request.user)

    def get_deleted_objects(self, objs, request):
        # The archive entries a meeting wrote are its own: they go with it, though nobody deletes
        # archive entries by hand.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed.discard(str(ArchiveEntry._meta.verbose_name))
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        services.delete_meeting(obj)

    def delete_queryset(self, request, queryset):
        for meeting in queryset:
            services.delete_meeting(meeting)


@admin.register(ReviewResult)
class ReviewResultAdmin(ScopedAdmin):
    list_display = ["year", "member", "grade", "meeting", "note"]
    list_filter = ["year", "grade"]
    search_fields = ["member__name", "note"]
    raw_id_fields = ["meeting", "member"]
    list_select_related = ["member", "meeting"]

    def get_readonly_fields(self, request, obj=None):
        return ["meeting", "member"] if obj is not None else []  # a grade stays with its review

    def has_add_permission(self, request):
        return False  # members are graded on the review page, which checks the branch and the year

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.sync_archive(obj.meeting, request.user)

    def delete_model(self, request, obj):
        meeting = obj.meeting
        super().delete_model(request, obj)
        services.sync_archive(meeting, request.user)

    def delete_queryset(self, request, queryset):
        meetings = {row.meeting for row in queryset.select_related("meeting")}
        super().delete_queryset(request, queryset)
        for meeting in meetings:
            services.sync_archive(meeting, request.user)


@admin.register(CadenceRule)
class CadenceRuleAdmin(ScopedAdmin):
    list_display = ["township", "kind", "period", "times", "applies_to", "active"]
    list_filter = ["active", "period", scoped_filter("township")]
