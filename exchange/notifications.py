"""The messages the exchange pilot sends."""

from notifications.kinds import Kind, register

APPROVAL_REQUESTED = register(
    Kind(
        key="exchange.approval_requested",
        label="Exchange: your approval is requested",
        description="Sent to the visitor's and the host's line managers when someone applies to an exchange offer "
        "(to the programme managers for a side without a line manager).",
        subject="Exchange request: {{ visitor }} would like to visit {{ host }}",
        body="""Dear {{ recipient.first_name }},

{{ visitor }} ({{ visitor_division }}) has applied to spend a day with {{ host }} at
{{ facility }} ({{ host_division }}), followed by a return day, as part of the technician
exchange ({{ round }}).

You are asked to approve for {{ report }}, as their line manager (or, where they have none,
as a programme manager). Both sides need approval before the days can be scheduled. Approve or decline here:
{{ link }}""",
    )
)

PLACEMENT_APPROVED = register(
    Kind(
        key="exchange.placement_approved",
        label="Exchange: placement approved",
        description="Sent to the host and the visitor once both line managers have approved.",
        subject="Your exchange is approved: {{ visitor }} and {{ host }}",
        body="""Dear {{ recipient.first_name }},

Both line managers have approved the exchange between {{ visitor }} and {{ host }}
({{ facility }}). Please agree your two days: first the visitor spends a day with the host,
then the host spends a day with the visitor. Record the dates here:
{{ link }}""",
    )
)

PLACEMENT_DECLINED = register(
    Kind(
        key="exchange.placement_declined",
        label="Exchange: request declined",
        description="Sent to the visitor when a line manager declines their exchange request.",
        subject="Your exchange request to visit {{ host }} was declined",
        body="""Dear {{ recipient.first_name }},

Your request to visit {{ host }} ({{ facility }}) was declined by {{ declined_by }}.

Reason: {{ reason }}

{{ link }}""",
    )
)

FEEDBACK_REMINDER = register(
    Kind(
        key="exchange.feedback_reminder",
        label="Exchange: give your feedback and reflection",
        description="Sent once to each participant whose two exchange days are done but who has not given feedback.",
        optional=True,
        subject="How did your exchange with {{ partner }} go?",
        body="""Dear {{ recipient.first_name }},

Both days of your exchange with {{ partner }} are recorded. Please take ten minutes to give
your feedback and write a short reflection: it helps us decide whether to make the exchange
an annual programme, and your reflection is kept as a development record.
{{ link }}""",
    )
)
