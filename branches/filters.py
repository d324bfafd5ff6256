import django_filters
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branches.choices import BranchKind, OtherBranchKind
from branches.models import Branch
from communities.models import Community, Office
from records.filters import ScopedFilterSet

ACTIVE, DISSOLVED, ANY = "active", "dissolved", "all"


class BranchFilterSet(ScopedFilterSet):
    # Former names count: an organisation is still found by the name it had before renaming (R1).
    search_fields = ("name", "former_names__name")
    office = django_filters.ModelChoiceFilter(queryset=Office.objects.all(), label=_("office"))
    # Every organisation of an office that set up a community belongs to it, not only those naming it.
    community = django_filters.ModelChoiceFilter(
        field_name="office__community", queryset=Community.objects.all(), label=_("community")
    )
    kind = django_filters.ChoiceFilter(choices=BranchKind.choices, label=_("kind"), empty_label=_("All"))
    other_kind = django_filters.ChoiceFilter(
        choices=OtherBranchKind.choices, label=_("sub-kind"), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        choices=[
            (ACTIVE, pgettext_lazy("organisation status", "active")),
            (DISSOLVED, _("dissolved")),
            (ANY, _("All")),
        ],
        label=_("status"),
        method="filter_status",
        empty_label=None,
    )

    class Meta:
        model = Branch
        fields = ["q", "office", "community", "kind", "other_kind", "status"]

    def __init__(self, data=None, *args, **kwargs):
        # Dissolved organisations stay on record but the list shows the active ones unless asked.
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if not data.get("status"):
            data["status"] = ACTIVE
        super().__init__(data, *args, **kwargs)

    def filter_status(self, queryset, name, value):
        if value == ACTIVE:
            return queryset.filter(dissolved_on__isnull=True)
        if value == DISSOLVED:
            return queryset.filter(dissolved_on__isnull=False)
        return queryset
