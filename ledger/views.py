"""The monthly ledger's pages (月清月结): an office's months, the township's table of clearance rates, a
month with its items, adding and settling items, the close (月结) and the reopening, the printed month
report and the .xlsx exports. The rules are ledger.services'; these views collect input, show the
services' messages and keep to the user's scope (an office outside it is a 404)."""

import datetime
import re
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.choices import Role
from communities.models import Office, Township
from ledger import services
from ledger.choices import STUCK_CARRIES, UNSETTLED, ItemSource, ItemStatus
from ledger.filters import ItemFilterSet
from ledger.forms import ItemForm, QuickItemForm, ReopenForm
from ledger.models import LedgerEvent, LedgerItem, LedgerMonth
from ledger.services import unit_name
from meetings.models import Meeting
from records.workbook import build_workbook, xlsx_response

# --- Helpers ------------------------------------------------------------------------------------------


RESOLUTION_NUMBER = re.compile(r"^\s*[(（]?(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[.、．)）](?!\d)\s*")


def month_param(month: datetime.date) -> str:
    return f"{month:%Y-%m}"


def month_label(month: datetime.date) -> str:
    return _("%(year)s-%(month)02d") % {"year": month.year, "month": month.month}


def percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def rate_colour(rate: float | None) -> str:
    if rate is None:
        return "secondary"
    if rate >= 0.9:
        return "success"
    return "warning" if rate >= 0.6 else "danger"


def scoped_office(user, office_id: int, action: str = "view") -> Office:
    """The office if the user may view its ledger (404 otherwise); 403 if he may view but not change."""
    office = get_object_or_404(
        services.ledger_offices(user, "view").select_related("township", "community"), pk=office_id
    )
    if action == "change" and not services.ledger_offices(user, "change").filter(pk=office.pk).exists():
        raise PermissionDenied
    return office


def month_of(office: Office, month: datetime.date) -> LedgerMonth:
    """The stored month, or an empty open one (not saved) when nobody has opened it yet."""
    existing = LedgerMonth.objects.filter(office=office, month=month).select_related("closed_by").first()
    return existing or LedgerMonth(office=office, month=month)


def detail_url(office_id: int, month: datetime.date, anchor: str = "") -> str:
    url = reverse("ledger:month_detail", args=[office_id, month_param(month)])
    return f"{url}#{anchor}" if anchor else url


def item_anchor_url(item: LedgerItem) -> str:
    return detail_url(item.ledger.office_id, item.ledger.month, f"item-{item.pk}")


def item_rows(queryset, today: datetime.date, user=None) -> list[LedgerItem]:
    """Items with what their row shows: overdue, carried on (to the next month's copy), the log entry,
    and a link to the meeting whose resolution it came from when `user` may open that meeting."""
    items = list(
        queryset.select_related(
            "ledger", "carried_from__ledger", "carried_to__ledger", "meeting", "duty_log_entry__post"
        )
    )
    meeting_ids = {item.meeting_id for item in items if item.meeting_id}
    visible = (
        set(Meeting.objects.for_user(user).filter(pk__in=meeting_ids).values_list("pk", flat=True))
        if meeting_ids and user is not None
        else set()
    )
    for item in items:
        item.meeting_url = item.meeting.get_absolute_url() if item.meeting_id in visible else ""
        item.overdue = services.is_overdue(item, today)
        item.carried_on = getattr(item, "carried_to", None)
        item.stuck = item.carried_times >= STUCK_CARRIES
    return items


class OfficeMonthMixin:
    """The office and month of the URL, in the user's scope; `change_action` views need change rights."""

    change_action = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        self.office = scoped_office(
            request.user, kwargs["office_id"], "change" if self.change_action else "view"
        )
        self.month: datetime.date = kwargs["month"]
        self.ledger = month_of(self.office, self.month)
        self.can_change = services.ledger_offices(request.user, "change").filter(pk=self.office.pk).exists()
        return super().dispatch(request, *args, **kwargs)

    def base_context(self) -> dict:
        return {
            "office": self.office,
            "unit": unit_name(self.office),
            "ledger": self.ledger,
            "month": self.month,
            "month_param": month_param(self.month),
            "month_label": month_label(self.month),
        }


