import django_filters
from django.utils.translation import gettext_lazy as _

from jobs.models import Job
from records.filters import ScopedFilterSet


class JobFilterSet(ScopedFilterSet):
    search_fields = ("title",)
    state = django_filters.ChoiceFilter(choices=Job.State.choices, label=_("state"))

    class Meta:
        model = Job
        fields = ["q", "state"]
