from django import forms
from django.utils import timezone

from people.forms import ColleagueField
from people.models import StaffProfile

from .models import GuidancePage, GuidanceReview, GuidanceVersion


class VersionForm(forms.ModelForm):
    class Meta:
        model = GuidanceVersion
        fields = ["audience", "effective_from", "body", "change_note"]
        widgets = {
            "effective_from": forms.DateInput(attrs={"type": "date"}),
            "body": forms.Textarea(attrs={"rows": 16}),
        }


class ReviewForm(forms.ModelForm):
    class Meta:
        model = GuidanceReview
        fields = ["reviewed_on", "outcome", "compared_with", "notes"]
        widgets = {"reviewed_on": forms.DateInput(attrs={"type": "date"}), "notes": forms.Textarea(attrs={"rows": 6})}

    def clean_reviewed_on(self):
        value = self.cleaned_data["reviewed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("A review cannot be dated in the future.")
        return value


class PageForm(forms.ModelForm):
    body = forms.CharField(
        label="Text of the first version",
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=20000,
        help_text="Plain text; a blank line starts a new paragraph. Web addresses become links.",
    )

    class Meta:
        model = GuidancePage
        fields = ["title", "slug", "summary", "owner", "review_every_months"]

    def __init__(self, *args, institution, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = ColleagueField(
            StaffProfile.objects.filter(institution=institution).staff(),
            label="Owner's work e-mail address",
            required=False,
            help_text=GuidancePage._meta.get_field("owner").help_text,
        )
        self.fields["review_every_months"].min_value = 1
