"""The meetings' URLs: the register of meetings with attendance and review, and the cadence pages."""

from meetings import urls_cadence, urls_meetings

app_name = "meetings"
urlpatterns = urls_meetings.urlpatterns + urls_cadence.urlpatterns
