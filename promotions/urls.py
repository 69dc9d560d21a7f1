from django.urls import path

from . import views

app_name = "promotions"

urlpatterns = [
    path("", views.home, name="home"),
    path("criteria/", views.criteria, name="criteria"),
    path("criteria/new/", views.criteria_new, name="criteria_new"),
    path("criteria/<int:pk>/", views.criteria_version, name="criteria_version"),
    path("my-qualification/", views.declaration, name="declaration"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/new/", views.round_edit, name="round_new"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<int:pk>/intend/", views.round_intend, name="intend"),
    path("rounds/<int:pk>/workshop/", views.round_workshop, name="workshop"),
    path("rounds/<int:pk>/summary/", views.round_summary, name="summary"),
    path("rounds/<int:pk>/summary/publish/", views.summary_publish, name="summary_publish"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/submit/", views.application_submit, name="submit"),
    path("applications/<int:pk>/support/", views.application_support, name="support"),
    path("applications/<int:pk>/outcome/", views.application_outcome, name="outcome"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="withdraw"),
    path("vacancies/", views.vacancies, name="vacancies"),
    path("vacancies/<int:pk>/edit/", views.vacancy_edit, name="vacancy_edit"),
]
