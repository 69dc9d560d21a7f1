from django import forms

from .models import Goal, Pathway, PathwayStep, Rating, SideRoute

MAX_UPLOAD_BYTES = 512 * 1024


class FrameworkUploadForm(forms.Form):
    file = forms.FileField(
        label="Framework file (CSV)",
        help_text="A UTF-8 CSV file in the format described on this page, at most 512 KB.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 512 KB; a framework file is far smaller.")
        return upload


class PathwayForm(forms.ModelForm):
    note = forms.CharField(label="What changed", max_length=300, help_text="For the version history.")

    class Meta:
        model = Pathway
        fields = ["title", "introduction", "published"]


class StepForm(forms.ModelForm):
    note = forms.CharField(label="What changed", max_length=300, help_text="For the version history.")

    class Meta:
        model = PathwayStep
        fields = ["role_summary", "asks", "programmes", "registration_fit", "minimum_days"]


class SideRouteForm(forms.ModelForm):
    class Meta:
        model = SideRoute
        fields = ["from_grade", "title", "description"]

    def __init__(self, *args, grades=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_grade"].queryset = grades


class RatingForm(forms.Form):
    """One capability's rating, prefixed by the capability's id."""

    level = forms.TypedChoiceField(
        label="My level", coerce=int, help_text="The band whose indicator describes what you do now."
    )
    evidence = forms.CharField(
        label="Evidence",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Training, outputs, registration or programmes that show it.",
    )

    cited = forms.MultipleChoiceField(
        label="From your records",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick the records that show it; your line manager sees them beside your rating.",
    )

    def __init__(self, *args, bands=(), records=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", "Choose a level")] + [
            (b.level, f"{b.name} (level {b.level})") for b in bands
        ]
        self.fields["cited"].choices = [(record, record) for record in records]
        if not records:
            del self.fields["cited"]


class ReviewForm(forms.Form):
    view = forms.ChoiceField(label="Your view", choices=Rating.View.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Note", required=False, max_length=500, help_text="Needed when you mark a rating to discuss."
    )

    def clean(self):
        data = super().clean()
        if data.get("view") == Rating.View.DISCUSS and not data.get("note", "").strip():
            self.add_error("note", "Say what you would like to discuss.")
        return data


class GoalForm(forms.ModelForm):
    reference = forms.ChoiceField(
        label="Which one",
        required=False,
        help_text="The programme, development request, registration journey, promotion round or mentoring "
        "relationship this goal serves, when it serves one of yours.",
    )

    class Meta:
        model = Goal
        fields = ["title", "link", "capability", "reference", "due_on"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, capabilities=None, options=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capability"].queryset = capabilities
        self.fields["capability"].required = False
        self.options = options or {}
        labels = dict(Goal.Link.choices)
        self.fields["reference"].choices = [("", "None in particular")] + [
            (labels[kind], choices) for kind, choices in self.options.items() if choices
        ]

    def clean(self):
        data = super().clean()
        link, reference = data.get("link"), data.get("reference", "")
        if link == Goal.Link.CAPABILITY and not data.get("capability"):
            self.add_error("capability", "Choose the capability this goal closes the gap in.")
        if reference:
            kind = reference.partition(":")[0]
            if link and link != kind:
                self.add_error(
                    "reference", f"Choose one of the kind the goal is linked to ({Goal.Link(link).label.lower()})."
                )
            else:
                data["link"] = kind
                data["reference_label"] = dict(self.options.get(kind, []))[reference]
        return data


class ProgressForm(forms.Form):
    progress = forms.ChoiceField(label="Progress", choices=Goal.Progress.choices)
    note = forms.CharField(label="Where it stands", required=False, max_length=500)


class DecisionForm(forms.Form):
    agree = forms.TypedChoiceField(
        label="Your decision",
        choices=[("1", "Agree the plan"), ("0", "Return it to discuss")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="What you would like changed", required=False, max_length=500, help_text="Needed when you return it."
    )

    def clean(self):
        data = super().clean()
        if data.get("agree") is False and not data.get("reason", "").strip():
            self.add_error("reason", "Say what you would like changed.")
        return data
