from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms

from .models import Division, Grade, JobFamily, StaffProfile
from .orcid import normalise_orcid


class SignupForm(AllauthSignupForm):
    """Allauth's sign-up with the person's name; the adapter checks the e-mail domain."""

    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)

    field_order = ["first_name", "last_name", "email", "password1", "password2"]


class OrcidField(forms.CharField):
    """Accepts the iD as typed or pasted (with https://orcid.org/), stores the bare iD."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 60)
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "ORCID iD")
        kwargs.setdefault("help_text", StaffProfile._meta.get_field("orcid").help_text)
        super().__init__(**kwargs)

    def to_python(self, value):
        return normalise_orcid(super().to_python(value))


class OwnProfileForm(forms.ModelForm):
    """What staff may change about themselves: not their grade, manager or HR record."""

    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)

    class Meta:
        model = StaffProfile
        fields = ["job_title", "orcid", "bio"]
        field_classes = {"orcid": OrcidField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].initial = self.instance.user.first_name
        self.fields["last_name"].initial = self.instance.user.last_name
        self.order_fields(["first_name", "last_name", "job_title", "orcid", "bio"])

    def save_user(self):
        user = self.instance.user
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.save(update_fields=["first_name", "last_name"])


class StaffRecordForm(forms.ModelForm):
    """HR's view of a staff record; choices are limited to the institution's own data."""

    class Meta:
        model = StaffProfile
        fields = [
            "staff_number",
            "job_title",
            "division",
            "job_family",
            "grade",
            "line_manager",
            "start_date",
            "leaving_date",
            "orcid",
        ]
        field_classes = {"orcid": OrcidField}
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "leaving_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        institution = self.instance.institution
        self.fields["division"].queryset = Division.objects.for_institution(institution)
        self.fields["job_family"].queryset = JobFamily.objects.for_institution(institution)
        self.fields["grade"].queryset = Grade.objects.for_institution(institution).select_related("job_family")
        self.fields["line_manager"].queryset = (
            StaffProfile.objects.for_institution(institution)
            .current()
            .exclude(pk=self.instance.pk)
            .select_related("user")
        )
        self.fields["line_manager"].error_messages["invalid_choice"] = (
            "Choose a line manager who works at this institution."
        )
