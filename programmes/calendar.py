"""The iCalendar feed of a person's programme sessions."""

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event


def feed_for(user, sessions):
    """Return the .ics bytes for these sessions; UIDs are stable so calendar apps update, not duplicate."""
    calendar = Calendar()
    calendar.add("prodid", "-//TechCareers//Programme sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "TechCareers programmes")
    stamp = timezone.now()
    for session in sessions:
        event = Event()
        event.add("uid", f"programme-session-{session.pk}@techcareers")
        event.add("dtstamp", stamp)
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        event.add("summary", f"{session.title} ({session.cohort.programme})")
        if session.location:
            event.add("location", session.location)
        description = [f"{session.cohort.programme} – {session.cohort.name}"]
        if session.online_url:
            description.append(f"Join online: {session.online_url}")
            event.add("url", session.online_url)
        base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
        description.append(f"{base}/programmes/timetable/")
        event.add("description", "\n".join(description))
        calendar.add_component(event)
    return calendar.to_ical()


def event_file(event):
    """The .ics bytes of one event, for the "Add to calendar" link; the UID is stable per event."""
    calendar = Calendar()
    calendar.add("prodid", "-//TechCareers//Events//EN")
    calendar.add("version", "2.0")
    entry = Event()
    entry.add("uid", f"event-{event.pk}@techcareers")
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("summary", event.title)
    if event.location:
        entry.add("location", event.location)
    base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
    description = [event.summary]
    if event.online_url:
        description.append(f"Join online: {event.online_url}")
        entry.add("url", event.online_url)
    description.append(f"{base}{event.get_absolute_url()}")
    entry.add("description", "\n".join(description))
    calendar.add_component(entry)
    return calendar.to_ical()
