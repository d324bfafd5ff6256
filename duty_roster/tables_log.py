"""The table and filters of a post's duty log."""

import re

import django_filters
import django_tables2 as tables
from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from duty_roster.models import DutyLogEntry
from records.filters import ScopedFilterSet, YesNoFilter


class LogEntryTable(tables.Table):
    on = tables.DateColumn(
        format="Y-m-d",
        linkify=("duty_roster:log_day", [tables.A("post_id"), tables.A("on")]),
        attrs={"td": {"class": "text-nowrap"}},
    )
    visitor = tables.Column()
    purpose = tables.Column()
    handling = tables.Column()
    needs_follow_up = tables.BooleanColumn(yesno="✔,")
    ledger_item = tables.Column(verbose_name=_("ledger item"), orderable=False)
    recorded_by = tables.Column(verbose_name=_("recorded by"), accessor="recorded_by", orderable=False)

    class Meta:
        model = DutyLogEntry
        fields = ["on", "visitor", "purpose", "handling", "needs_follow_up", "ledger_item", "recorded_by"]
        attrs = {"class": "table table-sm table-hover align-middle", "id": "log-table"}
        order_by = ("-on",)

    def render_ledger_item(self, value, record) -> str:
        ledger = value.ledger
        return format_html(
            '<a href="{}#item-{}">{}</a>', ledger.get_absolute_url(), value.pk, value.get_status_display()
        )


class MonthField(forms.CharField):
    """A month as 2026-03 (what <input type=month> sends)."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-03"})

    def clean(self, value):
        value = super().clean(value)
        if value and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value.strip()):
            raise ValidationError(_("Give the month as 2026-03."))
        return value.strip() if value else value


class MonthFilter(django_filters.CharFilter):
    field_class = MonthField

    def filter(self, qs, value):
        if not value:
            return qs
        year, month = value.split("-")
        return qs.filter(on__year=int(year), on__month=int(month))


class LogEntryFilterSet(ScopedFilterSet):
    search_fields = ("visitor", "purpose", "handling")
    month = MonthFilter(label=_("month"))
    needs_follow_up = YesNoFilter(label=_("needs follow-up"))
    in_ledger = YesNoFilter(
        field_name="ledger_item", lookup_expr="isnull", exclude=True, label=_("in the ledger")
    )

    class Meta:
        model = DutyLogEntry
        fields = ["q", "month", "needs_follow_up", "in_ledger"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["q"].widget.attrs["placeholder"] = _("Visitor, matter or what was done…")
