"""The duty posts, their month rota (calendar, generate, publish, a day by hand, print, export) and the
township's holidays."""

from django.urls import path, register_converter

from duty_roster import views_roster as views


class MonthConverter:
    """A month 01–12 in a path, written with two digits: /posts/3/2026-03/print/."""

    regex = "0[1-9]|1[0-2]"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{int(value):02d}"


register_converter(MonthConverter, "duty_month")

urlpatterns = [
    path("posts/", views.PostListView.as_view(), name="post_list"),
    path("posts/add/", views.PostCreateView.as_view(), name="post_create"),
    path("posts/<int:pk>/", views.PostDetailView.as_view(), name="post_detail"),
    path("posts/<int:pk>/edit/", views.PostUpdateView.as_view(), name="post_update"),
    path("posts/<int:pk>/members/sync/", views.MemberSyncView.as_view(), name="member_sync"),
    path("posts/<int:pk>/members/<int:member_pk>/move/", views.MemberMoveView.as_view(), name="member_move"),
    path(
        "posts/<int:pk>/members/<int:member_pk>/active/",
        views.MemberActiveView.as_view(),
        name="member_active",
    ),
    path(
        "posts/<int:pk>/<int:year>-<duty_month:month>/generate/",
        views.MonthGenerateView.as_view(),
        name="month_generate",
    ),
    path(
        "posts/<int:pk>/<int:year>-<duty_month:month>/publish/",
        views.MonthPublishView.as_view(),
        name="month_publish",
    ),
    path(
        "posts/<int:pk>/<int:year>-<duty_month:month>/print/",
        views.MonthPrintView.as_view(),
        name="month_print",
    ),
    path(
        "posts/<int:pk>/<int:year>-<duty_month:month>/export/",
        views.MonthExportView.as_view(),
        name="month_export",
    ),
    path("days/<int:pk>/edit/", views.DayUpdateView.as_view(), name="day_update"),
    path("calendar/", views.CalendarListView.as_view(), name="calendar_list"),
    path("calendar/add/", views.CalendarCreateView.as_view(), name="calendar_create"),
    path("calendar/<int:pk>/edit/", views.CalendarUpdateView.as_view(), name="calendar_update"),
]
