"""The messages professional registration sends."""

from notifications.kinds import Kind, register

SUPPORT_REQUESTED = register(
    Kind(
        key="registration.support_requested",
        label="Registration: you are asked to support an application",
        description="Sent to the supporter (usually the line manager) named on a registration application.",
        subject="{{ person }} asks you to support their {{ register }} application",
        body="""Dear {{ recipient.first_name }},

{{ person }} is applying for professional registration as {{ register }} and has named you as
their supporter. The licensed body may contact you to confirm their competence statements.

Please read the statements and agree here:
{{ link }}""",
    )
)

SUPPORT_WAITING = register(
    Kind(
        key="registration.support_waiting",
        label="Registration: an application waits for your support",
        description="Sent once to a supporter who has not agreed 10 days after being asked.",
        subject="{{ person }}'s {{ register }} application is waiting for you",
        body="""Dear {{ recipient.first_name }},

{{ person }} named you as supporter of their {{ register }} application on {{ asked_on }}. They cannot
submit it until you agree. Please read their statements and agree, or talk to them:
{{ link }}""",
    )
)

RENEWAL_DUE = register(
    Kind(
        key="registration.renewal_due",
        label="Registration: your annual fee is due in 30 days",
        description="Sent to a registered person 30 days before their registration's renewal date.",
        subject="Your {{ register }} renewal is due on {{ renewal_on }}",
        body="""Dear {{ recipient.first_name }},

Your {{ register }} registration renews on {{ renewal_on }}. The annual fee is paid by: {{ payer }}.
If a grant or the association pays, tell the programme manager now so it is paid on time.

Record the renewal here once it is paid:
{{ link }}""",
    )
)

CPD_DECLARATION_DUE = register(
    Kind(
        key="registration.cpd_declaration_due",
        label="Registration: declare your CPD for the year",
        description="Sent in December to registered people who have not yet declared the year's CPD.",
        subject="Declare your {{ year }} CPD by 31 December",
        body="""Dear {{ recipient.first_name }},

As a registered {{ register }}, you declare your CPD each year, normally by 31 December. Your
{{ year }} record is not declared yet. The portal shows what the standard still asks for:
{{ link }}""",
    )
)

JOURNEY_STALLED = register(
    Kind(
        key="registration.journey_stalled",
        label="Registration: no progress for 90 days",
        description="Sent to a person whose registration journey has not moved for 90 days (again after each 90 days).",
        optional=True,
        subject="How is your {{ register }} application going?",
        body="""Dear {{ recipient.first_name }},

Your journey towards {{ register }} has not moved since {{ last_progress_on }}. A workshop of the
registration programme, or an hour with your mentor, can help you take the next step:
{{ link }}""",
    )
)