# --- An office's months, and the township's table -------------------------------------------------------


@dataclass
class MonthRow:
    month: datetime.date
    ledger: LedgerMonth | None
    summary: services.Summary | None

    @property
    def param(self) -> str:
        return month_param(self.month)

    @property
    def rate_percent(self) -> float | None:
        return percent(self.summary.clearance_rate) if self.summary else None

    @property
    def colour(self) -> str:
        return rate_colour(self.summary.clearance_rate if self.summary else None)


@dataclass
class BoardCell:
    month: datetime.date
    ledger: LedgerMonth | None
    summary: services.Summary | None
    ended: bool

    @property
    def rate_percent(self) -> float | None:
        return percent(self.summary.clearance_rate) if self.summary else None

    @property
    def colour(self) -> str:
        if self.ledger is None:
            return "secondary"
        return rate_colour(self.summary.clearance_rate if self.summary else None)

    @property
    def unclosed(self) -> bool:
        return self.ended and self.ledger is not None and not self.ledger.is_closed


@dataclass
class BoardRow:
    office: Office
    cells: list[BoardCell]

    @property
    def unit(self) -> str:
        return unit_name(self.office)

    @property
    def received(self) -> int:
        return sum(c.summary.received for c in self.cells if c.summary)

    @property
    def done(self) -> int:
        return sum(c.summary.done for c in self.cells if c.summary)

    @property
    def rate_percent(self) -> float | None:
        return percent(self.done / self.received) if self.received else None

    @property
    def colour(self) -> str:
        return rate_colour(self.done / self.received if self.received else None)

    @property
    def unclosed(self) -> int:
        return sum(1 for c in self.cells if c.unclosed)


def board(user, offices, year: int, today: datetime.date) -> list[BoardRow]:
    """Each office in scope by the twelve months of `year`: its ledger (if opened) and summary."""
    months = [datetime.date(year, m, 1) for m in range(1, 13)]
    ledgers = list(LedgerMonth.objects.for_user(user).filter(office__in=offices, month__year=year).order_by())
    summaries = services.summarise_many(ledgers, today)
    by_key = {(ledger.office_id, ledger.month): ledger for ledger in ledgers}
    rows = []
    for office in offices:
        cells = []
        for month in months:
            ledger = by_key.get((office.pk, month))
            summary = summaries.get(ledger.pk) if ledger else None
            cells.append(BoardCell(month, ledger, summary, services.month_end(month) < today))
        rows.append(BoardRow(office, cells))
    return rows


def stuck_items(user):
    return (
        LedgerItem.objects.for_user(user)
        .filter(carried_times__gte=STUCK_CARRIES, status__in=UNSETTLED, carried_to__isnull=True)
        .select_related("ledger__office__community", "ledger__office__township")
        .order_by("-carried_times", "ledger__office__township__name", "ledger__office__sort_order", "pk")
    )


