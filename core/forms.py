"""Showing a service's refusal on the form that asked for it."""

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: beside the field it names, else at the top.

    Services raise `ValidationError({"field": "message"})` for a field's problem and a plain
    ValidationError for the whole request; a field the form does not show goes to the top, so
    no message is ever lost.
    """
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
