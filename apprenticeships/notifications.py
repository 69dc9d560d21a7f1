"""The messages apprenticeships send."""

from notifications.kinds import Kind, register

ENROLLED = register(
    Kind(
        key="apprenticeships.enrolled",
        label="Apprenticeships: an apprenticeship starts",
        description="Sent to the apprentice and their line manager when a programme manager enrols the apprentice.",
        subject="Apprenticeship: {{ apprentice }} on {{ standard }}",
        body="""Dear {{ recipient.first_name }},

{{ apprentice }} is enrolled on the {{ standard }} apprenticeship with {{ provider }}.
The apprenticeship's page shows the off-the-job hours due, the progress reviews and the
provider's e-portfolio:
{{ link }}""",
    )
)

REQUEST_SUBMITTED = register(
    Kind(
        key="apprenticeships.request_submitted",
        label="Apprenticeships: a report asks to take an apprenticeship",
        description="Sent to the line manager when a report asks to take a levy-funded apprenticeship.",
        subject="{{ person }} asks to take the {{ standard }} apprenticeship",
        body="""Dear {{ recipient.first_name }},

{{ person }} would like to take the {{ standard }} apprenticeship, funded by the apprenticeship levy.

Why: {{ why }}

Please read their plan for the time it takes and approve or decline here:
{{ link }}""",
    )
)

REQUEST_DECIDED = register(
    Kind(
        key="apprenticeships.request_decided",
        label="Apprenticeships: your request is decided",
        description="Sent to the member of staff when their line manager approves or declines their request.",
        subject="Your apprenticeship request is {{ outcome }}",
        body="""Dear {{ recipient.first_name }},

{{ manager }} has {{ outcome }} your request to take the {{ standard }} apprenticeship.{% if reason %}

Comment: {{ reason }}{% endif %}{% if outcome == "approved" %}

The programme manager will now agree a provider and a start date with you.{% endif %}
{{ link }}""",
    )
)

REQUEST_TO_ENROL = register(
    Kind(
        key="apprenticeships.request_to_enrol",
        label="Apprenticeships: an approved request to enrol",
        description="Sent to programme managers when a line manager approves a levy-funded apprenticeship request.",
        subject="{{ person }}'s apprenticeship request is approved: enrol them",
        body="""Dear {{ recipient.first_name }},

{{ manager }} has approved {{ person }}'s request to take the {{ standard }} apprenticeship.
Please agree a provider and a start date, and enrol them here:
{{ link }}""",
    )
)

REVIEW_DUE = register(
    Kind(
        key="apprenticeships.review_due",
        label="Apprenticeships: a progress review is due soon",
        description="Sent to the apprentice and their line manager two weeks before a progress review is due.",
        optional=True,
        subject="Progress review due by {{ due }}: {{ apprentice }}",
        body="""Dear {{ recipient.first_name }},

{{ apprentice }}'s next progress review ({{ standard }}) is due by {{ due }}. Please arrange it with
the provider, and record it here:
{{ link }}""",
    )
)

REVIEW_OVERDUE = register(
    Kind(
        key="apprenticeships.review_overdue",
        label="Apprenticeships: a progress review is overdue",
        description="Sent to the apprentice and their line manager when a progress review is past its due date.",
        subject="Progress review overdue: {{ apprentice }}",
        body="""Dear {{ recipient.first_name }},

{{ apprentice }}'s progress review ({{ standard }}) was due by {{ due }} and is not recorded.
Reviews are needed at least every 3 months. Please hold it and record it here:
{{ link }}""",
    )
)

HOURS_BEHIND = register(
    Kind(
        key="apprenticeships.hours_behind",
        label="Apprenticeships: off-the-job hours behind",
        description="Sent to the apprentice and their line manager, at most once a month, while off-the-job hours "
        "are behind by more than the apprenticeship's margin.",
        subject="Off-the-job hours behind: {{ apprentice }}",
        body="""Dear {{ recipient.first_name }},

{{ apprentice }} has {{ done }} hours of off-the-job training logged against {{ due }} due by now
({{ behind_by }} behind). Off-the-job training is paid working time: please plan time for it,
and log hours already done here:
{{ link }}""",
    )
)

END_APPROACHING = register(
    Kind(
        key="apprenticeships.end_approaching",
        label="Apprenticeships: planned end approaching",
        description="Sent to the apprentice and their line manager 30 days before the planned end of training.",
        subject="{{ apprentice }}'s apprenticeship is planned to end on {{ planned_end }}",
        body="""Dear {{ recipient.first_name }},

{{ apprentice }}'s {{ standard }} apprenticeship is planned to end on {{ planned_end }}. Check the
gateway checklist with the provider, or ask the programme manager to move the planned end:
{{ link }}""",
    )
)

DESTINATION_MISSING = register(
    Kind(
        key="apprenticeships.destination_missing",
        label="Apprenticeships: destination not recorded",
        description="Sent to programme managers when a completed apprentice's destination is still not recorded "
        "3 months after completion.",
        subject="Where did {{ apprentice }} go after the apprenticeship?",
        body="""Dear {{ recipient.first_name }},

{{ apprentice }} completed the {{ standard }} apprenticeship on {{ completed_on }}, and no role
afterwards is recorded. Please record the destination (here or elsewhere) so the 4C measure counts it:
{{ link }}""",
    )
)

PROVIDER_INVITED = register(
    Kind(
        key="apprenticeships.provider_invited",
        label="Apprenticeships: an invitation to act for a training provider",
        description="Sent to a person at a training provider when a programme manager invites them to sign its "
        "apprentices' progress reviews in TechCareers.",
        subject="{{ institution.name }} invites you to TechCareers for {{ provider }}",
        body="""Dear {{ name }},

{{ invited_by }} at {{ institution.name }} invites you to TechCareers, to sign the progress reviews of
{{ provider }}'s apprentices at {{ institution.name }} and see when each review is due. Your
e-portfolio stays where it is: TechCareers links to it.

Create your account with this address and a password of your choice (the link works for
{{ days }} days and only for {{ email }}):
{{ link }}""",
    )
)

REVIEW_AWAITS_PROVIDER = register(
    Kind(
        key="apprenticeships.review_awaits_provider",
        label="Apprenticeships: a progress review waits for the provider's sign-off",
        description="Sent once per review to each person who acts for the training provider, when a review "
        "is recorded and the provider has not signed it.",
        subject="Please sign {{ apprentice }}'s progress review of {{ held_on }}",
        body="""Dear {{ recipient.first_name }},

{{ apprentice }}'s progress review of {{ held_on }} ({{ standard }}) is recorded at
{{ institution.name }} and waits for {{ provider }}'s sign-off. Read it, add your notes and sign it here:
{{ link }}""",
    )
)
