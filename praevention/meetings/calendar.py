"""A meeting as an iCalendar file (RFC 5545), written by the `icalendar` library."""

import datetime

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

# A meeting without an end is entered for this long, as core-team meetings usually are.
DEFAULT_DURATION = datetime.timedelta(hours=2)


def meeting_ics(meeting, url: str) -> bytes:
    """One VEVENT for the meeting: title, start/end in UTC, place or link, agenda, attendees.

    `url` is the meeting's absolute address. The UID stays the same for every download, so a
    calendar updates the entry instead of adding a second one.
    """
    cal = Calendar()
    cal.add("prodid", "-//Präventionsnetz//Sitzungen//DE")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@praeventionsnetz")
    event.add("dtstamp", meeting.updated_at.astimezone(datetime.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(datetime.UTC))
    ends = meeting.ends_at or meeting.starts_at + DEFAULT_DURATION
    event.add("dtend", ends.astimezone(datetime.UTC))
    event.add("summary", meeting.title)
    if meeting.place or meeting.online_link:
        event.add("location", meeting.place or meeting.online_link)
    description = [*meeting.agenda_items()]
    if meeting.online_link:
        description.append(meeting.online_link)
    description.append(url)
    event.add("description", "\n".join(description))
    event.add("url", url)
    for person in meeting.participants.all():
        if person.user.email:
            attendee = vCalAddress(f"mailto:{person.user.email}")
            attendee.params["cn"] = vText(str(person.user))
            event.add("attendee", attendee, encode=False)
    if getattr(settings, "DEFAULT_FROM_EMAIL", ""):
        event.add("organizer", vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}"), encode=False)
    cal.add_component(event)
    return cal.to_ical()
