"""A core-team member creates and saves a measure with the keyboard alone."""

from urllib.parse import urlparse

import pytest

from praevention.measures.models import Measure
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def tab_to(page, predicate, limit=120):
    """Press Tab until the focused element satisfies `predicate` (a JS arrow function)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"({predicate})(document.activeElement)"):
            return
    raise AssertionError(f"never reached by Tab: {predicate}")


def test_a_measure_can_be_created_without_a_mouse(page, kernteam_jug):
    page.goto("/konto/anmelden/")
    tab_to(page, "el => el.id === 'id_username'")
    page.keyboard.type(kernteam_jug.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: urlparse(url).path == "/")

    # The skip link is the first stop and jumps over the navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Zum Inhalt springen"
    tab_to(page, "el => el.textContent.trim() === 'Maßnahmen' && el.tagName === 'A'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/massnahmen/")
    tab_to(page, "el => el.textContent.trim() === 'Neue Maßnahme'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/massnahmen/neu/")

    tab_to(page, "el => el.id === 'id_title'")
    page.keyboard.type("Tastatur-Maßnahme")
    page.keyboard.press("Tab")
    page.keyboard.type("Ohne Maus angelegt")
    tab_to(page, "el => el.id === 'id_status'")
    page.keyboard.press("ArrowDown")  # planned -> running
    tab_to(page, "el => el.name === 'target_groups'")
    page.keyboard.press("Space")
    # The focused control must be visibly marked (WCAG 2.4.7).
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    shadow = page.evaluate("getComputedStyle(document.activeElement).boxShadow")
    assert outline != "none" or shadow != "none"
    tab_to(page, "el => el.type === 'submit' && el.textContent.trim() === 'Speichern'", limit=200)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    errors = page.locator(".invalid-feedback, .alert-danger").all_inner_texts()
    assert errors == []
    page.wait_for_url(lambda url: urlparse(url).path.rstrip("/").split("/")[-1].isdigit())

    measure = Measure.objects.get(title="Tastatur-Maßnahme")
    assert measure.summary == "Ohne Maus angelegt"
    assert measure.target_groups.count() == 1
    assert measure.lead_department == kernteam_jug.person.department
