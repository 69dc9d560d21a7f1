from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView
from django.views.static import serve

from people import views as people_views

admin.site.site_header = "TechCareers administration"
admin.site.site_title = "TechCareers"
# The admin signs in through allauth (its rate limits and second factor), never its own form.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", people_views.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("sign-in/", include("sso.urls")),
    path("staff/", include("people.urls")),
    path("notifications/", include("notifications.urls")),
    path("programmes/", include("programmes.urls")),
    path("exchange/", include("exchange.urls")),
    path("development/", include("development.urls")),
    path("surveys/", include("surveys.urls")),
    path("registration/", include("registration.urls")),
    path("apprenticeships/", include("apprenticeships.urls")),
    path("mentoring/", include("mentoring.urls")),
    path("guidance/", include("guidance.urls")),
    path("promotions/", include("promotions.urls")),
    path("recognition/", include("recognition.urls")),
    path("action-plan/", include("actionplan.urls")),
    path("equality/", include("equality.urls")),
    path("pathways/", include("pathways.urls")),
    path("reports/", include("reports.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
    path("accessibility/", TemplateView.as_view(template_name="accessibility.html"), name="accessibility"),
    # Browsers ask for /favicon.ico on every site whatever the page says; one small public file.
    path("favicon.ico", serve, {"path": "favicon.ico", "document_root": settings.BASE_DIR / "static"}),
]

# Uploaded files (evidence, reports) are never served from MEDIA_URL: each app serves its own
# files through a view that checks who may see them.
