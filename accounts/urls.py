from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/<int:pk>/end/", views.session_end, name="session_end"),
    path("totp/", views.totp_enrol, name="totp_enrol"),
    path("totp/remove/", views.totp_remove, name="totp_remove"),
    path("totp/verify/", views.totp_verify, name="totp_verify"),
]
