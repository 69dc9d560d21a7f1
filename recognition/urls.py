from django.urls import path

from . import views

app_name = "recognition"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("import/orcid/", views.import_orcid, name="import_orcid"),
    path("import/file/", views.import_file, name="import_file"),
    path("import/doi/", views.import_doi, name="import_doi"),
    path("imports/<int:pk>/", views.import_run, name="import_run"),
    path("outputs/", views.outputs, name="outputs"),
    path("outputs/new/", views.output_new, name="output_new"),
    path("outputs/<int:pk>/", views.output_detail, name="output"),
    path("outputs/<int:pk>/edit/", views.output_edit, name="output_edit"),
    path("outputs/<int:pk>/delete/", views.output_delete, name="output_delete"),
    path("outputs/<int:pk>/celebrate/", views.output_celebrate, name="output_celebrate"),
    path("cases/", views.cases, name="cases"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("prizes/", views.prizes, name="prizes"),
    path("prizes/new/", views.prize_form, name="prize_new"),
    path("prizes/<int:pk>/edit/", views.prize_form, name="prize_edit"),
    path("nominations/new/", views.nomination_new, name="nomination_new"),
    path("nominations/<int:pk>/", views.nomination_detail, name="nomination"),
    path("nominations/<int:pk>/agree/", views.nomination_agree, name="nomination_agree"),
    path("nominations/<int:pk>/submit/", views.nomination_submit, name="nomination_submit"),
    path("nominations/<int:pk>/withdraw/", views.nomination_withdraw, name="nomination_withdraw"),
    path("nominations/<int:pk>/outcome/", views.nomination_decide, name="nomination_decide"),
    path("report/", views.report, name="report"),
    path("report/publish/", views.report_publish, name="report_publish"),
]
