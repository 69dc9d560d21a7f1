from django import forms

from .models import CriteriaVersion, Declaration, Round, Vacancy

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class DeclarationForm(forms.ModelForm):
    class Meta:
        model = Declaration
        fields = ["highest_qualification", "qualification_subject", "prior_experience_years", "alert_me_of_rounds"]


class CriteriaForm(forms.ModelForm):
    class Meta:
        model = CriteriaVersion
        fields = [
            "target_grade",
            "expectations",
            "qualification_asked",
            "equivalent_years",
            "equivalent_registrations",
            "equivalent_programmes",
            "change_note",
        ]
        widgets = {"expectations": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, grades, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_grade"].queryset = grades
        self.fields["target_grade"].label_from_instance = lambda grade: f"{grade.job_family.name}: {grade}"


class RoundForm(forms.ModelForm):
    ORDER = ["opens_on", "mentoring_from", "submissions_open_on", "submissions_close_on", "panel_on", "outcomes_on"]

    class Meta:
        model = Round
        fields = [
            "name",
            "opens_on",
            "mentoring_from",
            "submissions_open_on",
            "submissions_close_on",
            "panel_on",
            "outcomes_on",
        ]
        widgets = dict.fromkeys(
            ["opens_on", "mentoring_from", "submissions_open_on", "submissions_close_on", "panel_on", "outcomes_on"],
            DATE,
        )

    def clean(self):
        data = super().clean()
        for earlier, later in zip(self.ORDER, self.ORDER[1:], strict=False):
            if data.get(earlier) and data.get(later) and data[later] < data[earlier]:
                self.add_error(
                    later,
                    f"“{self.fields[later].label}” cannot be before “{self.fields[earlier].label.lower()}”.",
                )
        return data


class WorkshopForm(forms.Form):
    cohort = forms.ModelChoiceField(
        label="Programme and cohort",
        queryset=None,
        help_text="The workshop becomes a session of this cohort, so attendance is recorded as for any session.",
    )
    title = forms.CharField(label="Title", max_length=200, initial="Promotion criteria workshop")
    starts_at = forms.DateTimeField(label="Starts", widget=DATETIME)
    ends_at = forms.DateTimeField(label="Ends", widget=DATETIME)
    location = forms.CharField(
        label="Place", max_length=200, required=False, help_text="Room and building, if in person."
    )
    online_url = forms.URLField(
        label="Online link", required=False, assume_scheme="https", help_text="The video-call link, if online."
    )

    def __init__(self, *args, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts
        self.fields["cohort"].label_from_instance = lambda cohort: f"{cohort.programme}: {cohort.name}"

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", "The workshop must end after it starts.")
        if not data.get("location") and not data.get("online_url") and "location" not in self.errors:
            self.add_error("location", "Give a place or an online link.")
        return data


class StatementForm(forms.Form):
    statement = forms.CharField(
        label="Your statement",
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="How you meet what the grade asks, with examples. Your evidence from the portal's records is "
        "added when you submit.",
    )


class SupportForm(forms.Form):
    manager_statement = forms.CharField(
        label="Supporting statement",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Your support for the application, as the applicant's line manager.",
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[("promoted", "Promoted"), ("not_promoted", "Not this time")],
        widget=forms.RadioSelect,
    )
    new_grade = forms.ModelChoiceField(label="New grade", queryset=None, required=False, help_text="When promoted.")
    effective_date = forms.DateField(
        label="Effective date", required=False, widget=DATE, help_text="When promoted: the day the new grade starts."
    )
    feedback = forms.CharField(
        label="Feedback",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed when not promoted this time; welcome either way.",
    )

    def __init__(self, *args, grades, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_grade"].queryset = grades


class VacancyForm(forms.ModelForm):
    class Meta:
        model = Vacancy
        fields = ["title", "reference", "grade", "degree_asked", "degree_reason", "reason_note"]
        widgets = {"degree_reason": forms.RadioSelect}

    def __init__(self, *args, grades, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].queryset = grades
        self.fields["grade"].label_from_instance = lambda grade: f"{grade.job_family.name}: {grade}"
        self.fields["degree_reason"].choices = [
            ("", "No reason from the checklist applies"),
            *self.fields["degree_reason"].choices[1:],
        ]

    def clean(self):
        data = super().clean()
        if data.get("degree_reason") and not data.get("degree_asked"):
            self.add_error("degree_reason", "A reason is needed only when the job description asks for a degree.")
        return data
