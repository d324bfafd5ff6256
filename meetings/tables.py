"""The meeting register's list, and its workbook with the attendance counts as numbers."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meetings.models import Meeting

NOWRAP = {"td": {"class": "text-nowrap"}}


def attendance_summary(attended: int, listed: int) -> str:
    if not listed:
        return str(_("not recorded"))
    return str(_("present %(attended)s/%(listed)s") % {"attended": attended, "listed": listed})


class MeetingTable(tables.Table):
    on = tables.DateColumn(format="Y-m-d", linkify=True, attrs=NOWRAP, order_by=("on", "starts_at", "pk"))
    kind = tables.Column(attrs=NOWRAP)
    branch = tables.Column(accessor="branch__name", verbose_name=_("organisation"), attrs=NOWRAP)
    topic = tables.Column(linkify=True)
    host = tables.Column(attrs=NOWRAP)
    attendance = tables.Column(
        accessor="listed", verbose_name=_("attendance"), attrs=NOWRAP, order_by=("listed", "attended")
    )

    class Meta:
        model = Meeting
        fields = []
        sequence = ["on", "kind", "branch", "topic", "host", "attendance"]
        attrs = {"class": "table table-sm table-hover align-middle meeting-table"}
        row_attrs = {"data-meeting": lambda record: record.pk}

    def render_attendance(self, record):
        summary = attendance_summary(record.attended, record.listed)
        if not record.listed:
            return format_html('<span class="badge text-bg-warning">{}</span>', summary)
        return summary


class MeetingExportTable(tables.Table):
    """The workbook for the township and the county: every register fact but the long texts, counts as
    numbers."""

    on = tables.DateColumn()
    starts_at = tables.Column()
    ends_at = tables.Column()
    kind = tables.Column()
    office = tables.Column(accessor="branch__office__name", verbose_name=_("office"))
    branch = tables.Column(accessor="branch__name", verbose_name=_("organisation"))
    place = tables.Column()
    host = tables.Column()
    recorder = tables.Column()
    topic = tables.Column()
    listed = tables.Column(verbose_name=_("expected (应到)"))
    attended = tables.Column(verbose_name=_("attended (实到)"))
    late = tables.Column(verbose_name=_("late"))
    leave = tables.Column(verbose_name=_("on leave"))
    absent = tables.Column(verbose_name=pgettext_lazy("meeting", "absent"))
    resolutions = tables.Column()
    makeup_for = tables.Column()

    class Meta:
        model = Meeting
        fields = []
        sequence = [
            "on",
            "starts_at",
            "ends_at",
            "kind",
            "office",
            "branch",
            "place",
            "host",
            "recorder",
            "topic",
            "listed",
            "attended",
            "late",
            "leave",
            "absent",
            "resolutions",
            "makeup_for",
        ]
