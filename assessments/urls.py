"""The assessment's URLs: the inspections and their rectification items, the scoring templates."""

from django.urls import path

from assessments import urls_rounds, urls_sheets, urls_templates, views

app_name = "assessments"
urlpatterns = [
    path("inspections/", views.InspectionListView.as_view(), name="inspection_list"),
    path("inspections/add/", views.InspectionCreateView.as_view(), name="inspection_create"),
    path("inspections/<int:pk>/", views.InspectionDetailView.as_view(), name="inspection_detail"),
    path("inspections/<int:pk>/edit/", views.InspectionUpdateView.as_view(), name="inspection_update"),
    path("inspections/<int:pk>/delete/", views.InspectionDeleteView.as_view(), name="inspection_delete"),
    path("inspections/<int:pk>/print/", views.InspectionPrintView.as_view(), name="inspection_print"),
    path(
        "inspections/<int:pk>/rectifications/add/",
        views.RectificationCreateView.as_view(),
        name="rectification_create",
    ),
    path("rectifications/", views.RectificationListView.as_view(), name="rectification_list"),
    path(
        "rectifications/<int:pk>/edit/", views.RectificationUpdateView.as_view(), name="rectification_update"
    ),
    path(
        "rectifications/<int:pk>/evidence/",
        views.evidence_download,
        name="rectification_evidence",
    ),
    *urls_templates.urlpatterns,
    *urls_rounds.urlpatterns,
    *urls_sheets.urlpatterns,
]
