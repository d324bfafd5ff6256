from django.contrib import admin

from establishment import services
from establishment.models import (
    Campaign,
    EstablishmentRequest,
    GoodPractice,
    Opinion,
    OpinionSession,
    ProposedBranch,
    ProposedPost,
    RequestAttachment,
    RequestEvent,
    SurveySnapshot,
)
from records.admin import ScopedAdmin, ScopedTabularInline, scoped_filter


class RequestPartInline(ScopedTabularInline):
    """A request's posts, sub-branches and attachments: changed only while the office may edit it."""

    extra = 0

    def _editable(self, request, obj) -> bool:
        return obj is None or services.may(request.user, "edit", obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(request, obj)


class ProposedPostInline(RequestPartInline):
    model = ProposedPost
    fields = ["kind", "person"]
    raw_id_fields = ["person"]


class ProposedBranchInline(RequestPartInline):
    model = ProposedBranch
    fields = ["kind", "other_kind", "name", "created_branch"]
    readonly_fields = ["created_branch"]


class RequestAttachmentInline(RequestPartInline):
    model = RequestAttachment
    fields = ["description", "uploaded_by", "uploaded_at"]
    readonly_fields = ["uploaded_by", "uploaded_at"]


class RequestEventInline(ScopedTabularInline):
    """The path is written by the services only."""

    model = RequestEvent
    extra = 0
    fields = ["at", "action", "from_state", "to_state", "actor", "opinion"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EstablishmentRequest)
class EstablishmentRequestAdmin(ScopedAdmin):
    list_display = ["title", "office", "state", "submitted_at", "decision_number", "consented_on"]
    list_filter = [scoped_filter("office"), "state"]
    search_fields = ["title", "office_number", "decision_number", "report_number"]
    list_select_related = ["office"]
    readonly_fields = [
        "state",
        "created_by",
        "created_at",
        "submitted_at",
        "meeting_date",
        "decision_number",
        "approved_on",
        "reported_on",
        "report_number",
        "consented_on",
        "established_at",
    ]
    inlines = [ProposedPostInline, ProposedBranchInline, RequestAttachmentInline, RequestEventInline]

    def has_change_permission(self, request, obj=None):
        # The state moves through the services (the request pages); a request on its way is not edited.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or services.may(request.user, "edit", obj))

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and (obj is None or obj.is_editable)


@admin.register(RequestEvent)
class RequestEventAdmin(ScopedAdmin):
    list_display = ["request", "action", "from_state", "to_state", "actor", "at"]
    list_filter = ["action"]
    search_fields = ["request__title", "opinion"]
    list_select_related = ["request", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Campaign)
class CampaignAdmin(ScopedAdmin):
    list_display = ["township", "year", "survey_starts", "implementation_starts", "assessment_ends"]
    list_filter = ["year"]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser  # the board and its evidence hang on it


@admin.register(SurveySnapshot)
class SurveySnapshotAdmin(ScopedAdmin):
    list_display = ["office", "taken_on", "taken_by"]
    list_filter = [scoped_filter("office")]
    readonly_fields = ["counts"]

    # A snapshot is what the office reported at a date: taken on its page, never added or removed here.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OpinionInline(ScopedTabularInline):
    model = Opinion
    extra = 0
    fields = ["content", "response", "answered_on"]


@admin.register(OpinionSession)
class OpinionSessionAdmin(ScopedAdmin):
    list_display = ["office", "kind", "held_on", "place"]
    list_filter = [scoped_filter("office"), "kind"]
    inlines = [OpinionInline]


@admin.register(GoodPractice)
class GoodPracticeAdmin(ScopedAdmin):
    list_display = ["title", "office", "recorded_on", "published_at"]
    list_filter = [scoped_filter("office")]
    search_fields = ["title", "content"]
