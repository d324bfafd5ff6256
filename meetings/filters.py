import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Branch
from communities.models import Office
from meetings.choices import MeetingKind
from meetings.models import Meeting
from members.forms import DateInput
from records.filters import ScopedFilterSet


def meeting_years(request) -> list[tuple[int, int]]:
    years = set(
        Meeting.objects.for_user(request.user).order_by().values_list("on__year", flat=True).distinct()
    )
    years.add(timezone.localdate().year)
    return [(year, year) for year in sorted(years, reverse=True)]


class MeetingFilterSet(ScopedFilterSet):
    search_fields = ("topic", "place", "host")
    branch = django_filters.ModelChoiceFilter(
        queryset=Branch.objects.select_related("office"), label=_("organisation")
    )
    kind = django_filters.ChoiceFilter(choices=MeetingKind.choices, label=_("kind"))
    year = django_filters.ChoiceFilter(field_name="on__year", label=_("year"), choices=[])
    on_from = django_filters.DateFilter(
        field_name="on", lookup_expr="gte", label=_("date from"), widget=DateInput()
    )
    on_to = django_filters.DateFilter(
        field_name="on", lookup_expr="lte", label=_("date to"), widget=DateInput()
    )
    office = django_filters.ModelChoiceFilter(
        field_name="branch__office", queryset=Office.objects.all(), label=_("office")
    )

    class Meta:
        model = Meeting
        fields = ["q", "branch", "kind", "year", "on_from", "on_to", "office"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["q"].widget.attrs["placeholder"] = _("Topic, place or host…")
        # The office narrows the organisations: it comes first, not after the dates.
        self.form.order_fields(["q", "office", "branch", "kind", "year", "on_from", "on_to"])
        if self.request is not None:
            years = meeting_years(self.request)
            self.filters["year"].extra["choices"] = years
            self.form.fields["year"].choices = [("", _("All")), *years]
