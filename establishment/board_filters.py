"""Filters of the campaign board's lists."""

import django_filters
from django.utils.translation import gettext_lazy as _

from communities.models import Office, Township
from establishment.choices import OpinionMeeting
from establishment.models import Campaign, GoodPractice, OpinionSession, SurveySnapshot
from records.filters import ScopedFilterSet, YesNoFilter


class CampaignFilterSet(ScopedFilterSet):
    township = django_filters.ModelChoiceFilter(queryset=Township.objects.all(), label=_("township"))

    class Meta:
        model = Campaign
        fields = ["township", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.filters["q"]
        self.form.fields.pop("q", None)


class SurveyFilterSet(ScopedFilterSet):
    search_fields = ("office__name", "notes")
    office = django_filters.ModelChoiceFilter(queryset=Office.objects.all(), label=_("office"))

    class Meta:
        model = SurveySnapshot
        fields = ["q", "office"]


class OpinionSessionFilterSet(ScopedFilterSet):
    search_fields = ("place", "participants", "opinions__content", "opinions__response")
    office = django_filters.ModelChoiceFilter(queryset=Office.objects.all(), label=_("office"))
    kind = django_filters.ChoiceFilter(choices=OpinionMeeting.choices, label=_("kind"), empty_label=_("All"))
    answered = YesNoFilter(method="filter_answered", label=_("all opinions answered"))

    class Meta:
        model = OpinionSession
        fields = ["q", "office", "kind", "answered"]

    def filter_answered(self, queryset, name, value):
        # The list annotates unanswered_count (board_views.annotate_sessions).
        return queryset.filter(unanswered_count=0) if value else queryset.filter(unanswered_count__gt=0)


class GoodPracticeFilterSet(ScopedFilterSet):
    search_fields = ("title", "content")
    office = django_filters.ModelChoiceFilter(queryset=Office.objects.all(), label=_("office"))
    published = YesNoFilter(
        field_name="published_at", lookup_expr="isnull", exclude=True, label=_("published on the home page")
    )

    class Meta:
        model = GoodPractice
        fields = ["q", "office", "published"]
