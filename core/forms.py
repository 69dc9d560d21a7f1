"""Showing a service's refusal on the form that asked for it; bounds on every form's text and dates."""

from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator


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


# --- Every form's text and dates are bounded (issue 16) --------------------------------------

# Longest text any form accepts where its model sets no limit (a bio, a reflection, a reason).
TEXT_MAX_LENGTH = 10_000
EARLIEST_DATE = date(1950, 1, 1)
LATEST_DATE = date(2100, 12, 31)


def _within_sane_dates(value: date | datetime) -> None:
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(
            f"Enter a date between {EARLIEST_DATE:%d %b %Y} and {LATEST_DATE:%d %b %Y}.", code="date_out_of_range"
        )


def bound_inputs(form: forms.BaseForm) -> None:
    """Give the form's text fields a maximum length and its date fields a sane range.

    A text field without its own limit accepts at most TEXT_MAX_LENGTH characters (a 1 MB bio
    is refused beside the field, not stored); a date must fall between EARLIEST_DATE and
    LATEST_DATE (0001-01-01 and 9999-12-31 are refused). The browser is told too (maxlength,
    min and max), so most people never see the message.
    """
    for field in form.fields.values():
        if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
            if field.max_length is None:
                field.max_length = TEXT_MAX_LENGTH
                field.validators.append(MaxLengthValidator(TEXT_MAX_LENGTH))
                field.widget.attrs.setdefault("maxlength", str(TEXT_MAX_LENGTH))
        elif isinstance(field, forms.DateField | forms.DateTimeField):
            if _within_sane_dates not in field.validators:
                field.validators.append(_within_sane_dates)
            if isinstance(field, forms.DateField):
                field.widget.attrs.setdefault("min", EARLIEST_DATE.isoformat())
                field.widget.attrs.setdefault("max", LATEST_DATE.isoformat())


def install_input_bounds() -> None:
    """Apply `bound_inputs` to every form the project builds, its own and its libraries' (core.apps)."""
    if getattr(forms.BaseForm, "_inputs_bounded", False):
        return
    original = forms.BaseForm.__init__

    def __init__(self: forms.BaseForm, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        bound_inputs(self)

    forms.BaseForm.__init__ = __init__  # type: ignore[method-assign]
    forms.BaseForm._inputs_bounded = True  # type: ignore[attr-defined]
