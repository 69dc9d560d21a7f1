from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<int:pk>/offers/new/", views.offer_create, name="offer_create"),
    path("rounds/<int:pk>/feasibility/", views.feasibility, name="feasibility"),
    path("rounds/<int:pk>/feasibility.csv", views.feasibility_csv, name="feasibility_csv"),
    path("offers/<int:pk>/", views.offer_detail, name="offer"),
    path("offers/<int:pk>/edit/", views.offer_edit, name="offer_edit"),
    path("offers/<int:pk>/apply/", views.offer_apply, name="offer_apply"),
    path("mine/", views.my_exchanges, name="mine"),
    path("approvals/", views.approvals, name="approvals"),
    path("placements/<int:pk>/", views.placement_detail, name="placement"),
    path("placements/<int:pk>/approve/", views.placement_approve, name="placement_approve"),
    path("placements/<int:pk>/decline/", views.placement_decline, name="placement_decline"),
    path("placements/<int:pk>/schedule/", views.placement_schedule, name="placement_schedule"),
    path("placements/<int:pk>/days/<str:day>/", views.placement_record_day, name="placement_record_day"),
    path("placements/<int:pk>/feedback/", views.placement_feedback, name="placement_feedback"),
    path("placements/<int:pk>/cancel/", views.placement_cancel, name="placement_cancel"),
]
