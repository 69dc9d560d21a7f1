from django.urls import path

from . import views

app_name = "sso"

urlpatterns = [
    path("", views.where, name="where"),
    path("confirm/", views.reauthenticate, name="reauthenticate"),
]
