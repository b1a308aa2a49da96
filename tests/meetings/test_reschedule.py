"""Fälligkeit ändern: the responsible person or a coordinator moves a task's due date."""

import datetime

import pytest
from django.urls import reverse

from praevention.meetings.models import FollowUp

pytestmark = pytest.mark.django_db


def url(follow_up):
    return reverse("meetings:follow_up_reschedule", args=[follow_up.pk])


def test_the_responsible_person_moves_the_due_date_and_returns_to_the_tasks(
    client, kernteam_jug, follow_up
):
    client.force_login(kernteam_jug)
    page = client.get(reverse("meetings:tasks")).content.decode()
    assert url(follow_up) in page  # the link next to "Als erledigt markieren"
    response = client.post(url(follow_up), {"due_on": "2027-03-15", "next": "/aufgaben/"})
    assert response.status_code == 302 and response["Location"] == "/aufgaben/"
    follow_up.refresh_from_db()
    assert follow_up.due_on == datetime.date(2027, 3, 15)
    assert follow_up.history.first().history_user == kernteam_jug
    shown = client.get("/aufgaben/").content.decode()
    assert "ist jetzt am 15.03.2027 fällig" in shown


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Dieses Feld ist zwingend erforderlich."),
        ("0001-03-15", "1990"),
        ("15.03.", "Bitte ein gültiges Datum eingeben."),
    ],
)
def test_a_wrong_date_is_a_german_field_error_and_changes_nothing(
    client, kernteam_jug, follow_up, value, message
):
    before = follow_up.due_on
    client.force_login(kernteam_jug)
    response = client.post(url(follow_up), {"due_on": value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert FollowUp.objects.get(pk=follow_up.pk).due_on == before


def test_a_done_or_archived_task_keeps_its_date(client, koordination, follow_up):
    client.force_login(koordination)
    follow_up.is_archived = True
    follow_up.save()
    assert client.post(url(follow_up), {"due_on": "2027-03-15"}).status_code == 403
    follow_up.is_archived = False
    follow_up.status = FollowUp.Status.DONE
    follow_up.done_at = follow_up.created_at
    follow_up.save()
    response = client.post(url(follow_up), {"due_on": "2027-03-15"})
    assert response.status_code == 400
    assert "erledigte Aufgabe" in response.content.decode()
    assert FollowUp.objects.get(pk=follow_up.pk).due_on != datetime.date(2027, 3, 15)


def test_the_form_goes_back_to_the_page_its_link_was_on(client, kernteam_jug, follow_up):
    client.force_login(kernteam_jug)
    meeting_page = reverse("meetings:detail", args=[follow_up.meeting.pk])
    link = f"{url(follow_up)}?next={meeting_page}"
    assert link in client.get(meeting_page).content.decode()
    form = client.get(link).content.decode()
    assert f'name="next" value="{meeting_page}"' in form
    assert f'href="{meeting_page}">Abbrechen' in form


def test_next_never_leaves_the_site(client, kernteam_jug, follow_up):
    client.force_login(kernteam_jug)
    response = client.post(
        url(follow_up), {"due_on": "2027-03-15", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("meetings:tasks")


def test_a_refused_date_is_not_shown_as_the_current_one(client, koordination, follow_up):
    client.force_login(koordination)
    before = follow_up.due_on
    follow_up.status = FollowUp.Status.DONE  # a valid date, refused for the task
    follow_up.done_at = follow_up.created_at
    follow_up.save()
    response = client.post(url(follow_up), {"due_on": "2027-03-15"})
    assert response.status_code == 400
    shown = before.strftime("%d.%m.%Y")
    assert f"bisher fällig am {shown}" in response.content.decode()


def test_a_done_task_says_so_before_anything_is_typed(client, koordination, follow_up):
    follow_up.status = FollowUp.Status.DONE
    follow_up.done_at = follow_up.created_at
    follow_up.save()
    client.force_login(koordination)
    page = client.get(url(follow_up)).content.decode()
    assert "Eine erledigte Aufgabe hat keine Fälligkeit mehr: erst wieder öffnen." in page
    assert 'name="due_on"' not in page
