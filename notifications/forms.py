from django import forms

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
    """An institution's own text for one kind; `MessageTemplate.clean` refuses anything but
    variables and simple ifs, with its message beside the field."""

    class Meta:
        model = MessageTemplate
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 16})}

    def __init__(self, *args, kind, institution, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.kind = kind.key
        self.instance.institution = institution
