from django.urls import path

from . import views

app_name = "guidance"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.page_create, name="page_create"),
    path("<slug:slug>/", views.page, name="page"),
    path("<slug:slug>/versions/new/", views.version_create, name="version_create"),
    path("<slug:slug>/versions/<int:number>/", views.version, name="version"),
    path("<slug:slug>/reviews/new/", views.review_create, name="review_create"),
]
