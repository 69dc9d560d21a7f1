from django import forms
from django.db.models import Q

from people import roles
from people.models import Grade, JobFamily, StaffProfile

from .models import Application, BulletinPost, Cohort, Event, Programme, Registration, Session

YES_NO = [("yes", "Yes"), ("no", "No")]


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, help_text="Words in the title or summary.")
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any kind"), *Programme.Kind.choices])
    open_now = forms.BooleanField(label="Open for applications now", required=False)
    eligible_only = forms.BooleanField(label="Only what I can apply to", required=False)


class ApplicationForm(forms.Form):
    """The statement, then one required field per question the cohort asks."""

    statement = forms.CharField(
        label=Application._meta.get_field("statement").verbose_name.capitalize(),
        help_text=Application._meta.get_field("statement").help_text,
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
    )

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = cohort.question_list
        for index, question in enumerate(self.questions):
            self.fields[f"question_{index}"] = forms.CharField(
                label=question, widget=forms.Textarea(attrs={"rows": 3}), max_length=3000
            )

    def answers(self):
        return {question: self.cleaned_data[f"question_{i}"] for i, question in enumerate(self.questions)}


class EndorsementForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("endorse", "Endorse the application"), ("decline", "Decline to endorse")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you decline; the applicant reads it.",
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "decline" and not data.get("reason", "").strip():
            self.add_error("reason", "Please give the applicant a reason.")
        return data


DECISION_CHOICES = [("accept", "Accept"), ("waitlist", "Put on the waiting list"), ("decline", "Decline")]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Decision", choices=DECISION_CHOICES)
    reason = forms.CharField(
        label="Note to the applicant", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class BulkDecisionForm(DecisionForm):
    applications = forms.ModelMultipleChoiceField(
        label="Applicants", queryset=Application.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = cohort.applications.select_related("cohort__programme")
        self.fields["applications"].error_messages["required"] = "Tick at least one applicant."


class ApplicantFilterForm(forms.Form):
    state = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *Application.State.choices])
    institution = forms.ChoiceField(label="Institution", required=False)
    q = forms.CharField(label="Name or e-mail", required=False)

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = [("", "Any institution")] + [
            (str(i.pk), i.short_name) for i in institutions
        ]


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["title", "starts_at", "ends_at", "location", "online_url"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The session must end after it starts.")
        if not data.get("location") and not data.get("online_url"):
            self.add_error("location", "Give a place or an online link.")
        return data


class RegisterForm(forms.Form):
    present = forms.ModelMultipleChoiceField(
        label="Present", queryset=Application.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = participants


def level_choices(institution):
    """Grade levels as choices naming the grades at each level, e.g. "3: HSO, RM2, AS1"."""
    by_level = {}
    for grade in Grade.objects.for_institution(institution).order_by("level", "job_family__name"):
        by_level.setdefault(grade.level, []).append(grade.short_name)
    return [("", "Any")] + [(str(level), f"{level}: {', '.join(names)}") for level, names in sorted(by_level.items())]


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = [
            "title",
            "kind",
            "owner",
            "summary",
            "description",
            "open_to_partners",
            "needs_endorsement",
            "external_url",
            "attendance_rule_percent",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, institution, **kwargs):
        super().__init__(*args, **kwargs)
        self.institution = institution
        # Owners are the institution's programme managers (and whoever owns it now).
        managers = StaffProfile.objects.for_institution(institution).filter(
            Q(user__groups__name__in=[roles.PROGRAMME_MANAGER, roles.INSTITUTION_ADMIN])
            | Q(pk=self.instance.owner_id or 0)
        )
        self.fields["owner"].queryset = managers.select_related("user").distinct()

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        clash = Programme.objects.for_institution(self.institution).filter(title__iexact=title)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("Your institution already has a programme with this title.")
        return title

    def clean_attendance_rule_percent(self):
        value = self.cleaned_data["attendance_rule_percent"]
        if value > 100:
            raise forms.ValidationError("At most 100%.")
        return value


class CohortForm(forms.ModelForm):
    min_level = forms.TypedChoiceField(
        label="Lowest grade level",
        required=False,
        coerce=int,
        empty_value=None,
        help_text=Cohort.min_level.field.help_text,
    )
    max_level = forms.TypedChoiceField(
        label="Highest grade level",
        required=False,
        coerce=int,
        empty_value=None,
        help_text=Cohort.max_level.field.help_text,
    )

    class Meta:
        model = Cohort
        fields = [
            "name",
            "starts_on",
            "ends_on",
            "capacity",
            "opens_on",
            "closes_on",
            "min_level",
            "max_level",
            "job_families",
            "eligibility_text",
            "selection",
            "waiting_list",
            "questions",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
            "job_families": forms.CheckboxSelectMultiple,
            "questions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, institution, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["min_level"].choices = self.fields["max_level"].choices = level_choices(institution)
        self.fields["job_families"].queryset = JobFamily.objects.for_institution(institution)

    def clean(self):
        data = super().clean()
        pairs = [
            ("starts_on", "ends_on", "The cohort must end on or after the day it starts."),
            ("opens_on", "closes_on", "Applications must close on or after the day they open."),
            ("min_level", "max_level", "The highest level must be at least the lowest."),
        ]
        for low, high, message in pairs:
            if data.get(low) is not None and data.get(high) is not None and data[high] < data[low]:
                self.add_error(high, message)
        return data


# --- Events ---------------------------------------------------------------------------------------


class EventFilterForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any kind"), *Event.Kind.choices])
    show = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("", "Upcoming events"),
            ("partners", "Upcoming events of other institutions opened to us"),
            ("past", "Past events"),
        ],
    )


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "title",
            "kind",
            "network",
            "summary",
            "description",
            "starts_at",
            "ends_at",
            "location",
            "online_url",
            "capacity",
            "waiting_list",
            "audience",
            "organiser",
        ]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, institution, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = Programme.objects.for_institution(institution).order_by("title")
        self.fields["organiser"].queryset = (
            StaffProfile.objects.for_institution(institution)
            .filter(
                Q(user__groups__name__in=[roles.PROGRAMME_MANAGER, roles.INSTITUTION_ADMIN])
                | Q(pk=self.instance.organiser_id or 0)
            )
            .select_related("user")
            .distinct()
        )

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The event must end after it starts.")
        if not data.get("location") and not data.get("online_url"):
            self.add_error("location", "Give a place or an online link.")
        if data.get("kind") == Event.Kind.NETWORK_MEETING and not data.get("network"):
            self.add_error("network", "Say which network this meeting belongs to.")
        return data


