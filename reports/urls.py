from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("schedules/<int:pk>/stop/", views.schedule_stop, name="schedule_stop"),
    path("<slug:key>/", views.report, name="report"),
    path("<slug:key>/report.csv", views.report_csv, name="report_csv"),
    path("<slug:key>/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("<slug:key>/schedules/", views.schedule_create, name="schedule_create"),
]
