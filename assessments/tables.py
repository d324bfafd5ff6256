"""The inspections' and rectification items' lists, and their workbooks."""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from assessments.choices import RectificationStatus
from assessments.models import Inspection, Rectification

NOWRAP = {"td": {"class": "text-nowrap"}}
# On a phone the list keeps deadline, content, status and the update button; the rest shows from md up.
WIDE_ONLY = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell"}}
WIDE_ONLY_NOWRAP = {
    "th": {"class": "d-none d-md-table-cell"},
    "td": {"class": "d-none d-md-table-cell text-nowrap"},
}
STATUS_BADGES = {
    RectificationStatus.OPEN: "text-bg-secondary",
    RectificationStatus.IN_PROGRESS: "text-bg-info",
    RectificationStatus.DONE: "text-bg-success",
}


class InspectionTable(tables.Table):
    on = tables.DateColumn(format="Y-m-d", linkify=True, attrs=NOWRAP)
    office = tables.Column(accessor="office__name", verbose_name=_("sub-district office"), attrs=NOWRAP)
    kind = tables.Column(attrs=NOWRAP)
    inspectors = tables.Column()
    checked = tables.Column(linkify=True)
    findings = tables.Column(exclude_from_export=False)
    rectification_count = tables.Column(verbose_name=_("rectification items"), attrs=NOWRAP)
    open_count = tables.Column(verbose_name=_("not done"), attrs=NOWRAP)

    class Meta:
        model = Inspection
        fields = []
        sequence = [
            "on",
            "office",
            "kind",
            "inspectors",
            "checked",
            "findings",
            "rectification_count",
            "open_count",
        ]
        attrs = {"class": "table table-sm table-hover align-middle inspection-table"}
        row_attrs = {"data-inspection": lambda record: record.pk}

    def render_checked(self, value):
        return value if len(value) <= 40 else value[:40] + "…"

    def render_findings(self, value):
        return value if len(value) <= 40 else value[:40] + "…"

    def render_open_count(self, record, value):
        if record.overdue_count:
            return format_html(
                '{} <span class="badge text-bg-danger">{}</span>',
                value,
                _("%(count)s overdue") % {"count": record.overdue_count},
            )
        return value


class RectificationTable(tables.Table):
    deadline = tables.DateColumn(format="Y-m-d", attrs=NOWRAP)
    office = tables.Column(
        accessor="inspection__office__name", verbose_name=_("sub-district office"), attrs=WIDE_ONLY_NOWRAP
    )
    content = tables.Column(linkify=True)
    owner = tables.Column(attrs=WIDE_ONLY_NOWRAP)
    status = tables.Column()
    inspection = tables.DateColumn(
        accessor="inspection__on", format="Y-m-d", verbose_name=_("inspection visit"), attrs=WIDE_ONLY_NOWRAP
    )
    evidence = tables.Column(verbose_name=_("evidence of completion"), attrs=WIDE_ONLY)
    done_on = tables.DateColumn(format="Y-m-d", attrs=WIDE_ONLY_NOWRAP)
    actions = tables.Column(empty_values=(), orderable=False, verbose_name="", exclude_from_export=True)

    class Meta:
        model = Rectification
        fields = []
        sequence = [
            "deadline",
            "office",
            "content",
            "owner",
            "status",
            "inspection",
            "evidence",
            "done_on",
            "actions",
        ]
        attrs = {"class": "table table-sm table-hover align-middle rectification-table"}
        row_attrs = {
            "data-rectification": lambda record: record.pk,
            "class": lambda record: "table-danger" if record.is_overdue() else "",
        }

    def __init__(self, *args, changeable: frozenset = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.changeable = changeable
        self.today = timezone.localdate()

    def render_content(self, value):
        return value if len(value) <= 50 else value[:50] + "…"

    def render_status(self, record):
        badge = format_html(
            '<span class="badge {}">{}</span>',
            STATUS_BADGES.get(record.status, ""),
            record.get_status_display(),
        )
        if record.is_overdue(self.today):
            days = (self.today - record.deadline).days
            return format_html(
                '{} <span class="badge text-bg-danger overdue">{}</span>',
                badge,
                _("overdue %(days)s days") % {"days": days},
            )
        return badge

    def render_evidence(self, value):
        return value if len(value) <= 30 else value[:30] + "…"

    def render_actions(self, record):
        if record.pk not in self.changeable:
            return ""
        return format_html(
            '<a class="btn btn-outline-primary btn-sm text-nowrap rectification-update" href="{}">'
            '<i class="bi bi-pencil"></i> {}</a>',
            reverse("assessments:rectification_update", args=[record.pk]) + "?next=list",
            _("Update"),
        )
