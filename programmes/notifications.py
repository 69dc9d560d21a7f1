"""The messages programmes send."""

from notifications.kinds import Kind, register

ENDORSEMENT_REQUESTED = register(
    Kind(
        key="programmes.endorsement_requested",
        label="Programme application to endorse",
        description="Sent to a line manager when one of their reports applies to a programme.",
        subject="{{ applicant }} applied to {{ programme }}: please endorse or decline",
        body="""Dear {{ recipient.first_name }},

{{ applicant }} has applied to {{ programme }} ({{ cohort }}). As their line manager, please
read their statement and endorse the application, or decline it with a reason:
{{ link }}""",
    )
)

ENDORSEMENT_WAITING = register(
    Kind(
        key="programmes.endorsement_waiting",
        label="Programme application still waiting for endorsement",
        description="Sent to a line manager when an application has waited more than 3 working days.",
        subject="Reminder: {{ applicant }}'s application to {{ programme }} is waiting for you",
        body="""Dear {{ recipient.first_name }},

{{ applicant }}'s application to {{ programme }} has been waiting for your endorsement for more
than three working days. Please endorse it or decline it with a reason:
{{ link }}""",
    )
)

APPLICATION_STATUS = register(
    Kind(
        key="programmes.application_status",
        label="Programme application status changed",
        description="Sent to an applicant when their application is endorsed, accepted, wait-listed or declined.",
        subject="Your application to {{ programme }}: {{ status }}",
        body="""Dear {{ recipient.first_name }},

Your application to {{ programme }} ({{ cohort }}) is now: {{ status }}.
{% if reason %}
{{ reason }}
{% endif %}
See its status and history: {{ link }}""",
    )
)

PLACE_OFFERED = register(
    Kind(
        key="programmes.place_offered",
        label="A place freed up for you",
        description="Sent to the next person on a waiting list when a place frees up.",
        subject="A place on {{ programme }} is yours",
        body="""Dear {{ recipient.first_name }},

A place freed up on {{ programme }} ({{ cohort }}) and you were next on the waiting list, so it
is now yours. If you can no longer take part, please withdraw so the next person can have it:
{{ link }}""",
    )
)

COHORT_OPENED_MANAGER = register(
    Kind(
        key="programmes.cohort_opened_manager",
        label="A programme your staff can apply to is open",
        description="Sent to line managers within 3 days of a cohort opening for applications (action 4B).",
        subject="{{ programme }} is open for applications until {{ closes_on }}",
        body="""Dear {{ recipient.first_name }},

{{ programme }} ({{ cohort }}) is now open for applications, and some of the people you manage
are eligible{% if eligibility %} ({{ eligibility }}){% endif %}. Applications close on {{ closes_on }}.
Please let them know and support their applications:
{{ link }}""",
    )
)

WINDOW_CLOSING = register(
    Kind(
        key="programmes.window_closing",
        label="Programme applications closing soon",
        description="Sent to eligible staff who have not applied, 3 days before a cohort's window closes.",
        optional=True,
        subject="Applications to {{ programme }} close on {{ closes_on }}",
        body="""Dear {{ recipient.first_name }},

You are eligible for {{ programme }} ({{ cohort }}) and applications close on {{ closes_on }}:
{{ link }}""",
    )
)

SESSION_TOMORROW = register(
    Kind(
        key="programmes.session_tomorrow",
        label="Programme session tomorrow",
        description="Sent to participants the day before each session.",
        subject="Tomorrow: {{ session }} ({{ programme }})",
        body="""Dear {{ recipient.first_name }},

A reminder that {{ session }} ({{ programme }}) is on {{ starts }}{% if where %}, {{ where }}{% endif %}.
Your timetable: {{ link }}""",
    )
)

EVENT_ENDORSEMENT_REQUESTED = register(
    Kind(
        key="programmes.event_endorsement_requested",
        label="Event registration to endorse",
        description="Sent to a line manager when one of their reports registers for an event whose kind needs it.",
        subject="{{ person }} registered for {{ event }}: please endorse or decline",
        body="""Dear {{ recipient.first_name }},

{{ person }} has registered for {{ event }}. At your institution this kind of event needs the
line manager's endorsement; please endorse or decline on the event's page:
{{ link }}""",
    )
)

EVENT_PLACE_OFFERED = register(
    Kind(
        key="programmes.event_place_offered",
        label="A place at an event freed up for you",
        description="Sent to the next person on an event's waiting list when a place frees up.",
        subject="A place at {{ event }} is yours",
        body="""Dear {{ recipient.first_name }},

A place freed up at {{ event }} ({{ starts }}) and you were next on the waiting list, so it is
now yours. If you can no longer come, please cancel so the next person can have it:
{{ link }}""",
    )
)

EVENT_TOMORROW = register(
    Kind(
        key="programmes.event_tomorrow",
        label="Event tomorrow",
        description="Sent to everyone holding a place the day before an event.",
        subject="Tomorrow: {{ event }}",
        body="""Dear {{ recipient.first_name }},

A reminder that {{ event }} is on {{ starts }}{% if where %}, {{ where }}{% endif %}.
The event's page, with its calendar file: {{ link }}""",
    )
)

BULLETIN_DIGEST = register(
    Kind(
        key="programmes.bulletin_digest",
        label="The opportunities bulletin, weekly",
        description="The week's current opportunities, sent on Mondays to those who asked for it on the bulletin.",
        optional=True,
        subject="This week's opportunities ({{ count }})",
        body="""Dear {{ recipient.first_name }},

The current opportunities for you on the bulletin this week:
{% for item in items %}
- {{ item.title }}{% if item.deadline %} (until {{ item.deadline }}){% endif %}: {{ item.link }}{% endfor %}

Every opportunity, with filters: {{ link }}
To stop this e-mail, switch the weekly digest off on the bulletin page.""",
    )
)

EVENT_CANCELLED = register(
    Kind(
        key="programmes.event_cancelled",
        label="An event you registered for is cancelled",
        description="Sent to everyone registered or waiting when the organisers cancel an event.",
        subject="Cancelled: {{ event }}",
        body="""Dear {{ recipient.first_name }},

{{ event }} ({{ starts }}) is cancelled: {{ reason }}
Your registration is cancelled too; there is nothing for you to do. Other events: {{ link }}""",
    )
)
