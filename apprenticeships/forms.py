"""Forms for apprenticeships. The services check the rules again; the forms give each message
beside its field before anything is saved."""

from decimal import Decimal

from django import forms
from django.utils import timezone

from people.forms import ColleagueField
from people.models import StaffProfile

from .models import (
    GATEWAY_CHECKS,
    Apprenticeship,
    ApprenticeshipRequest,
    Grade,
    Intake,
    ProgressReview,
    Provider,
    ProviderContact,
    Recommendation,
    Route,
    Standard,
)
from .services import OFF_THE_JOB_ACTIVITIES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _not_future(value, what):
    if value and value > timezone.localdate():
        raise forms.ValidationError(f"Record {what} once it has happened: this date is in the future.")
    return value


class StandardForm(forms.ModelForm):
    class Meta:
        model = Standard
        fields = [
            "reference",
            "title",
            "version",
            "level",
            "typical_months",
            "minimum_off_the_job_hours",
            "assessment_methods",
            "assessment_grades",
            "link",
        ]
        widgets = {"assessment_methods": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self):
        # The institution is set by the service; its own full_clean checks the model.
        pass


class ProviderForm(forms.ModelForm):
    class Meta:
        model = Provider
        fields = ["name", "contact_name", "contact_email", "portfolio_link"]

    def _post_clean(self):
        pass


