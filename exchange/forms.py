from django import forms

from .models import ExchangeFeedback, ExchangeOffer, ExchangePlacement, ExchangeRound
from .services import visitor_refusal


class RoundForm(forms.ModelForm):
    class Meta:
        model = ExchangeRound
        fields = ["title", "year", "description", "opens_on", "closes_on"]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, institution, **kwargs):
        super().__init__(*args, **kwargs)
        self.institution = institution

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "The round must close on or after the day it opens.")
        title = cleaned.get("title")
        clash = ExchangeRound.objects.filter(institution=self.institution, title=title).exclude(pk=self.instance.pk)
        if title and clash.exists():
            self.add_error("title", "Your institution already has a round with this title.")
        return cleaned


class OfferForm(forms.ModelForm):
    class Meta:
        model = ExchangeOffer
        fields = ["facility_or_team", "skills_on_show", "possible_dates", "places"]
        widgets = {
            "skills_on_show": forms.Textarea(attrs={"rows": 4}),
            "possible_dates": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, round, host, **kwargs):
        super().__init__(*args, **kwargs)
        self.round, self.host = round, host
        self.fields["places"].widget.attrs["min"] = 1

    def clean_places(self):
        places = self.cleaned_data["places"]
        if places < 1:
            raise forms.ValidationError("Offer at least one place.")
        if self.instance.pk:
            taken = self.instance.placements.taking_a_place().count()
            if places < taken:
                raise forms.ValidationError(f"{taken} places are already taken; offer at least {taken}.")
        return places

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk and ExchangeOffer.objects.filter(round=self.round, host=self.host).exists():
            raise forms.ValidationError("You already have an offer in this round; edit it instead.")
        return cleaned


class ApplyForm(forms.ModelForm):
    class Meta:
        model = ExchangePlacement
        fields = ["hopes_to_learn"]
        widgets = {"hopes_to_learn": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, offer, visitor, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer, self.visitor = offer, visitor

    def clean(self):
        cleaned = super().clean()
        refusal = visitor_refusal(offer=self.offer, visitor=self.visitor)
        if refusal:
            raise forms.ValidationError(refusal)
        return cleaned


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The visitor will see this.",
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label="Why cancel?", widget=forms.Textarea(attrs={"rows": 3}))


class ScheduleForm(forms.Form):
    host_day = forms.DateField(
        label="Visit to the host",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The day the visitor spends with the host.",
    )
    visitor_day = forms.DateField(
        label="Return visit",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The day the host spends with the visitor; after the first.",
    )

    def clean(self):
        cleaned = super().clean()
        host_day, visitor_day = cleaned.get("host_day"), cleaned.get("visitor_day")
        if host_day and visitor_day and visitor_day <= host_day:
            self.add_error("visitor_day", "The return visit must be after the visit to the host.")
        return cleaned


class FeedbackForm(forms.ModelForm):
    class Meta:
        model = ExchangeFeedback
        fields = ["rating", "went_well", "to_improve", "reflection", "would_recommend"]
        widgets = {
            "rating": forms.RadioSelect,
            "went_well": forms.Textarea(attrs={"rows": 3}),
            "to_improve": forms.Textarea(attrs={"rows": 3}),
            "reflection": forms.Textarea(attrs={"rows": 6}),
        }
