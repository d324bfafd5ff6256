from django.urls import path

from branches import views

app_name = "branches"
urlpatterns = [
    path("", views.BranchListView.as_view(), name="branch_list"),
    path("add/", views.BranchCreateView.as_view(), name="branch_create"),
    path("<int:pk>/", views.BranchDetailView.as_view(), name="branch_detail"),
    path("<int:pk>/edit/", views.BranchUpdateView.as_view(), name="branch_update"),
    path("<int:pk>/rename/", views.BranchRenameView.as_view(), name="branch_rename"),
    path("<int:pk>/dissolve/", views.BranchDissolveView.as_view(), name="branch_dissolve"),
    path("posts/add/", views.PostCreateView.as_view(), name="post_create"),
    path("posts/<int:pk>/edit/", views.PostUpdateView.as_view(), name="post_update"),
    path("terms/add/", views.TermCreateView.as_view(), name="term_create"),
    path("terms/<int:pk>/edit/", views.TermUpdateView.as_view(), name="term_update"),
    path("reserve-cadres/add/", views.ReserveCadreCreateView.as_view(), name="reserve_create"),
    path("reserve-cadres/<int:pk>/edit/", views.ReserveCadreUpdateView.as_view(), name="reserve_update"),
]
