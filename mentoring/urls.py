from django.urls import path

from . import views

app_name = "mentoring"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("find/", views.find, name="find"),
    path("profile/", views.profile_edit, name="profile_edit"),
    path("mentors/<int:pk>/", views.mentor_detail, name="mentor"),
    path("relationships/<int:pk>/", views.relationship_detail, name="relationship"),
    path("relationships/<int:pk>/accept/", views.relationship_accept, name="accept"),
    path("relationships/<int:pk>/decline/", views.relationship_decline, name="decline"),
    path("relationships/<int:pk>/withdraw/", views.relationship_withdraw, name="withdraw"),
    path("relationships/<int:pk>/meetings/new/", views.meeting_log, name="meeting_log"),
    path("relationships/<int:pk>/end/", views.relationship_close, name="close"),
    path("relationships/<int:pk>/feedback/", views.feedback_give, name="feedback"),
    path("overview/", views.overview, name="overview"),
    path("overview/pair/", views.pair, name="pair"),
    path("settings/", views.settings_edit, name="settings"),
]
