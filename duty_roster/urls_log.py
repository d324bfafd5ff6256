"""The duty log (值班日志): a day's entries and form, an entry's edit, delete and "to the ledger", the
post's log."""

import datetime

from django.urls import path, register_converter

from duty_roster import views_log as views


class LogDayConverter:
    """A day in a path as 2026-03-09."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> datetime.date:
        return datetime.date.fromisoformat(value)  # a ValueError (2026-02-30) is a 404

    def to_url(self, value) -> str:
        return value if isinstance(value, str) else f"{value:%Y-%m-%d}"


register_converter(LogDayConverter, "log_day")

urlpatterns = [
    path("posts/<int:pk>/log/", views.LogListView.as_view(), name="log_list"),
    path("posts/<int:pk>/log/<log_day:day>/", views.LogDayView.as_view(), name="log_day"),
    path("log/<int:pk>/edit/", views.EntryUpdateView.as_view(), name="log_entry_update"),
    path("log/<int:pk>/delete/", views.EntryDeleteView.as_view(), name="log_entry_delete"),
    path("log/<int:pk>/to-ledger/", views.EntryToLedgerView.as_view(), name="log_entry_to_ledger"),
]
