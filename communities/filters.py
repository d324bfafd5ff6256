import django_filters
from django.utils.translation import gettext_lazy as _

from communities.models import Office, Township, Village
from records.filters import ScopedFilterSet, YesNoFilter


class TownshipFilterSet(ScopedFilterSet):
    search_fields = ("name", "county__name")

    class Meta:
        model = Township
        fields = ["q"]


class OfficeFilterSet(ScopedFilterSet):
    search_fields = ("name", "community__name", "address")
    township = django_filters.ModelChoiceFilter(queryset=Township.objects.all(), label=_("township"))
    has_community = YesNoFilter(
        field_name="community", lookup_expr="isnull", exclude=True, label=_("has a community")
    )

    class Meta:
        model = Office
        fields = ["q", "township", "has_community"]


class VillageFilterSet(ScopedFilterSet):
    search_fields = ("name", "office__name")
    township = django_filters.ModelChoiceFilter(
        field_name="office__township", queryset=Township.objects.all(), label=_("township")
    )
    office = django_filters.ModelChoiceFilter(queryset=Office.objects.all(), label=_("office"))
    in_community = YesNoFilter(
        field_name="office__community", lookup_expr="isnull", exclude=True, label=_("in a community")
    )

    class Meta:
        model = Village
        fields = ["q", "township", "office", "in_community"]
