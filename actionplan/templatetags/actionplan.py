from django import template

from ..measures import STATUS_LABELS, not_computed_text
from ..reports import fmt_number

register = template.Library()


@register.filter
def number(value):
    """A measure's number without trailing zeros: 80.00 -> 80, 66.70 -> 66.7."""
    return fmt_number(value)


@register.filter
def status_label(key):
    return STATUS_LABELS.get(key, key)


@register.filter
def not_computed_yet(measure):
    return not_computed_text(measure)
