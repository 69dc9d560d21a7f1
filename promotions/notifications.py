"""The messages promotions sends."""

from notifications.kinds import Kind, register

ROUND_OPENED_MANAGER = register(
    Kind(
        key="promotions.round_opened_manager",
        label="Promotions: a round opens for your team",
        description="Sent to every line manager of someone eligible when a promotion round opens (4B).",
        subject="The {{ round }} promotion round is open: {{ eligible }} of your team may apply",
        body="""Dear {{ recipient.first_name }},

The {{ round }} promotion round has opened. {{ eligible }} of the people you manage may apply
({{ names }}). Submissions are open from {{ submissions_open_on }} to {{ submissions_close_on }};
the panel meets on {{ panel_on }}.

Now is the time to plan budgets and to talk with them about supporting statements. The round,
its criteria and the workshop on them:
{{ link }}""",
    )
)

INTENTION_MANAGER = register(
    Kind(
        key="promotions.intention_manager",
        label="Promotions: someone you manage intends to apply",
        description="Sent to the line manager as soon as a report states an intention to apply.",
        subject="{{ applicant }} intends to apply for {{ grade }} in the {{ round }} round",
        body="""Dear {{ recipient.first_name }},

{{ applicant }} intends to apply for promotion to {{ grade }} in the {{ round }} round.
Submissions close on {{ submissions_close_on }}. Please add your supporting statement here:
{{ link }}""",
    )
)

SUPPORT_WAITING = register(
    Kind(
        key="promotions.support_waiting",
        label="Promotions: a supporting statement is waiting",
        description="Reminds a line manager once, 5 working days after a report's intention, if no statement yet.",
        subject="Your supporting statement for {{ applicant }} is waiting",
        body="""Dear {{ recipient.first_name }},

{{ applicant }} stated an intention to apply for {{ grade }} in the {{ round }} round and is waiting
for your supporting statement. Submissions close on {{ submissions_close_on }}.
{{ link }}""",
        optional=True,
    )
)

ROUND_OPENING_SOON = register(
    Kind(
        key="promotions.round_opening_soon",
        label="Promotions: a round opens soon",
        description="Two weeks before a round opens, to eligible staff who asked to hear, and to their managers.",
        subject="The {{ round }} promotion round opens on {{ opens_on }}",
        body="""Dear {{ recipient.first_name }},

The {{ round }} promotion round opens on {{ opens_on }}{% if about %} ({{ about }}){% endif %}.
Promotion mentors are matched from {{ mentoring_from }}: ask for one early. The criteria and dates:
{{ link }}""",
        optional=True,
    )
)

DEADLINE_SOON = register(
    Kind(
        key="promotions.deadline_soon",
        label="Promotions: submission deadline in 7 days",
        description="To those who stated an intention and have not submitted, 7 days before submissions close.",
        subject="Submit your promotion application by {{ submissions_close_on }}",
        body="""Dear {{ recipient.first_name }},

You said you intend to apply for {{ grade }} in the {{ round }} round. Submissions close on
{{ submissions_close_on }}, in 7 days. Your application:
{{ link }}""",
        optional=True,
    )
)

OUTCOME = register(
    Kind(
        key="promotions.outcome",
        label="Promotions: the panel's outcome",
        description="Sent to the applicant when the panel records the outcome.",
        subject="The outcome of your {{ round }} promotion application",
        body="""Dear {{ recipient.first_name }},

{% if promoted %}Congratulations: the panel promoted you to {{ grade }} from {{ effective_date }}.
{% else %}The panel did not promote you this time. Its feedback:

{{ feedback }}{% endif %}

{{ link }}""",
    )
)
