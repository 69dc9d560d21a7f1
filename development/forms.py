from django import forms
from django.core.exceptions import ValidationError

from people.forms import ColleagueField
from people.models import Grade, JobFamily, StaffProfile

from . import services
from .models import (
    HALF_DAY,
    AllowanceOverride,
    AllowancePolicy,
    DevelopmentRequest,
    GuidanceVersion,
    ManagerDelegate,
    TrainingImport,
    TrainingRecord,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RequestForm(forms.ModelForm):
    """A development request; the checks (dates, half days, overlap) are the service's own."""

    class Meta:
        model = DevelopmentRequest
        fields = services.REQUEST_FIELDS
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "days": forms.NumberInput(attrs={"step": "0.5", "min": "0.5"}),
            "benefit": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, person, **kwargs):
        self.person = person
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        try:
            services.request_check(
                person=self.person,
                start_date=data.get("start_date"),
                end_date=data.get("end_date"),
                days=data.get("days"),
                cost=data.get("cost"),
                exclude_pk=self.instance.pk,
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    if field in self.fields and field not in self.errors:
                        self.add_error(field, message)
        return data

    def _post_clean(self):
        # The model's own constraint checks repeat ours with vaguer messages; the service checks again.
        pass


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            (DevelopmentRequest.State.APPROVED, "Approve"),
            (DevelopmentRequest.State.CHANGES_REQUESTED, "Ask for changes"),
            (DevelopmentRequest.State.DECLINED, "Decline"),
        ],
        widget=forms.RadioSelect,
        label="Decision",
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed to decline or ask for changes; the technician sees it.",
    )
    past_allowance_confirmed = forms.BooleanField(
        label="Approve even if this takes them past their minimum days",
        required=False,
        help_text="You are asked only when approving would take them past it.",
    )

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision and decision != DevelopmentRequest.State.APPROVED and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why, so that the technician knows what to do next.")
        return data


class EvidenceMixin:
    def clean_evidence(self):
        evidence = self.cleaned_data.get("evidence")
        if evidence:
            try:
                services.evidence_check(evidence)
            except ValidationError as error:
                raise ValidationError(error.message_dict["evidence"]) from error
        return evidence


class CompleteForm(EvidenceMixin, forms.ModelForm):
    class Meta:
        model = TrainingRecord
        fields = ["hours", "cpd_category", "reflection", "value_rating", "evidence"]
        widgets = {
            "reflection": forms.Textarea(attrs={"rows": 3}),
            "value_rating": forms.Select(choices=[("", "—")] + [(i, i) for i in range(1, 6)]),
            # No "clear" box: evidence is replaced by a new file, never silently dropped.
            "evidence": forms.FileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
        }

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours is not None and hours <= 0:
            raise ValidationError("Hours must be more than 0.")
        return hours


class RecordForm(CompleteForm):
    class Meta(CompleteForm.Meta):
        fields = [
            "title",
            "activity_type",
            "delivery",
            "provider",
            "date",
            "days",
            "hours",
            "cpd_category",
            "reflection",
            "value_rating",
            "evidence",
        ]
        widgets = {**CompleteForm.Meta.widgets, "date": DATE, "days": forms.NumberInput(attrs={"step": "0.5"})}

    def clean_days(self):
        days = self.cleaned_data["days"]
        if days is not None and (days < 0 or days % HALF_DAY):
            raise ValidationError("Days go in halves (0, 0.5, 1 …) and cannot be negative.")
        return days


class DelegateForm(forms.ModelForm):
    delegate = ColleagueField(
        StaffProfile.objects.none(),
        label="Your delegate's work e-mail address",
        help_text="A colleague at your institution, for example another line manager in your division.",
    )

    class Meta:
        model = ManagerDelegate
        fields = ["delegate", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args, manager, **kwargs):
        super().__init__(*args, **kwargs)
        # The manager themself stays in: the service says why they cannot be their own delegate.
        self.fields["delegate"].queryset = StaffProfile.objects.for_institution(manager.institution).current()

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The last day must be on or after the first day.")
        return data

    def _post_clean(self):
        pass


class GuidanceForm(forms.ModelForm):
    class Meta:
        model = GuidanceVersion
        fields = ["audience", "title", "effective_from", "body"]
        widgets = {"effective_from": DATE, "body": forms.Textarea(attrs={"rows": 14})}

    def _post_clean(self):
        pass


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Attendance file",
        help_text="A .csv or .xlsx file with the columns course, date, email (or staff_number) and hours.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError("Upload a .csv or .xlsx file.")
        if upload.size > 10 * 1024 * 1024:
            raise ValidationError("The file is larger than 10 MB; split it.")
        return upload


class ImportChoiceForm(forms.Form):
    mode = forms.ChoiceField(choices=TrainingImport.Mode.choices)


class ReportYearForm(forms.Form):
    year = forms.TypedChoiceField(coerce=int, label="Allowance year")
    margin = forms.IntegerField(
        label="Under-represented when below the average by (%)",
        min_value=0,
        max_value=100,
        required=False,
    )

    def __init__(self, *args, years, label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, label(year)) for year in years]
        self.fields["year"].widget.attrs["class"] = "form-select"


class PolicyForm(forms.ModelForm):
    class Meta:
        model = AllowancePolicy
        fields = [
            "minimum_days",
            "year_type",
            "leave_year_start_month",
            "under_representation_margin",
            "remind_mid_year",
        ]
        widgets = {"minimum_days": forms.NumberInput(attrs={"step": "0.5", "min": "0"})}

    def clean_minimum_days(self):
        days = self.cleaned_data["minimum_days"]
        if days is not None and days % HALF_DAY:
            raise ValidationError("Days go in halves: e.g. 5 or 5.5.")
        return days


class OverrideForm(forms.ModelForm):
    class Meta:
        model = AllowanceOverride
        fields = ["grade", "job_family", "minimum_days"]

    def __init__(self, *args, institution, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].queryset = Grade.objects.for_institution(institution).select_related("job_family")
        self.fields["job_family"].queryset = JobFamily.objects.for_institution(institution)

    def clean(self):
        data = super().clean()
        if data.get("DELETE"):
            return data
        if bool(data.get("grade")) == bool(data.get("job_family")):
            raise ValidationError("Choose either a grade or a job family for each different minimum.")
        days = data.get("minimum_days")
        if days is not None and days % HALF_DAY:
            self.add_error("minimum_days", "Days go in halves: e.g. 5 or 5.5.")
        return data


OverrideFormSet = forms.inlineformset_factory(
    AllowancePolicy, AllowanceOverride, form=OverrideForm, extra=2, can_delete=True
)
