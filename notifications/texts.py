"""Message texts that institution administrators edit: what they may use, and what they are given.

A text is a Django template, so it could reach anything in its context and any tag library.
Two rules keep an edited text harmless:

- It is rendered with plain values only (`render_context`): the recipient's name and e-mail,
  the institution's name, the link and the kind's own context values (JSON), never a model.
  `{{ recipient.password }}` has nothing to reach.
- It is refused when saved (`problems`) unless it uses only variables and simple
  `{% if %}` / `{% else %}` / `{% endif %}`, with the filters in SAFE_FILTERS. The names it may use are
  the whitelisted ones plus whatever the kind's standard text uses (its own context keys;
  a standard text that loops over rows lets the edited one loop over them the same way).
"""

from __future__ import annotations

from typing import Any

from django.template import Template, TemplateSyntaxError
from django.template.base import FilterExpression, TextNode, Variable, VariableNode
from django.template.defaulttags import ForNode, IfNode, TemplateLiteral

from . import kinds

WHITELISTED = (
    "recipient.first_name",
    "recipient.last_name",
    "recipient.name",
    "recipient.email",
    "institution.name",
    "institution.short_name",
    "link",
)
SAFE_FILTERS = frozenset({"pluralize", "default", "date"})


def render_context(*, recipient: Any, institution: Any, link: str, values: dict[str, Any]) -> dict[str, Any]:
    """The whole context of a message: plain values, nothing a text could reach through."""
    return {
        **values,
        "recipient": {
            "first_name": recipient.first_name,
            "last_name": recipient.last_name,
            "name": str(recipient),
            "email": recipient.email,
        },
        "institution": (
            {"name": institution.name, "short_name": institution.short_name} if institution is not None else {}
        ),
        "link": link,
    }


def _uses(source: str) -> tuple[set[str], set[str], set[str]]:
    """The variables, filters and tags a template uses (the standard texts are trusted)."""
    found: tuple[set[str], set[str], set[str]] = (set(), set(), set())
    _walk(Template(source).nodelist, *found)
    return found


def allowed_variables(kind: kinds.Kind) -> list[str]:
    """What an edited text of this kind may use: the whitelist and the standard text's own names."""
    variables, _, _ = _uses(kind.subject + "\n" + kind.body)
    return sorted(set(WHITELISTED) | {v for v in variables if v.split(".")[0] not in ("recipient", "institution")})


def problems(*, kind: kinds.Kind, subject: str, body: str) -> dict[str, str]:
    """Return {field: message} for each text that may not be saved; empty when both may."""
    errors = {}
    for field, source in (("subject", subject), ("body", body)):
        message = problem(kind=kind, source=source)
        if message:
            errors[field] = message
    return errors


def problem(*, kind: kinds.Kind, source: str) -> str:
    """Why this text may not be saved for this kind, or "" when it may."""
    try:
        variables, filters, tags = _uses(source)
    except TemplateSyntaxError as error:
        return f"This text has a template error: {error}"
    except _Refused as refused:
        return str(refused)
    _, standard_filters, standard_tags = _uses(kind.subject + "\n" + kind.body)
    allowed = set(allowed_variables(kind))
    unknown = sorted(variables - allowed)
    if unknown:
        return (
            f"This text uses {', '.join('{{ ' + v + ' }}' for v in unknown)}, which this message does not have. "
            f"Use only: {', '.join(sorted(allowed))}."
        )
    bad_filters = sorted(filters - SAFE_FILTERS - standard_filters)
    if bad_filters:
        return f"The filter {', '.join(bad_filters)} cannot be used here; only {', '.join(sorted(SAFE_FILTERS))}."
    bad_tags = sorted(tags - {"if"} - (standard_tags & {"for"}))
    if bad_tags:
        return f"The tag {', '.join(bad_tags)} cannot be used here."
    return ""


class _Refused(Exception):
    pass


def _walk(nodelist: Any, variables: set[str], filters: set[str], tags: set[str]) -> None:
    for node in nodelist:
        if isinstance(node, TextNode):
            continue
        if isinstance(node, VariableNode):
            _expression(node.filter_expression, variables, filters)
        elif isinstance(node, IfNode):
            tags.add("if")
            for number, (condition, branch) in enumerate(node.conditions_nodelists):
                if condition is not None and number > 0:
                    raise _Refused("Only a simple {% if %} … {% else %} … {% endif %} can be used here (no elif).")
                if condition is not None:
                    _condition(condition, variables, filters)
                _walk(branch, variables, filters, tags)
        elif isinstance(node, ForNode):
            # The standard digests loop over their rows (`{% for row in rows %}{{ row.code }}`);
            # an edited text may loop over the same rows with the same names.
            tags.add("for")
            _expression(node.sequence, variables, filters)
            _walk(node.nodelist_loop, variables, filters, tags)
            _walk(node.nodelist_empty, variables, filters, tags)
        else:
            name = getattr(node, "token", None)
            word = name.split_contents()[0] if name is not None else type(node).__name__
            raise _Refused(f"The tag {{% {word} %}} cannot be used in a message text.")


def _condition(condition: Any, variables: set[str], filters: set[str]) -> None:
    if isinstance(condition, TemplateLiteral):
        _expression(condition.value, variables, filters)
        return
    for operand in (getattr(condition, "first", None), getattr(condition, "second", None)):
        if operand is not None:
            _condition(operand, variables, filters)


def _expression(expression: FilterExpression, variables: set[str], filters: set[str]) -> None:
    _variable(expression.var, variables)
    for function, arguments in expression.filters:
        filters.add(getattr(function, "_filter_name", function.__name__))
        for is_variable, argument in arguments:
            if is_variable:
                _variable(argument, variables)


def _variable(variable: Any, variables: set[str]) -> None:
    if isinstance(variable, Variable) and variable.lookups is not None:
        variables.add(".".join(variable.lookups))
