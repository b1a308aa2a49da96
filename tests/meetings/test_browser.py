"""The meetings feature in Chromium: a coordinator records a meeting, a Gesundheitsamt member
finds the task under "Meine Aufgaben", moves its due date and marks it done; every new page
is axe-clean."""

from urllib.parse import urlparse

import pytest
from django.core.management import call_command

from praevention.measures.models import Measure
from praevention.meetings.models import Decision, FollowUp, Meeting
from tests.browser.test_accessibility import DEMO_EMAIL, DEMO_PASSWORD, violations
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def log_in(page, email, password=PASSWORD):
    page.goto("/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(lambda url: urlparse(url).path == "/")


def test_coordinator_records_a_meeting_and_the_member_marks_the_task_done(
    page, koordination, kernteam_ges, kernteam_jug, jug_measure
):
    csp = []
    page.on("console", lambda m: csp.append(m.text) if "Content Security" in m.text else None)
    log_in(page, koordination.email)

    page.get_by_role("link", name="Sitzungen", exact=True).click()
    page.get_by_role("link", name="Neue Sitzung").click()
    page.get_by_label("Titel").fill("Kernteamsitzung Frühe Hilfen")
    page.get_by_label("Beginn").fill("2026-11-30T10:00")
    page.get_by_label("Ort").fill("Rathaus Charlottenburg, Raum 214")
    page.get_by_label(f"{kernteam_ges} (Ges)").check()
    page.get_by_label(f"{kernteam_jug} (Jug)").check()
    page.get_by_label("Tagesordnung").fill("Begrüßung\nLotsendienst: nächste Schritte")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url("**/sitzungen/*/")
    assert page.get_by_text(
        "Die Sitzung „Kernteamsitzung Frühe Hilfen“ wurde angelegt."
    ).is_visible()
    assert violations(page) == []

    decisions = page.get_by_role("region", name="Beschlüsse")
    decisions.get_by_text("Beschluss festhalten").click()
    decisions.get_by_label("Beschluss").fill(
        "Das Gesundheitsamt wirbt in den Kinderarztpraxen für den Lotsendienst."
    )
    decisions.get_by_label("Maßnahme 1").press_sequentially("Lotsen")
    # htmx fills the suggestions while typing; the title is taken from them.
    page.locator('#measure-titles option[value="Frühe Hilfen Lotsendienst"]').wait_for(
        state="attached"
    )
    decisions.get_by_label("Maßnahme 1").fill("Frühe Hilfen Lotsendienst")
    decisions.get_by_role("button", name="Beschluss speichern").click()
    assert page.get_by_text("Der Beschluss wurde festgehalten.").is_visible()

    tasks = page.get_by_role("region", name="Aufgaben")
    tasks.get_by_text("Aufgabe anlegen").click()
    page.get_by_label("Was ist zu tun?").fill("Flyer in 20 Kinderarztpraxen auslegen")
    page.get_by_label("Verantwortlich").select_option(label=f"{kernteam_ges} (Ges)")
    page.get_by_label("fällig am").fill("2026-12-10")
    tasks.get_by_label("Maßnahme", exact=True).fill("Frühe Hilfen Lotsendienst")
    tasks.get_by_label("Beschluss", exact=True).select_option(index=1)
    page.get_by_role("button", name="Aufgabe speichern").click()
    assert page.get_by_text(f"Die Aufgabe für {kernteam_ges} wurde angelegt.").is_visible()

    meeting = Meeting.objects.get()
    assert set(meeting.participants.all()) == {kernteam_ges.person, kernteam_jug.person}
    follow_up = FollowUp.objects.get()
    assert follow_up.decision == Decision.objects.get() and follow_up.measure == jug_measure
    assert follow_up.department.short_name == "Ges"

    page.get_by_role("button", name="Abmelden").click()
    log_in(page, kernteam_ges.email)
    mine = page.get_by_role("region", name="Meine Aufgaben")
    assert "Flyer in 20 Kinderarztpraxen auslegen" in mine.inner_text()
    # The printer is late: the task moves by a week, and the start page shows it again.
    mine.get_by_role("link", name="Fälligkeit ändern").click()
    assert violations(page) == []
    page.get_by_label("fällig am").fill("2026-12-17")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url(lambda url: urlparse(url).path == "/")
    assert page.get_by_text("ist jetzt am 17.12.2026 fällig.").is_visible()
    assert "fällig am 17.12.2026" in page.get_by_role("region", name="Meine Aufgaben").inner_text()
    mine = page.get_by_role("region", name="Meine Aufgaben")
    mine.get_by_role("button", name="Als erledigt markieren").click()
    assert page.get_by_text("Die Aufgabe „Flyer in 20 Kinderarztpraxen auslegen“ ist erledigt.")
    assert (
        "Keine offenen Aufgaben für Sie."
        in page.get_by_role("region", name="Meine Aufgaben").inner_text()
    )
    assert FollowUp.objects.get().status == FollowUp.Status.DONE

    page.goto(Measure.objects.get(pk=jug_measure.pk).get_absolute_url())
    decisions = page.get_by_role("region", name="Beschlüsse").inner_text()
    assert "Das Gesundheitsamt wirbt in den Kinderarztpraxen für den Lotsendienst." in decisions
    tasks = page.get_by_role("region", name="Aufgaben").inner_text()
    assert "Flyer in 20 Kinderarztpraxen auslegen" in tasks and "erledigt" in tasks
    assert violations(page) == []
    assert csp == []


def test_meetings_pages_have_no_serious_violations(page):
    call_command("seed_demo")
    csp = []
    page.on("console", lambda m: csp.append(m.text) if "Content Security" in m.text else None)
    log_in(page, DEMO_EMAIL, DEMO_PASSWORD)
    meeting = Meeting.objects.order_by("pk").first()
    measure = Measure.objects.get(title="Sprachförderung für Kinder ohne Kitaplatz")
    found = {}
    for url in [
        "/",
        "/sitzungen/",
        "/sitzungen/neu/",
        f"/sitzungen/{meeting.pk}/",
        f"/sitzungen/{meeting.pk}/bearbeiten/",
        f"/sitzungen/{meeting.pk}/protokoll/",
        "/aufgaben/",
        f"/aufgaben/{FollowUp.objects.open().order_by('pk').first().pk}/faellig/",
        "/profil/",
        f"/massnahmen/{measure.pk}/",
        "/massnahmen/?stale=1",
    ]:
        response = page.goto(url)
        assert response.status == 200, url
        if url == f"/sitzungen/{meeting.pk}/":
            page.get_by_text("Beschluss festhalten").click()
            page.get_by_text("Aufgabe anlegen").click()
            # Not hovering a button in the middle of its colour transition.
            page.mouse.move(0, 0)
            page.wait_for_timeout(400)
        problems = violations(page)
        if problems:
            found[url] = problems
    assert found == {}, found
    assert csp == []
