from django.contrib import admin

from .models import (
    ActionItem,
    ActionPlan,
    MeasureSnapshot,
    MitRecommendation,
    Owner,
    Pillar,
    ProgressUpdate,
    ReportRun,
    SuccessMeasure,
)


class PillarInline(admin.TabularInline):
    model = Pillar
    extra = 0


@admin.register(ActionPlan)
class ActionPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "institution", "start", "end", "published"]
    list_filter = ["institution", "published"]
    inlines = [PillarInline]


class SuccessMeasureInline(admin.StackedInline):
    model = SuccessMeasure
    extra = 0
    fields = ["position", "wording", "target", "unit", "direction", "window", "due_date", "metric_key", "missing_data"]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "plan", "pillar", "status", "last_update_on"]
    list_filter = ["plan__institution", "status", "pillar__aim"]
    search_fields = ["code", "title"]
    filter_horizontal = ["owners", "aims", "mit_recommendations"]
    inlines = [SuccessMeasureInline]


@admin.register(Owner)
class OwnerAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "institution"]
    list_filter = ["institution"]
    filter_horizontal = ["holders"]
    search_fields = ["name", "short_name"]


@admin.register(MitRecommendation)
class MitRecommendationAdmin(admin.ModelAdmin):
    list_display = ["code", "title"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(admin.ModelAdmin):
    list_display = ["item", "date", "status", "author"]
    list_filter = ["status"]


@admin.register(MeasureSnapshot)
class MeasureSnapshotAdmin(admin.ModelAdmin):
    list_display = ["measure", "date", "value", "status"]
    list_filter = ["date"]


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    list_display = ["plan", "format", "status", "progress", "attempts", "created_at"]
    list_filter = ["status", "format"]
