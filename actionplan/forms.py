from django import forms
from django.utils import timezone

from people.forms import ColleaguesField
from people.models import StaffProfile

from .models import ActionPlan, ProgressUpdate, ReportRun, SuccessMeasure

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


def _check_evidence(upload):
    if upload and upload.size > MAX_EVIDENCE_BYTES:
        raise forms.ValidationError("The evidence file is larger than 10 MB; link to it instead.")
    return upload


def _evidence_link(model):
    field = model._meta.get_field("evidence_link")
    return forms.URLField(
        label=field.verbose_name.capitalize(), help_text=field.help_text, required=False, assume_scheme="https"
    )


class ProgressUpdateForm(forms.ModelForm):
    evidence_link = _evidence_link(ProgressUpdate)

    class Meta:
        model = ProgressUpdate
        fields = ["date", "status", "narrative", "evidence_link", "evidence_file"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "narrative": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, plan, **kwargs):
        self.plan = plan
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError("An update cannot be dated in the future.")
        if value < self.plan.start:
            raise forms.ValidationError(f"The plan started on {self.plan.start:%d %B %Y}; date the update after it.")
        return value

    def clean_evidence_file(self):
        return _check_evidence(self.cleaned_data.get("evidence_file"))


class MeasureRecordForm(forms.ModelForm):
    evidence_link = _evidence_link(SuccessMeasure)

    class Meta:
        model = SuccessMeasure
        fields = ["recorded_value", "achieved", "evidence_note", "evidence_link", "evidence_file"]
        widgets = {
            "achieved": forms.NullBooleanSelect(),
            "evidence_note": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_evidence_file(self):
        return _check_evidence(self.cleaned_data.get("evidence_file"))

    def clean(self):
        data = super().clean()
        if data.get("recorded_value") is None and data.get("achieved") is None:
            raise forms.ValidationError("Record a value or whether the measure is achieved.")
        if not (data.get("evidence_note") or data.get("evidence_link") or data.get("evidence_file")):
            raise forms.ValidationError("Say what the evidence is, link to it or attach it.")
        return data


class ReportForm(forms.Form):
    format = forms.ChoiceField(label="Format", choices=ReportRun.Format.choices)
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, plan, **kwargs):
        self.plan = plan
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("format", ReportRun.Format.PDF)
        initial.setdefault("start", plan.start)
        initial.setdefault("end", min(timezone.localdate(), plan.end))
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError("The end of the range must be on or after its start.")
            if start < self.plan.start or end > self.plan.end:
                raise forms.ValidationError(
                    f"Choose dates within the plan, {self.plan.start:%d %b %Y} to {self.plan.end:%d %b %Y}."
                )
        return data


class PlanSettingsForm(forms.ModelForm):
    class Meta:
        model = ActionPlan
        fields = ["published", "update_interval_days"]

    def clean_update_interval_days(self):
        value = self.cleaned_data["update_interval_days"]
        if not 7 <= value <= 366:
            raise forms.ValidationError("Choose an interval between 7 and 366 days.")
        return value


class OwnerHoldersForm(forms.Form):
    holders = ColleaguesField(
        label="Held by: their work e-mail addresses, one per line",
        queryset=StaffProfile.objects.none(),
        required=False,
        help_text="The people who hold this role now; they see its actions in 'My actions' and get its reminders.",
    )

    def __init__(self, *args, owner, **kwargs):
        kwargs.setdefault("initial", {"holders": list(owner.holders.all())})
        super().__init__(*args, **kwargs)
        self.fields["holders"].queryset = StaffProfile.objects.for_institution(owner.institution).current()
