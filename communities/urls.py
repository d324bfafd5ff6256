from django.urls import path

from communities import views

app_name = "communities"
urlpatterns = [
    path("townships/", views.TownshipListView.as_view(), name="township_list"),
    path("townships/<int:pk>/", views.TownshipDetailView.as_view(), name="township_detail"),
    path("offices/", views.OfficeListView.as_view(), name="office_list"),
    path("offices/<int:pk>/", views.OfficeDetailView.as_view(), name="office_detail"),
    path("offices/<int:pk>/edit/", views.OfficeUpdateView.as_view(), name="office_update"),
    path("villages/", views.VillageListView.as_view(), name="village_list"),
    path("villages/add/", views.VillageCreateView.as_view(), name="village_create"),
    path("villages/<int:pk>/", views.VillageDetailView.as_view(), name="village_detail"),
    path("villages/<int:pk>/edit/", views.VillageUpdateView.as_view(), name="village_update"),
    path("communities/add/", views.CommunityCreateView.as_view(), name="community_create"),
    path("communities/<int:pk>/edit/", views.CommunityUpdateView.as_view(), name="community_update"),
]
