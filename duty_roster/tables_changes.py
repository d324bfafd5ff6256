"""Tables and filters of the leave and change lists of a post."""

import django_filters
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from duty_roster.choices import ChangeKind, ChangeState
from duty_roster.models import DutyChange, Leave
from records.filters import ScopedFilterSet


class LeaveTable(tables.Table):
    person = tables.Column(verbose_name=_("person"), order_by=("person__name",))
    starts_on = tables.DateColumn(format="Y-m-d", verbose_name=_("leave from"))
    ends_on = tables.DateColumn(format="Y-m-d", verbose_name=_("leave until"))
    days = tables.Column(verbose_name=_("number of days"), empty_values=(), orderable=False)

    class Meta:
        model = Leave
        fields = ("person", "starts_on", "ends_on", "days", "reason")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "leave-table"}
        order_by = "-starts_on"

    def render_days(self, record: Leave) -> int:
        return (record.ends_on - record.starts_on).days + 1

    def value_days(self, record: Leave) -> int:
        return self.render_days(record)


class LeaveFilterSet(ScopedFilterSet):
    search_fields = ("person__name", "reason")

    class Meta:
        model = Leave
        fields = ["q"]


class ChangeTable(tables.Table):
    requested_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("requested at"))
    day = tables.DateColumn(
        format="Y-m-d D", verbose_name=_("duty day"), accessor="day__day", order_by=("day__day",)
    )
    other_day = tables.DateColumn(
        format="Y-m-d D",
        verbose_name=_("day taken in exchange"),
        accessor="other_day__day",
        order_by=("other_day__day",),
    )
    from_person = tables.Column(verbose_name=_("originally on duty"), order_by=("from_person__name",))
    to_person = tables.Column(verbose_name=_("taking over"), order_by=("to_person__name",))
    requested_by = tables.Column(verbose_name=_("recorded by"))
    decided_at = tables.DateTimeColumn(format="Y-m-d H:i")

    class Meta:
        model = DutyChange
        fields = (
            "requested_at",
            "kind",
            "day",
            "other_day",
            "from_person",
            "to_person",
            "reason",
            "state",
            "decided_at",
            "requested_by",
        )
        attrs = {"class": "table table-sm table-hover align-middle", "id": "change-table"}
        row_attrs = {"id": lambda record: f"change-{record.pk}", "data-state": lambda record: record.state}
        order_by = "-requested_at"


class ChangeFilterSet(ScopedFilterSet):
    search_fields = ("from_person__name", "to_person__name", "reason")
    kind = django_filters.ChoiceFilter(choices=ChangeKind.choices, label=_("kind"))
    state = django_filters.ChoiceFilter(choices=ChangeState.choices, label=_("state"))

    class Meta:
        model = DutyChange
        fields = ["q", "kind", "state"]
