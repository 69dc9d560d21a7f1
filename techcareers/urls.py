from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from people import views as people_views

admin.site.site_header = "TechCareers administration"
admin.site.site_title = "TechCareers"

urlpatterns = [
    path("", people_views.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("staff/", include("people.urls")),
    path("notifications/", include("notifications.urls")),
    path("programmes/", include("programmes.urls")),
    path("exchange/", include("exchange.urls")),
    path("development/", include("development.urls")),
    path("registration/", include("registration.urls")),
    path("apprenticeships/", include("apprenticeships.urls")),
    path("action-plan/", include("actionplan.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
