from django.urls import path

from members import import_views, views

app_name = "members"
urlpatterns = [
    # The list, a person's archive page and its edit form.
    path("", views.MemberListView.as_view(), name="member_list"),
    path("add/", views.MemberCreateView.as_view(), name="member_create"),
    path("<int:pk>/", views.MemberDetailView.as_view(), name="member_detail"),
    path("<int:pk>/edit/", views.MemberUpdateView.as_view(), name="member_update"),
    path("<int:pk>/unmask/", views.member_unmask, name="member_unmask"),
    # Actions on one person, each carried out by members.services.
    path("<int:pk>/development/add/", views.DevelopmentCreateView.as_view(), name="development_create"),
    path("<int:pk>/transfer/", views.TransferCreateView.as_view(), name="transfer_create"),
    path("<int:pk>/status/", views.StatusUpdateView.as_view(), name="status_update"),
    path("<int:pk>/contacts/add/", views.ContactCreateView.as_view(), name="contact_create"),
    path("<int:pk>/entries/add/", views.ArchiveEntryCreateView.as_view(), name="entry_create"),
    path("entries/<int:pk>/edit/", views.ArchiveEntryUpdateView.as_view(), name="entry_update"),
    # Archive completeness (R8) and the township's required entry kinds.
    path("completeness/", views.CompletenessView.as_view(), name="completeness"),
    path("completeness/required/", views.RequiredKindsView.as_view(), name="required_kinds"),
    # Excel import of rosters: upload and preview, confirm, and the template.
    path("import/", import_views.MemberImportView.as_view(), name="import"),
    path("import/checked/<int:pk>/", import_views.MemberImportCheckedView.as_view(), name="import_checked"),
    path("import/confirm/", import_views.MemberImportConfirmView.as_view(), name="import_confirm"),
    path("import/template/", import_views.MemberImportTemplateView.as_view(), name="import_template"),
]
