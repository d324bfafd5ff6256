"""The audit log's pages: township staff read their township's entries, administrators all of them;
everyone else gets 403. Nothing here changes an entry."""

from django.core.exceptions import PermissionDenied
from django.views.generic import DetailView

from accounts.choices import Role
from accounts.scope import ScopedQuerySet
from audit.filters import AuditEntryFilterSet
from audit.models import AuditEntry
from audit.tables import AuditEntryTable
from records.history import _display
from records.views import ScopedListView


def may_read_audit(user) -> bool:
    return user.is_active and (user.is_superuser or (user.role == Role.TOWNSHIP_STAFF and user.township_id))


class AuditAccessMixin:
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_read_audit(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class AuditEntryListView(AuditAccessMixin, ScopedListView):
    model = AuditEntry
    table_class = AuditEntryTable
    filterset_class = AuditEntryFilterSet
    page_size = 50

    def get_queryset(self):
        return super().get_queryset().select_related("object_type")


class AuditEntryDetailView(AuditAccessMixin, DetailView):
    model = AuditEntry
    template_name = "audit/auditentry_detail.html"

    def get_queryset(self):
        return AuditEntry.objects.for_user(self.request.user).select_related(
            "object_type", "user", "township"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = self.object
        model = entry.object_type.model_class() if entry.object_type_id else None
        context["opts"] = AuditEntry._meta
        context["model_label"] = model._meta.verbose_name if model is not None else ""
        context["record_url"] = record_url(self.request.user, model, entry.object_id)
        context["changes"] = changes_of(model, entry.detail.get("history_id"))
        return context


def record_url(user, model, object_id: str) -> str:
    """A link to the record when it still exists and the reader may open it."""
    if model is None or not object_id or not hasattr(model, "get_absolute_url"):
        return ""
    manager = model._default_manager
    if not isinstance(manager.all(), ScopedQuerySet):
        return ""
    obj = manager.for_user(user).filter(pk=object_id).first()
    return obj.get_absolute_url() if obj is not None else ""


def changes_of(model, history_id) -> list[tuple]:
    """(field, old, new) of the change the entry records, from the record's history; masked as everywhere."""
    history = getattr(model, "history", None) if model is not None else None
    if history_id is None or history is None:
        return []
    version = history.model.objects.filter(history_id=history_id).first()
    previous = version.prev_record if version is not None else None
    if previous is None:
        return []
    rows = []
    for change in version.diff_against(previous).changes:
        field = model._meta.get_field(change.field)
        rows.append((field.verbose_name, _display(field, change.old), _display(field, change.new)))
    return rows
