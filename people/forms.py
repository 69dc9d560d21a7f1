import re

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower

from .models import CareerEvent, Division, Grade, JobFamily, StaffProfile
from .orcid import normalise_orcid


class SignupForm(AllauthSignupForm):
    """Allauth's sign-up with the person's name; the adapter checks the e-mail domain."""

    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)

    field_order = ["first_name", "last_name", "email", "password1", "password2"]


class ColleagueField(forms.ModelChoiceField):
    """A colleague chosen by their work e-mail address, among `queryset`: staff records, or rows
    that name a person (`email_path`, e.g. "person__user__email" for mentor profiles).

    A select of every member of staff is 5,000 options at a large institution: 1.2 s to render
    and send at national size (issue 18), and slow to use; the address is what people know. The
    address is matched without regard to case; one query.
    """

    widget = forms.EmailInput(attrs={"autocomplete": "off"})
    default_error_messages = {
        "invalid_choice": "No one at your institution has this e-mail address in TechCareers: check the "
        "address, or choose someone who has signed in.",
    }

    def __init__(self, queryset, *, email_path: str = "user__email", **kwargs):
        self.email_path = email_path
        super().__init__(queryset, **kwargs)

    def prepare_value(self, value):
        if value in self.empty_values:
            return ""
        if isinstance(value, self.queryset.model):
            for part in self.email_path.split("__"):
                value = getattr(value, part)
            return value
        if isinstance(value, int):  # a saved row's initial value is its id
            return self.queryset.filter(pk=value).values_list(self.email_path, flat=True).first() or ""
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        related = self.email_path.rsplit("__", 1)[0]
        try:
            return self.queryset.select_related(related).get(**{f"{self.email_path}__iexact": str(value).strip()})
        except (self.queryset.model.DoesNotExist, self.queryset.model.MultipleObjectsReturned):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None

    def validate(self, value):
        forms.Field.validate(self, value)

    def has_changed(self, initial, data):
        # The same address in another case, or with spaces, is the same person.
        return not self.disabled and str(self.prepare_value(initial) or "").lower() != str(data or "").strip().lower()


class ColleaguesField(forms.ModelMultipleChoiceField):
    """Colleagues named by their work e-mail addresses, one per line (or separated by commas or
    spaces), among `queryset`: `ColleagueField` for several people. One query."""

    widget = forms.Textarea(attrs={"rows": 4, "autocomplete": "off"})

    def _addresses(self, value) -> list[str]:
        return [part for part in re.split(r"[\s,;]+", str(value or "")) if part]

    def prepare_value(self, value):
        if value in self.empty_values:
            return ""
        if isinstance(value, str):
            return value
        people = [item for item in value if isinstance(item, StaffProfile)]
        ids = [item for item in value if not isinstance(item, StaffProfile)]
        addresses = [person.user.email for person in people]
        if ids:
            addresses += self.queryset.filter(pk__in=ids).values_list("user__email", flat=True)
        return "\n".join(addresses)

    def clean(self, value):
        addresses = self._addresses(value)
        if not addresses:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        wanted = {address.lower() for address in addresses}
        found = {
            person.user.email.lower(): person
            for person in self.queryset.select_related("user")
            .annotate(address=Lower("user__email"))
            .filter(address__in=wanted)
        }
        missing = [address for address in addresses if address.lower() not in found]
        if missing:
            raise ValidationError(
                "No one at your institution has %(addresses)s in TechCareers: check the address.",
                code="invalid_choice",
                params={"addresses": ", ".join(missing)},
            )
        return list(dict.fromkeys(found[address.lower()] for address in addresses))

    def has_changed(self, initial, data):
        before = {address.lower() for address in self._addresses(self.prepare_value(initial))}
        return not self.disabled and before != {address.lower() for address in self._addresses(data)}


