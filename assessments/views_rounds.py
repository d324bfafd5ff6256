"""The assessment round's township-side pages (issue 7, "The round"): the rounds by year with the form that
opens the year's round, one round with its progress, results and ranking, the township's actions (each
behind a confirmation page), the objections and their answers, the round's history, the results workbook
for the county, and an office's results year on year.

Who sees what: the township's staff run their township's rounds; an office secretary reads his township's
rounds, only his own row until the round is published and every row after; the county reads published
rounds only (404 before); villages see none (404). The rules are assessments.rounds's.
"""

import re
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.choices import ROLE_LEVEL, Role
from accounts.scope import can_change
from assessments import rounds, scoring
from assessments.forms_rounds import AnswerForm, OpenRoundForm, ReasonForm
from assessments.indicators import FiveGoods
from assessments.models import (
    ROUND_PATHS,
    AssessmentRound,
    Objection,
    RoundState,
    ScoringTemplate,
    Sheet,
    SheetEntry,
    july,
)
from communities.models import Office
from records.workbook import build_workbook, xlsx_response

STATE_BADGES = {
    RoundState.OPEN: "text-bg-primary",
    RoundState.SCORING: "text-bg-warning",
    RoundState.NOTICE: "text-bg-info",
    RoundState.LOCKED: "text-bg-secondary",
}


def may_see_rounds(user) -> bool:
    if user.is_superuser:
        return True
    level = ROLE_LEVEL.get(user.role)
    return bool(level and getattr(ROUND_PATHS, level))


def visible_rounds(user):
    """The rounds `user` may read: the county only those published."""
    if not may_see_rounds(user):
        raise Http404
    queryset = AssessmentRound.objects.for_user(user).select_related("township", "template")
    if user.role == Role.COUNTY_VIEWER:
        queryset = queryset.filter(state__in=rounds.PUBLISHED)
    return queryset


def get_round(user, pk) -> AssessmentRound:
    return get_object_or_404(visible_rounds(user), pk=pk)


def is_published(round_: AssessmentRound) -> bool:
    return round_.state in rounds.PUBLISHED


def visible_sheets(user, round_: AssessmentRound):
    """The rows `user` sees: every sheet of a published round (the township's ranking is public to its
    offices), else only the sheets in his scope."""
    sheets = (
        round_.sheets.select_related("office__community")
        .prefetch_related(Prefetch("entries", queryset=SheetEntry.objects.select_related("item")))
        .order_by("office__sort_order", "office__name")
    )
    if is_published(round_):
        return sheets
    return sheets.filter(pk__in=Sheet.objects.for_user(user).filter(round=round_).values("pk"))


# --- The list, and opening the year's round -------------------------------------------------------------


def township_templates(user):
    return (
        ScoringTemplate.objects.for_user(user, "change")
        .filter(township_id=user.township_id)
        .order_by("-year")
    )


def may_open(user) -> bool:
    return user.role == Role.TOWNSHIP_STAFF and user.township_id is not None


def default_year(user) -> int:
    taken = set(visible_rounds(user).filter(township_id=user.township_id).values_list("year", flat=True))
    year = timezone.localdate().year
    while year in taken:
        year += 1
    return year


def open_form(user, data=None) -> OpenRoundForm:
    form = OpenRoundForm(data, township=user.township, templates=township_templates(user))
    if data is None:
        year = default_year(user)
        opens_on, closes_on = july(year)
        template = township_templates(user).filter(year=year).first()
        form.initial.update(
            year=year, opens_on=opens_on, closes_on=closes_on, template=template.pk if template else None
        )
    return form