class MonthListView(TemplateView):
    """The entry point. An office (and its village secretaries) see the office's months; township staff
    and the county see the township table, or one office's months with ?office=."""

    def is_township_view(self) -> bool:
        user = self.request.user
        return (user.is_superuser or user.role in (Role.TOWNSHIP_STAFF, Role.COUNTY_VIEWER)) and not (
            self.request.GET.get("office")
        )

    def get_template_names(self):
        return ["ledger/township_board.html" if self.is_township_view() else "ledger/month_list.html"]

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return self.export_board() if self.is_township_view() else self.export_office()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.is_township_view():
            context.update(self.board_context())
        else:
            context.update(self.office_context())
        return context

    # One office's months ---------------------------------------------------------------------------

    def office_context(self) -> dict:
        user, today = self.request.user, timezone.localdate()
        requested = self.request.GET.get("office")
        offices = services.ledger_offices(user).select_related("township", "community")
        if requested:
            if not requested.isdigit():
                raise Http404
            office = get_object_or_404(offices, pk=int(requested))
        else:
            office = offices.order_by("township__name", "sort_order", "pk").first()
            if office is None:
                return {"office": None}
        ledgers = list(LedgerMonth.objects.for_user(user).filter(office=office).order_by("-month"))
        summaries = services.summarise_many(ledgers, today)
        current = today.replace(day=1)
        rows = [MonthRow(ledger.month, ledger, summaries[ledger.pk]) for ledger in ledgers]
        has_current = any(row.month == current for row in rows)
        page = Paginator(rows, 24).get_page(self.request.GET.get("page"))
        can_change = services.ledger_offices(user, "change").filter(pk=office.pk).exists()
        return {
            "office": office,
            "unit": unit_name(office),
            "page_obj": page,
            "rows": page.object_list,
            "all_rows": rows,
            "current": current,
            "current_param": month_param(current),
            "has_current": has_current,
            "can_change": can_change,
            "township_view": user.is_superuser or user.role in (Role.TOWNSHIP_STAFF, Role.COUNTY_VIEWER),
            "unclosed": [
                row for row in rows if row.ledger and not row.ledger.is_closed and row.month < current
            ],
            "stuck": item_rows(stuck_items(user).filter(ledger__office=office), today, user)[:50],
        }

    def export_office(self) -> HttpResponse:
        """The office's months as its list shows them, every page of them."""
        context = self.office_context()
        if context["office"] is None:
            raise Http404
        title = _("%(unit)s monthly ledger") % {"unit": context["unit"]}
        rows = (
            [
                row.param,
                _("closed") if row.ledger and row.ledger.is_closed else _("not closed"),
                row.summary.received if row.summary else None,
                row.summary.done if row.summary else None,
                row.summary.carried if row.summary else None,
                row.summary.overdue if row.summary else None,
                row.rate_percent,
            ]
            for row in context["all_rows"]
        )
        headers = [
            _("month"),
            _("status"),
            _("received"),
            _("done"),
            _("carried"),
            _("overdue"),
            _("clearance rate (percent)"),
        ]
        content = build_workbook(
            [{"title": title, "headers": headers, "rows": rows, "unit": context["unit"]}]
        )
        return xlsx_response(content, title)

    # The township table ----------------------------------------------------------------------------

    def board_filters(self):
        user, today = self.request.user, timezone.localdate()
        year_text = self.request.GET.get("year", "")
        year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else today.year
        townships = Township.objects.for_user(user).order_by("name")
        offices = services.ledger_offices(user).select_related("township", "community")
        township_text = self.request.GET.get("township", "")
        township = None
        if township_text.isdigit():
            township = townships.filter(pk=int(township_text)).first()
            if township is not None:
                offices = offices.filter(township=township)
        offices = list(offices.order_by("township__name", "sort_order", "pk"))
        return year, townships, township, offices

    def board_context(self) -> dict:
        user, today = self.request.user, timezone.localdate()
        year, townships, township, offices = self.board_filters()
        rows = board(user, offices, year, today)
        stuck = stuck_items(user)
        if township is not None:
            stuck = stuck.filter(ledger__office__township=township)
        years = set(LedgerMonth.objects.for_user(user).values_list("month__year", flat=True)) | {today.year}
        return {
            "year": year,
            "years": sorted(years, reverse=True),
            "townships": list(townships),
            "township": township,
            "rows": rows,
            "months": [datetime.date(year, m, 1) for m in range(1, 13)],
            "stuck_count": stuck.count(),
            "stuck": item_rows(stuck, today, user)[:100],
            "stuck_carries": STUCK_CARRIES,
            "show_township": len({office.township_id for office in offices}) > 1,
            "export_query": self.request.GET.copy().urlencode(),
        }

    def export_board(self) -> HttpResponse:
        user, today = self.request.user, timezone.localdate()
        year, _townships, township, offices = self.board_filters()
        rows = board(user, offices, year, today)
        title = _("Monthly ledger clearance rates %(year)s") % {"year": year}
        unit = str(township or user.scope_unit or "") if not user.is_superuser else ""
        month_headers = [_("Month %(number)s (%%)") % {"number": m} for m in range(1, 13)]
        matrix = [
            [str(row.office.township), row.unit]
            + [cell.rate_percent for cell in row.cells]
            + [row.received, row.done, row.rate_percent, row.unclosed]
            for row in rows
        ]
        details = []
        for row in rows:
            for cell in row.cells:
                if cell.ledger is None:
                    continue
                details.append(
                    [
                        str(row.office.township),
                        row.unit,
                        month_param(cell.month),
                        cell.summary.received,
                        cell.summary.done,
                        cell.summary.carried,
                        cell.summary.overdue,
                        cell.rate_percent,
                        _("closed") if cell.ledger.is_closed else _("not closed"),
                    ]
                )
        stuck = stuck_items(user)
        if township is not None:
            stuck = stuck.filter(ledger__office__township=township)
        stuck_rows = [
            [
                str(item.ledger.office.township),
                unit_name(item.ledger.office),
                month_param(item.ledger.month),
                item.content,
                item.owner,
                item.due_on,
                item.get_status_display(),
                item.carried_times,
            ]
            for item in stuck
        ]
        content = build_workbook(
            [
                {
                    "title": title,
                    "headers": [
                        _("township"),
                        _("community / office"),
                        *month_headers,
                        _("received"),
                        _("done"),
                        _("clearance rate (percent)"),
                        _("months not closed"),
                    ],
                    "rows": matrix,
                    "unit": unit,
                },
                {
                    "title": _("Monthly ledger summaries %(year)s") % {"year": year},
                    "headers": [
                        _("township"),
                        _("community / office"),
                        _("month"),
                        _("received"),
                        _("done"),
                        _("carried"),
                        _("overdue"),
                        _("clearance rate (percent)"),
                        _("status"),
                    ],
                    "rows": details,
                    "unit": unit,
                },
                {
                    "title": _("Items carried %(times)s times or more") % {"times": STUCK_CARRIES},
                    "headers": [
                        _("township"),
                        _("community / office"),
                        _("month"),
                        _("content"),
                        _("owner"),
                        _("due on"),
                        _("status"),
                        _("times carried"),
                    ],
                    "rows": stuck_rows,
                    "unit": unit,
                },
            ]
        )
        return xlsx_response(content, title)


