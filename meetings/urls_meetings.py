"""Meetings, their attendance, democratic review, print and export."""

from django.urls import path

from meetings import views

urlpatterns = [
    path("", views.MeetingListView.as_view(), name="meeting_list"),
    path("add/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path("<int:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("<int:pk>/edit/", views.MeetingUpdateView.as_view(), name="meeting_update"),
    path("<int:pk>/delete/", views.MeetingDeleteView.as_view(), name="meeting_delete"),
    path("<int:pk>/attendance/", views.AttendanceView.as_view(), name="meeting_attendance"),
    path("<int:pk>/review/", views.ReviewView.as_view(), name="meeting_review"),
    path("<int:pk>/print/", views.MeetingPrintView.as_view(), name="meeting_print"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
]
