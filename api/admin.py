from django.contrib import admin

from .models import ServiceToken


@admin.register(ServiceToken)
class ServiceTokenAdmin(admin.ModelAdmin):
    """Read-only: tokens are made and revoked by institution administrators on the portal's pages."""

    list_display = ["name", "institution", "created_by", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["institution"]
    readonly_fields = [f.name for f in ServiceToken._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
