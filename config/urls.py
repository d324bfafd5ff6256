from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.views import PasswordChangeView
from communities.views import home
from config.views import healthz

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    # Only these: password reset by e-mail is not offered (township staff reset passwords).
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password_change/", PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("communities.urls")),
    path("branches/", include("branches.urls")),
    path("members/", include("members.urls")),
    path("establishment/", include("establishment.urls")),
    path("duty/", include("duty_roster.urls")),
    path("meetings/", include("meetings.urls")),
    path("ledger/", include("ledger.urls")),
    path("assessments/", include("assessments.urls")),
    path("jobs/", include("jobs.urls")),
    path("reports/", include("reports.urls")),
    path("audit/", include("audit.urls")),
]

# A database outage answers 503 with its own page (config.views.server_error).
handler500 = "config.views.server_error"
