"""The cadence rules and the compliance table."""

from django.urls import path

from meetings import views_cadence as views

urlpatterns = [
    path("cadence/", views.compliance_view, name="cadence"),
    path("cadence/rules/", views.rules_view, name="cadence_rules"),
]
