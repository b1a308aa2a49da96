"""Meetings and follow-ups as iCalendar (RFC 5545, iTIP RFC 5546), written by `icalendar`.

Two kinds of file leave the app:

- `meeting_ics`: one meeting as a download. A meeting that takes place is a published event
  (METHOD:PUBLISH, no ATTENDEE, as RFC 5546 3.2.1 asks); an archived meeting is its
  cancellation (METHOD:CANCEL, STATUS:CANCELLED, 3.2.5). UID and SEQUENCE let the calendar
  that imported an earlier download replace its entry: the UID never changes, SEQUENCE is
  `Meeting.sequence`, raised with every change of time, place or archived state.
- `feed_ics`: a person's subscription (a secret address, `CalendarSubscription`): their
  meetings (archived ones as STATUS:CANCELLED) and their open follow-ups as all-day entries
  on the due date. Outlook, Google and most phone calendars show no VTODO from a subscribed
  calendar, so a follow-up is a VEVENT, shown as free time (TRANSP:TRANSPARENT).
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from praevention.catalog import districts

# A meeting without an end is entered for this long, as core-team meetings usually are.
DEFAULT_DURATION = datetime.timedelta(hours=2)
PRODID = "-//Präventionsnetz//Sitzungen//DE"


def _calendar(method: str, name: str = "") -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    return cal


def meeting_uid(meeting) -> str:
    return f"meeting-{meeting.pk}@praeventionsnetz"


def _organizer() -> str:
    return f"mailto:{settings.DEFAULT_FROM_EMAIL}"


def meeting_event(meeting, url: str, *, attendees: bool = False) -> Event:
    """One VEVENT: UID, SEQUENCE, title, start/end in UTC, place or link, agenda and
    participants in the description, STATUS (CONFIRMED or CANCELLED for an archived meeting).

    `url` is the meeting's absolute address; `attendees` adds one ATTENDEE per participant
    with an e-mail address (only for METHOD:CANCEL or REQUEST, never for PUBLISH).
    """
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", meeting.updated_at.astimezone(datetime.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(datetime.UTC))
    ends = meeting.ends_at or meeting.starts_at + DEFAULT_DURATION
    event.add("dtend", ends.astimezone(datetime.UTC))
    event.add("summary", meeting.title)
    event.add("status", "CANCELLED" if meeting.is_archived else "CONFIRMED")
    if meeting.place or meeting.online_link:
        event.add("location", meeting.place or meeting.online_link)
    people = [person for person in meeting.participants.all()]
    description = [*meeting.agenda_items()]
    if meeting.online_link:
        description.append(meeting.online_link)
    if people:
        names = ", ".join(str(person.user) for person in people)
        description.append(_("Teilnehmende: %(names)s") % {"names": names})
    description.append(url)
    event.add("description", "\n".join(description))
    event.add("url", url)
    event.add("organizer", _organizer(), parameters={"cn": districts.current_name()})
    if attendees:
        for person in people:
            if person.user.email:
                event.add(
                    "attendee", f"mailto:{person.user.email}", parameters={"cn": str(person.user)}
                )
    return event


def meeting_ics(meeting, url: str) -> bytes:
    """The meeting as a download: METHOD:PUBLISH, or METHOD:CANCEL once it is archived."""
    cancelled = meeting.is_archived
    cal = _calendar("CANCEL" if cancelled else "PUBLISH")
    cal.add_component(meeting_event(meeting, url, attendees=cancelled))
    return cal.to_ical()


def follow_up_event(follow_up, url: str, stamp: datetime.datetime) -> Event:
    """An open follow-up as an all-day VEVENT on its due date, shown as free time."""
    event = Event()
    event.add("uid", f"follow-up-{follow_up.pk}@praeventionsnetz")
    event.add("dtstamp", stamp.astimezone(datetime.UTC))
    event.add("dtstart", follow_up.due_on)
    event.add("dtend", follow_up.due_on + datetime.timedelta(days=1))
    event.add("summary", _("Fällig: %(title)s") % {"title": follow_up.title})
    event.add("transp", "TRANSPARENT")
    event.add("description", url)
    event.add("url", url)
    return event


def feed_ics(
    *,
    name: str,
    meetings: Iterable,
    follow_ups: Iterable,
    site_url: str,
    now: datetime.datetime,
) -> bytes:
    """A person's subscription: METHOD:PUBLISH with their meetings and open follow-ups.

    `meetings` and `follow_ups` come from `selectors.calendar_feed`; `site_url` (no trailing
    slash) makes the links absolute; `now` stamps the follow-ups.
    """
    from django.urls import reverse

    cal = _calendar("PUBLISH", name)
    # Ask subscribing programs to look again every hour (Outlook, Apple; RFC 7986 REFRESH).
    cal.add("refresh-interval", datetime.timedelta(hours=1), parameters={"value": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for meeting in meetings:
        cal.add_component(meeting_event(meeting, site_url + meeting.get_absolute_url()))
    tasks_url = site_url + reverse("meetings:tasks")
    for follow_up in follow_ups:
        cal.add_component(follow_up_event(follow_up, tasks_url, now))
    return cal.to_ical()