class OrcidField(forms.CharField):
    """Accepts the iD as typed or pasted (with https://orcid.org/), stores the bare iD."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 60)
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "ORCID iD")
        kwargs.setdefault("help_text", StaffProfile._meta.get_field("orcid").help_text)
        super().__init__(**kwargs)

    def to_python(self, value):
        return normalise_orcid(super().to_python(value))


class OwnProfileForm(forms.ModelForm):
    """What staff may change about themselves: not their grade, manager or HR record."""

    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)

    class Meta:
        model = StaffProfile
        fields = ["job_title", "orcid", "bio"]
        field_classes = {"orcid": OrcidField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].initial = self.instance.user.first_name
        self.fields["last_name"].initial = self.instance.user.last_name
        self.order_fields(["first_name", "last_name", "job_title", "orcid", "bio"])

    def save_user(self):
        user = self.instance.user
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.save(update_fields=["first_name", "last_name"])


class StaffRecordForm(forms.ModelForm):
    """HR's view of a staff record; choices are limited to the institution's own data."""

    class Meta:
        model = StaffProfile
        fields = [
            "staff_number",
            "job_title",
            "division",
            "job_family",
            "grade",
            "line_manager",
            "contract_type",
            "start_date",
            "leaving_date",
            "orcid",
        ]
        field_classes = {"orcid": OrcidField}
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "leaving_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        institution = self.instance.institution
        self.fields["division"].queryset = Division.objects.for_institution(institution)
        self.fields["job_family"].queryset = JobFamily.objects.for_institution(institution)
        self.fields["grade"].queryset = Grade.objects.for_institution(institution).select_related("job_family")
        self.fields["line_manager"] = ColleagueField(
            StaffProfile.objects.for_institution(institution).current().exclude(pk=self.instance.pk),
            label="Line manager's work e-mail address",
            required=False,
            help_text="Empty when they have no line manager in TechCareers.",
            error_messages={
                "invalid_choice": "No one else at this institution has this e-mail address in TechCareers: "
                "check the address."
            },
        )

        self.fields["cause"] = forms.ChoiceField(
            label="Why the grade, job family, division, line manager or contract changes",
            choices=[("", "---------"), *CareerEvent.Cause.choices],
            required=False,
            help_text="Needed when one of them changes; it is kept in the career history.",
        )
        self.fields["effective_date"] = forms.DateField(
            label="Takes effect on",
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}),
            help_text="The day the change took effect; empty means today.",
        )

    TRACKED = ("grade", "job_family", "division", "line_manager", "contract_type", "leaving_date")

    def clean(self):
        cleaned = super().clean()
        if any(name in self.changed_data for name in self.TRACKED) and not cleaned.get("cause"):
            self.add_error("cause", "Say why the record changes: it is kept in the career history.")
        return cleaned


class OnboardingForm(forms.Form):
    """What a new person's record lacks, asked on one page; only the missing fields are shown."""

    job_family = forms.ModelChoiceField(
        JobFamily.objects.none(), label="Job family", help_text="The family of roles you belong to."
    )
    grade = forms.ModelChoiceField(
        Grade.objects.none(),
        label="Grade",
        help_text="Your grade on your institution's ladder, e.g. Higher Scientific Officer (HSO).",
    )
    division = forms.ModelChoiceField(Division.objects.none(), label="Division", help_text="Where you work.")
    manager = ColleagueField(
        StaffProfile.objects.none(),
        label="Your line manager's work e-mail address",
        required=False,
        help_text="They are asked to confirm that you report to them. Until they do, requests that need a "
        "line manager cannot be sent. Leave it empty if your line manager is not in TechCareers yet.",
    )

    def __init__(self, *args, profile, ask_manager=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.profile = profile
        institution = profile.institution
        families = JobFamily.objects.for_institution(institution)
        grades = (
            Grade.objects.for_institution(institution)
            .select_related("job_family")
            .order_by("job_family__name", "level")
        )
        if profile.job_family_id:
            grades = grades.filter(job_family_id=profile.job_family_id)
        self.fields["job_family"].queryset = families
        self.fields["grade"].queryset = grades
        self.fields["grade"].label_from_instance = lambda grade: (
            f"{grade.job_family}: {grade.name} ({grade.short_name})"
        )
        self.fields["division"].queryset = Division.objects.for_institution(institution)
        self.fields["manager"].queryset = (
            StaffProfile.objects.for_institution(institution).current().exclude(pk=profile.pk)
        )
        for name in ("job_family", "grade", "division"):
            if getattr(profile, f"{name}_id") is not None:
                del self.fields[name]
        if profile.line_manager_id is not None or not ask_manager:
            del self.fields["manager"]

    def clean(self):
        cleaned = super().clean()
        grade = cleaned.get("grade")
        family = cleaned.get("job_family") or self.profile.job_family
        if grade is not None and family is not None and grade.job_family_id != family.pk:
            self.add_error("grade", f"Choose a grade on the {family} ladder, or change the job family.")
        return cleaned


class ManagerAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label="Does this person report to you?",
        choices=[("confirm", "Yes, they report to me"), ("decline", "No, they do not")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason (if you decline)",
        required=False,
        max_length=500,
        help_text="Shown to the person, e.g. who their line manager is.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class StaffImportForm(forms.Form):
    file = forms.FileField(
        label="Staff list",
        help_text="A .csv or .xlsx file with the columns staff_number, name, email, division, job_family, grade, "
        "line_manager_staff_number, start_date, leaving_date and contract_type; at most 10 MB.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError("Upload a .csv or .xlsx file.")
        if upload.size > 10 * 1024 * 1024:
            raise ValidationError("The file is larger than 10 MB; split it.")
        return upload


class StaffImportConfirmForm(forms.Form):
    invite = forms.BooleanField(
        label="Invite the new staff",
        required=False,
        help_text="E-mail each new person an invitation to sign in. Leave it unticked and the import e-mails nobody.",
    )
