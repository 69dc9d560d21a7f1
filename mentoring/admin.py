"""The admin shows mentoring records for support, never the meeting notes (the pair's alone)."""

from django.contrib import admin

from .models import (
    Feedback,
    Meeting,
    MentoringSettings,
    MentorProfile,
    MentorPurpose,
    Relationship,
    RelationshipTransition,
)


@admin.register(MentoringSettings)
class MentoringSettingsAdmin(admin.ModelAdmin):
    list_display = ["institution", "partner_mentoring"]


class PurposeInline(admin.TabularInline):
    model = MentorPurpose
    extra = 0


@admin.register(MentorProfile)
class MentorProfileAdmin(admin.ModelAdmin):
    list_display = ["person", "available", "capacity"]
    list_filter = ["available"]
    raw_id_fields = ["person"]
    inlines = [PurposeInline]


class TransitionInline(admin.TabularInline):
    model = RelationshipTransition
    extra = 0
    readonly_fields = ["from_state", "to_state", "by", "at", "reason"]
    can_delete = False


class MeetingInline(admin.TabularInline):
    model = Meeting
    extra = 0
    fields = ["met_on", "logged_by", "created_at"]  # not the notes
    readonly_fields = ["met_on", "logged_by", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class FeedbackInline(admin.TabularInline):
    model = Feedback
    extra = 0
    readonly_fields = ["author", "role", "rating", "comments", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Relationship)
class RelationshipAdmin(admin.ModelAdmin):
    # State changes go through mentoring.services; the admin shows the record and its history.
    list_display = ["__str__", "state", "origin", "requested_on", "started_on", "ended_on"]
    list_filter = ["state", "purpose", "origin"]
    raw_id_fields = ["mentee", "mentor", "paired_by"]
    readonly_fields = ["state"]
    inlines = [TransitionInline, MeetingInline, FeedbackInline]