class MonthOpenView(OfficeMonthMixin, View):
    """Opens (creates) a month's ledger: the office's button for the current month."""

    http_method_names = ["post"]
    change_action = True

    def post(self, request, *args, **kwargs):
        if self.ledger.pk is not None:
            return redirect(detail_url(self.office.pk, self.month))
        try:
            services.open_month(self.office, self.month)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(reverse("ledger:month_list") + f"?office={self.office.pk}")
        messages.success(
            request,
            _("The ledger of %(unit)s for %(month)s is open.")
            % {"unit": unit_name(self.office), "month": month_label(self.month)},
        )
        return redirect(detail_url(self.office.pk, self.month))


# --- A month ---------------------------------------------------------------------------------------------


class MonthDetailView(OfficeMonthMixin, TemplateView):
    template_name = "ledger/month_detail.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def filtered(self):
        queryset = LedgerItem.objects.for_user(self.request.user).filter(ledger__office=self.office)
        queryset = queryset.filter(ledger=self.ledger) if self.ledger.pk else queryset.none()
        filterset = ItemFilterSet(self.request.GET or None, queryset, request=self.request)
        items = filterset.qs if filterset.is_valid() else queryset
        return filterset, items.order_by("-carried_times", "due_on", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, today = self.request.user, timezone.localdate()
        filterset, items = self.filtered()
        ledger = self.ledger
        summary = services.summarise(ledger, today) if ledger.pk else services.Summary(0, 0, 0, 0)
        # A month nobody opened yet shows its controls only if it may be opened (not an old one).
        refusal = "" if ledger.pk else services.opening_refusal(self.office.pk, self.month, today)
        editable = self.can_change and not ledger.is_closed and not refusal
        close_from = services.month_end(self.month) - datetime.timedelta(days=services.CLOSE_DAYS_AHEAD)
        context.update(self.base_context())
        context.update(
            filterset=filterset,
            filtered=bool(self.request.GET and any(v for k, v in self.request.GET.items() if k != "page")),
            items=item_rows(items, today, user),
            total=ledger.items.count() if ledger.pk else 0,
            summary=summary,
            rate_percent=percent(summary.clearance_rate),
            rate_colour=rate_colour(summary.clearance_rate),
            can_change=self.can_change,
            editable=editable,
            may_close=editable and services.may_close(user),
            close_from=close_from,
            closable_now=today >= close_from,
            may_reopen=ledger.is_closed and self.can_change and services.may_reopen(user),
            events=LedgerEvent.objects.for_user(user).filter(ledger=ledger).select_related("actor")
            if ledger.pk
            else [],
            add_form=QuickItemForm(user=user, office=self.office) if editable else None,
            opening_refusal=refusal if self.can_change else "",
            previous_param=month_param(services.previous_month(self.month)),
            next_param=month_param(services.next_month(self.month)),
            this_month=month_param(today.replace(day=1)),
            is_current=self.month == today.replace(day=1),
            stuck_carries=STUCK_CARRIES,
            export_query=self.export_query(),
        )
        return context

    def export_query(self) -> str:
        query = self.request.GET.copy()
        query["export"] = "xlsx"
        return query.urlencode()

    def export(self) -> HttpResponse:
        _filterset, items = self.filtered()
        today = timezone.localdate()
        rows = []
        for number, item in enumerate(item_rows(items, today), start=1):
            rows.append(
                [
                    number,
                    item.get_source_display(),
                    item.content,
                    item.owner,
                    item.due_on,
                    item.get_status_display(),
                    item.result,
                    item.done_on,
                    item.carried_times,
                    item_remark(item),
                ]
            )
        title = ledger_title(self.office, self.month)
        summary = services.summarise(self.ledger, today) if self.ledger.pk else services.Summary(0, 0, 0, 0)
        content = build_workbook(
            [
                {"title": title, "headers": item_headers(), "rows": rows, "unit": unit_name(self.office)},
                {
                    "title": _("Summary"),
                    "headers": [
                        _("month"),
                        _("received"),
                        _("done"),
                        _("carried"),
                        _("overdue"),
                        _("clearance rate (percent)"),
                        _("status"),
                    ],
                    "rows": [
                        [
                            month_param(self.month),
                            summary.received,
                            summary.done,
                            summary.carried,
                            summary.overdue,
                            percent(summary.clearance_rate),
                            _("closed") if self.ledger.is_closed else _("not closed"),
                        ]
                    ],
                    "unit": unit_name(self.office),
                },
            ]
        )
        return xlsx_response(content, title, dated=False)


def ledger_title(office: Office, month: datetime.date) -> str:
    return _("%(unit)s monthly ledger (%(year)s-%(month)s)") % {
        "unit": unit_name(office),
        "year": month.year,
        "month": month.month,
    }


def item_headers() -> list[str]:
    return [
        _("No."),
        _("source"),
        _("content"),
        _("owner"),
        _("due on"),
        _("status"),
        _("result"),
        _("done on"),
        _("times carried"),
        _("remarks"),
    ]


def item_remark(item: LedgerItem) -> str:
    parts = []
    if item.carried_on is not None:
        parts.append(_("carried to %(month)s") % {"month": month_param(item.carried_on.ledger.month)})
    if item.overdue:
        parts.append(_("overdue"))
    if item.carried_from is not None:
        parts.append(_("from %(month)s") % {"month": month_param(item.carried_from.ledger.month)})
    return "；".join(parts)


class MonthPrintView(OfficeMonthMixin, TemplateView):
    """The month report as filed (月清月结台账): header, summary, items, signatures; one A4 sheet or more."""

    template_name = "ledger/month_print.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        ledger = self.ledger
        items = ledger.items.for_user(self.request.user) if ledger.pk else LedgerItem.objects.none()
        summary = services.summarise(ledger, today) if ledger.pk else services.Summary(0, 0, 0, 0)
        context.update(self.base_context())
        context.update(
            title=ledger_title(self.office, self.month),
            items=item_rows(items.order_by("-carried_times", "due_on", "pk"), today),
            summary=summary,
            rate_percent=percent(summary.clearance_rate),
            printed_on=today,
        )
        return context


class MonthCloseView(OfficeMonthMixin, TemplateView):
    """月结: a confirmation page with the summary to be stored and the items that will carry (GET); the
    close (POST)."""

    template_name = "ledger/month_close.html"
    change_action = True

    def check(self) -> None:
        if not services.may_close(self.request.user):
            raise PermissionDenied

    def get(self, request, *args, **kwargs):
        self.check()
        if self.ledger.is_closed:
            messages.info(request, _("%(month)s is already closed.") % {"month": month_label(self.month)})
            return redirect(detail_url(self.office.pk, self.month))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        ledger = self.ledger
        problems: list[str] = []
        try:
            if ledger.pk:
                services.check_closable(ledger, today)
            else:
                services.check_closable(LedgerMonth(office=self.office, month=self.month), today)
        except ValidationError as error:
            problems = error.messages
        summary = (
            services.summarise(ledger, services.month_end(self.month))
            if ledger.pk
            else services.Summary(0, 0, 0, 0)
        )
        carry = item_rows(services.to_carry(ledger), today) if ledger.pk else []
        context.update(self.base_context())
        context.update(
            summary=summary,
            rate_percent=percent(summary.clearance_rate),
            carry=carry,
            problems=problems,
            stuck_carries=STUCK_CARRIES,
            next_label=month_label(services.next_month(self.month)),
        )
        return context

    def post(self, request, *args, **kwargs):
        self.check()
        try:
            with transaction.atomic():  # a refused close leaves no month opened behind it
                ledger = self.ledger if self.ledger.pk else services.open_month(self.office, self.month)
                summary = services.close_month(ledger, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(detail_url(self.office.pk, self.month))
        messages.success(
            request,
            _(
                "%(month)s is closed: %(received)s received, %(done)s done, %(carried)s carried to "
                "%(next)s, %(overdue)s overdue."
            )
            % {
                "month": month_label(self.month),
                "received": summary.received,
                "done": summary.done,
                "carried": summary.carried,
                "overdue": summary.overdue,
                "next": month_label(services.next_month(self.month)),
            },
        )
        return redirect(detail_url(self.office.pk, self.month))


class MonthReopenView(OfficeMonthMixin, TemplateView):
    """Township staff reopen a closed month with a reason (GET: the form; POST: the reopening)."""

    template_name = "ledger/month_reopen.html"
    change_action = True

    def check(self) -> None:
        if not services.may_reopen(self.request.user):
            raise PermissionDenied

    def get(self, request, *args, **kwargs):
        self.check()
        if not self.ledger.is_closed:
            messages.info(request, _("This month is not closed."))
            return redirect(detail_url(self.office.pk, self.month))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.base_context())
        context.setdefault("form", ReopenForm())
        # Months are reopened from the latest back: say so before the reason is typed, not after.
        later = (
            LedgerMonth.objects.for_user(self.request.user)
            .filter(office=self.office, month__gt=self.month, closed_at__isnull=False)
            .order_by("-month")
            .first()
        )
        context["later_closed"] = later.month if later else None
        if later:
            context["later_closed_label"] = month_label(later.month)
        return context

    def post(self, request, *args, **kwargs):
        self.check()
        form = ReopenForm(request.POST)
        if not self.ledger.pk:
            messages.error(request, _("This month is not closed."))
            return redirect(detail_url(self.office.pk, self.month))
        if form.is_valid():
            try:
                services.reopen_month(self.ledger, request.user, form.cleaned_data["reason"])
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    messages.error(request, " ".join(error.messages))
                    return redirect(detail_url(self.office.pk, self.month))
            else:
                messages.success(
                    request,
                    _("%(month)s is reopened; close it again when the corrections are made.")
                    % {"month": month_label(self.month)},
                )
                return redirect(detail_url(self.office.pk, self.month))
        return self.render_to_response(self.get_context_data(form=form))


# --- Items -------------------------------------------------------------------------------------------------


class ItemCreateView(OfficeMonthMixin, TemplateView):
    """Adds an item to the month (opening it if need be). The month page posts its quick form here; GET
    shows the whole form, prefilled from a meeting's resolutions with ?meeting=."""

    template_name = "ledger/item_form.html"
    change_action = True

    def refuse_if_closed(self):
        if self.ledger.is_closed:
            messages.error(
                self.request,
                _("The ledger of %(month)s is closed and locked.") % {"month": month_param(self.month)},
            )
            return redirect(detail_url(self.office.pk, self.month))
        return None

    def get(self, request, *args, **kwargs):
        return self.refuse_if_closed() or super().get(request, *args, **kwargs)

    def initial(self) -> dict:
        initial: dict = {}
        meeting_id = self.request.GET.get("meeting", "")
        if meeting_id.isdigit():
            from meetings.models import Meeting

            meeting = (
                Meeting.objects.for_user(self.request.user)
                .filter(pk=int(meeting_id), branch__office=self.office)
                .first()
            )
            if meeting is not None:
                # "1. 各村…" or "一、…": the item is the resolution, not its number in the minutes.
                lines = [
                    RESOLUTION_NUMBER.sub("", line).strip()
                    for line in meeting.resolutions.splitlines()
                    if line.strip()
                ]
                initial.update(
                    source=ItemSource.MEETING,
                    meeting=meeting.pk,
                    content=(lines[0] if lines else meeting.topic)[:300],
                    owner=meeting.host[:30],
                )
        for name in ("source", "content", "owner"):
            if self.request.GET.get(name):
                initial[name] = self.request.GET[name]
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.base_context())
        context.setdefault(
            "form", ItemForm(user=self.request.user, office=self.office, initial=self.initial())
        )
        context["creating"] = True
        return context

    def post(self, request, *args, **kwargs):
        refused = self.refuse_if_closed()
        if refused:
            return refused
        form_class = ItemForm if request.POST.get("full") else QuickItemForm
        form = form_class(request.POST, user=request.user, office=self.office)
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in form.fields}
            try:
                ledger = self.ledger if self.ledger.pk else services.open_month(self.office, self.month)
                item = services.add_item(ledger, request.user, **fields)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Item added: %(content)s") % {"content": item.content})
                return redirect(item_anchor_url(item))
        return self.render_to_response(self.get_context_data(form=form))


