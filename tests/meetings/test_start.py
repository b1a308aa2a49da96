"""The start page for the person: Meine Aufgaben (overdue, due, later), the department's open
follow-ups, and for coordinators every overdue one."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from praevention.meetings.models import FollowUp
from tests.factories import PersonFactory
from tests.meetings.factories import FollowUpFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def tasks(kernteam_jug, kernteam_ges, jugendamt):
    colleague = PersonFactory(department=jugendamt)
    meeting = MeetingFactory()
    return {
        "overdue": FollowUpFactory(
            title="Überfällige Aufgabe", responsible=kernteam_jug.person, due_on=days(-3),
            meeting=meeting,
        ),
        "due": FollowUpFactory(
            title="Bald fällige Aufgabe", responsible=kernteam_jug.person, due_on=days(2),
            meeting=meeting,
        ),
        "later": FollowUpFactory(
            title="Spätere Aufgabe", responsible=kernteam_jug.person, due_on=days(30),
            meeting=meeting,
        ),
        "done": FollowUpFactory(
            title="Erledigte Aufgabe", responsible=kernteam_jug.person, due_on=days(-10),
            status=FollowUp.Status.DONE, done_at=timezone.now(), meeting=meeting,
        ),
        "colleague": FollowUpFactory(
            title="Aufgabe der Kollegin", responsible=colleague, due_on=days(5), meeting=meeting
        ),
        "other_department": FollowUpFactory(
            title="Überfällig im Gesundheitsamt", responsible=kernteam_ges.person,
            due_on=days(-1), meeting=meeting,
        ),
    }  # fmt: skip


def section(page, heading):
    return page.split(heading)[1].split("</section>")[0]


def test_meine_aufgaben_lists_my_open_tasks_overdue_first(client, kernteam_jug, tasks):
    client.force_login(kernteam_jug)
    page = client.get(reverse("overview:start")).content.decode()
    mine = section(page, "Meine Aufgaben")
    assert mine.index("Überfällige Aufgabe") < mine.index("Bald fällige Aufgabe")
    assert mine.index("Bald fällige Aufgabe") < mine.index("Spätere Aufgabe")
    assert "überfällig" in mine and "bald fällig" in mine
    assert "Erledigte Aufgabe" not in mine
    assert "3 offene Aufgaben: 1 überfällig, 1 in den nächsten 7 Tagen fällig" in mine
    department = section(page, "Offene Aufgaben im Jugendamt")
    assert "Aufgabe der Kollegin" in department and "Überfällige Aufgabe" not in department
    assert "Überfällig im Gesundheitsamt" not in page
    assert "Alle überfälligen Aufgaben im Netzwerk" not in page


def test_coordinator_sees_every_overdue_task(client, koordination, tasks):
    client.force_login(koordination)
    page = client.get(reverse("overview:start")).content.decode()
    overdue = section(page, "Alle überfälligen Aufgaben im Netzwerk")
    assert "Überfällige Aufgabe" in overdue and "Überfällig im Gesundheitsamt" in overdue
    assert "Bald fällige Aufgabe" not in overdue and "Erledigte Aufgabe" not in overdue


def test_start_page_runs_the_same_number_of_queries_for_few_and_many_tasks(
    client, koordination, kernteam_jug, jugendamt
):
    client.force_login(kernteam_jug)

    def count():
        cache.clear()  # every figure computed afresh, as after a write
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("overview:start")).status_code == 200
        return len(queries)

    meeting = MeetingFactory()
    colleague = PersonFactory(department=jugendamt)
    FollowUpFactory(responsible=kernteam_jug.person, due_on=days(-1), meeting=meeting)
    FollowUpFactory(responsible=colleague, meeting=meeting)
    few = count()
    for i in range(40):
        FollowUpFactory(responsible=kernteam_jug.person, due_on=days(i - 20), meeting=meeting)
        FollowUpFactory(responsible=colleague, due_on=days(i - 20), meeting=meeting)
    assert count() == few
    client.force_login(koordination)
    assert count() <= 24
