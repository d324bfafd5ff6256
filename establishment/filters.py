import django_filters
from django.utils.translation import gettext_lazy as _

from communities.models import Office
from establishment import services
from establishment.choices import RequestState
from establishment.models import EstablishmentRequest
from records.filters import ScopedFilterSet, YesNoFilter


class RequestFilterSet(ScopedFilterSet):
    search_fields = ("title", "office_number", "decision_number", "report_number", "general_branch_name")
    office = django_filters.ModelChoiceFilter(queryset=Office.objects.all(), label=_("office"))
    state = django_filters.ChoiceFilter(choices=RequestState.choices, label=_("state"), empty_label=_("All"))
    waiting = YesNoFilter(label=_("waiting for me"), method="filter_waiting")

    class Meta:
        model = EstablishmentRequest
        fields = ["q", "office", "state", "waiting"]

    def filter_waiting(self, queryset, name, value):
        waiting = services.waiting_for(self.request.user, queryset).values("pk")
        return queryset.filter(pk__in=waiting) if value else queryset.exclude(pk__in=waiting)
