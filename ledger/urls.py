"""The monthly ledger (月清月结): the months of an office or the township's table, a month with its items,
close and reopen, print and export."""

import datetime

from django.urls import path, register_converter

from ledger import views


class LedgerMonthConverter:
    """A month in a path as 2026-03; the view gets the month's first day."""

    regex = r"\d{4}-(?:0[1-9]|1[0-2])"

    def to_python(self, value: str) -> datetime.date:
        year, month = value.split("-")
        if not 2000 <= int(year) <= 2100:
            raise ValueError(value)
        return datetime.date(int(year), int(month), 1)

    def to_url(self, value) -> str:
        return value if isinstance(value, str) else f"{value:%Y-%m}"


register_converter(LedgerMonthConverter, "ledger_month")

app_name = "ledger"
urlpatterns = [
    path("", views.MonthListView.as_view(), name="month_list"),
    path("<int:office_id>/<ledger_month:month>/", views.MonthDetailView.as_view(), name="month_detail"),
    path("<int:office_id>/<ledger_month:month>/open/", views.MonthOpenView.as_view(), name="month_open"),
    path("<int:office_id>/<ledger_month:month>/print/", views.MonthPrintView.as_view(), name="month_print"),
    path("<int:office_id>/<ledger_month:month>/close/", views.MonthCloseView.as_view(), name="month_close"),
    path(
        "<int:office_id>/<ledger_month:month>/reopen/", views.MonthReopenView.as_view(), name="month_reopen"
    ),
    path(
        "<int:office_id>/<ledger_month:month>/items/add/", views.ItemCreateView.as_view(), name="item_create"
    ),
    path("items/<int:pk>/edit/", views.ItemUpdateView.as_view(), name="item_update"),
    path("items/<int:pk>/status/", views.ItemStatusView.as_view(), name="item_status"),
]
