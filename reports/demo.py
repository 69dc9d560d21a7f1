"""Demo data for the report catalogue: the schedules HR and the programme manager keep.

Mark Evans in HR (hr@icr.ac.uk) has the training report (1G) e-mailed quarterly to himself and
Grace Lee, the Career Pathways programme manager (programmes@icr.ac.uk), for the Technician
Steering Group; Grace has the leavers report (4E) e-mailed to herself monthly, ahead of the
careers event. Idempotent: a schedule is found by its report and who saved it.
"""

from . import services
from .models import Schedule

SCHEDULES = [
    ("hr@icr.ac.uk", "training", Schedule.Frequency.QUARTERLY, ["hr@icr.ac.uk", "programmes@icr.ac.uk"]),
    ("programmes@icr.ac.uk", "leavers", Schedule.Frequency.MONTHLY, ["programmes@icr.ac.uk"]),
]


def seed(context):
    made = 0
    for by, key, frequency, recipients in SCHEDULES:
        saver = context.accounts.get(by)
        people = [context.accounts[email] for email in recipients if email in context.accounts]
        if saver is None or len(people) != len(recipients):
            continue
        if Schedule.objects.filter(institution=context.institution, report_key=key, created_by=saver).exists():
            continue
        services.schedule_save(by=saver.user, report_key=key, filters={}, frequency=frequency, recipients=people)
        made += 1
    context.lines.append(
        f"Reports: {made} scheduled report{'s' if made != 1 else ''} saved (training quarterly, leavers monthly)."
    )
