"""The import pages in Chromium: accessible (axe-core), CSP-clean, and the flow works by mouse."""

import pytest

from praevention.measures.models import Measure
from tests.browser.test_accessibility import violations
from tests.exchange.helpers import csv_bytes, row

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def files(tmp_path):
    bad = tmp_path / "fehler.csv"
    bad.write_bytes(csv_bytes([row(1), row(2, Federführung="Bauamt"), row(1)]))
    good = tmp_path / "gut.csv"
    good.write_bytes(csv_bytes([row(1), row(2, Beteiligte="Ges (Partner)")]))
    return bad, good


def test_coordinator_checks_a_file_sees_errors_then_imports_a_good_one(
    page, koordination, jugendamt, gesundheitsamt, files
):
    bad, good = files
    errors = []
    page.on("console", lambda m: errors.append(m.text) if "Content Security" in m.text else None)
    page.goto("/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill(koordination.email)
    page.get_by_label("Passwort").fill("Kernteam-2023!")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/")

    page.get_by_role("link", name="Import").click()
    page.wait_for_url("**/austausch/import/")
    assert violations(page) == []

    page.get_by_label("Datei (CSV oder Excel)").set_input_files(bad)
    page.get_by_role("button", name="Datei prüfen").click()
    page.wait_for_selector("#import-errors")
    assert "Nichts wurde gespeichert" in page.inner_text("#import-errors-summary")
    table = page.inner_text("#import-errors")
    assert "Fachbereich „Bauamt“ ist unbekannt." in table
    assert "Der Titel steht schon in Zeile 2" in table
    assert violations(page) == []

    page.get_by_label("Datei (CSV oder Excel)").set_input_files(good)
    page.get_by_role("button", name="Datei prüfen").click()
    page.wait_for_selector("#import-rows")
    assert violations(page) == []
    assert not Measure.objects.exists()

    page.get_by_role("button", name="Import bestätigen und speichern").click()
    page.wait_for_url("**/massnahmen/")
    assert "Import von „gut.csv“ abgeschlossen" in page.inner_text(".messages")
    assert Measure.objects.count() == 2
    assert errors == []
