from django.contrib import admin

from .models import MessageTemplate, Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["kind", "recipient", "status", "created_at", "sent_at"]
    list_filter = ["status", "kind", "channel"]
    search_fields = ["recipient__email", "idempotency_key"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    list_select_related = ["recipient"]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["kind", "institution", "updated_at"]
    list_filter = ["institution"]


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "enabled"]