class RoundListView(TemplateView):
    template_name = "assessments/round_list.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_see_rounds(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        queryset = (
            visible_rounds(user).order_by("-year", "township__name").annotate(sheet_total=Count("sheets"))
        )
        query = self.request.GET.get("q", "").strip()
        if re.fullmatch(r"[0-9]{1,4}", query):
            queryset = queryset.filter(year=int(query))
        state = self.request.GET.get("state", "")
        if state in RoundState.values:
            queryset = queryset.filter(state=state)
        page = Paginator(queryset, 25).get_page(self.request.GET.get("page"))
        for round_ in page:
            round_.badge = STATE_BADGES.get(round_.state, "text-bg-light")
            round_.sheet_count = round_.sheet_total
        context.update(page_obj=page, rounds=page.object_list, query=query, state=state, states=RoundState)
        if may_open(user):
            form = form or open_form(user)
            context["form"] = form
            year = form.initial.get("year") if not form.is_bound else form.data.get("year")
            year = int(year) if re.fullmatch(r"[0-9]{1,4}", str(year or "")) else None
            context["open_year"] = year
            context["has_template"] = township_templates(user).filter(year=year or 0).exists()
        return context

    def post(self, request, *args, **kwargs):
        if not may_open(request.user):
            raise PermissionDenied
        form = open_form(request.user, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                round_ = rounds.open_round(
                    request.user.township,
                    data["year"],
                    data["template"],
                    request.user,
                    include_offices_without_community=data["include_offices_without_community"],
                    notice_days=data["notice_days"],
                    opens_on=data["opens_on"],
                    closes_on=data["closes_on"],
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("The %(year)s assessment is open: %(count)s score sheets.")
                    % {"year": round_.year, "count": round_.sheets.count()},
                )
                return redirect("assessments:round_detail", round_.pk)
        messages.error(request, _("The round was not opened: correct the fields marked below."))
        return self.render_to_response(self.get_context_data(form=form))


# --- One round -------------------------------------------------------------------------------------------


def group_points(total: scoring.Total) -> list:
    return [total.groups.get(code, (None, None))[0] for code in FiveGoods.values]


def result_rows(user, round_: AssessmentRound) -> list[dict]:
    """One row per visible sheet: the office, its community, each group's points, bonus, total, grade and
    rank (stored when published; live and provisional before), the unscored items."""
    published = is_published(round_)
    own = set(Sheet.objects.for_user(user).filter(round=round_).values_list("pk", flat=True))
    rows = []
    for sheet in visible_sheets(user, round_):
        total = rounds.sheet_total(sheet)
        community = getattr(sheet.office, "community", None)
        row = {
            "sheet": sheet,
            "office": sheet.office,
            "community": community,
            "groups": group_points(total),
            "unscored": total.unscored,
            "linked": sheet.pk in own,
            "own": user.office_id is not None and sheet.office_id == user.office_id,
        }
        if published:
            row.update(
                bonus=sheet.bonus,
                total=sheet.total,
                grade=sheet.get_grade_display(),
                rank=sheet.rank,
            )
        else:
            row.update(
                bonus=total.bonus, total=total.total, grade=scoring.Grade(total.grade).label, rank=None
            )
        rows.append(row)
    if published:
        rows.sort(key=lambda row: (row["rank"] is None, row["rank"] or 0, row["office"].sort_order))
    return rows


def actions_for(round_: AssessmentRound) -> list[dict]:
    """The township's buttons for the round's state."""
    state = round_.state
    available = []
    for action in ACTIONS.values():
        if state in action["states"]:
            available.append(action)
    return available


ACTIONS = {
    "refresh": {
        "name": "refresh",
        "label": gettext_lazy("Refresh the automatic items"),
        "question": gettext_lazy(
            "Recompute every sheet's automatic items from the records? The inspectors' points and reasons "
            "are kept beside the new values."
        ),
        "icon": "bi-arrow-repeat",
        "style": "btn-outline-primary",
        "states": rounds.SCORABLE,
    },
    "start_scoring": {
        "name": "start_scoring",
        "label": gettext_lazy("Start scoring"),
        "question": gettext_lazy("Close the self-assessment and start the inspectors' scoring?"),
        "icon": "bi-clipboard-check",
        "style": "btn-outline-primary",
        "states": (RoundState.OPEN,),
    },
    "publish": {
        "name": "publish",
        "label": gettext_lazy("Publish the results"),
        "question": gettext_lazy(
            "Store every sheet's total, grade and rank and start the notice period? Offices may object "
            "during the notice period."
        ),
        "icon": "bi-megaphone",
        "style": "btn-party",
        "states": rounds.SCORABLE,
    },
    "lock": {
        "name": "lock",
        "label": gettext_lazy("Lock the round"),
        "question": gettext_lazy("Lock the round? Its results then stand as published."),
        "icon": "bi-lock",
        "style": "btn-outline-danger",
        "states": (RoundState.NOTICE,),
    },
    "reopen": {
        "name": "reopen",
        "label": gettext_lazy("Reopen the round"),
        "question": gettext_lazy(
            "Take the round back to scoring? The published totals, grades and ranks are withdrawn until it "
            "is published again; the history keeps them."
        ),
        "icon": "bi-unlock",
        "style": "btn-outline-danger",
        "states": rounds.PUBLISHED,
    },
}


class RoundDetailView(TemplateView):
    template_name = "assessments/round_detail.html"

    def dispatch(self, request, *args, **kwargs):
        self.round = get_round(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return results_workbook(request.user, self.round)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, round_ = self.request.user, self.round
        rows = result_rows(user, round_)
        sheets = list(round_.sheets.all()) if can_change(user, round_) else [row["sheet"] for row in rows]
        township = can_change(user, round_)
        objections = (
            Objection.objects.for_user(user)
            .filter(sheet__round=round_)
            .select_related("sheet__office", "lodged_by", "answered_by")
        )
        context.update(
            round=round_,
            badge=STATE_BADGES.get(round_.state, "text-bg-light"),
            published=is_published(round_),
            rows=rows,
            groups=FiveGoods.choices,
            progress={
                "sheets": len(sheets),
                "submitted": sum(1 for sheet in sheets if sheet.self_submitted_at),
                "scored": sum(1 for sheet in sheets if sheet.scored_at),
                "unscored": sum(row["unscored"] for row in rows),
            },
            township=township,
            actions=actions_for(round_) if township else [],
            objections=objections,
            answer_form=AnswerForm() if township and round_.state != RoundState.LOCKED else None,
            events=round_.events.select_related("actor"),
            in_notice=rounds.in_notice_period(round_),
            computed_as_of=rounds.computed_as_of(round_) if round_.state in rounds.SCORABLE else None,
        )
        return context


class RoundActionView(View):
    """GET: the confirmation page; POST: the township's action on the round, then back to the round."""

    def dispatch(self, request, *args, **kwargs):
        self.round = get_round(request.user, kwargs["pk"])
        self.action = ACTIONS.get(kwargs["action"])
        if self.action is None:
            raise Http404
        if not can_change(request.user, self.round):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render_confirm(self, form=None, status=200):
        context = {"round": self.round, "action": self.action, "form": form}
        return render(self.request, "assessments/round_confirm.html", context, status=status)

    def get(self, request, *args, **kwargs):
        return self.render_confirm(ReasonForm() if self.action["name"] == "reopen" else None)

    def post(self, request, *args, **kwargs):
        user, round_, name = request.user, self.round, self.action["name"]
        try:
            if name == "refresh":
                count = rounds.refresh_round(round_, user)
                message = _("%(count)s automatic items were recomputed from the records.") % {"count": count}
            elif name == "start_scoring":
                rounds.start_scoring(round_, user)
                message = _("Self-assessment is closed: the inspectors score now.")
            elif name == "publish":
                rounds.publish(round_, user)
                message = _("The results are published; the notice period runs until %(day)s.") % {
                    "day": round_.notice_ends_on.isoformat()
                }
            elif name == "lock":
                rounds.lock(round_, user)
                message = _("The round is locked.")
            else:
                form = ReasonForm(request.POST)
                if not form.is_valid():
                    messages.error(request, _("The round was not reopened: give the reason."))
                    return self.render_confirm(form)
                rounds.reopen(round_, user, form.cleaned_data["reason"])
                message = _("The round is reopened for scoring.")
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
            return redirect("assessments:round_detail", round_.pk)
        messages.success(request, message)
        return redirect("assessments:round_detail", round_.pk)


class ObjectionAnswerView(View):
    """POST: the township answers an objection."""

    def post(self, request, pk):
        if not may_see_rounds(request.user):
            raise Http404
        objection = get_object_or_404(
            Objection.objects.for_user(request.user).select_related("sheet__round", "sheet__office"), pk=pk
        )
        round_ = objection.sheet.round
        get_round(request.user, round_.pk)  # the county: 404 unless published
        if not can_change(request.user, round_):
            raise PermissionDenied
        form = AnswerForm(request.POST)
        if not form.is_valid():
            for error in form.errors.get("answer", []):
                messages.error(request, error)
        else:
            try:
                rounds.answer_objection(objection, request.user, form.cleaned_data["answer"])
            except ValidationError as error:
                for text in error.messages:
                    messages.error(request, text)
            else:
                messages.success(
                    request,
                    _("The objection of %(office)s is answered.") % {"office": objection.sheet.office},
                )
        return redirect(reverse("assessments:round_detail", args=[round_.pk]) + "#objections")


# --- The results workbook ----------------------------------------------------------------------------------


def results_workbook(user, round_: AssessmentRound):
    rows = result_rows(user, round_)
    unit = str(round_.township)
    status = "" if is_published(round_) else _("(provisional)")
    group_labels = [str(label) for label in FiveGoods.labels]
    headers = [
        _("rank"),
        _("sub-district office"),
        _("community"),
        *group_labels,
        _("bonus points"),
        _("total"),
        _("grade"),
    ]
    results = [
        [
            row["rank"],
            str(row["office"]),
            str(row["community"] or ""),
            *row["groups"],
            row["bonus"],
            row["total"],
            row["grade"],
        ]
        for row in rows
    ]
    # The ranking is public to the township's offices once published; each sheet's item-level working
    # (notes, reasons) only to those who may open that sheet.
    sheets = Sheet.objects.for_user(user).filter(pk__in=[row["sheet"].pk for row in rows])
    entries = (
        SheetEntry.objects.filter(sheet__in=sheets)
        .select_related("item", "sheet__office__community")
        .order_by(
            "sheet__office__sort_order", "sheet__office__name", "item__kind", "item__group", "item__order"
        )
    )
    details = []
    for entry in entries:
        item = entry.item
        reasons = "；".join(
            text for text in (entry.adjust_reason, entry.veto_reason, entry.self_note) if text
        )
        if item.kind == scoring.ItemKind.VETO:
            counted = _("vetoed") if entry.vetoed else None
        else:
            counted = entry.effective_points
        details.append(
            [
                str(entry.sheet.office),
                str(getattr(entry.sheet.office, "community", None) or ""),
                item.get_group_display() if item.group else item.get_kind_display(),
                item.title,
                item.max_points if item.kind != scoring.ItemKind.VETO else None,
                entry.computed_points,
                entry.self_points,
                entry.inspector_points,
                counted,
                reasons,
            ]
        )
    title = _("%(year)s assessment results") % {"year": round_.year} + status
    content = build_workbook(
        [
            {"title": title, "headers": headers, "rows": results, "unit": unit},
            {
                "title": _("%(year)s points by item") % {"year": round_.year},
                "headers": [
                    _("sub-district office"),
                    _("community"),
                    _("five goods"),
                    _("item"),
                    _("maximum points"),
                    _("computed points"),
                    _("self-assessed points"),
                    _("inspector's points"),
                    _("points counted"),
                    _("reasons"),
                ],
                "rows": details,
                "unit": unit,
            },
        ]
    )
    return xlsx_response(content, f"{unit}{title}")


# --- Year on year ------------------------------------------------------------------------------------------


class RoundCompareView(TemplateView):
    template_name = "assessments/round_compare.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_see_rounds(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return self.export_xlsx()
        return super().get(request, *args, **kwargs)

    def export_xlsx(self):
        """The table as shown: the office's published years with points per group, total and rank."""
        context = self.get_context_data()
        office = context["office"]
        if office is None:
            raise Http404
        headers = [_("year"), *(str(label) for _code, label in context["groups"])]
        headers += [_("total"), _("change"), _("grade"), _("rank")]
        rows = (
            [
                row["year"],
                *row["groups"],
                row.get("total"),
                row.get("change"),
                row.get("grade"),
                row.get("rank"),
            ]
            for row in context["rows"]
        )
        title = _("Year on year") + f" · {office}"
        content = build_workbook([{"title": title, "headers": headers, "rows": rows, "unit": str(office)}])
        return xlsx_response(content, title)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        offices = Office.objects.for_user(user).select_related("township").order_by("township", "sort_order")
        office_id = self.request.GET.get("office", "")
        if office_id:
            if not re.fullmatch(r"[0-9]{1,10}", office_id):
                raise Http404
            office = get_object_or_404(offices, pk=int(office_id))
        else:
            office = offices.filter(pk=user.office_id).first() if user.office_id else None
            office = office or offices.first()
        rows = []
        if office is not None:
            published = visible_rounds(user).filter(township=office.township, state__in=rounds.PUBLISHED)
            years = sorted(published.values_list("year", flat=True), reverse=True)
            results = rounds.year_on_year(office, years, user)
            sheets = {
                sheet.round.year: sheet
                for sheet in Sheet.objects.for_user(user)
                .filter(office=office, round__year__in=years, round__state__in=rounds.PUBLISHED)
                .select_related("round__template")
            }
            for year in years:
                result = results.get(year)
                sheet = sheets.get(year)
                groups = group_points(rounds.sheet_total(sheet)) if sheet is not None else [None] * 5
                row = {"year": year, "sheet": sheet, "groups": groups, "result": result}
                if result is not None:
                    total, grade, rank = result
                    row.update(total=total, grade=scoring.Grade(grade).label if grade else "", rank=rank)
                rows.append(row)
            previous = None
            for row in reversed(rows):
                total = row.get("total")
                if total is not None and previous is not None:
                    row["change"] = Decimal(total) - Decimal(previous)
                if total is not None:
                    previous = total
        context.update(offices=offices, office=office, rows=rows, groups=FiveGoods.choices)
        return context
