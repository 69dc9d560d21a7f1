from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/", views.notification_detail, name="detail"),
    path("preferences/", views.preferences, name="preferences"),
    path("messages/", views.message_template_list, name="message_templates"),
    path("stuck/", views.stuck_messages, name="stuck"),
    path("stuck/<int:pk>/", views.stuck_message_resolve, name="stuck_resolve"),
    path("messages/<str:kind>/", views.message_template_edit, name="message_template_edit"),
]
