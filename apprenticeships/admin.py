"""The admin shows apprenticeship records for support; changes go through the portal's pages,
so the workflow's moves are recorded."""

from django.contrib import admin

from .models import (
    Apprenticeship,
    ApprenticeshipRequest,
    ApprenticeshipTransition,
    BreakInLearning,
    Intake,
    ProgressReview,
    Provider,
    Recommendation,
    Standard,
)


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "version", "level", "minimum_off_the_job_hours", "institution"]
    list_filter = ["institution", "level"]


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "contact_name", "institution"]
    list_filter = ["institution"]


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["provider", "course", "rating", "by", "created_at"]
    raw_id_fields = ["by"]


@admin.register(Intake)
class IntakeAdmin(admin.ModelAdmin):
    list_display = ["name", "standard", "provider", "start_date", "places", "institution"]
    list_filter = ["institution"]


class TransitionInline(admin.TabularInline):
    model = ApprenticeshipTransition
    extra = 0
    readonly_fields = ["from_state", "to_state", "by", "at", "reason"]
    can_delete = False


class BreakInline(admin.TabularInline):
    model = BreakInLearning
    extra = 0


class ReviewInline(admin.TabularInline):
    model = ProgressReview
    extra = 0
    fields = ["held_on", "apprentice_signed_at", "manager_signed_at", "provider_signed_at"]
    readonly_fields = fields


@admin.register(Apprenticeship)
class ApprenticeshipAdmin(admin.ModelAdmin):
    list_display = ["apprentice", "standard", "route", "state", "start_date", "planned_end_date", "levy_funded"]
    list_filter = ["state", "route", "levy_funded", "institution"]
    raw_id_fields = ["apprentice", "line_manager", "workplace_mentor", "request"]
    readonly_fields = ["state"]
    inlines = [BreakInline, ReviewInline, TransitionInline]


@admin.register(ApprenticeshipRequest)
class ApprenticeshipRequestAdmin(admin.ModelAdmin):
    list_display = ["person", "standard", "state", "submitted_at"]
    list_filter = ["state"]
    raw_id_fields = ["person", "decided_by"]
    readonly_fields = ["state"]
