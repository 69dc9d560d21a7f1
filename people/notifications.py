from notifications.kinds import Kind, register

WELCOME = register(
    Kind(
        key="people.welcome",
        label="Welcome to new Scientific Officers",
        description="Sent once to staff who started on a welcomed grade less than two months ago (action 2H).",
        subject="Welcome to {{ institution.short_name }}, {{ recipient.first_name }}",
        body="""Dear {{ recipient.first_name }},

Welcome to {{ institution.name }}. As a new {{ grade }} you are part of our technical community
and of the Scientific Officer Association (SOA), which represents Scientific Officers and runs
events, the professional registration programme and mentoring.

We are a signatory of the Technician Commitment: we support your professional registration with
the Science Council and the Engineering Council, and your career development through programmes,
development days and training.

TechCareers is where you can see your career pathway, find programmes and training, request
development days and keep a record of your authorships:
{{ link }}

With best wishes,
The SOA and Learning and Organisational Development""",
    )
)

MANAGER_CONFIRMATION_REQUESTED = register(
    Kind(
        key="people.manager_confirmation_requested",
        label="Someone named you as their line manager",
        description="Sent to the person named as line manager when someone completes their record.",
        subject="Is {{ person }} your report?",
        body="""Dear {{ recipient.first_name }},

{{ person }}{% if grade %} ({{ grade }}){% endif %} has named you as their line manager in TechCareers.
Until you confirm, their development requests and programme applications cannot be sent to you.

Please confirm or decline from your dashboard:
{{ link }}""",
    )
)

MANAGER_CONFIRMATION_WAITING = register(
    Kind(
        key="people.manager_confirmation_waiting",
        label="A line-manager confirmation is still waiting",
        description="Sent once to the named line manager when a confirmation has waited 5 working days.",
        subject="Reminder: is {{ person }} your report?",
        body="""Dear {{ recipient.first_name }},

{{ person }} named you as their line manager on {{ asked }} and is waiting for your answer.
Until you confirm, nothing that needs a line manager can be sent to you on their behalf.

Please confirm or decline from your dashboard:
{{ link }}""",
        optional=True,
    )
)

MANAGER_CONFIRMATION_ANSWERED = register(
    Kind(
        key="people.manager_confirmation_answered",
        label="Your line manager answered",
        description="Sent to the person when the line manager they named (or HR) confirms or declines.",
        subject="{{ manager }} {{ answer }} that you report to them",
        body="""Dear {{ recipient.first_name }},

{{ by }} {{ answer }} that you report to {{ manager }}.{% if reason %}

Reason: {{ reason }}{% endif %}
{% if answer == "declined" %}
Please name your line manager again:
{{ link }}{% endif %}""",
    )
)

CELEBRATION_CONSENT = register(
    Kind(
        key="people.celebration_consent",
        label="May we celebrate your achievement?",
        description="Sent once to a person when something of theirs could be celebrated on the home page, "
        "asking whether they agree. Nothing is published until they do.",
        subject="Congratulations, {{ recipient.first_name }}: may we celebrate it?",
        body="""Dear {{ recipient.first_name }},

Congratulations: {{ title }}.

With your agreement we would like to share this with colleagues on the TechCareers home page.
Nothing is published unless you say yes, and you can change your mind at any time:
{{ link }}""",
    )
)

STAFF_INVITED = register(
    Kind(
        key="people.staff_invited",
        label="Invitation to sign in, after HR imported the staff list",
        description="Sent once to each new person an import adds, only when HR ticks “invite” on the import.",
        subject="Your TechCareers account at {{ institution_name }}",
        body="""Dear {{ recipient.first_name }},

{{ institution_name }} has added you to TechCareers, where technical staff see their career
pathway, find programmes and training, request development days and keep a record of their
work. Sign in with your institution account:
{{ link }}""",
    )
)
