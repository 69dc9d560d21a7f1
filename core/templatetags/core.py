from django import template

from core import text

register = template.Library()


@register.filter
def number(value):
    """A figure without trailing zeros: 80.00 -> 80, 66.70 -> 66.7."""
    return text.number(value)


@register.filter
def days(value):
    """1 -> "1 day", 2.5 -> "2.5 days"."""
    return text.days(value)
