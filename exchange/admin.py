from django.contrib import admin

from .models import ExchangeFeedback, ExchangeOffer, ExchangePlacement, ExchangeRound, PlacementTransition


@admin.register(ExchangeRound)
class ExchangeRoundAdmin(admin.ModelAdmin):
    list_display = ["title", "institution", "year", "opens_on", "closes_on", "open_to_partners"]
    list_filter = ["institution", "year"]


@admin.register(ExchangeOffer)
class ExchangeOfferAdmin(admin.ModelAdmin):
    list_display = ["facility_or_team", "host", "round", "places"]
    list_filter = ["round"]
    raw_id_fields = ["host"]


class TransitionInline(admin.TabularInline):
    model = PlacementTransition
    extra = 0
    readonly_fields = ["event", "from_state", "to_state", "by", "at", "reason"]
    can_delete = False


class FeedbackInline(admin.StackedInline):
    model = ExchangeFeedback
    extra = 0
    raw_id_fields = ["author"]


@admin.register(ExchangePlacement)
class ExchangePlacementAdmin(admin.ModelAdmin):
    # State changes go through exchange.services; the admin shows the record and its history.
    list_display = ["__str__", "state", "host_day", "visitor_day"]
    list_filter = ["state", "offer__round"]
    raw_id_fields = ["offer", "visitor", "visitor_manager_approved_by", "host_manager_approved_by"]
    readonly_fields = ["state"]
    inlines = [TransitionInline, FeedbackInline]
