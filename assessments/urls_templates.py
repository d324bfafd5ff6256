"""The scoring templates' pages."""

from django.urls import path

from assessments import views_templates as views

urlpatterns = [
    path("templates/", views.TemplateListView.as_view(), name="template_list"),
    path("templates/new/", views.TemplateCreateView.as_view(), name="template_create"),
    path("templates/<int:pk>/", views.TemplateDetailView.as_view(), name="template_detail"),
    path("templates/<int:pk>/edit/", views.TemplateUpdateView.as_view(), name="template_update"),
    path(
        "templates/<int:pk>/items/add/", views.TemplateItemCreateView.as_view(), name="template_item_create"
    ),
    path(
        "templates/items/<int:pk>/edit/", views.TemplateItemUpdateView.as_view(), name="template_item_update"
    ),
    path(
        "templates/items/<int:pk>/delete/",
        views.TemplateItemDeleteView.as_view(),
        name="template_item_delete",
    ),
    path("templates/items/<int:pk>/move/", views.TemplateItemMoveView.as_view(), name="template_item_move"),
]
