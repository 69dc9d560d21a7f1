from django.urls import path

from . import views

app_name = "registration"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("start/", views.start, name="start"),
    path("journeys/<int:pk>/", views.journey_detail, name="journey"),
    path("journeys/<int:pk>/mentor/", views.journey_record_mentor, name="record_mentor"),
    path("journeys/<int:pk>/prepare/", views.journey_prepare, name="prepare"),
    path("journeys/<int:pk>/statements/<int:area_index>/", views.statement_edit, name="statement"),
    path("journeys/<int:pk>/supporter/", views.journey_supporter, name="supporter"),
    path("journeys/<int:pk>/agree/", views.journey_agree, name="agree"),
    path("journeys/<int:pk>/submit/", views.journey_submit, name="submit"),
    path("journeys/<int:pk>/outcome/", views.journey_outcome, name="outcome"),
    path("journeys/<int:pk>/renewal/", views.journey_renewal, name="renewal"),
    path("journeys/<int:pk>/withdraw/", views.journey_withdraw, name="withdraw"),
    path("cpd/", views.cpd, name="cpd"),
    path("cpd/audit-pack.pdf", views.audit_pack, name="audit_pack"),
    path("journeys/", views.journeys, name="journeys"),
    path("programme/", views.programme, name="programme"),
    path("programme/cohorts/<int:pk>/", views.cohort, name="cohort"),
    path("leadership/", views.leadership, name="leadership"),
    path("leadership/cohorts/<int:pk>/", views.leadership_cohort, name="leadership_cohort"),
    path("figures/", views.champion, name="champion"),
    path("settings/", views.settings_edit, name="settings"),
]