class ItemMixin:
    """An item in the user's view scope (404 otherwise); change rights or 403; a locked one refused."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        self.item = get_object_or_404(
            LedgerItem.objects.for_user(request.user).select_related(
                "ledger__office__community", "carried_from__ledger", "carried_to__ledger"
            ),
            pk=kwargs["pk"],
        )
        if not LedgerItem.objects.for_user(request.user, "change").filter(pk=self.item.pk).exists():
            raise PermissionDenied
        try:
            services.check_item_editable(self.item)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(item_anchor_url(self.item))
        self.office = self.item.ledger.office
        return super().dispatch(request, *args, **kwargs)


def apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class ItemUpdateView(ItemMixin, TemplateView):
    template_name = "ledger/item_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ledger = self.item.ledger
        initial = {}
        if self.request.GET.get("status") in ItemStatus.values:
            initial["status"] = self.request.GET["status"]
        context.update(
            office=self.office,
            unit=unit_name(self.office),
            ledger=ledger,
            month=ledger.month,
            month_param=month_param(ledger.month),
            month_label=month_label(ledger.month),
            item=self.item,
        )
        context.setdefault(
            "form", ItemForm(instance=self.item, user=self.request.user, office=self.office, initial=initial)
        )
        return context

    def post(self, request, *args, **kwargs):
        form = ItemForm(
            request.POST,
            instance=LedgerItem.objects.get(pk=self.item.pk),
            user=request.user,
            office=self.office,
        )
        if form.is_valid():
            try:
                item = services.update_item(
                    self.item, request.user, **{name: form.cleaned_data[name] for name in form.fields}
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Item saved: %(content)s") % {"content": item.content})
                return redirect(item_anchor_url(item))
        return self.render_to_response(self.get_context_data(form=form))


class ItemStatusView(ItemMixin, View):
    """The month page's quick buttons: start, settle (with a result), or set back to open."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        status = request.POST.get("status")
        if status not in ItemStatus.values:
            messages.error(request, _("Choose a status."))
            return redirect(item_anchor_url(self.item))
        fields: dict = {"status": status}
        result = request.POST.get("result", "").strip()
        if result:
            fields["result"] = result[:300]
        try:
            item = services.update_item(self.item, request.user, **fields)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            if status == ItemStatus.DONE:
                return redirect(reverse("ledger:item_update", args=[self.item.pk]) + "?status=done")
            return redirect(item_anchor_url(self.item))
        messages.success(
            request,
            _("%(content)s: %(status)s.") % {"content": item.content, "status": item.get_status_display()},
        )
        return redirect(item_anchor_url(item))
