"""The report's new pages in Chromium: axe-core finds no serious WCAG 2.1 AA violation and the
Content-Security-Policy blocks nothing (inline SVG charts use attributes, not styles)."""

import pytest
from django.core.management import call_command
from django.http import QueryDict

from praevention.accounts.models import User
from praevention.editions.services import edition_freeze
from tests.browser.test_accessibility import DEMO_EMAIL, DEMO_PASSWORD, violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_report_edition_and_funding_pages_are_accessible_and_keep_to_the_csp(page):
    call_command("seed_demo")
    by = User.objects.get(email=DEMO_EMAIL)
    first = edition_freeze(title="Jugendhilfeausschuss 12.03.2027", data=QueryDict(), by=by)
    second = edition_freeze(title="BVV 01.04.2027", data=QueryDict("zaehlen=budget"), by=by)
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
    for url in [
        f"/bericht/?zaehlen=budget&seit={first.pk}",
        "/ueberblick/?zaehlen=teilnehmende",
        "/ueberblick/finanzierung/",
        "/berichte/",
        f"/berichte/{second.pk}/?seit={first.pk}",
    ]:
        response = page.goto(url)
        assert response.status == 200, url
        if issues := violations(page):
            found[url] = issues
    # WCAG 1.4.10: at 320 CSS px nothing but tables scrolls sideways.
    page.set_viewport_size({"width": 320, "height": 640})
    for url in [
        f"/bericht/?zaehlen=budget&seit={first.pk}",
        "/ueberblick/finanzierung/",
        f"/berichte/{second.pk}/?seit={first.pk}",
    ]:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            found[f"{url} at 320 px"] = [f"{width} px wide"]
    assert found == {}, "\n".join(f"{url}: {p}" for url, ps in found.items() for p in ps)
    assert [p for p in problems if "favicon" not in p and "404" not in p] == []
