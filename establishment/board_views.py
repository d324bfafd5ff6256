"""The campaign board's pages (R9, R10): campaigns and their board, survey snapshots (摸底), opinion
collections and good practices. Every queryset comes through `for_user`; the board itself is computed
by establishment.board."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from accounts.choices import Role
from accounts.scope import can_change, can_create
from communities.models import Township
from establishment import board
from establishment.board_filters import (
    CampaignFilterSet,
    GoodPracticeFilterSet,
    OpinionSessionFilterSet,
    SurveyFilterSet,
)
from establishment.board_forms import CampaignForm, GoodPracticeForm, OpinionSessionForm, SurveyForm
from establishment.board_tables import (
    CampaignExportTable,
    CampaignTable,
    GoodPracticeTable,
    OpinionSessionTable,
    SurveyTable,
)
from establishment.choices import CellState
from establishment.models import Campaign, GoodPractice, Opinion, OpinionSession, SurveySnapshot
from records.tables import EXPORT_CHUNK_SIZE, export_rows
from records.views import ScopedCreateView, ScopedDetailView, ScopedListView, ScopedUpdateView
from records.workbook import build_workbook, xlsx_response


class SectionListView(ScopedListView):
    """A list of the campaign's section, under its tabs."""

    template_name = "establishment/campaign_section_list.html"
    section = ""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "section": self.section}


# --- Campaigns and the board ---------------------------------------------------------------------------


class CampaignListView(ScopedListView):
    model = Campaign
    table_class = CampaignTable
    filterset_class = CampaignFilterSet
    create_url_name = "establishment:campaign_create"
    template_name = "establishment/campaign_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("township").order_by("-year", "township__name")

    def get_table_class(self):
        return CampaignExportTable if self.request.GET.get("export") == "xlsx" else CampaignTable

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The sidebar's "Campaign board" lands here: this year's board is one click away.
        context["current"] = (
            self.get_queryset().filter(year=timezone.localdate().year).select_related("township")[:5]
        )
        # Township staff and secretaries have one township: a filter by township is for the county.
        context["show_filter"] = Township.objects.for_user(self.request.user).count() > 1
        return context


class CampaignCreateView(ScopedCreateView):
    model = Campaign
    form_class = CampaignForm
    template_name = "establishment/campaign_form.html"
    success_message = gettext_lazy("%(name)s created.")


class CampaignUpdateView(ScopedUpdateView):
    model = Campaign
    form_class = CampaignForm
    template_name = "establishment/campaign_form.html"
    success_message = gettext_lazy("%(name)s saved.")


class CampaignBoardView(ScopedDetailView):
    """The board: one row per office, a cell per item, coloured against the phase deadlines."""

    model = Campaign
    template_name = "establishment/campaign_board.html"

    def get_queryset(self):
        return super().get_queryset().select_related("township")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.board = board.build_board(self.object, request.user, timezone.localdate())
        if request.GET.get("export") == "xlsx":
            return self.export_xlsx()
        return self.render_to_response(self.get_context_data(object=self.object))

    def export_xlsx(self):
        campaign, grid = self.object, self.board
        headers = [_("office"), _("rural community")] + [
            _("%(item)s (by %(date)s)") % {"item": column.label, "date": board.short_date(deadline)}
            for column, deadline in grid.columns
        ]
        rows = [
            [str(row.office), str(row.community or "—")] + [cell.text for _column, cell in row.cells]
            for row in grid.rows
        ]
        title = _("Campaign progress %(year)s") % {"year": campaign.year}
        content = build_workbook(
            [
                {
                    "title": title,
                    "headers": headers,
                    "rows": rows,
                    "unit": str(campaign.township),
                    "date": grid.today,
                }
            ]
        )
        return xlsx_response(content, title)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign, today = self.object, self.board.today
        context["board"] = self.board
        context["summary"] = self.board.summary
        context["legend"] = [
            (state, CellState(state).label, *board.STATE_STYLE[state]) for state in board.STATE_STYLE
        ]
        context["archives_rule"] = board.archives_rule()
        context["phases"] = [
            (_("Mobilisation and survey"), campaign.survey_starts, campaign.survey_ends),
            (_("Implementation"), campaign.implementation_starts, campaign.implementation_ends),
            (_("Assessment and acceptance"), campaign.assessment_starts, campaign.assessment_ends),
        ]
        context["today"] = today
        query = self.request.GET.copy()
        query["export"] = "xlsx"
        context["export_query"] = query.urlencode()
        return context


