from django.contrib import admin

from .models import (
    Application,
    ApplicationTransition,
    Attendance,
    CalendarFeed,
    Cohort,
    ManagerNotice,
    Programme,
    Session,
)


class CohortInline(admin.TabularInline):
    model = Cohort
    extra = 0
    fields = ["name", "starts_on", "ends_on", "capacity", "opens_on", "closes_on", "selection", "waiting_list"]
    show_change_link = True


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "institution", "open_to_partners"]
    list_filter = ["kind", "open_to_partners", "institution"]
    search_fields = ["title", "summary"]
    autocomplete_fields = ["owner"]
    inlines = [CohortInline]


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["programme", "name", "starts_on", "opens_on", "closes_on", "capacity", "selection"]
    list_filter = ["selection", "programme__kind", "programme__institution"]
    search_fields = ["name", "programme__title"]
    filter_horizontal = ["job_families"]
    inlines = [SessionInline]


class TransitionInline(admin.TabularInline):
    model = ApplicationTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_state", "to_state", "by", "at", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read-only: statuses change only through the portal's workflow, so every change is recorded."""

    list_display = ["applicant", "cohort", "state", "submitted_at"]
    list_filter = ["state", "cohort__programme"]
    search_fields = ["applicant__user__email", "applicant__user__last_name"]
    readonly_fields = ["cohort", "applicant", "line_manager", "statement", "answers", "state", "submitted_at"]
    inlines = [TransitionInline]

    def has_add_permission(self, request):
        return False


admin.site.register(Attendance)
admin.site.register(ManagerNotice, list_display=["cohort", "manager", "notified_at"])
admin.site.register(CalendarFeed, list_display=["user", "created_at"], exclude=["token"])
