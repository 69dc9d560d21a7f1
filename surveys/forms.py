from django import forms

from people.models import Grade, JobFamily

from .models import LIKERT, Question, Survey


class SurveyForm(forms.ModelForm):
    standard_questions = forms.BooleanField(
        label="Start with the standard questions",
        required=False,
        initial=True,
        help_text="The annual survey, the new starters' survey and the leaver questionnaire have ready-made "
        "questions (motivation and ambition, training, reasons for leaving); you can add more.",
    )

    class Meta:
        model = Survey
        fields = [
            "title",
            "introduction",
            "kind",
            "audience",
            "job_family",
            "grade",
            "new_within_months",
            "anonymous",
            "opens_on",
            "closes_on",
            "respond_within_days",
        ]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
            "introduction": forms.Textarea(attrs={"rows": 3}),
        }

    # Audiences that name one object (an event, a cohort) are set up by their app, never by hand.
    BY_APPS = {Survey.Audience.EVENT_ATTENDEES, Survey.Audience.COHORT_PARTICIPANTS, Survey.Audience.COHORT_MANAGERS}

    def __init__(self, *args, institution=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = [c for c in Survey.Audience.choices if c[0] not in self.BY_APPS]
        self.fields["job_family"].queryset = JobFamily.objects.filter(institution=institution)
        self.fields["grade"].queryset = Grade.objects.filter(job_family__institution=institution).select_related(
            "job_family"
        )

    def clean(self):
        data = super().clean()
        audience = data.get("audience")
        if audience == Survey.Audience.JOB_FAMILY and not data.get("job_family"):
            self.add_error("job_family", "Choose the job family to invite.")
        if audience in (Survey.Audience.GRADE, Survey.Audience.NEW_STARTERS) and not data.get("grade"):
            self.add_error("grade", "Choose the grade to invite.")
        if audience == Survey.Audience.NEW_STARTERS and not data.get("new_within_months"):
            self.add_error("new_within_months", "Say how many months after starting people are invited.")
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "The survey must close on or after the day it opens.")
        return data


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["text", "kind", "required", "options", "min_value", "max_value", "max_length", "theme"]
        widgets = {"options": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        low, high = data.get("min_value"), data.get("max_value")
        if low is not None and high is not None and low > high:
            self.add_error("max_value", "The highest number must not be below the lowest.")
        return data


class AnswerForm(forms.Form):
    """One field per question, named `q<pk>`; the checks give their message beside the question."""

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            field = self._field(question)
            field.error_messages["required"] = "Please answer this question."
            self.fields[f"q{question.pk}"] = field

    @staticmethod
    def _field(question):
        common = {"label": question.text, "required": question.required}
        kind = question.kind
        if kind == Question.Kind.SINGLE:
            return forms.ChoiceField(choices=[(o, o) for o in question.option_list], widget=forms.RadioSelect, **common)
        if kind == Question.Kind.MULTIPLE:
            return forms.MultipleChoiceField(
                choices=[(o, o) for o in question.option_list], widget=forms.CheckboxSelectMultiple, **common
            )
        if kind == Question.Kind.LIKERT:
            return forms.TypedChoiceField(
                choices=[(str(v), label) for v, label in LIKERT],
                coerce=int,
                empty_value=None,
                widget=forms.RadioSelect,
                **common,
            )
        if kind == Question.Kind.NUMBER:
            return forms.IntegerField(
                min_value=question.min_value,
                max_value=question.max_value,
                error_messages={
                    "min_value": f"Give a number of at least {question.min_value}.",
                    "max_value": f"Give a number of at most {question.max_value}.",
                },
                **common,
            )
        return forms.CharField(
            widget=forms.Textarea(attrs={"rows": 3}),
            max_length=question.max_length,
            help_text=f"Up to {question.max_length} characters.",
            **common,
        )

    def answers(self):
        return {question.pk: self.cleaned_data.get(f"q{question.pk}") for question in self.questions}
