from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/answer/about/<int:subject>/", views.answer, name="answer_about"),
    path("manage/", views.survey_list, name="list"),
    path("manage/new/", views.survey_create, name="create"),
    path("manage/<int:pk>/", views.survey_detail, name="detail"),
    path("manage/<int:pk>/questions/new/", views.question_add, name="question_add"),
    path("manage/<int:pk>/questions/<int:question_pk>/remove/", views.question_remove, name="question_remove"),
    path("manage/<int:pk>/publish/", views.survey_publish, name="publish"),
    path("manage/<int:pk>/results/", views.results, name="results"),
    path("manage/<int:pk>/export.csv", views.export_csv, name="export_csv"),
    path("manage/<int:pk>/export.xlsx", views.export_xlsx, name="export_xlsx"),
]
