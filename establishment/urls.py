from django.urls import path

from establishment import board_views, views

app_name = "establishment"
urlpatterns = [
    # Establishment requests (书面请示) and their path.
    path("requests/", views.RequestListView.as_view(), name="request_list"),
    path("requests/add/", views.RequestCreateView.as_view(), name="request_create"),
    path("requests/<int:pk>/", views.RequestDetailView.as_view(), name="request_detail"),
    path("requests/<int:pk>/edit/", views.RequestUpdateView.as_view(), name="request_update"),
    path("requests/<int:pk>/submit/", views.RequestSubmitView.as_view(), name="request_submit"),
    path("requests/<int:pk>/return/", views.RequestReturnView.as_view(), name="request_return"),
    path("requests/<int:pk>/approve/", views.RequestApproveView.as_view(), name="request_approve"),
    path("requests/<int:pk>/report/", views.RequestReportView.as_view(), name="request_report"),
    path("requests/<int:pk>/consent/", views.RequestConsentView.as_view(), name="request_consent"),
    path("requests/<int:pk>/print/", views.RequestPrintView.as_view(), name="request_print"),
    path("requests/<int:pk>/print/approval/", views.ApprovalPrintView.as_view(), name="approval_print"),
    path("requests/<int:pk>/print/report/", views.ReportPrintView.as_view(), name="report_print"),
    path("requests/attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    # The campaign (R9, R10): its board, the survey (摸底), opinion collection, good practices.
    path("campaigns/", board_views.CampaignListView.as_view(), name="campaign_list"),
    path("campaigns/add/", board_views.CampaignCreateView.as_view(), name="campaign_create"),
    path("campaigns/<int:pk>/", board_views.CampaignBoardView.as_view(), name="campaign_board"),
    path("campaigns/<int:pk>/edit/", board_views.CampaignUpdateView.as_view(), name="campaign_update"),
    path("surveys/", board_views.SurveyListView.as_view(), name="survey_list"),
    path("surveys/add/", board_views.SurveyCreateView.as_view(), name="survey_create"),
    path("surveys/<int:pk>/", board_views.SurveyDetailView.as_view(), name="survey_detail"),
    path("opinions/", board_views.OpinionSessionListView.as_view(), name="opinion_list"),
    path("opinions/add/", board_views.OpinionSessionCreateView.as_view(), name="opinion_create"),
    path("opinions/<int:pk>/", board_views.OpinionSessionDetailView.as_view(), name="opinion_detail"),
    path("opinions/<int:pk>/edit/", board_views.OpinionSessionUpdateView.as_view(), name="opinion_update"),
    path("practices/", board_views.GoodPracticeListView.as_view(), name="practice_list"),
    path("practices/add/", board_views.GoodPracticeCreateView.as_view(), name="practice_create"),
    path("practices/<int:pk>/", board_views.GoodPracticeDetailView.as_view(), name="practice_detail"),
    path("practices/<int:pk>/edit/", board_views.GoodPracticeUpdateView.as_view(), name="practice_update"),
    path("practices/<int:pk>/publish/", board_views.PracticePublishView.as_view(), name="practice_publish"),
    path(
        "practices/<int:pk>/unpublish/",
        board_views.PracticeUnpublishView.as_view(),
        name="practice_unpublish",
    ),
]
