import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from duty_roster.models import CalendarEntry, DutyPost


class DutyPostTable(tables.Table):
    name = tables.Column(linkify=True)
    office = tables.Column()
    township = tables.Column(verbose_name=_("township"), accessor="office__township")
    place = tables.Column()
    member_count = tables.Column(verbose_name=pgettext_lazy("number of", "secretaries on duty"))
    concentrated_weekday = tables.Column()
    on_time_until = tables.TimeColumn(format="H:i")

    class Meta:
        model = DutyPost
        fields = [
            "name",
            "office",
            "township",
            "place",
            "member_count",
            "concentrated_weekday",
            "on_time_until",
        ]


class CalendarEntryTable(tables.Table):
    day = tables.DateColumn(format="Y-m-d", linkify=("duty_roster:calendar_update", [tables.A("pk")]))
    weekday = tables.DateColumn(
        verbose_name=_("weekday"), accessor="day", format="l", orderable=False, exclude_from_export=True
    )
    name = tables.Column()
    working = tables.Column(verbose_name=_("kind"))
    township = tables.Column(verbose_name=_("township"))

    class Meta:
        model = CalendarEntry
        fields = ["day", "weekday", "name", "working", "township"]

    def render_working(self, value: bool) -> str:
        return _("adjusted working day (调休上班)") if value else _("holiday (放假)")

    def value_working(self, value: bool) -> str:
        return str(self.render_working(value))
