from django.contrib import admin

from branches.models import Branch, BranchName, Post, ReserveCadre, Term
from records.admin import ScopedAdmin, ScopedTabularInline, scoped_filter


class NoHardDeleteMixin:
    """Organisations are dissolved and posts ended, with dates; only an administrator deletes a row
    entered by mistake."""

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class BranchNameInline(NoHardDeleteMixin, ScopedTabularInline):
    model = BranchName
    extra = 0
    fields = ["name", "used_from", "used_until", "decision_number", "reason"]
    readonly_fields = fields  # the name history is written by renaming only

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Branch)
class BranchAdmin(NoHardDeleteMixin, ScopedAdmin):
    list_display = ["name", "kind", "other_kind", "office", "parent", "founded_on", "dissolved_on"]
    list_filter = [scoped_filter("office"), "kind", "other_kind", "dissolved_on"]
    search_fields = ["name", "former_names__name"]
    list_select_related = ["office", "parent"]
    inlines = [BranchNameInline]

    def get_readonly_fields(self, request, obj=None):
        # Renaming and dissolving have their own pages, which keep the history (R1).
        return ["name", "office", "dissolved_on"] if obj is not None else []


@admin.register(Post)
class PostAdmin(NoHardDeleteMixin, ScopedAdmin):
    list_display = ["person", "kind", "branch", "started_on", "ended_on", "decision_number"]
    list_filter = [scoped_filter("branch__office"), "kind"]
    search_fields = ["person__name", "branch__name"]
    list_select_related = ["person", "branch"]


@admin.register(Term)
class TermAdmin(NoHardDeleteMixin, ScopedAdmin):
    list_display = ["branch", "number", "started_on", "ends_on", "election_method"]
    list_filter = [scoped_filter("branch__office"), "election_method"]
    search_fields = ["branch__name"]
    list_select_related = ["branch"]


@admin.register(ReserveCadre)
class ReserveCadreAdmin(NoHardDeleteMixin, ScopedAdmin):
    list_display = ["person", "branch", "since", "status"]
    list_filter = [scoped_filter("branch__office"), "status"]
    search_fields = ["person__name", "branch__name"]
    list_select_related = ["person", "branch"]


@admin.register(BranchName)
class BranchNameAdmin(NoHardDeleteMixin, ScopedAdmin):
    list_display = ["name", "branch", "used_from", "used_until", "decision_number"]
    search_fields = ["name", "branch__name"]
    list_select_related = ["branch"]