class AttendanceForm(forms.Form):
    present = forms.ModelMultipleChoiceField(
        label="Attended", queryset=Registration.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, registrations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = registrations


class RegistrationEndorsementForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("endorse", "Endorse the registration"), ("decline", "Decline to endorse")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label="Reason", required=False, max_length=2000, help_text="The person reads it.")


# --- The opportunities bulletin ---------------------------------------------------------------------


class BulletinFilterForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", required=False)
    audience = forms.ChoiceField(label="Audience", required=False)
    deadline = forms.ChoiceField(
        label="Deadline",
        required=False,
        choices=[("", "Any deadline"), ("week", "Within a week"), ("month", "Within a month")],
    )

    def __init__(self, *args, **kwargs):
        from core.opportunities import AUDIENCES, KINDS

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Every kind"), *KINDS.items()]
        self.fields["audience"].choices = [("", "Any audience"), *AUDIENCES.items()]


class BulletinPostForm(forms.ModelForm):
    class Meta:
        model = BulletinPost
        fields = ["kind", "title", "summary", "provider", "url", "shown_from", "deadline"]
        widgets = {
            "shown_from": forms.DateInput(attrs={"type": "date"}),
            "deadline": forms.DateInput(attrs={"type": "date"}),
        }

    def clean(self):
        data = super().clean()
        shown, deadline = data.get("shown_from"), data.get("deadline")
        if shown and deadline and deadline < shown:
            self.add_error("deadline", "The deadline must be on or after the day the post is shown.")
        return data
