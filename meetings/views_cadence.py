"""The cadence pages: the compliance table of the user's organisations for a year (print, .xlsx), and the
township's cadence rules, which township staff edit and everyone else reads. The rules themselves are in
meetings.cadence."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.scope import can_create
from branches.models import Branch
from communities.models import Township
from meetings.cadence import STATUS_STYLE, ComplianceTable, Status, compliance
from meetings.forms_cadence import ComplianceFilterForm, RuleFormSet, pick_township, townships_for
from meetings.models import CadenceRule
from records.workbook import build_workbook, xlsx_response

# What a cell says in the workbook: words, since a spreadsheet has no colours to explain symbols.
EXPORT_TEXT = {Status.FUTURE: "", Status.NOT_REQUIRED: "—"}


def user_townships(user) -> list[Township]:
    townships = list(townships_for(user))
    if not townships:  # a user with no unit: nothing here exists for him
        raise Http404
    return townships


# --- The compliance table ----------------------------------------------------------------------------


@require_GET
def compliance_view(request):
    """Each organisation's meetings against the township's rules, period by period, for a year."""
    user, today = request.user, timezone.localdate()
    townships = user_townships(user)
    township = pick_township(townships, request.GET.get("township"))
    form = ComplianceFilterForm(
        request.GET or None, user=user, townships=townships, township=township, today=today
    )
    year = form.year_value if form.is_bound else today.year
    branches = Branch.objects.for_user(user, "view").filter(office__township=township)
    if form.is_bound:
        if form.value("office"):
            branches = branches.filter(office=form.value("office"))
        if form.value("kind"):
            branches = branches.filter(kind=form.value("kind"))
    table = compliance(branches, year, today)
    behind = bool(form.is_bound and form.value("behind"))
    shown = table.only_behind() if behind else table
    title = _("Meeting cadence of %(township)s, %(year)s") % {"township": township, "year": year}
    if request.GET.get("export") == "xlsx":
        return compliance_workbook(shown, title, str(township))
    query = request.GET.copy()
    query.pop("export", None)
    year_query = {}
    for delta, name in ((-1, "previous"), (1, "next")):
        other = query.copy()
        other["year"] = str(year + delta)
        year_query[name] = other.urlencode()
    query["export"] = "xlsx"
    return render(
        request,
        "meetings/cadence_compliance.html",
        {
            "title": title,
            "township": township,
            "year": year,
            "today": today,
            "form": form,
            "table": shown,
            "tally": shown.tally,
            "total_organisations": len(table.rows),
            "behind_only": behind,
            "export_query": query.urlencode(),
            "year_query": year_query,
            "legend": [
                (status, Status(status).label, colour, str(symbol))
                for status, (colour, symbol) in STATUS_STYLE.items()
            ],
            "rules_url": rules_url(township, townships),
        },
    )


def compliance_workbook(table: ComplianceTable, title: str, unit: str) -> HttpResponse:
    """The table as a workbook: a row per organisation with a column per kind and period, the counts and
    the rate, the township's total; and on a second sheet, the list of missed periods."""
    headers = [_("office"), _("party organisation"), _("kind")]
    for column in table.columns:
        headers += [f"{column.rule.kind_label} {period.name}" for period in column.periods]
    headers += [
        str(Status.ON_TIME.label),
        str(Status.LATE.label),
        str(Status.MISSING.label),
        _("Periods required"),
        _("Compliance rate"),
    ]

    def rate(tally) -> str:
        return f"{tally.rate}%" if tally.rate is not None else "—"

    rows = []
    missed = []
    for row in table.rows:
        values = [str(row.branch.office), str(row.branch), row.branch.kind_label]
        for entry, column in zip(row.entries, table.columns, strict=True):
            cells = entry or [None] * len(column.periods)
            values += [EXPORT_TEXT.get(c.status, c.label) if c else "—" for c in cells]
            missed += [c for c in entry if c.status == Status.MISSING]
        t = row.tally
        rows.append([*values, t.on_time, t.late, t.missing, t.required, rate(t)])
    total = table.tally
    footer = [_("Township total"), _("%(count)s organisations") % {"count": len(table.rows)}, ""]
    footer += [count or "" for count in table.column_missing]
    rows.append([*footer, total.on_time, total.late, total.missing, total.required, rate(total)])
    missed_rows = [
        [str(c.branch.office), str(c.branch), c.rule.kind_label, c.period.label, c.held, c.rule.times]
        for c in missed
    ]
    content = build_workbook(
        [
            {"title": title, "headers": headers, "rows": rows, "unit": unit, "date": table.today},
            {
                "title": _("Missed meetings"),
                "headers": [
                    _("office"),
                    _("party organisation"),
                    _("kind of meeting"),
                    _("period"),
                    _("Held"),
                    _("Required"),
                ],
                "rows": missed_rows,
                "unit": unit,
                "date": table.today,
            },
        ]
    )
    return xlsx_response(content, title)


# --- The rules ----------------------------------------------------------------------------------------


def may_edit_rules(user, township: Township) -> bool:
    """Township staff set their own township's rules; everyone else reads them."""
    return (
        can_create(user, CadenceRule)
        and Township.objects.for_user(user, "change").filter(pk=township.pk).exists()
    )


def rules_url(township: Township, townships: list[Township]) -> str:
    url = reverse("meetings:cadence_rules")
    return f"{url}?township={township.pk}" if len(townships) > 1 else url


@require_http_methods(["GET", "POST"])
def rules_view(request):
    """The township's rule for each kind of meeting: its own where it set one, the default elsewhere."""
    user = request.user
    townships = user_townships(user)
    township = pick_township(townships, request.GET.get("township"))
    may_edit = may_edit_rules(user, township)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        formset = RuleFormSet(request.POST, township=township)
        if formset.is_valid():
            with transaction.atomic():
                saved = formset.save()
                allowed = CadenceRule.objects.for_user(user, "change").filter(pk__in=[r.pk for r in saved])
                if allowed.count() != len(saved):  # re-checked after saving, as every write is
                    transaction.set_rollback(True)
                    raise PermissionDenied
            if saved:
                messages.success(
                    request,
                    _("Meeting cadence rules saved: %(kinds)s.")
                    % {"kinds": "、".join(row.get_kind_display() for row in saved)},
                )
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect(rules_url(township, townships))
        messages.error(request, _("The rules were not saved: correct the rows marked below."))
    else:
        formset = RuleFormSet(township=township)
    return render(
        request,
        "meetings/cadence_rules.html",
        {
            "township": township,
            "townships": townships if len(townships) > 1 else [],
            "formset": formset,
            "may_edit": may_edit,
            "today": timezone.localdate(),
        },
    )
