"""Calendar arithmetic shared by every workflow's reminders."""

import calendar
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


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later (earlier when negative), or the month's last
    day when it has no such day (31 January + 1 month is 28 or 29 February)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))
