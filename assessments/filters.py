import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.choices import UNFINISHED, InspectionKind, RectificationStatus
from assessments.models import Inspection, Rectification
from communities.models import Office
from records.filters import ScopedFilterSet, YesNoFilter


def inspection_years(request) -> list[tuple[int, int]]:
    years = set(
        Inspection.objects.for_user(request.user).order_by().values_list("on__year", flat=True).distinct()
    )
    years.add(timezone.localdate().year)
    return [(year, year) for year in sorted(years, reverse=True)]


class InspectionFilterSet(ScopedFilterSet):
    search_fields = ("inspectors", "checked", "findings")
    office = django_filters.ModelChoiceFilter(queryset=Office.objects.all(), label=_("sub-district office"))
    kind = django_filters.ChoiceFilter(choices=InspectionKind.choices, label=_("kind"))
    year = django_filters.ChoiceFilter(field_name="on__year", label=_("year"), choices=[])

    class Meta:
        model = Inspection
        fields = ["q", "office", "kind", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["q"].widget.attrs["placeholder"] = _("Inspectors, what was checked, findings…")
        if self.request is not None:
            years = inspection_years(self.request)
            self.filters["year"].extra["choices"] = years
            self.form.fields["year"].choices = [("", _("All")), *years]


class RectificationFilterSet(ScopedFilterSet):
    search_fields = ("content", "owner", "evidence")
    office = django_filters.ModelChoiceFilter(
        field_name="inspection__office", queryset=Office.objects.all(), label=_("sub-district office")
    )
    status = django_filters.ChoiceFilter(choices=RectificationStatus.choices, label=_("status"))
    overdue = YesNoFilter(label=_("overdue"), method="filter_overdue")

    class Meta:
        model = Rectification
        fields = ["q", "office", "status", "overdue"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["q"].widget.attrs["placeholder"] = _("Content, responsible person, evidence…")

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        if value:
            return queryset.filter(status__in=UNFINISHED, deadline__lt=today)
        return queryset.exclude(status__in=UNFINISHED, deadline__lt=today)
