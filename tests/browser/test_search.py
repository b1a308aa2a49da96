"""The header's search field and the "Gibt es das schon?" hint in Chromium, with the keyboard."""

from urllib.parse import urlparse

import pytest
from django.core.management import call_command

from tests.browser.test_accessibility import DEMO_EMAIL, DEMO_PASSWORD, violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def csp_errors(page):
    """Content-Security-Policy reports in the console (htmx and the script must cause none)."""
    errors = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and errors.append(msg))
    return errors


def log_in(page):
    call_command("seed_demo")
    page.goto("/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill(DEMO_EMAIL)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(lambda url: urlparse(url).path == "/")


def test_the_header_search_suggests_and_opens_a_measure_by_keyboard(page, csp_errors):
    log_in(page)
    field = page.get_by_role("combobox", name="Maßnahmen durchsuchen")
    assert field.get_attribute("aria-expanded") == "false"
    field.focus()
    page.keyboard.type("sprachf", delay=30)
    option = page.get_by_role("option", name="Sprachförderung für Kinder ohne Kitaplatz")
    option.wait_for()
    assert field.get_attribute("aria-expanded") == "true"
    assert "Jugendamt" in option.inner_text()
    assert page.locator("#header-search-listbox mark").first.inner_text() == "Sprachf"
    assert page.locator("#header-search-status").inner_text() == "1 Vorschlag"
    # The open list is accessible too.
    assert violations(page) == []

    page.keyboard.press("ArrowDown")
    assert option.get_attribute("aria-selected") == "true"
    assert field.get_attribute("aria-activedescendant") == option.get_attribute("id")
    # The focus stays in the field while the options are chosen.
    assert page.evaluate("document.activeElement.id") == "header-search-input"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Sprachförderung für Kinder ohne Kitaplatz"
    )
    assert csp_errors == []


def test_escape_closes_the_suggestions_and_enter_searches_the_list(page, csp_errors):
    log_in(page)
    field = page.get_by_role("combobox", name="Maßnahmen durchsuchen")
    field.focus()
    page.keyboard.type("hebamme", delay=30)
    page.get_by_role("option", name="Familienhebammen und Familien-Kinderkrankenpflege").wait_for()
    page.keyboard.press("Escape")
    assert field.get_attribute("aria-expanded") == "false"
    assert page.locator("#header-search-listbox").is_hidden()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlparse(page.url).path == "/massnahmen/"
    assert page.locator("#results mark").first.inner_text().lower() == "hebamme"
    assert csp_errors == []


def test_the_create_form_hints_at_an_existing_measure(page, csp_errors):
    log_in(page)
    page.goto("/massnahmen/neu/")
    hint = page.locator("#duplicate-hint")
    assert hint.inner_text() == ""
    page.get_by_label("Titel").first.focus()
    page.keyboard.type("Sprachförderung für Kinder ohne Kitaplatz", delay=10)
    page.get_by_text("Gibt es das schon?").wait_for()
    link = hint.get_by_role("link", name="Sprachförderung für Kinder ohne Kitaplatz")
    assert link.count() == 1
    assert violations(page) == []
    assert csp_errors == []
