"""The duty roster's URLs, one list per part of the app (the rota, changes to it, sign-in and scoring, the
duty log)."""

from duty_roster import urls_changes, urls_log, urls_roster, urls_signin

app_name = "duty_roster"
urlpatterns = (
    urls_roster.urlpatterns + urls_changes.urlpatterns + urls_signin.urlpatterns + urls_log.urlpatterns
)