# --- The survey (摸底) ---------------------------------------------------------------------------------


class SurveyListView(SectionListView):
    section = "survey"
    model = SurveySnapshot
    table_class = SurveyTable
    filterset_class = SurveyFilterSet
    create_url_name = "establishment:survey_create"

    def get_queryset(self):
        return super().get_queryset().select_related("office", "taken_by").order_by("-taken_on", "-pk")


class SurveyCreateView(ScopedCreateView):
    """Takes a snapshot: the counts are computed now and frozen in the record."""

    model = SurveySnapshot
    form_class = SurveyForm
    template_name = "establishment/survey_form.html"

    def form_valid(self, form):
        snapshot = form.instance
        snapshot.counts = board.survey_counts(form.cleaned_data["office"], form.cleaned_data["taken_on"])
        snapshot.taken_by = self.request.user
        return super().form_valid(form)

    def get_success_url(self) -> str:
        return reverse("establishment:survey_detail", args=[self.object.pk])

    def get_success_message(self) -> str:
        return _("Survey of %(office)s taken on %(date)s; its counts are frozen.") % {
            "office": self.object.office,
            "date": self.object.taken_on.isoformat(),
        }


class SurveyDetailView(ScopedDetailView):
    model = SurveySnapshot
    template_name = "establishment/survey_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("office__township", "office__community", "taken_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["people"], context["organisations"] = board.snapshot_rows(self.object.counts)
        context["others"] = (
            SurveySnapshot.objects.for_user(self.request.user)
            .filter(office=self.object.office_id)
            .exclude(pk=self.object.pk)
            .order_by("-taken_on", "-pk")[:10]
        )
        context["can_take"] = can_create(self.request.user, SurveySnapshot)
        return context


# --- Opinion collection --------------------------------------------------------------------------------


def annotate_sessions(queryset):
    # Distinct counts: the search joins the opinions again.
    return queryset.annotate(
        opinion_count=Count("opinions", distinct=True),
        unanswered_count=Count("opinions", filter=Q(opinions__answered_on__isnull=True), distinct=True),
    ).order_by("-held_on", "-pk")


class OpinionSessionListView(SectionListView):
    section = "opinion"
    model = OpinionSession
    table_class = OpinionSessionTable
    filterset_class = OpinionSessionFilterSet
    create_url_name = "establishment:opinion_create"

    def get_queryset(self):
        return annotate_sessions(super().get_queryset().select_related("office"))

    def export_xlsx(self):
        """Two sheets: the collections as listed, and every opinion of them with what was done."""
        filterset = self.get_filterset(self.get_filterset_class())
        sessions = filterset.qs if filterset.is_valid() else self.get_queryset().none()
        table = self.get_table_class()(sessions, request=self.request)
        RequestConfig(self.request, paginate=False).configure(table)
        headers, rows = export_rows(table)
        opinions = (
            Opinion.objects.for_user(self.request.user)
            .filter(session__in=sessions.values("pk"))
            .select_related("session__office")
            .order_by("session__office__sort_order", "session__held_on", "session", "pk")
        )
        opinion_rows = (
            [
                str(o.session.office),
                o.session.get_kind_display(),
                o.session.held_on,
                o.session.place,
                o.content,
                o.response,
                o.answered_on,
            ]
            for o in opinions.iterator(chunk_size=EXPORT_CHUNK_SIZE)
        )
        field = Opinion._meta.get_field
        title = _("Opinion collections")
        unit = str(self.request.user.scope_unit or "") if not self.request.user.is_superuser else ""
        content = build_workbook(
            [
                {"title": title, "headers": headers, "rows": rows, "unit": unit},
                {
                    "title": _("Opinions and suggestions"),
                    "headers": [
                        _("office"),
                        _("kind"),
                        _("date"),
                        _("place"),
                        str(field("content").verbose_name),
                        str(field("response").verbose_name),
                        str(field("answered_on").verbose_name),
                    ],
                    "rows": opinion_rows,
                    "unit": unit,
                },
            ]
        )
        return xlsx_response(content, title)


