"""The messages mentoring sends."""

from notifications.kinds import Kind, register

REQUEST_RECEIVED = register(
    Kind(
        key="mentoring.request_received",
        label="Mentoring: someone asks you to mentor them",
        description="Sent to a mentor when a member of staff asks them for mentoring.",
        subject="{{ mentee }} asks you to mentor them ({{ purpose }})",
        body="""Dear {{ recipient.first_name }},

{{ mentee }} has asked you to be their mentor for {{ purpose }}.

What they hope for: {{ hopes }}

Please accept or decline (with a reason they will see) here:
{{ link }}""",
    )
)

REQUEST_ACCEPTED = register(
    Kind(
        key="mentoring.request_accepted",
        label="Mentoring: your request is accepted",
        description="Sent to the mentee when the mentor accepts.",
        subject="{{ mentor }} will mentor you ({{ purpose }})",
        body="""Dear {{ recipient.first_name }},

{{ mentor }} has accepted your request for mentoring for {{ purpose }}. Agree a first meeting,
and log your meetings here (your notes are seen by the two of you only):
{{ link }}""",
    )
)

REQUEST_DECLINED = register(
    Kind(
        key="mentoring.request_declined",
        label="Mentoring: your request is declined",
        description="Sent to the mentee when the mentor declines, with the mentor's reason.",
        subject="{{ mentor }} cannot mentor you at the moment",
        body="""Dear {{ recipient.first_name }},

{{ mentor }} has declined your request for mentoring for {{ purpose }}.

Reason: {{ reason }}

You can ask another mentor; the portal suggests some here:
{{ link }}""",
    )
)

PAIRED = register(
    Kind(
        key="mentoring.paired",
        label="Mentoring: you are paired",
        description="Sent to the mentor and the mentee when a programme manager pairs them directly.",
        subject="Mentoring: {{ mentee }} and {{ mentor }} ({{ purpose }})",
        body="""Dear {{ recipient.first_name }},

{{ paired_by }} has paired {{ mentee }} with {{ mentor }} as mentor, for {{ purpose }}.
Please agree a first meeting, and log your meetings here:
{{ link }}""",
    )
)

ENDED = register(
    Kind(
        key="mentoring.ended",
        label="Mentoring: give your feedback",
        description="Sent to the other side when the mentor or the mentee ends the mentoring, asking for feedback.",
        subject="Your mentoring with {{ other }} has {{ outcome }}",
        body="""Dear {{ recipient.first_name }},

{{ closed_by }} has recorded your mentoring for {{ purpose }} as {{ outcome }}.{% if reason %}

Reason: {{ reason }}{% endif %}

Please give your feedback: it helps us improve mentoring for everyone.
{{ link }}""",
    )
)

REQUEST_WAITING = register(
    Kind(
        key="mentoring.request_waiting",
        label="Mentoring: a request is waiting for your answer",
        description="Sent once to a mentor whose mentoring request has waited 5 working days.",
        subject="{{ mentee }} is waiting for your answer",
        body="""Dear {{ recipient.first_name }},

{{ mentee }} asked you for mentoring for {{ purpose }} on {{ requested_on }} and is waiting for
your answer. If you cannot take them on, please decline with a reason so they can ask someone
else:
{{ link }}""",
    )
)

CHECK_IN = register(
    Kind(
        key="mentoring.check_in",
        label="Mentoring: time to meet again",
        description="Sent to the mentor and the mentee when an active mentoring has had no meeting for 8 weeks "
        "(again after each further 8 weeks).",
        optional=True,
        subject="Time to catch up with {{ other }}?",
        body="""Dear {{ recipient.first_name }},

Your mentoring with {{ other }} ({{ purpose }}) has had no meeting logged since {{ last_contact_on }}.
Perhaps it is time to meet again, or, if the mentoring has done its work, to record it as
completed:
{{ link }}""",
    )
)
