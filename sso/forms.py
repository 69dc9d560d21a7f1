from django import forms

from people.forms import SignupForm as PeopleSignupForm
from people.models import Institution


class SignupForm(PeopleSignupForm):
    """Sign-up with a password, refused where the institution signs its staff in through its provider."""

    def clean_email(self):
        from .adapters import refuse_password

        email = super().clean_email()
        refuse_password(email)
        return email


class WhereForm(forms.Form):
    """Where do you work? An e-mail address, or the institution picked from a list."""

    email = forms.EmailField(
        label="Your work e-mail address",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    institution = forms.ModelChoiceField(
        label="Or choose your institution",
        queryset=Institution.objects.none(),
        required=False,
        empty_label="Choose…",
    )

    def __init__(self, *args, institutions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = Institution.objects.filter(pk__in=[i.pk for i in institutions]).order_by(
            "name"
        )

    def clean(self):
        data = super().clean()
        if not data.get("email") and not data.get("institution") and not self.errors:
            raise forms.ValidationError("Enter your work e-mail address, or choose your institution.")
        return data
