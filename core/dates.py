"""Calendar arithmetic shared by every workflow's reminders."""

from datetime import date, timedelta


def working_days_before(day: date, count: int) -> date:
    """Return the date `count` working days (Monday to Friday) before `day`.

    Bank holidays are not known to the portal, so a reminder can come a day early around
    them; never late.
    """
    while count > 0:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day
