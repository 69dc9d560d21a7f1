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