class RecommendationForm(forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = ["standard", "course", "rating", "comment", "shared_with_sector"]
        widgets = {"rating": forms.RadioSelect, "comment": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, standards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standard"].queryset = standards

    def _post_clean(self):
        pass


class IntakeForm(forms.ModelForm):
    class Meta:
        model = Intake
        fields = ["name", "standard", "provider", "start_date", "places"]
        widgets = {"start_date": DATE}

    def __init__(self, *args, standards, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standard"].queryset = standards
        self.fields["provider"].queryset = providers

    def _post_clean(self):
        pass


class _PlanFields(forms.Form):
    """What every enrolment sets: provider, dates and the off-the-job figures."""

    provider = forms.ModelChoiceField(queryset=None, label="Training provider")
    intake = forms.ModelChoiceField(
        queryset=None, required=False, label="Intake", help_text="Leave empty for someone starting on their own."
    )
    start_date = forms.DateField(label="Start date", widget=DATE)
    planned_end_date = forms.DateField(
        label="Planned end", widget=DATE, help_text="The planned last day of training before the gateway."
    )
    contracted_hours = forms.DecimalField(
        label="Contracted hours a week",
        initial=Decimal("37.5"),
        min_value=16,
        max_value=48,
        decimal_places=1,
        help_text="Used for the 20% off-the-job rule of starts before 1 August 2025.",
    )
    prior_learning_hours = forms.IntegerField(
        label="Off-the-job hours removed for prior learning",
        initial=0,
        min_value=0,
        help_text="From the provider's recognition of prior learning; 0 if none.",
    )
    portfolio_link = forms.URLField(
        label="E-portfolio",
        required=False,
        assume_scheme="https",
        help_text="The apprentice's page in the provider's e-portfolio.",
    )

    def __init__(self, *args, providers, intakes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["intake"].queryset = intakes

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("planned_end_date")
        if start and end and end <= start:
            self.add_error("planned_end_date", "The planned end must be after the start.")
        return cleaned


class EnrolForm(_PlanFields):
    apprentice = ColleagueField(
        StaffProfile.objects.none(),
        label="Apprentice's work e-mail address",
        help_text="A member of staff with a record in TechCareers.",
    )
    route = forms.ChoiceField(label="Route", choices=Route.choices, widget=forms.RadioSelect)
    standard = forms.ModelChoiceField(queryset=None, label="Apprenticeship standard")
    line_manager = ColleagueField(
        StaffProfile.objects.none(),
        required=False,
        label="Line manager's work e-mail address",
        help_text="Leave empty to take it from the staff record.",
    )
    levy_funded = forms.BooleanField(label="Levy funded", required=False, initial=True)

    field_order = ["apprentice", "route", "standard", "provider", "intake", "line_manager"]

    def __init__(self, *args, staff, standards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["apprentice"].queryset = staff
        self.fields["line_manager"].queryset = staff
        self.fields["standard"].queryset = standards

    def clean(self):
        cleaned = super().clean()
        intake = cleaned.get("intake")
        if intake is not None:
            if cleaned.get("standard") and intake.standard_id != cleaned["standard"].pk:
                self.add_error("intake", f"{intake} is on {intake.standard}; choose that standard or another intake.")
            if cleaned.get("provider") and intake.provider_id != cleaned["provider"].pk:
                self.add_error("intake", f"{intake} is with {intake.provider}; choose that provider or another intake.")
        return cleaned


class RequestEnrolForm(_PlanFields):
    pass


class ApprenticeshipForm(forms.ModelForm):
    class Meta:
        model = Apprenticeship
        fields = [
            "line_manager",
            "planned_end_date",
            "levy_funded",
            "contracted_hours",
            "prior_learning_hours",
            "behind_margin_hours",
            "review_every_months",
            "review_interval_reason",
            "portfolio_link",
        ]
        widgets = {"planned_end_date": DATE}

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line_manager"] = ColleagueField(
            staff,
            required=False,
            label="Line manager's work e-mail address",
            help_text="Empty when the apprentice has no line manager in TechCareers.",
        )

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("review_every_months") or 3) < 3 and not (cleaned.get("review_interval_reason") or "").strip():
            self.add_error("review_interval_reason", "Say why reviews are due more often than every 3 months.")
        return cleaned

    def _post_clean(self):
        pass


class MentorForm(forms.Form):
    mentor = forms.ModelChoiceField(
        queryset=None,
        label="Workplace mentor",
        help_text="People whose mentor profile offers apprenticeship mentoring; former apprentices first.",
    )

    def __init__(self, *args, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = mentors
        self.fields["mentor"].label_from_instance = lambda m: f"{m.person}"


class HoursForm(forms.Form):
    on = forms.DateField(label="Date", widget=DATE, help_text="The day of the training.")
    hours = forms.DecimalField(
        label="Hours", decimal_places=2, max_digits=5, help_text="Time spent that day, e.g. 3.5."
    )
    activity = forms.ChoiceField(label="Activity", choices=[(a, a) for a in OFF_THE_JOB_ACTIVITIES])
    description = forms.CharField(
        label="What you did",
        max_length=150,
        required=False,
        help_text="e.g. 'Module 4: quality procedures'.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["hours"].widget.attrs.update(min="0.25", step="0.25")

    def clean_on(self):
        return _not_future(self.cleaned_data["on"], "training")

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours is not None and hours <= 0:
            raise forms.ValidationError("Enter the hours spent, more than 0.")
        if hours is not None and hours > 24:
            raise forms.ValidationError("One entry covers one day: at most 24 hours.")
        return hours


class ReviewForm(forms.ModelForm):
    class Meta:
        model = ProgressReview
        fields = ["held_on", "notes", "actions"]
        widgets = {
            "held_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 5}),
            "actions": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_held_on(self):
        return _not_future(self.cleaned_data["held_on"], "a review")

    def _post_clean(self):
        pass


class ProviderSignForm(forms.Form):
    """The programme manager records the provider's sign-off (with a reason when the provider can
    sign in the portal: the service asks for it)."""

    provider_signatory = forms.CharField(
        label="Signed for the provider by",
        max_length=200,
        help_text="The name of the provider's assessor or tutor who signed the review.",
    )
    reason = forms.CharField(
        label="Why you record it for them",
        max_length=300,
        required=False,
        help_text="e.g. Signed on paper at the review.",
    )


class ContactInviteForm(forms.ModelForm):
    class Meta:
        model = ProviderContact
        fields = ["name", "email"]

    def _post_clean(self):
        pass


class ProviderReviewSignForm(forms.Form):
    """Someone who acts for the provider signs a review, with their notes."""

    notes = forms.CharField(
        label="Your notes (optional)",
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=ProgressReview._meta.get_field("provider_notes").help_text,
    )


class InvitationAcceptForm(forms.Form):
    """The invited person's name and the password they choose (checked against the project's rules)."""

    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters, not a common password and not all numbers.",
    )
    password2 = forms.CharField(
        label="Password (again)", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", "The two passwords differ: type the same password twice.")
        return data


class BreakStartForm(forms.Form):
    starts_on = forms.DateField(label="Break starts", widget=DATE)
    reason = forms.CharField(label="Reason", max_length=300, help_text="e.g. Parental leave; long-term sickness.")

    def clean_starts_on(self):
        return _not_future(self.cleaned_data["starts_on"], "a break")


class BreakEndForm(forms.Form):
    ends_on = forms.DateField(label="Last day of the break", widget=DATE)

    def clean_ends_on(self):
        return _not_future(self.cleaned_data["ends_on"], "the end of a break")


class WithdrawForm(forms.Form):
    on = forms.DateField(label="Withdrew on", widget=DATE)
    reason = forms.CharField(
        label="Reason", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), help_text="Kept with the record."
    )

    def clean_on(self):
        return _not_future(self.cleaned_data["on"], "a withdrawal")


class GatewayForm(forms.Form):
    gateway_on = forms.DateField(
        label="Gateway passed on",
        widget=DATE,
        required=False,
        help_text="Leave empty to save the checklist; give the date once every item is ticked.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in GATEWAY_CHECKS:
            self.fields[name] = forms.BooleanField(label=label, required=False)
        self.order_fields([name for name, _ in GATEWAY_CHECKS] + ["gateway_on"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("gateway_on") and not all(cleaned.get(name) for name, _ in GATEWAY_CHECKS):
            self.add_error("gateway_on", "Tick every item of the checklist before the gateway.")
        return cleaned

    def clean_gateway_on(self):
        return _not_future(self.cleaned_data["gateway_on"], "the gateway")


class AssessmentForm(forms.Form):
    assessment_on = forms.DateField(label="End-point assessment on", widget=DATE)
    grade = forms.ChoiceField(label="Grade", choices=Grade.choices, widget=forms.RadioSelect)

    def clean_assessment_on(self):
        return _not_future(self.cleaned_data["assessment_on"], "the assessment")


class DestinationForm(forms.Form):
    where = forms.ChoiceField(
        label="Where is the role?",
        choices=[
            ("here", "Here: read the role from the person's career history"),
            ("elsewhere", "At another employer: record it"),
        ],
        widget=forms.RadioSelect,
    )
    role = forms.CharField(
        label="Role and employer",
        max_length=200,
        required=False,
        help_text="For a role elsewhere, e.g. 'Scientific Officer, Wellcome Sanger Institute'.",
    )
    started_on = forms.DateField(label="Role started on", widget=DATE, required=False)
    so_equivalent = forms.BooleanField(
        label="An SO or equivalent role", required=False, help_text="For a role elsewhere."
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("where") == "elsewhere":
            if not (cleaned.get("role") or "").strip():
                self.add_error("role", "Name the role and the employer.")
            if not cleaned.get("started_on"):
                self.add_error("started_on", "Give the day the role started.")
        return cleaned


class RequestForm(forms.ModelForm):
    read_guidance = forms.BooleanField(
        label="I have read the guidance for staff and talked to my line manager",
        help_text="The guidance explains who can apply, how the levy works and the time it takes.",
    )

    class Meta:
        model = ApprenticeshipRequest
        fields = ["standard", "provider", "preferred_start", "why", "time_plan"]
        widgets = {
            "preferred_start": DATE,
            "why": forms.Textarea(attrs={"rows": 4}),
            "time_plan": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, standards, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standard"].queryset = standards
        self.fields["provider"].queryset = providers

    def clean_preferred_start(self):
        start = self.cleaned_data["preferred_start"]
        if start and start < timezone.localdate():
            raise forms.ValidationError("Choose a start date from today on.")
        return start

    def _post_clean(self):
        pass


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve: I support this apprenticeship"), ("decline", "Decline")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Comment",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when you decline; the person will see it.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "decline" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Say why you decline; the person will see it.")
        return cleaned


class OfferToMentorForm(forms.Form):
    capacity = forms.IntegerField(
        label="Apprentices at once", min_value=1, max_value=10, initial=1, help_text="1 to 10."
    )
    bio = forms.CharField(
        label="About you as a mentor",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="e.g. 'Completed the Level 3 Laboratory Technician apprenticeship in 2025; now an SO in "
        "Cancer Biology.'",
    )
