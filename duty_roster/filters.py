import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Office, Township
from duty_roster.models import CalendarEntry, DutyPost
from records.filters import ScopedFilterSet


class DutyPostFilterSet(ScopedFilterSet):
    search_fields = ("name", "place", "office__name", "office__community__name")
    township = django_filters.ModelChoiceFilter(
        field_name="office__township", queryset=Township.objects.all(), label=_("township")
    )
    office = django_filters.ModelChoiceFilter(queryset=Office.objects.all(), label=_("office"))

    class Meta:
        model = DutyPost
        fields = ["q", "township", "office"]


def entry_years(request) -> list[tuple[int, int]]:
    years = set(CalendarEntry.objects.for_user(request.user).values_list("day__year", flat=True))
    years.add(timezone.localdate().year)
    years.add(timezone.localdate().year + 1)
    return [(year, year) for year in sorted(years, reverse=True)]


class CalendarEntryFilterSet(ScopedFilterSet):
    search_fields = ("name",)
    year = django_filters.ChoiceFilter(field_name="day__year", label=_("year"), choices=[])
    working = django_filters.BooleanFilter(
        label=_("kind"),
        widget=forms.Select(
            choices=[
                ("", _("All")),
                ("false", _("holiday (放假)")),
                ("true", _("adjusted working day (调休上班)")),
            ]
        ),
    )

    class Meta:
        model = CalendarEntry
        fields = ["q", "year", "working"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.request is not None:
            years = entry_years(self.request)
            self.filters["year"].extra["choices"] = years
            self.form.fields["year"].choices = [("", _("All")), *years]
