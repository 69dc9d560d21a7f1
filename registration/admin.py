"""Registers and their fees are added and kept up to date here (a fee row a year); journeys are
shown for support, and changed only through the portal's pages (their moves are recorded)."""

from django.contrib import admin

from .models import CpdDeclaration, Journey, JourneyTransition, ProgrammeSettings, Register, RegisterFee


class FeeInline(admin.TabularInline):
    model = RegisterFee
    extra = 1


@admin.register(Register)
class RegisterAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "council", "level"]
    list_filter = ["council"]
    inlines = [FeeInline]


@admin.register(ProgrammeSettings)
class ProgrammeSettingsAdmin(admin.ModelAdmin):
    list_display = ["institution", "programme", "annual_event"]
    raw_id_fields = ["programme", "annual_event"]


class TransitionInline(admin.TabularInline):
    model = JourneyTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_state", "to_state", "by", "at", "reason"]


@admin.register(Journey)
class JourneyAdmin(admin.ModelAdmin):
    list_display = ["person", "register", "state", "last_progress_on", "renewal_on"]
    list_filter = ["state", "register"]
    raw_id_fields = ["person", "mentor", "supporter"]
    readonly_fields = ["state"]
    inlines = [TransitionInline]


@admin.register(CpdDeclaration)
class CpdDeclarationAdmin(admin.ModelAdmin):
    list_display = ["person", "year", "declared_on"]
    raw_id_fields = ["person"]
