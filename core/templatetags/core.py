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


@register.simple_tag(takes_context=True)
def allowed(context, permission, obj=None):
    """`{% allowed "app.perm" obj as can_x %}`: the django-rules permission for the viewer.

    Unlike `{% has_perm %}` this asks the rule alone, without Django's model-permission
    backend and its two queries for the user's groups and permissions.
    """
    from core.access import allowed as rule_allows

    return rule_allows(context["request"].user, permission, obj)
