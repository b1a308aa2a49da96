"""A core-team member works on a measure in a real browser."""

from urllib.parse import urlparse

import pytest

from praevention.measures.models import Measure
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def log_in(page, user):
    page.goto("/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill(user.email)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(lambda url: urlparse(url).path == "/")


def test_member_creates_edits_and_sees_the_history(page, kernteam_jug, gesundheitsamt):
    log_in(page, kernteam_jug)

    page.get_by_role("link", name="Maßnahmen", exact=True).click()
    page.get_by_role("link", name="Neue Maßnahme").click()
    page.get_by_label("Titel").fill("Sprachförderung für Kinder ohne Kitaplatz")
    page.get_by_label("Kurzbeschreibung").fill("Sprachcafés in Familienzentren")
    page.get_by_label("Status").select_option("running")
    page.get_by_label("Kinder von 3–6 Jahren ohne Kitaplatz").check()
    # The lead defaults to the member's own department; add the Gesundheitsamt as partner.
    page.get_by_label("Fachbereich 2", exact=True).select_option(label="Gesundheitsamt")
    page.get_by_label("Rolle 2", exact=True).select_option("partner")
    page.get_by_role("button", name="Speichern").click()

    page.wait_for_url("**/massnahmen/*/")
    assert page.get_by_role(
        "heading", name="Sprachförderung für Kinder ohne Kitaplatz"
    ).is_visible()
    assert page.get_by_text(
        "Die Maßnahme „Sprachförderung für Kinder ohne Kitaplatz“ wurde angelegt."
    ).is_visible()
    departments = page.get_by_role("region", name="Beteiligte Fachbereiche")
    assert "Jugendamt" in departments.inner_text()
    assert "Gesundheitsamt" in departments.inner_text()

    page.get_by_role("link", name="Bearbeiten").click()
    page.get_by_label("Budget (Euro pro Jahr)").fill("24000")
    page.get_by_label("Status").select_option("paused")
    page.get_by_role("button", name="Speichern").click()
    assert page.get_by_text("Die Änderungen wurden gespeichert.").is_visible()

    page.get_by_role("link", name="Verlauf").click()
    history = page.locator("main").inner_text()
    assert "laufend" in history and "pausiert" in history
    assert "24.000,00" in history
    assert "Beteiligung: Gesundheitsamt" in history

    measure = Measure.objects.get(title="Sprachförderung für Kinder ohne Kitaplatz")
    assert measure.status == "paused"
    assert measure.lead_department.short_name == "Jug"
    assert measure.version == 2
