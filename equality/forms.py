from datetime import date, timedelta

from django import forms
from django.utils import timezone

from . import characteristics as ch
from .sources import SOURCES

NOT_ANSWERED = ("", "Not answered")


class DeclarationForm(forms.Form):
    """One optional question per characteristic the institution asks; every one may be left unanswered."""

    def __init__(self, *args, enabled, **kwargs):
        super().__init__(*args, **kwargs)
        for characteristic in enabled:
            many = len(characteristic.choices) > 8
            self.fields[characteristic.key] = forms.ChoiceField(
                label=characteristic.question,
                choices=[NOT_ANSWERED, *characteristic.choices],
                required=False,
                widget=forms.Select if many else forms.RadioSelect,
                help_text=f"{characteristic.label}. Optional: leave it unanswered, or choose “Prefer not to say”.",
            )


class SettingsForm(forms.Form):
    ask_sexual_orientation = forms.BooleanField(
        label="Ask about sexual orientation", required=False, help_text=ch.SEXUAL_ORIENTATION.question
    )
    ask_religion = forms.BooleanField(
        label="Ask about religion or belief", required=False, help_text=ch.RELIGION.question
    )
    ask_gender_identity = forms.BooleanField(
        label="Ask about gender identity", required=False, help_text=ch.GENDER_IDENTITY.question
    )
    ask_caring = forms.BooleanField(
        label="Ask about caring responsibilities",
        required=False,
        help_text="Caring for children or for someone "
        "with a long-term condition, disability or problems related to old age.",
    )
    record_viewers = forms.TypedMultipleChoiceField(
        label="HR staff who may see individual answers",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each look is recorded in the audit log. Name nobody and only each person ever sees their own "
        "answers. Only HR staff are listed.",
    )

    def __init__(self, *args, hr_staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record_viewers"].choices = [(p.pk, f"{p} ({p.user.email})") for p in hr_staff]


class PipelineForm(forms.Form):
    """The report's filters (GET). Unknown or missing values fall back to the defaults."""

    source = forms.ChoiceField(
        label="Stage of the pipeline",
        choices=[(s.key, s.label) for s in SOURCES.values()],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    breakdown = forms.ChoiceField(label="Break down by", widget=forms.Select(attrs={"class": "form-select"}))
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))

    def __init__(self, *args, breakdowns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["breakdown"].choices = breakdowns

    @staticmethod
    def defaults(today: date) -> dict[str, str]:
        return {
            "source": "programmes",
            "breakdown": "job_family",
            "start": (today - timedelta(days=365)).isoformat(),
            "end": today.isoformat(),
        }

    @classmethod
    def from_query(cls, query, *, breakdowns):
        data = cls.defaults(timezone.localdate())
        data.update({key: value for key, value in query.items() if key in data and value})
        return cls(data, breakdowns=breakdowns)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "The end of the period must be on or after its start.")
        if start and end and (end - start).days > 366 * 10:
            self.add_error("start", "Choose a period of ten years or less.")
        return cleaned


class LookupForm(forms.Form):
    q = forms.CharField(
        label="Staff number or e-mail address",
        max_length=200,
        help_text="The exact staff number or e-mail address of one person. Your look is recorded in the audit log.",
    )
