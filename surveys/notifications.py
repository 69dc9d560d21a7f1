"""The messages the surveys app sends (all through the outbox)."""

from notifications.kinds import Kind, register

INVITATION = register(
    Kind(
        key="surveys.invitation",
        label="A survey for you",
        description="Sent once to each person in a survey's audience when the survey opens (or when they join it).",
        subject="Your views, please: {{ title }}",
        body="""Dear {{ recipient.first_name }},

Please answer "{{ title }}"{% if about %} about {{ about }}{% endif %} by {{ respond_by }}.
{% if anonymous %}Your answers are anonymous: we record that you answered, never which answers are yours.
{% endif %}
{{ link }}""",
    )
)

REMINDER = register(
    Kind(
        key="surveys.reminder",
        label="A survey you have not answered yet",
        description="Sent once, a few days before a survey closes, only to people who have not answered.",
        subject="Reminder: {{ title }} closes on {{ respond_by }}",
        body="""Dear {{ recipient.first_name }},

"{{ title }}"{% if about %} (about {{ about }}){% endif %} closes on {{ respond_by }}.
We have not had your answers yet. It takes a few minutes.

{{ link }}""",
        optional=True,
    )
)
