"""The admin shows recognition records for support; acknowledgement cases are left out (they are
the reporter's and the coordinator's only)."""

from django.contrib import admin

from .models import AnnualReport, ImportRun, Nomination, NominationTransition, Output, Prize, Project


@admin.register(Output)
class OutputAdmin(admin.ModelAdmin):
    list_display = ["title", "person", "kind", "part", "published_on", "source"]
    list_filter = ["kind", "part", "source"]
    raw_id_fields = ["person"]
    search_fields = ["title", "doi"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "institution"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["person", "source", "added", "merged", "at"]
    raw_id_fields = ["person"]


@admin.register(Prize)
class PrizeAdmin(admin.ModelAdmin):
    list_display = ["name", "institution", "scope", "deadline_month", "deadline_day", "listed"]


class TransitionInline(admin.TabularInline):
    model = NominationTransition
    extra = 0
    readonly_fields = ["from_state", "to_state", "by", "at", "reason"]


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin):
    list_display = ["nominee", "prize", "year", "state"]
    list_filter = ["state", "year"]
    raw_id_fields = ["nominee", "drafted_by"]
    inlines = [TransitionInline]


@admin.register(AnnualReport)
class AnnualReportAdmin(admin.ModelAdmin):
    list_display = ["institution", "year", "published_at"]
