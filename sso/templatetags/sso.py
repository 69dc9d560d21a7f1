from django import template

from ..forms import WhereForm
from ..selectors import institutions_with_sign_in

register = template.Library()


@register.simple_tag
def where_form():
    """The “Where do you work?” form for the sign-in page, or None when no institution has a provider."""
    institutions = institutions_with_sign_in()
    if not institutions:
        return None
    return WhereForm(institutions=institutions, prefix="where")
