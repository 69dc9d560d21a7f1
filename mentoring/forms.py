from django import forms
from django.utils import timezone

from people.forms import ColleagueField
from people.models import StaffProfile

from .models import Feedback, Meeting, MentoringSettings, MentorProfile, Purpose, Relationship


class MentorProfileForm(forms.ModelForm):
    purposes = forms.MultipleChoiceField(
        label="I can mentor for",
        choices=Purpose.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose every purpose you can help with.",
    )

    class Meta:
        model = MentorProfile
        fields = ["available", "capacity", "purposes", "bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["purposes"] = self.instance.purpose_values
        self.fields["capacity"].widget.attrs.update(min=1, max=10)


class PurposeChoiceForm(forms.Form):
    purpose = forms.ChoiceField(
        label="Mentoring for", choices=Purpose.choices, help_text="What you would like a mentor to help with."
    )


class RequestForm(forms.ModelForm):
    class Meta:
        model = Relationship
        fields = ["purpose", "hopes"]
        widgets = {"hopes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, purposes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = [(p.value, p.label) for p in Purpose if p in purposes]


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The person who asked will see this, e.g. 'I am at capacity until June; try Sam Patel'.",
    )


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["met_on", "notes"]
        widgets = {"met_on": forms.DateInput(attrs={"type": "date"}), "notes": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["met_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_met_on(self):
        met_on = self.cleaned_data["met_on"]
        if met_on > timezone.localdate():
            raise forms.ValidationError("Log a meeting once it has happened: this date is in the future.")
        return met_on


class FeedbackForm(forms.ModelForm):
    class Meta:
        model = Feedback
        fields = ["rating", "comments"]
        widgets = {"rating": forms.RadioSelect, "comments": forms.Textarea(attrs={"rows": 4})}


class CloseForm(FeedbackForm):
    outcome = forms.ChoiceField(
        label="How did it end?",
        choices=[
            (Relationship.State.COMPLETED, "Completed: it did what we hoped"),
            (Relationship.State.ENDED_EARLY, "Ended early"),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Why it ends early",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when it ends early; the other side will see it.",
    )

    class Meta(FeedbackForm.Meta):
        fields = ["outcome", "reason", "rating", "comments"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == Relationship.State.ENDED_EARLY and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Say why the mentoring ends early.")
        return cleaned


class PairForm(forms.Form):
    mentee = ColleagueField(
        StaffProfile.objects.none(),
        label="Mentee's work e-mail address",
        help_text="The member of staff to be mentored.",
    )
    mentor = ColleagueField(
        MentorProfile.objects.none(),
        email_path="person__user__email",
        label="Mentor's work e-mail address",
        help_text="Someone with a mentor profile, here or at a partner institution (the mentor directory lists them).",
        error_messages={
            "invalid_choice": "No one with a mentor profile here or at a partner institution has this e-mail "
            "address: check it in the mentor directory."
        },
    )
    purpose = forms.ChoiceField(label="Purpose", choices=Purpose.choices)
    hopes = forms.CharField(
        label="What the mentoring is for",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Both will see this, e.g. 'Support ahead of the spring promotion round'.",
    )

    def __init__(self, *args, mentees, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentee"].queryset = mentees
        self.fields["mentor"].queryset = mentors


class SettingsForm(forms.ModelForm):
    class Meta:
        model = MentoringSettings
        fields = ["partner_mentoring"]
