from django import forms
from django.utils import timezone

from people.forms import ColleagueField

from .models import AcknowledgementCase, CreditRole, Nomination, Output, Part, Prize


class OutputForm(forms.ModelForm):
    credit_roles = forms.MultipleChoiceField(
        label="CRediT roles",
        required=False,
        choices=CreditRole.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="What you did, in the Contributor Roles Taxonomy; tick every role that applies.",
    )
    project_names = forms.CharField(
        label="Projects and teams",
        required=False,
        max_length=1000,
        help_text="The research projects, teams or collaborations it belongs to, separated by commas.",
    )

    class Meta:
        model = Output
        fields = ["kind", "title", "venue", "part", "credit_roles", "doi", "other_identifier", "published_on"]
        widgets = {"published_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The service validates the DOI and the date, so a refusal shows beside the field once.
        self.fields["doi"].validators = []
        if self.instance.pk:
            self.initial["project_names"] = ", ".join(p.name for p in self.instance.projects.all())

    def _post_clean(self):
        """The service validates and saves (one place for the rules); skip the model's own checks."""

    @property
    def project_list(self):
        return [name.strip() for name in self.cleaned_data.get("project_names", "").split(",") if name.strip()]


class OrcidImportForm(forms.Form):
    """No fields: the import reads the ORCID iD on the person's profile."""


class OrcidFileForm(forms.Form):
    file = forms.FileField(
        label="ORCID works file (JSON)",
        help_text="Your record's works as JSON, e.g. saved from https://pub.orcid.org/v3.0/<your iD>/works. "
        "At most 5 MB.",
    )


class DoiImportForm(forms.Form):
    doi = forms.CharField(
        label="DOI", max_length=200, help_text="e.g. 10.1038/s41586-020-2649-2 or its https://doi.org/ link."
    )
    part = forms.ChoiceField(label="My part", choices=Part.choices, help_text="Your part in this output.")


class CelebrateForm(forms.Form):
    consent = forms.BooleanField(
        label="I agree to my name and this output appearing in the celebration feed and the annual report",
        required=False,
        help_text="Nothing is published without your agreement.",
    )


class CaseForm(forms.ModelForm):
    class Meta:
        model = AcknowledgementCase
        fields = ["work", "credit", "account", "may_use_anonymously"]
        widgets = {"account": forms.Textarea(attrs={"rows": 6}), "credit": forms.RadioSelect}


class CaseFileForm(forms.ModelForm):
    class Meta:
        model = AcknowledgementCase
        fields = ["example", "coordinator_note"]
        widgets = {"coordinator_note": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self):
        """The service checks the reporter's agreement (the model's constraint would say it less clearly)."""


class PrizeForm(forms.ModelForm):
    url = forms.URLField(
        label="Web page",
        required=False,
        assume_scheme="https",
        max_length=200,
        help_text=Prize._meta.get_field("url").help_text,
    )

    class Meta:
        model = Prize
        fields = ["name", "scope", "organiser", "url", "categories", "deadline_month", "deadline_day", "listed"]
        widgets = {"categories": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self):
        """The service validates and saves."""


class NominationForm(forms.Form):
    prize = forms.ModelChoiceField(label="Prize", queryset=Prize.objects.none(), help_text="The prize to nominate for.")
    year = forms.IntegerField(
        label="Year", min_value=2000, max_value=2100, help_text="The prize's year: its nominations close in this year."
    )
    nominee = forms.ModelChoiceField(label="Nominee", queryset=None, help_text="One of the people who report to you.")
    category = forms.CharField(
        label="Category", required=False, max_length=200, help_text="One of the prize's categories, if it has any."
    )
    citation = forms.CharField(
        label="Case for the nomination",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=Nomination._meta.get_field("citation").help_text,
    )

    def __init__(self, *args, prizes, nominees, by_address=False, **kwargs):
        """`by_address`: the nominee is named by e-mail address (the coordinator, who may nominate
        anyone; a select of every member of staff took 1.4 s at national size), else chosen from
        the viewer's reports."""
        super().__init__(*args, **kwargs)
        self.fields["prize"].queryset = prizes
        self.fields["nominee"].queryset = nominees
        if by_address:
            self.fields["nominee"] = ColleagueField(
                nominees, label="Nominee's work e-mail address", help_text="Anyone at your institution."
            )
        self.fields["year"].initial = timezone.localdate().year


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[("won", "Won"), ("not_won", "Not won")],
        widget=forms.RadioSelect,
        help_text="A win is put forward for the celebration feed; the nominee agrees before it is shown.",
    )


class ReportYearForm(forms.Form):
    year = forms.IntegerField(label="Year", min_value=2000, max_value=2100, help_text="The calendar year to report on.")
