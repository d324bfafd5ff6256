import django_filters
from django.utils.translation import gettext_lazy as _

from ledger.choices import ItemSource, ItemStatus
from ledger.models import LedgerItem
from records.filters import ScopedFilterSet, YesNoFilter


class ItemFilterSet(ScopedFilterSet):
    """The month page's filters: status, source, carried or not, and a search."""

    search_fields = ("content", "owner", "result")
    status = django_filters.ChoiceFilter(choices=ItemStatus.choices, label=_("status"))
    source = django_filters.ChoiceFilter(choices=ItemSource.choices, label=_("source"))
    carried = YesNoFilter(
        field_name="carried_times", lookup_expr="gt", label=_("carried over"), method="filter_carried"
    )

    class Meta:
        model = LedgerItem
        fields = ["q", "status", "source", "carried"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["q"].widget.attrs["placeholder"] = _("Content, owner or result…")

    def filter_carried(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(carried_times__gt=0) if value else queryset.filter(carried_times=0)
