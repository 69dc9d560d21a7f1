"""The messages pathways sends: a line manager is asked to review, the person hears the answer."""

from notifications.kinds import Kind, register

REVIEW_ASKED = register(
    Kind(
        key="pathways.review_asked",
        label="Pathways: a report asks you to review their self-assessment or plan",
        description="Sent to the line manager when someone submits a capability self-assessment or a development plan.",
        subject="{{ person }} asks you to review their {{ what }}",
        body="""Dear {{ recipient.first_name }},

{{ person }} has submitted their {{ what }} and asks you to review it. Agree each part or mark
what you would like to discuss:
{{ link }}""",
    )
)

REVIEWED = register(
    Kind(
        key="pathways.reviewed",
        label="Pathways: your line manager reviewed your self-assessment or plan",
        description="Sent to the person when their line manager has reviewed their self-assessment or plan.",
        subject="{{ manager }} has reviewed your {{ what }}: {{ outcome }}",
        body="""Dear {{ recipient.first_name }},

{{ manager }} has reviewed your {{ what }}: {{ outcome }}.
{{ link }}""",
    )
)