class OpinionSessionDetailView(ScopedDetailView):
    model = OpinionSession
    template_name = "establishment/opinion_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("office__township")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["opinions"] = Opinion.objects.for_user(self.request.user).filter(session=self.object)
        return context


class OpinionSessionFormMixin:
    model = OpinionSession
    form_class = OpinionSessionForm
    template_name = "establishment/opinion_form.html"

    def get_success_url(self) -> str:
        return reverse("establishment:opinion_detail", args=[self.object.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["delete_question"] = json.dumps(
            _("Delete the %(count)s ticked opinions? They cannot be recovered.")
        )
        return context

    def get_success_message(self) -> str:
        count = self.object.opinions.count()
        return ngettext(
            "%(session)s of %(office)s saved with %(count)s opinion.",
            "%(session)s of %(office)s saved with %(count)s opinions.",
            count,
        ) % {"session": self.object, "office": self.object.office, "count": count}


class OpinionSessionCreateView(OpinionSessionFormMixin, ScopedCreateView):
    pass


class OpinionSessionUpdateView(OpinionSessionFormMixin, ScopedUpdateView):
    pass


# --- Good practices (好经验、好做法、先进典型) -------------------------------------------------------------


class GoodPracticeListView(SectionListView):
    section = "practice"
    model = GoodPractice
    table_class = GoodPracticeTable
    filterset_class = GoodPracticeFilterSet
    create_url_name = "establishment:practice_create"

    def get_queryset(self):
        return super().get_queryset().select_related("office")


def may_publish(user, practice: GoodPractice) -> bool:
    """Township staff publish what the offices of their township record."""
    return can_change(user, practice) and (user.is_superuser or user.role == Role.TOWNSHIP_STAFF)


class GoodPracticeDetailView(ScopedDetailView):
    model = GoodPractice
    template_name = "establishment/practice_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("office__township")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_publish"] = may_publish(self.request.user, self.object)
        return context


class GoodPracticeFormMixin:
    model = GoodPractice
    form_class = GoodPracticeForm
    template_name = "establishment/practice_form.html"

    def get_success_url(self) -> str:
        return reverse("establishment:practice_detail", args=[self.object.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        practice = getattr(self, "object", None)
        context["can_publish"] = practice is not None and may_publish(self.request.user, practice)
        return context


class GoodPracticeCreateView(GoodPracticeFormMixin, ScopedCreateView):
    success_message = gettext_lazy("%(name)s recorded.")


class GoodPracticeUpdateView(GoodPracticeFormMixin, ScopedUpdateView):
    def form_valid(self, form):
        # What the home page shows is what township staff published: an office's edit takes it down
        # until they publish it again.
        self.taken_down = False
        if form.instance.published_at and not may_publish(self.request.user, form.instance):
            form.instance.published_at = None
            self.taken_down = True
        return super().form_valid(form)

    def get_success_message(self) -> str:
        if self.taken_down:
            return _("%(name)s saved. It is off the home page until township staff publish it again.") % {
                "name": self.object
            }
        return _("%(name)s saved.") % {"name": self.object}


class PracticePublishView(TemplateView):
    """Asks for confirmation (GET), then publishes or takes down (POST)."""

    template_name = "establishment/practice_publish.html"
    publish = True

    def dispatch(self, request, *args, **kwargs):
        queryset = GoodPractice.objects.for_user(request.user).select_related("office")
        self.object = get_object_or_404(queryset, pk=kwargs["pk"])
        if not may_publish(request.user, self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "object": self.object, "publish": self.publish}

    def post(self, request, *args, **kwargs):
        with transaction.atomic():
            practice = GoodPractice.objects.select_for_update().get(pk=self.object.pk)
            if self.publish:
                board.publish_practice(practice)
                message = _("%(name)s is published on the home page.")
            else:
                board.unpublish_practice(practice)
                message = _("%(name)s is taken off the home page.")
        messages.success(request, message % {"name": practice})
        return redirect(reverse("establishment:practice_detail", args=[practice.pk]))


class PracticeUnpublishView(PracticePublishView):
    publish = False
