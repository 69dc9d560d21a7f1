from django import forms
from django.forms.models import fields_for_model, model_to_dict
from django.utils import timezone

from people.forms import ColleagueField
from people.models import StaffProfile

from .models import CompetenceStatement, CpdDeclaration, Journey, Payer, ProgrammeSettings

State = Journey.State


def _date_widget(max_today=True):
    attrs = {"type": "date"}
    if max_today:
        attrs["max"] = timezone.localdate().isoformat()
    return forms.DateInput(attrs=attrs)


class StartForm(forms.Form):
    """Choose a register. Its value is checked by the service, so an unknown register is refused
    beside the field even when someone posts a made-up id."""

    register = forms.CharField(
        label="Register",
        help_text="The register you want to work towards; the guide explains which suits you.",
        widget=forms.Select,
    )

    def __init__(self, *args, registers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["register"].widget.choices = [("", "Choose a register")] + [
            (str(r.pk), f"{r.code}: {r.name} ({r.get_council_display()})") for r in registers
        ]


class StatementForm(forms.ModelForm):
    evidence_record_ids = forms.TypedMultipleChoiceField(
        label="Evidence",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Your own training records that support this statement.",
    )

    class Meta:
        model = CompetenceStatement
        fields = ["statement", "evidence_record_ids"]
        widgets = {"statement": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, evidence_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence_record_ids"].choices = evidence_choices


class SupporterForm(forms.Form):
    supporter = ColleagueField(
        StaffProfile.objects.none(),
        label="Your supporter's work e-mail address",
        help_text="Usually your line manager (already filled in, if you have one). They are asked to read your "
        "statements and agree.",
    )

    def __init__(self, *args, supporters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supporter"].queryset = supporters


class JourneyFieldsForm(forms.Form):
    """A form of some of the journey's own fields (labels and help from the model), without
    binding the journey: the service checks the dates against each other and saves, so nothing
    is written to the row until every check has passed."""

    journey_fields: list[str] = []
    widgets: dict = {}

    def __init__(self, *args, journey, **kwargs):
        kwargs.setdefault("initial", model_to_dict(journey, fields=self.journey_fields))
        super().__init__(*args, **kwargs)
        fields = fields_for_model(Journey, fields=self.journey_fields, widgets=self.widgets)
        for name in self.journey_fields:
            self.fields[name] = fields[name]
        self.order_fields([*self.journey_fields])


class SubmitForm(JourneyFieldsForm):
    journey_fields = ["licensed_body", "submitted_on", "first_year_payer", "later_years_payer", "grant_name"]
    widgets = {"submitted_on": _date_widget()}

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["licensed_body"] = forms.ChoiceField(
            label="Licensed body",
            choices=[("", "Choose a body")] + [(b, b) for b in bodies],
            help_text="The professional body you applied through.",
        )
        self.order_fields(self.journey_fields)
        self.fields["submitted_on"].required = True
        self.fields["first_year_payer"].required = True


class OutcomeForm(JourneyFieldsForm):
    journey_fields = ["registered_on", "registration_number", "renewal_on", "feedback"]
    widgets = {
        "registered_on": _date_widget(),
        "renewal_on": _date_widget(max_today=False),
        "feedback": forms.Textarea(attrs={"rows": 3}),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"] = forms.ChoiceField(
            label="Outcome",
            choices=[(State.REGISTERED, "Registered"), (State.UNSUCCESSFUL, "Unsuccessful")],
            widget=forms.RadioSelect,
        )
        self.order_fields(["outcome", *self.journey_fields])


class RenewalForm(JourneyFieldsForm):
    journey_fields = ["renewal_on", "later_years_payer", "grant_name"]
    widgets = {"renewal_on": _date_widget(max_today=False)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["renewal_on"] = None
        self.fields["renewal_on"].label = "Next renewal due on"
        self.fields["renewal_on"].required = True
        self.fields["later_years_payer"].required = True
        self.fields["later_years_payer"].choices = [("", "---------"), *Payer.choices]


class CpdDeclarationForm(forms.ModelForm):
    declare = forms.BooleanField(
        label="I declare that this is a true record of my CPD for the year",
        required=False,
        help_text="Tick when your record is complete; you can save without declaring and come back.",
    )

    class Meta:
        model = CpdDeclaration
        fields = ["benefit_to_practice", "benefit_to_users", "plan", "declare"]
        widgets = {
            "benefit_to_practice": forms.Textarea(attrs={"rows": 4}),
            "benefit_to_users": forms.Textarea(attrs={"rows": 4}),
            "plan": forms.Textarea(attrs={"rows": 3}),
        }


class SettingsForm(forms.ModelForm):
    class Meta:
        model = ProgrammeSettings
        fields = ["programme", "annual_event", "funders"]

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["annual_event"].queryset = programmes
