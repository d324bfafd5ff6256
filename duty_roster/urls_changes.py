"""Leave, swaps and covers, today's duty board, a secretary's upcoming duties and his calendar feed."""

from django.urls import path

from duty_roster import views_changes as views

urlpatterns: list = [
    path("posts/<int:post_pk>/leave/", views.LeaveListView.as_view(), name="leave_list"),
    path("posts/<int:post_pk>/leave/add/", views.LeaveCreateView.as_view(), name="leave_create"),
    path("posts/<int:post_pk>/changes/", views.ChangeListView.as_view(), name="change_list"),
    path("days/<int:pk>/change/", views.ChangeRequestView.as_view(), name="change_request"),
    path("days/<int:pk>/reassign/", views.DayReassignView.as_view(), name="day_reassign"),
    path("changes/<int:pk>/accept/", views.ChangeDecisionView.as_view(accept=True), name="change_accept"),
    path("changes/<int:pk>/decline/", views.ChangeDecisionView.as_view(accept=False), name="change_decline"),
    path("today/", views.TodayView.as_view(), name="today"),
    path("me/upcoming/", views.UpcomingView.as_view(), name="upcoming"),
    path("me/feed/reset/", views.FeedResetView.as_view(), name="feed_reset"),
    path("ical/<slug:token>.ics", views.ical_feed, name="ical_feed"),
]
