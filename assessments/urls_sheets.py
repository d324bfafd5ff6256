"""A community's score sheet: self-assessment, inspector scoring, print, objection."""

from django.urls import path

from assessments import views_sheets as views

urlpatterns = [
    path("sheets/<int:pk>/", views.sheet_detail, name="sheet_detail"),
    path("sheets/<int:pk>/self/", views.sheet_self, name="sheet_self"),
    path("sheets/<int:pk>/self/submit/", views.sheet_submit_self, name="sheet_submit_self"),
    path("sheets/<int:pk>/score/", views.sheet_score, name="sheet_score"),
    path("sheets/<int:pk>/print/", views.sheet_print, name="sheet_print"),
    path("sheets/<int:pk>/objection/", views.sheet_objection, name="sheet_objection"),
    path("attachments/<int:pk>/", views.entry_attachment, name="entry_attachment"),
]
