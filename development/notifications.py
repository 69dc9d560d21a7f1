"""The messages the development app sends (all through the outbox)."""

from notifications.kinds import Kind, register

REQUEST_SUBMITTED = register(
    Kind(
        key="development.request_submitted",
        label="A development request to decide",
        description="Sent to the line manager when a report submits or resubmits a development request.",
        subject="{{ requester }} asks for {{ days }} development days",
        body="""Dear {{ recipient.first_name }},

{{ requester }} asks for {{ days }} development days for "{{ title }}" ({{ dates }}).

Please approve it, decline it with a reason, or ask for a change:
{{ link }}""",
    )
)

REQUEST_DECIDED = register(
    Kind(
        key="development.request_decided",
        label="Your development request was decided",
        description="Sent to the technician when their manager approves, declines or asks for changes.",
        subject="Your development request: {{ decision }}",
        body="""Dear {{ recipient.first_name }},

{{ decider }} has decided your request for "{{ title }}": {{ decision }}.
{% if reason %}
Reason: {{ reason }}
{% endif %}
{{ link }}""",
    )
)

APPROVAL_WAITING = register(
    Kind(
        key="development.approval_waiting",
        label="Development requests waiting for your decision",
        description="Sent to a line manager when a report's request has waited more than 5 working days.",
        subject="{{ requester }}'s development request is waiting for you",
        body="""Dear {{ recipient.first_name }},

{{ requester }}'s request for "{{ title }}" ({{ days }} days) has waited since {{ submitted }}
for your decision. Please approve it, decline it or ask for a change:
{{ link }}""",
    )
)

NOTHING_RECORDED = register(
    Kind(
        key="development.nothing_recorded",
        label="No development recorded by mid-year",
        description="Sent half way through the allowance year to technicians with no development recorded or planned.",
        optional=True,
        subject="You have {{ minimum }} development days this year",
        body="""Dear {{ recipient.first_name }},

We are half way through the {{ year }} allowance year and you have not recorded or planned any
development yet. You have {{ minimum }} development days a year: courses, conferences, work
shadowing, networking and self-directed learning all count. Talk to your manager and request
your days here:
{{ link }}""",
    )
)
