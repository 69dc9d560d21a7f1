from django.urls import path

from . import views

app_name = "equality"

urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("mine/withdraw/", views.withdraw, name="withdraw"),
    path("mine/export.csv", views.mine_csv, name="mine_csv"),
    path("settings/", views.settings_edit, name="settings"),
    path("look-up/", views.lookup, name="lookup"),
    path("report/", views.report, name="report"),
    path("report/export.csv", views.report_csv, name="report_csv"),
]
