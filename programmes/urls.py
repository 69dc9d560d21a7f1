from django.urls import path

from . import views

app_name = "programmes"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<int:pk>/", views.programme_detail, name="programme"),
    path("cohorts/<int:pk>/apply/", views.apply, name="apply"),
    path("applications/", views.my_applications, name="my_applications"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="withdraw"),
    path("applications/<int:pk>/endorse/", views.application_endorse, name="endorse"),
    path("applications/<int:pk>/decide/", views.application_decide, name="decide"),
    path("applications/<int:pk>/evaluate/", views.application_evaluate, name="evaluate"),
    path("team/", views.team_applications, name="team"),
    path("run/", views.run_list, name="run"),
    path("run/programmes/", views.run_programmes, name="run_programmes"),
    path("run/programmes/new/", views.programme_edit, name="programme_create"),
    path("run/programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("run/programmes/<int:programme_pk>/cohorts/new/", views.cohort_edit, name="cohort_create"),
    path("run/cohorts/<int:pk>/", views.cohort_run, name="cohort_run"),
    path("run/cohorts/<int:pk>/edit/", views.cohort_edit, name="cohort_edit"),
    path("run/cohorts/<int:pk>/applicants.csv", views.cohort_applicants_csv, name="cohort_applicants_csv"),
    path("run/cohorts/<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path("run/sessions/<int:pk>/register/", views.session_register, name="register"),
    path("timetable/", views.timetable, name="timetable"),
    path("timetable/calendar/reset/", views.calendar_feed_reset, name="calendar_feed_reset"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
