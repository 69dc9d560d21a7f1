from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("me/edit/", views.profile_edit_own, name="edit_own"),
    path("<int:pk>/", views.profile_detail, name="profile"),
    path("<int:pk>/record/", views.staff_record_edit, name="edit_record"),
]
