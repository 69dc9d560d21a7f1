from django import forms
from django.template import Template, TemplateSyntaxError

from . import kinds
from .models import MessageTemplate


class PreferencesForm(forms.Form):
    """One checkbox per optional reminder."""

    def __init__(self, *args, current, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in kinds.optional_kinds():
            self.fields[kind.key] = forms.BooleanField(
                label=kind.label, help_text=kind.description, required=False, initial=current.get(kind.key, True)
            )


class MessageTemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 16})}

    def _check_template(self, field):
        source = self.cleaned_data[field]
        try:
            Template(source)
        except TemplateSyntaxError as error:
            raise forms.ValidationError(f"This text has a template error: {error}") from error
        return source

    def clean_subject(self):
        return self._check_template("subject")

    def clean_body(self):
        return self._check_template("body")
