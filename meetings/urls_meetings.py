"""Meetings, their attendance, democratic review, print and export."""

urlpatterns = []
