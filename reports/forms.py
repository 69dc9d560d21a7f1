from django import forms

from .models import Schedule


class ScheduleForm(forms.Form):
    """Save the report as shown (its filters) to be e-mailed monthly or quarterly."""

    frequency = forms.ChoiceField(
        label="How often",
        choices=Schedule.Frequency.choices,
        initial=Schedule.Frequency.MONTHLY,
        widget=forms.RadioSelect,
        help_text="Sent on the first day of each month or quarter.",
    )
    recipients = forms.TypedMultipleChoiceField(
        label="Send it to",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="HR staff and programme managers who may see this report.",
        error_messages={"required": "Choose at least one person to send it to."},
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {person.pk: person for person in people}  # already loaded: no query per render
        self.fields["recipients"].choices = [(p.pk, f"{p} ({p.user.email})") for p in people]

    def clean_recipients(self):
        return [self.people[pk] for pk in self.cleaned_data["recipients"]]
