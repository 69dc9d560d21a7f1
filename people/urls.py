from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("staff-list.csv", views.staff_list_csv, name="staff_list_csv"),
    path("me/edit/", views.profile_edit_own, name="edit_own"),
    path("welcome/", views.onboarding, name="onboarding"),
    path("confirmations/", views.confirmations, name="confirmations"),
    path("confirmations/<int:pk>/answer/", views.confirmation_answer, name="confirmation_answer"),
    path("audit/", views.audit_log, name="audit_log"),
    path("import/", views.import_upload, name="import_upload"),
    path("personal-data/", views.personal_data, name="personal_data"),
    path("<int:pk>/personal-data/", views.personal_data_person, name="personal_data_person"),
    path("<int:pk>/personal-data/export/<str:fmt>/", views.personal_data_export, name="personal_data_export"),
    path("<int:pk>/personal-data/erase/", views.personal_data_erase, name="personal_data_erase"),
    path("import/<int:pk>/", views.import_detail, name="import"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("celebrations/", views.celebrations, name="celebrations"),
    path("celebrations/mine/", views.celebrations_mine, name="celebrations_mine"),
    path("celebrations/<int:pk>/consent/", views.celebration_consent, name="celebration_consent"),
    path("<int:pk>/history/", views.career_history, name="history"),
    path("<int:pk>/", views.profile_detail, name="profile"),
    path("<int:pk>/record/", views.staff_record_edit, name="edit_record"),
]
