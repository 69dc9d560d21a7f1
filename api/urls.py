from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import endpoints, views

app_name = "api"

urlpatterns = [
    # The institution administrator's pages.
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/", views.token_detail, name="token"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("docs/", views.docs, name="docs"),
    # The API itself.
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("v1/token/", endpoints.TokenInfo.as_view(), name="token_info"),
    path("v1/training-completions/", endpoints.TrainingCompletions.as_view(), name="training_completions"),
    path("v1/staff-changes/", endpoints.StaffChanges.as_view(), name="staff_changes"),
    path("v1/staff/<str:staff_number>/", endpoints.StaffPerson.as_view(), name="staff_person"),
    path("v1/opportunities/", endpoints.Opportunities.as_view(), name="opportunities"),
    path("v1/opportunities.atom", endpoints.OpportunitiesAtom.as_view(), name="opportunities_atom"),
    path("v1/plans/", endpoints.Plans.as_view(), name="plans"),
    path("v1/plans/<int:pk>/measures/", endpoints.Measures.as_view(), name="measures"),
    path("v1/reports/", endpoints.Reports.as_view(), name="reports"),
    path("v1/reports/<slug:key>/", endpoints.ReportFigures.as_view(), name="report"),
]
