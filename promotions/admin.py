"""The admin shows promotion records for support; changes go through the portal's pages."""

from django.contrib import admin

from .models import Application, ApplicationTransition, CriteriaVersion, Declaration, ManagerNotice, Round, Vacancy


@admin.register(CriteriaVersion)
class CriteriaVersionAdmin(admin.ModelAdmin):
    list_display = ["target_grade", "version", "qualification_asked", "published_on", "institution"]
    list_filter = ["institution", "qualification_asked"]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "institution", "opens_on", "submissions_close_on", "summary_published_at"]
    list_filter = ["institution"]
    raw_id_fields = ["workshop"]


class TransitionInline(admin.TabularInline):
    model = ApplicationTransition
    extra = 0
    readonly_fields = ["from_state", "to_state", "by", "at", "reason"]
    can_delete = False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["applicant", "round", "target_grade", "state", "effective_date", "grade_changed_at"]
    list_filter = ["state"]
    raw_id_fields = ["applicant", "manager_statement_by"]
    readonly_fields = ["state", "grade_changed_at"]
    inlines = [TransitionInline]


@admin.register(ManagerNotice)
class ManagerNoticeAdmin(admin.ModelAdmin):
    list_display = ["round", "manager", "notified_at"]
    raw_id_fields = ["manager"]


@admin.register(Declaration)
class DeclarationAdmin(admin.ModelAdmin):
    list_display = ["person", "highest_qualification", "prior_experience_years", "alert_me_of_rounds"]
    raw_id_fields = ["person"]


@admin.register(Vacancy)
class VacancyAdmin(admin.ModelAdmin):
    list_display = ["title", "reference", "grade", "degree_asked", "degree_reason", "recorded_on"]
    list_filter = ["institution", "degree_asked"]
