"""The overview pages in Chromium: axe-core finds no serious WCAG 2.1 AA violation, the
Content-Security-Policy blocks nothing, and every chart is drawn next to its table."""

import pytest
from django.core.management import call_command

from praevention.network.models import Department
from tests.browser.test_accessibility import DEMO_EMAIL, DEMO_PASSWORD, violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def pages():
    jugendamt = Department.objects.get(short_name="Jug")
    return [
        "/",
        "/ueberblick/",
        "/ueberblick/lebensphasen/",
        "/ueberblick/sozialraeume/",
        "/ueberblick/fachbereiche/",
        f"/ueberblick/?status=running&department={jugendamt.pk}",
        "/luecken/",
        "/bericht/",
    ]


def test_overview_pages_are_accessible_and_keep_to_the_csp(page):
    call_command("seed_demo")
    call_command("seed_synthetic", "--measures", "150")
    problems = []
    page.on(
        "console",
        lambda msg: problems.append(msg.text) if msg.type in ("error", "warning") else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto("/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill(DEMO_EMAIL)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/")
    found = {}
    for url in pages():
        response = page.goto(url)
        assert response.status == 200, url
        if url.startswith("/ueberblick/"):
            drawn = page.evaluate(
                "() => !!window.Chart && !!Chart.getChart(document.querySelector('canvas'))"
            )
            assert drawn, url
        if issues := violations(page):
            found[url] = issues
    assert found == {}, "\n".join(f"{url}: {p}" for url, ps in found.items() for p in ps)
    assert [p for p in problems if "favicon" not in p and "404" not in p] == []
