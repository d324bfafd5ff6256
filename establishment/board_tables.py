"""Lists of the campaign board's pages: campaigns, survey snapshots, opinion collections, good practices."""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from establishment.models import Campaign, GoodPractice, OpinionSession, SurveySnapshot

NOWRAP = {"td": {"class": "text-nowrap"}}
NUMBER = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


def detail_url(kind: str, record) -> str:
    """The page of a survey snapshot, opinion collection or good practice."""
    return reverse(f"establishment:{kind}_detail", args=[record.pk])


def span(start, end) -> str:
    return f"{start:%m-%d} — {end:%m-%d}" if start and end else ""


class CampaignTable(tables.Table):
    year = tables.Column(linkify=True, attrs=NOWRAP)
    township = tables.Column(attrs=NOWRAP)
    survey = tables.Column(
        verbose_name=_("mobilisation and survey"), accessor="survey_starts", orderable=False, attrs=NOWRAP
    )
    implementation = tables.Column(
        verbose_name=_("implementation"), accessor="implementation_starts", orderable=False, attrs=NOWRAP
    )
    assessment = tables.Column(
        verbose_name=_("assessment and acceptance"),
        accessor="assessment_starts",
        orderable=False,
        attrs=NOWRAP,
    )

    class Meta:
        model = Campaign
        fields = ["year", "township", "survey", "implementation", "assessment"]
        row_attrs = {"data-campaign": lambda record: record.pk}

    def render_year(self, value):
        return format_html('<i class="bi bi-kanban"></i> {}', value)

    def render_survey(self, record):
        return span(record.survey_starts, record.survey_ends)

    def render_implementation(self, record):
        return span(record.implementation_starts, record.implementation_ends)

    def render_assessment(self, record):
        return span(record.assessment_starts, record.assessment_ends)


class CampaignExportTable(tables.Table):
    """The workbook has each phase's dates in their own columns."""

    class Meta:
        model = Campaign
        fields = [
            "year",
            "township",
            "survey_starts",
            "survey_ends",
            "implementation_starts",
            "implementation_ends",
            "assessment_starts",
            "assessment_ends",
        ]


class SurveyTable(tables.Table):
    taken_on = tables.DateColumn(
        format="Y-m-d", linkify=lambda record: detail_url("survey", record), attrs=NOWRAP
    )
    office = tables.Column(attrs=NOWRAP)
    party_members = tables.Column(
        verbose_name=_("party members"), accessor="counts__party_members", orderable=False, attrs=NUMBER
    )
    probationary = tables.Column(
        verbose_name=_("probationary members"), accessor="counts__probationary", orderable=False, attrs=NUMBER
    )
    development = tables.Column(
        verbose_name=_("development objects"),
        accessor="counts__development_objects",
        orderable=False,
        attrs=NUMBER,
    )
    organisations = tables.Column(
        verbose_name=pgettext_lazy("number of", "party organisations"),
        accessor="counts__organisation_total",
        orderable=False,
        attrs=NUMBER,
    )
    taken_by = tables.Column(verbose_name=_("taken by"), default="—", orderable=False, attrs=NOWRAP)

    class Meta:
        model = SurveySnapshot
        fields = ["taken_on", "office", "party_members", "probationary", "development", "organisations"]
        sequence = [*fields, "taken_by"]
        row_attrs = {"data-snapshot": lambda record: record.pk}


class OpinionSessionTable(tables.Table):
    held_on = tables.DateColumn(
        format="Y-m-d", linkify=lambda record: detail_url("opinion", record), attrs=NOWRAP
    )
    office = tables.Column(attrs=NOWRAP)
    kind = tables.Column(attrs=NOWRAP)
    place = tables.Column(default="—")
    opinion_count = tables.Column(verbose_name=pgettext_lazy("number of", "opinions"), attrs=NUMBER)
    unanswered_count = tables.Column(verbose_name=_("unanswered"), attrs=NUMBER)

    class Meta:
        model = OpinionSession
        fields = ["held_on", "office", "kind", "place", "opinion_count", "unanswered_count"]
        row_attrs = {"data-session": lambda record: record.pk}

    def render_unanswered_count(self, value):
        if not value:
            return format_html(
                '<i class="bi bi-check-circle-fill text-success" title="{}"></i>', _("all answered")
            )
        return format_html('<span class="badge text-bg-warning">{}</span>', value)


class GoodPracticeTable(tables.Table):
    title = tables.Column(linkify=lambda record: detail_url("practice", record))
    office = tables.Column(attrs=NOWRAP)
    recorded_on = tables.DateColumn(format="Y-m-d", attrs=NOWRAP)
    published_at = tables.DateTimeColumn(
        format="Y-m-d", verbose_name=_("published"), default="", attrs=NOWRAP
    )

    class Meta:
        model = GoodPractice
        fields = ["title", "office", "recorded_on", "published_at"]
        row_attrs = {"data-practice": lambda record: record.pk}

    def render_published_at(self, value):
        return format_html(
            '<span class="badge text-bg-success"><i class="bi bi-megaphone"></i> {}</span>',
            f"{timezone.localtime(value):%Y-%m-%d}",
        )
