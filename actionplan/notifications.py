from notifications.kinds import Kind, register

UPDATE_DUE = register(
    Kind(
        key="actionplan.update_due",
        label="Action plan: progress update due",
        description="Sent to an action's owners when it has had no progress update for the plan's interval.",
        optional=True,
        subject="Progress update due: {{ code }} {{ title }}",
        body="""Dear {{ recipient.first_name }},

Action {{ code }} ({{ title }}) of {{ plan }} has had no progress update since {{ since }}.
You are named as an owner ({{ owner }}). Please add a short update with its status (on track,
at risk, off track or done) and any evidence:
{{ link }}

Thank you.""",
    )
)

MONTHLY_DIGEST = register(
    Kind(
        key="actionplan.monthly_digest",
        label="Action plan: monthly digest of actions at risk or overdue",
        description="Sent monthly to programme managers: actions at risk, off track or with overdue updates.",
        optional=True,
        subject="{{ plan }}: {{ count }} action{{ count|pluralize }} need attention",
        body="""Dear {{ recipient.first_name }},

These actions of {{ plan }} are at risk, off track or have no recent progress update:
{% for row in rows %}
- {{ row.code }} {{ row.title }}: {{ row.note }}{% endfor %}

The plan: {{ link }}""",
    )
)

QUARTERLY_REPORT = register(
    Kind(
        key="actionplan.quarterly_report",
        label="Action plan: quarterly success-measure report",
        description="Sent once a quarter to the people who hold an owner role on the plan.",
        subject="{{ plan }}: success measures, {{ quarter }}",
        body="""Dear {{ recipient.first_name }},

The success measures of {{ plan }} as of {{ as_of }}:
{% for row in rows %}
{{ row.code }} {{ row.wording }}
  Target: {{ row.target }} · Value: {{ row.value }} · {{ row.status }}
  How: {{ row.how }}
{% endfor %}
Progress by status: {{ by_status }}

{% if report_link %}This quarter's report as a PDF: {{ report_link }}
{% endif %}The plan, where reports can also be generated as Excel and CSV:
{{ link }}""",
    )
)
