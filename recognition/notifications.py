"""The messages recognition sends."""

from notifications.kinds import Kind, register

PRIZE_DEADLINE = register(
    Kind(
        key="recognition.prize_deadline",
        label="Prizes: a nomination deadline in 30 days",
        description="Sent to the coordinator and to line managers 30 days before a listed prize's nominations close.",
        subject="{{ prize }}: nominations close on {{ deadline }}",
        body="""Dear {{ recipient.first_name }},

Nominations for the {{ prize }}{% if organiser %} ({{ organiser }}){% endif %} close on {{ deadline }}.
{% if nominated %}The institution has {{ nominated }} nomination{{ nominated|pluralize }} submitted so far this year.
{% else %}Nobody has been nominated yet this year: the plan asks for at least one nominee for each prize.
{% endif %}

If someone in your team deserves it, draft a nomination (the nominee agrees before it is submitted):
{{ link }}""",
    )
)

NOMINATION_AGREEMENT = register(
    Kind(
        key="recognition.nomination_agreement",
        label="Prizes: you are nominated, please agree",
        description="Sent to a nominee when a nomination for them is drafted, asking for their agreement.",
        subject="You have been nominated for the {{ prize }}",
        body="""Dear {{ recipient.first_name }},

{{ drafted_by }} would like to nominate you for the {{ prize }} {{ year }}{% if category %} ({{ category }}){% endif %}.
Nothing is submitted without your agreement. Please read the case for the nomination and agree,
or tell {{ drafted_by }} if you would rather not be nominated:
{{ link }}""",
    )
)

NOMINATION_OUTCOME = register(
    Kind(
        key="recognition.nomination_outcome",
        label="Prizes: the outcome of your nomination",
        description="Sent to the nominee when the outcome of their nomination is recorded.",
        subject="The {{ prize }} {{ year }}: {{ outcome }}",
        body="""Dear {{ recipient.first_name }},

The outcome of your nomination for the {{ prize }} {{ year }} is recorded: {{ outcome }}.
{% if won %}Congratulations! You will be asked on your home page whether the portal may celebrate it.
{% else %}Thank you for taking part: being nominated is a recognition in itself.
{% endif %}
{{ link }}""",
    )
)

UPDATE_OUTPUTS = register(
    Kind(
        key="recognition.update_outputs",
        label="Outputs: the yearly reminder to update your record",
        description="Sent once a year to technical staff, before the annual authorship report is produced.",
        optional=True,
        subject="Please bring your outputs up to date for {{ year }}",
        body="""Dear {{ recipient.first_name }},

The annual report on technicians' authorships and acknowledgements is produced in December.
Please check your outputs: papers, preprints, patents, datasets, software, protocols and
contributions to large collaborations, and whether you were a named author or acknowledged.
You have {{ count }} output{{ count|pluralize }} recorded. Importing from your ORCID record takes a minute:
{{ link }}""",
    )
)
