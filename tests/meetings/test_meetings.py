"""Meetings, their decisions and follow-ups: create, record, mark done, print, calendar."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from praevention.meetings.models import Decision, FollowUp, Meeting
from tests.meetings.factories import DecisionFactory, FollowUpFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_coordinator_creates_a_meeting_with_two_participants(
    client, koordination, kernteam_jug, kernteam_ges
):
    client.force_login(koordination)
    response = client.post(
        reverse("meetings:create"),
        {
            "title": "  Kernteamsitzung\u200b Januar ",
            "starts_at": "2027-01-14T10:00",
            "ends_at": "2027-01-14T12:00",
            "place": "Rathaus, Raum 214",
            "participants": [kernteam_jug.person.pk, kernteam_ges.person.pk],
            "agenda": "Begrüßung\nBerichte",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert meeting.title == "Kernteamsitzung Januar"  # normalised: no invisible characters
    assert meeting.created_by == koordination
    assert set(meeting.participants.all()) == {kernteam_jug.person, kernteam_ges.person}
    assert meeting.history.first().history_user == koordination
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Kernteamsitzung Januar" in page and "Berichte" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "starts_at": "2027-01-14T10:00"}, "Dieses Feld ist zwingend erforderlich."),
        ({"title": "\u200b", "starts_at": "2027-01-14T10:00"}, "Bitte füllen Sie dieses Feld aus."),
        (
            {"title": "Sitzung", "starts_at": "morgen"},
            "Bitte ein gültiges Datum und Uhrzeit eingeben.",
        ),
        (
            {"title": "Sitzung", "starts_at": "2027-01-14T10:00", "ends_at": "2027-01-14T09:00"},
            "Das Ende darf nicht vor dem Beginn liegen.",
        ),
        (
            {"title": "Sitzung", "starts_at": "2027-01-14T10:00", "online_link": "kein link"},
            "Bitte eine gültige Adresse eingeben.",
        ),
    ],
)
def test_bad_meeting_input_is_a_german_400_and_saves_nothing(client, koordination, data, message):
    client.force_login(koordination)
    response = client.post(reverse("meetings:create"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Meeting.objects.exists()


def test_participant_records_a_decision_linked_to_a_measure_and_a_department(
    client, kernteam_jug, meeting, jug_measure, gesundheitsamt
):
    client.force_login(kernteam_jug)
    response = client.post(
        reverse("meetings:decision_create", args=[meeting.pk]),
        {
            "decision-text": "Jugendamt und Gesundheitsamt laden gemeinsam ein.",
            "decision-measure_1": "frühe hilfen LOTSENDIENST\u200b",
            "decision-departments": [gesundheitsamt.pk],
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert list(decision.measures.all()) == [jug_measure]
    assert list(decision.departments.all()) == [gesundheitsamt]
    assert decision.created_by == kernteam_jug
    measure_page = client.get(jug_measure.get_absolute_url()).content.decode()
    assert "Jugendamt und Gesundheitsamt laden gemeinsam ein." in measure_page


def test_an_unknown_measure_title_is_a_400_naming_it(client, koordination, meeting, jug_measure):
    client.force_login(koordination)
    response = client.post(
        reverse("meetings:decision_create", args=[meeting.pk]),
        {"decision-text": "Gemeinsam", "decision-measure_1": "Frühe Hilfen Lotsendienst"}
        | {"decision-measure_2": "Lotsendienst"},
    )
    assert response.status_code == 400
    assert "Keine Maßnahme heißt „Lotsendienst“." in response.content.decode()
    assert not Decision.objects.exists()


def test_measure_titles_are_suggested_while_typing(client, kernteam_ges, jug_measure):
    from tests.factories import MeasureFactory

    MeasureFactory(title="Archivierter Lotsendienst", is_archived=True)
    client.force_login(kernteam_ges)
    response = client.get(reverse("meetings:measure_titles"), {"decision-measure_1": "lotsen"})
    page = response.content.decode()
    assert '<option value="Frühe Hilfen Lotsendienst">' in page
    assert "Archivierter" not in page
    assert client.get(reverse("meetings:measure_titles"), {"q": "l"}).content.strip() == b""


def test_an_empty_decision_is_a_400_naming_the_field(client, koordination, meeting):
    client.force_login(koordination)
    response = client.post(
        reverse("meetings:decision_create", args=[meeting.pk]), {"decision-text": "  "}
    )
    assert response.status_code == 400
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert not Decision.objects.exists()


def test_a_follow_up_takes_the_responsible_persons_department(
    client, koordination, meeting, kernteam_ges, gesundheitsamt, jug_measure
):
    client.force_login(koordination)
    response = client.post(
        reverse("meetings:follow_up_create", args=[meeting.pk]),
        {
            "follow_up-title": "Zahlen zur Einschulungsuntersuchung liefern",
            "follow_up-responsible": kernteam_ges.person.pk,
            "follow_up-due_on": "2027-01-31",
            "follow_up-measure": jug_measure.title,
        },
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.get()
    assert follow_up.department == gesundheitsamt
    assert follow_up.meeting == meeting and follow_up.measure == jug_measure
    assert follow_up.status == FollowUp.Status.OPEN


def test_a_follow_up_without_due_date_is_refused(client, koordination, meeting, kernteam_ges):
    client.force_login(koordination)
    response = client.post(
        reverse("meetings:follow_up_create", args=[meeting.pk]),
        {"follow_up-title": "Etwas", "follow_up-responsible": kernteam_ges.person.pk},
    )
    assert response.status_code == 400
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize("due_on", ["0001-01-01", "2205-12-31"])
def test_a_follow_up_due_in_an_implausible_year_is_refused(
    client, koordination, meeting, kernteam_ges, due_on
):
    client.force_login(koordination)
    response = client.post(
        reverse("meetings:follow_up_create", args=[meeting.pk]),
        {
            "follow_up-title": "Etwas",
            "follow_up-responsible": kernteam_ges.person.pk,
            "follow_up-due_on": due_on,
        },
    )
    assert response.status_code == 400
    assert "ist nicht plausibel" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_a_decision_of_another_meeting_cannot_be_linked(
    client, koordination, meeting, kernteam_ges
):
    other = DecisionFactory()
    client.force_login(koordination)
    response = client.post(
        reverse("meetings:follow_up_create", args=[meeting.pk]),
        {
            "follow_up-title": "Etwas",
            "follow_up-responsible": kernteam_ges.person.pk,
            "follow_up-due_on": "2027-01-31",
            "follow_up-decision": other.pk,
        },
    )
    assert response.status_code == 400
    assert not FollowUp.objects.exists()


def test_responsible_person_marks_done_and_reopens(client, kernteam_jug, follow_up):
    client.force_login(kernteam_jug)
    url = reverse("meetings:follow_up_done", args=[follow_up.pk])
    response = client.post(url, {"done": "1", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.DONE and follow_up.done_at is not None
    client.post(url, {"done": "0"})
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.OPEN and follow_up.done_at is None
    assert [h.status for h in follow_up.history.order_by("history_date")] == [
        "open",
        "done",
        "open",
    ]


def test_marking_done_never_redirects_to_another_site(client, kernteam_jug, follow_up):
    client.force_login(kernteam_jug)
    response = client.post(
        reverse("meetings:follow_up_done", args=[follow_up.pk]),
        {"next": "https://example.com/"},
    )
    assert response["Location"] == reverse("meetings:tasks")


def test_ics_file_describes_the_meeting(client, kernteam_ges, meeting, kernteam_jug):
    client.force_login(kernteam_ges)
    response = client.get(reverse("meetings:ics", args=[meeting.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Kernteamsitzung November"
    assert event.decoded("DTSTART") == meeting.starts_at.replace(microsecond=0)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == datetime.timedelta(hours=2)
    assert str(event["LOCATION"]) == "Rathaus Charlottenburg, Raum 214"
    # A published event names its participants in the text; ATTENDEE is for invitations.
    assert str(kernteam_jug) in str(event["DESCRIPTION"])
    assert str(event["UID"]) == f"meeting-{meeting.pk}@praeventionsnetz"


def test_printable_minutes_hold_agenda_decisions_and_follow_ups(
    client, kernteam_ges, meeting, follow_up
):
    DecisionFactory(meeting=meeting, text="Flyer gemeinsam drucken.")
    client.force_login(kernteam_ges)
    response = client.get(reverse("meetings:minutes", args=[meeting.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "css/minutes.css" in page
    for text in ["Begrüßung", "Flyer gemeinsam drucken.", "Flyer für Familienzentren abstimmen"]:
        assert text in page
    assert "<form" not in page.split('<main id="main"')[1].split("</main>")[0]


def test_archived_meetings_leave_the_list_but_stay_readable(client, koordination, meeting):
    client.force_login(koordination)
    client.post(reverse("meetings:archive", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.is_archived and Meeting.objects.count() == 1
    assert "Kernteamsitzung November" not in client.get(reverse("meetings:list")).content.decode()
    archive = client.get(reverse("meetings:list") + "?archiv=1").content.decode()
    assert "Kernteamsitzung November" in archive
    assert client.get(meeting.get_absolute_url()).status_code == 200


def test_list_shows_upcoming_before_past_meetings(client, kernteam_ges):
    MeetingFactory(title="Vergangene Sitzung")
    MeetingFactory(title="Kommende Sitzung", starts_at=timezone.now() + datetime.timedelta(days=3))
    client.force_login(kernteam_ges)
    page = client.get(reverse("meetings:list")).content.decode()
    assert page.index("Kommende Sitzung") < page.index("Vergangene Sitzung")


def test_meeting_list_runs_a_constant_number_of_queries(
    client, kernteam_ges, kernteam_jug, django_assert_num_queries
):
    client.force_login(kernteam_ges)
    persons = [kernteam_ges.person, kernteam_jug.person]

    def count_for(n):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        for _ in range(n):
            meeting = MeetingFactory(participants=persons)
            DecisionFactory(meeting=meeting)
            FollowUpFactory(meeting=meeting, responsible=kernteam_jug.person)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("meetings:list")).status_code == 200
        return len(queries)

    few = count_for(3)
    many = count_for(40)
    assert few == many
    assert many <= 10


def test_meeting_detail_runs_a_constant_number_of_queries(
    client, koordination, kernteam_jug, django_assert_max_num_queries
):
    meeting = MeetingFactory(participants=[kernteam_jug.person, koordination.person])
    for _ in range(20):
        DecisionFactory(meeting=meeting)
        FollowUpFactory(meeting=meeting, responsible=kernteam_jug.person)
    client.force_login(koordination)
    with django_assert_max_num_queries(20):
        assert client.get(meeting.get_absolute_url()).status_code == 200
