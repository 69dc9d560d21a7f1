from django.urls import path

from . import views

app_name = "apprenticeships"

urlpatterns = [
    path("", views.home, name="home"),
    path("programme/", views.programme, name="programme"),
    path("reference/", views.reference, name="reference"),
    path("standards/new/", views.standard_create, name="standard_create"),
    path("standards/<int:pk>/edit/", views.standard_edit, name="standard_edit"),
    path("providers/new/", views.provider_create, name="provider_create"),
    path("providers/<int:pk>/", views.provider_detail, name="provider"),
    path("providers/sector/", views.sector_recommendations, name="sector"),
    path("providers/<int:pk>/edit/", views.provider_edit, name="provider_edit"),
    path("providers/<int:pk>/contacts/invite/", views.provider_contact_invite, name="provider_contact_invite"),
    path("provider-contacts/<int:pk>/resend/", views.provider_contact_resend, name="provider_contact_resend"),
    path(
        "provider-contacts/<int:pk>/deactivate/", views.provider_contact_deactivate, name="provider_contact_deactivate"
    ),
    path("provider-invitation/<str:token>/", views.provider_invitation, name="provider_invitation"),
    path("provider/", views.provider_home, name="provider_home"),
    path("provider/<int:pk>/", views.provider_apprentice, name="provider_apprentice"),
    path("provider/reviews/<int:pk>/sign/", views.provider_review_sign, name="provider_review_sign"),
    path("intakes/new/", views.intake_create, name="intake_create"),
    path("intakes/<int:pk>/", views.intake_detail, name="intake"),
    path("intakes/<int:pk>/edit/", views.intake_edit, name="intake_edit"),
    path("enrol/", views.enrol, name="enrol"),
    path("offer-to-mentor/", views.offer_to_mentor, name="offer_to_mentor"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("requests/<int:pk>/enrol/", views.request_enrol, name="request_enrol"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/mentor/", views.mentor, name="mentor"),
    path("<int:pk>/hours/", views.hours_log, name="hours"),
    path("<int:pk>/reviews/new/", views.review_new, name="review_new"),
    path("reviews/<int:pk>/sign/<str:party>/", views.review_sign, name="review_sign"),
    path("<int:pk>/break/", views.break_start, name="break_start"),
    path("<int:pk>/break/end/", views.break_end, name="break_end"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/gateway/", views.gateway, name="gateway"),
    path("<int:pk>/assessment/", views.assessment, name="assessment"),
    path("<int:pk>/destination/", views.destination, name="destination"),
]
