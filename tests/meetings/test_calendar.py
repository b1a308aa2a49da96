"""Calendar files that reach calendars: SEQUENCE, cancellation, METHOD, and the subscription."""

import datetime

import pytest
import vobject
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from praevention.meetings.models import CalendarSubscription, FollowUp
from tests.meetings.factories import FollowUpFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def download(client, meeting):
    response = client.get(reverse("meetings:ics", args=[meeting.pk]))
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    return calendar, calendar.walk("VEVENT")[0]


def edit(client, meeting, **changes):
    data = {
        "title": meeting.title,
        "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "place": meeting.place,
        "participants": [p.pk for p in meeting.participants.all()],
        "agenda": meeting.agenda,
        **changes,
    }
    response = client.post(reverse("meetings:edit", args=[meeting.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.fixture
def upcoming(koordination, kernteam_jug):
    return MeetingFactory(
        title="Kernteamsitzung Februar",
        starts_at=(timezone.now() + datetime.timedelta(days=10)).replace(second=0, microsecond=0),
        created_by=koordination,
        participants=[koordination.person, kernteam_jug.person],
    )


def test_moving_a_meeting_keeps_its_uid_and_raises_the_sequence(client, koordination, upcoming):
    client.force_login(koordination)
    calendar, before = download(client, upcoming)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(before["STATUS"]) == "CONFIRMED"
    later = timezone.localtime(upcoming.starts_at) + datetime.timedelta(days=1)
    edit(client, upcoming, starts_at=later.strftime("%Y-%m-%dT%H:%M"))
    _calendar, moved = download(client, upcoming)
    assert str(moved["UID"]) == str(before["UID"])
    assert moved.decoded("SEQUENCE") > before.decoded("SEQUENCE")
    assert moved.decoded("DTSTART") == later.replace(second=0, microsecond=0)
    edit(client, upcoming, starts_at=later.strftime("%Y-%m-%dT%H:%M"), place="Rathaus, Raum 9")
    _calendar, elsewhere = download(client, upcoming)
    assert elsewhere.decoded("SEQUENCE") > moved.decoded("SEQUENCE")
    assert str(elsewhere["LOCATION"]) == "Rathaus, Raum 9"


def test_changing_only_the_agenda_keeps_the_sequence(client, koordination, upcoming):
    client.force_login(koordination)
    edit(client, upcoming, agenda="Begrüßung\nNeuer Punkt")
    upcoming.refresh_from_db()
    assert upcoming.sequence == 0


def test_an_archived_meeting_is_a_cancellation(client, koordination, upcoming):
    client.force_login(koordination)
    _calendar, before = download(client, upcoming)
    client.post(reverse("meetings:archive", args=[upcoming.pk]))
    calendar, cancelled = download(client, upcoming)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["UID"]) == str(before["UID"])
    assert cancelled.decoded("SEQUENCE") > before.decoded("SEQUENCE")
    # A cancellation names whom it is sent for (RFC 5546, 3.2.5).
    assert str(cancelled["ORGANIZER"]).startswith("mailto:")


def test_archiving_in_the_admin_raises_the_sequence_too(client, admin_user, upcoming):
    client.force_login(admin_user)
    client.post(
        reverse("admin:meetings_meeting_changelist"),
        {"action": "archive", "_selected_action": [upcoming.pk]},
    )
    upcoming.refresh_from_db()
    assert upcoming.is_archived and upcoming.sequence == 1


@pytest.fixture
def subscribed(client, kernteam_jug):
    client.force_login(kernteam_jug)
    response = client.post(reverse("meetings:calendar_subscription"), {"action": "renew"})
    assert response.status_code == 302
    subscription = CalendarSubscription.objects.get(user=kernteam_jug)
    client.logout()
    return subscription


def test_the_profile_page_shows_the_secret_address(client, kernteam_jug, subscribed, settings):
    client.force_login(kernteam_jug)
    page = client.get(reverse("meetings:profile")).content.decode()
    assert f"{settings.SITE_URL.rstrip('/')}/kalender/{subscribed.key}.ics" in page


def test_the_subscription_holds_the_persons_meetings_and_open_tasks(
    client, kernteam_jug, kernteam_ges, upcoming, subscribed
):
    other = MeetingFactory(title="Sitzung ohne Jugendamt", participants=[kernteam_ges.person])
    cancelled = MeetingFactory(
        title="Abgesagte Sitzung", participants=[kernteam_jug.person], is_archived=True
    )
    FollowUpFactory(title="Flyer abstimmen", responsible=kernteam_jug.person)
    FollowUpFactory(
        title="Schon erledigt",
        responsible=kernteam_jug.person,
        status=FollowUp.Status.DONE,
        done_at=timezone.now(),
    )
    response = client.get(reverse("meetings:calendar_feed", args=[subscribed.key]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "no-store" in response["Cache-Control"]
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["METHOD"]) == "PUBLISH"
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {
        "Kernteamsitzung Februar",
        "Abgesagte Sitzung",
        "Fällig: Flyer abstimmen",
    }
    assert str(events["Abgesagte Sitzung"]["STATUS"]) == "CANCELLED"
    assert (
        str(events["Kernteamsitzung Februar"]["UID"]) == f"meeting-{upcoming.pk}@praeventionsnetz"
    )
    assert other.title not in response.content.decode()
    assert cancelled.sequence == 0


def test_the_subscription_parses_with_a_second_strict_parser(
    client, kernteam_jug, upcoming, subscribed
):
    FollowUpFactory(title="Flyer; abstimmen, bitte", responsible=kernteam_jug.person)
    body = client.get(reverse("meetings:calendar_feed", args=[subscribed.key])).content
    parsed = vobject.readOne(body.decode(), validate=True)
    summaries = sorted(event.summary.value for event in parsed.vevent_list)
    assert summaries == ["Fällig: Flyer; abstimmen, bitte", "Kernteamsitzung Februar"]
    for line in body.split(b"\r\n"):
        assert len(line) <= 75  # RFC 5545 3.1: folded lines of at most 75 octets


def test_a_renewed_address_makes_the_old_one_stop_working(client, kernteam_jug, subscribed):
    old = reverse("meetings:calendar_feed", args=[subscribed.key])
    client.force_login(kernteam_jug)
    client.post(reverse("meetings:calendar_subscription"), {"action": "renew"})
    new = CalendarSubscription.objects.get(user=kernteam_jug)
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(reverse("meetings:calendar_feed", args=[new.key])).status_code == 200


def test_a_revoked_address_answers_404(client, kernteam_jug, subscribed):
    url = reverse("meetings:calendar_feed", args=[subscribed.key])
    client.force_login(kernteam_jug)
    client.post(reverse("meetings:calendar_subscription"), {"action": "revoke"})
    client.logout()
    assert client.get(url).status_code == 404
    assert not CalendarSubscription.objects.exists()


def test_a_deactivated_account_loses_its_feed(client, kernteam_jug, subscribed):
    kernteam_jug.is_active = False
    kernteam_jug.save()
    assert client.get(reverse("meetings:calendar_feed", args=[subscribed.key])).status_code == 404


def test_a_guessed_key_answers_404(client, subscribed):
    assert client.get(reverse("meetings:calendar_feed", args=["x" * 43])).status_code == 404


def test_anonymous_users_cannot_create_an_address(client):
    response = client.post(reverse("meetings:calendar_subscription"), {"action": "renew"})
    assert response.status_code == 302 and response["Location"].startswith("/konto/anmelden/")
    assert not CalendarSubscription.objects.exists()
