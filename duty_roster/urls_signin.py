"""Fixed-point sign-in (定点签到), manual sign-in (补签), the monthly statistics and one's own record."""

from django.urls import path

from duty_roster import views_signin

urlpatterns = [
    path("posts/<int:pk>/qr/", views_signin.signin_qr, name="signin_qr"),
    path("sign-in/<str:token>/", views_signin.signin, name="signin"),
    path("posts/<int:pk>/sign-ins/add/", views_signin.signin_manual, name="signin_manual"),
    path("posts/<int:pk>/stats/", views_signin.stats_month, name="stats_month"),
    path("me/", views_signin.my_record, name="my_record"),
]
