from django.urls import path

from . import views

app_name = "pathways"

urlpatterns = [
    path("", views.pathway_map, name="map"),
    path("next-step/", views.next_step, name="next_step"),
    path("published/<slug:slug>/", views.public, name="public"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.pathway_create, name="pathway_create"),
    path("manage/<int:pk>/", views.pathway_edit, name="pathway_edit"),
    path("manage/<int:pk>/history/", views.history, name="history"),
    path("manage/<int:pk>/routes/new/", views.route_add, name="route_add"),
    path("manage/routes/<int:pk>/remove/", views.route_remove, name="route_remove"),
    path("manage/steps/<int:pk>/", views.step_edit, name="step_edit"),
    path("frameworks/upload/", views.framework_upload, name="framework_upload"),
    path("frameworks/<int:pk>/", views.framework, name="framework"),
    path("self-assessment/", views.assessment, name="assessment"),
    path("self-assessment/<int:pk>/review/", views.review_assessment, name="review_assessment"),
    path("plan/", views.plan, name="plan"),
    path("plan/<int:pk>/submit/", views.plan_submit, name="plan_submit"),
    path("plan/<int:pk>/reopen/", views.plan_reopen, name="plan_reopen"),
    path("plan/<int:pk>/review/", views.review_plan, name="review_plan"),
    path("plan/<int:pk>/plan.pdf", views.plan_pdf, name="plan_pdf"),
    path("plan/goals/<int:pk>/progress/", views.goal_mark, name="goal_mark"),
    path("plan/goals/<int:pk>/remove/", views.goal_remove, name="goal_remove"),
    path("readiness/", views.readiness, name="readiness"),
]
