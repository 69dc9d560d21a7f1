from django.contrib import admin

from .models import (
    AllowanceOverride,
    AllowancePolicy,
    DevelopmentRequest,
    GuidanceVersion,
    ManagerDelegate,
    RequestTransition,
    TrainingImport,
    TrainingRecord,
)


class AllowanceOverrideInline(admin.TabularInline):
    model = AllowanceOverride
    extra = 0
    raw_id_fields = ["grade", "job_family"]


@admin.register(AllowancePolicy)
class AllowancePolicyAdmin(admin.ModelAdmin):
    list_display = ["institution", "minimum_days", "year_type", "under_representation_margin", "remind_mid_year"]
    inlines = [AllowanceOverrideInline]


@admin.register(GuidanceVersion)
class GuidanceVersionAdmin(admin.ModelAdmin):
    list_display = ["title", "institution", "audience", "effective_from"]
    list_filter = ["audience", "institution"]


@admin.register(ManagerDelegate)
class ManagerDelegateAdmin(admin.ModelAdmin):
    list_display = ["manager", "delegate", "starts_on", "ends_on"]
    raw_id_fields = ["manager", "delegate"]


class RequestTransitionInline(admin.TabularInline):
    model = RequestTransition
    extra = 0
    readonly_fields = ["from_state", "to_state", "by", "at", "reason"]
    can_delete = False


@admin.register(DevelopmentRequest)
class DevelopmentRequestAdmin(admin.ModelAdmin):
    """Read-mostly: state changes go through the portal's services, which record each transition."""

    list_display = ["title", "person", "start_date", "days", "state"]
    list_filter = ["state", "activity_type"]
    search_fields = ["title", "person__user__email"]
    raw_id_fields = ["person", "decided_by"]
    readonly_fields = ["state", "decided_by", "decided_at", "decision_reason", "submitted_at"]
    inlines = [RequestTransitionInline]


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    list_display = ["title", "person", "date", "hours", "days", "source"]
    list_filter = ["source", "cpd_category"]
    search_fields = ["title", "person__user__email"]
    raw_id_fields = ["person", "request", "import_batch"]


@admin.register(TrainingImport)
class TrainingImportAdmin(admin.ModelAdmin):
    list_display = ["original_name", "institution", "status", "stage", "imported_count", "created_at"]
    readonly_fields = ["rows"]
