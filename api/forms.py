from django import forms

from .models import Scope


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="The system that will use it, e.g. “Moodle learning system”, “HR system” or “Intranet”.",
    )
    scopes = forms.MultipleChoiceField(
        label="What it may do",
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Give each system only what it needs.",
    )
