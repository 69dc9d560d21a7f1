"""The message the report catalogue sends: a saved report, monthly or quarterly."""

from notifications.kinds import Kind, register

SCHEDULED_REPORT = register(
    Kind(
        key="reports.scheduled",
        label="Reports: a scheduled report",
        description="A report of the catalogue that HR or a programme manager saved to be e-mailed to you "
        "monthly or quarterly.",
        subject="{{ report }}: {{ period }}",
        body="""Dear {{ recipient.first_name }},

Here is {{ report }} for {{ period }}, as {{ saved_by }} scheduled it ({{ frequency }}).

{{ text }}

The report with its chart, and its CSV and Excel files:
{{ link }}""",
    )
)
