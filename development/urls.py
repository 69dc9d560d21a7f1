from django.urls import path

from . import views

app_name = "development"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("requests/<int:pk>/cancel/", views.request_cancel, name="request_cancel"),
    path("requests/<int:pk>/done/", views.request_complete, name="request_complete"),
    path("records/new/", views.record_create, name="record_create"),
    path("records/export.csv", views.records_export, name="records_export"),
    path("records/<int:pk>/", views.record_detail, name="record"),
    path("records/<int:pk>/edit/", views.record_edit, name="record_edit"),
    path("records/<int:pk>/delete/", views.record_delete, name="record_delete"),
    path("records/<int:pk>/evidence/", views.record_evidence, name="record_evidence"),
    path("team/", views.team, name="team"),
    path("team/approve/", views.team_approve, name="team_approve"),
    path("people/<int:pk>/", views.person, name="person"),
    path("delegates/", views.delegates, name="delegates"),
    path("delegates/<int:pk>/remove/", views.delegate_remove, name="delegate_remove"),
    path("policy/", views.policy_edit, name="policy"),
    path("guidance/", views.guidance, name="guidance"),
    path("guidance/new/", views.guidance_create, name="guidance_create"),
    path("guidance/<int:pk>/", views.guidance_version, name="guidance_version"),
    path("imports/", views.import_upload, name="import_upload"),
    path("imports/<int:pk>/", views.import_detail, name="import"),
    path("imports/<int:pk>/import/", views.import_commit, name="import_commit"),
    path("report/", views.report, name="report"),
    path("report/training.csv", views.report_csv, name="report_csv"),
]
