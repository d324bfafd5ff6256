"""The assessment round's pages: rounds, ranking, publishing, objections, year-on-year."""

from django.urls import path

from assessments import views_rounds as views

urlpatterns = [
    path("rounds/", views.RoundListView.as_view(), name="round_list"),
    path("rounds/compare/", views.RoundCompareView.as_view(), name="round_compare"),
    path("rounds/<int:pk>/", views.RoundDetailView.as_view(), name="round_detail"),
    path("rounds/<int:pk>/<slug:action>/", views.RoundActionView.as_view(), name="round_action"),
    path("rounds/objections/<int:pk>/answer/", views.ObjectionAnswerView.as_view(), name="objection_answer"),
]
