"""axe-core in Chromium on every main page, as a logged-in coordinator: no serious or
critical WCAG 2.1 AA violations, and no Content-Security-Policy violation either."""

from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.core.management import call_command

from praevention.measures.models import Measure

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE = (Path(__file__).parent / "axe.min.js").read_text()
DEMO_EMAIL = "koordination@demo.praeventionsnetz.de"
DEMO_PASSWORD = "Praevention-2023"


def violations(page):
    page.evaluate(AXE)
    result = page.evaluate(
        """() => axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
        })"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def csp_errors(page):
    errors = []
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return errors


def main_pages():
    measure = Measure.objects.get(title="Sprachförderung für Kinder ohne Kitaplatz")
    return [
        "/",
        "/massnahmen/",
        "/massnahmen/?status=running&target_group=1",
        f"/massnahmen/{measure.pk}/",
        f"/massnahmen/{measure.pk}/bearbeiten/",
        f"/massnahmen/{measure.pk}/verlauf/",
        "/massnahmen/neu/",
    ]


def test_login_page_has_no_serious_violations(page, csp_errors):
    page.goto("/konto/anmelden/")
    assert violations(page) == []
    assert csp_errors == []


def test_the_public_statements_have_no_serious_violations(page, csp_errors):
    """Reached from the login page without signing in (issue #25)."""
    page.goto("/konto/anmelden/")
    for link, heading in (
        ("Erklärung zur Barrierefreiheit", "Erklärung zur Barrierefreiheit"),
        ("Datenschutzhinweise", "Datenschutzhinweise für Beschäftigte"),
    ):
        page.goto("/konto/anmelden/")
        page.get_by_role("main").get_by_role("link", name=link).click()
        assert page.get_by_role("heading", level=1).inner_text() == heading
        assert violations(page) == [], page.url
    assert csp_errors == []


def test_main_pages_have_no_serious_violations(page, csp_errors):
    call_command("seed_demo")
    page.goto("/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill(DEMO_EMAIL)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(lambda url: urlparse(url).path == "/")
    found = {}
    for url in main_pages():
        response = page.goto(url)
        assert response.status == 200, url
        problems = violations(page)
        if problems:
            found[url] = problems
    assert found == {}, "\n".join(f"{url}: {p}" for url, ps in found.items() for p in ps)
    assert csp_errors == []


def test_main_pages_reflow_at_320_px_without_sideways_scrolling(browser, live_server):
    """WCAG 1.4.10: at 320 CSS px (= 1280 px at 400 % zoom) nothing but tables scrolls sideways."""
    call_command("seed_demo")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto("/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill(DEMO_EMAIL)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(lambda url: urlparse(url).path == "/")
    too_wide = {}
    for url in [*main_pages(), "/ueberblick/", "/luecken/", "/bericht/", "/austausch/import/"]:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[url] = width
    context.close()
    assert too_wide == {}
