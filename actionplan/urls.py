from django.urls import path

from . import views

app_name = "actionplan"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.my_actions, name="mine"),
    path("owners/", views.owners, name="owners"),
    path("owners/<int:pk>/", views.owner_edit, name="owner_edit"),
    path("<int:pk>/settings/", views.plan_settings, name="plan_settings"),
    path("<int:pk>/", views.dashboard, name="dashboard"),
    path("<int:pk>/summary/", views.summary, name="summary"),
    path("<int:pk>/submission/", views.submission, name="submission"),
    path("<int:pk>/snapshots/", views.snapshots_record, name="snapshots_record"),
    path("<int:pk>/reports/", views.report_start, name="report_start"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/update/", views.item_update, name="item_update"),
    path("items/<int:pk>/my-update/", views.my_action_update, name="my_action_update"),
    path("measures/<int:pk>/record/", views.measure_record, name="measure_record"),
    path("measures/<int:pk>/evidence/", views.measure_evidence, name="measure_evidence"),
    path("updates/<int:pk>/evidence/", views.update_evidence, name="update_evidence"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/download/", views.report_download, name="report_download"),
]
