"""`make screenshots`: the main pages at 1366 px and 390 px into docs/screenshots/.

Deselected in the normal run (marker `screenshots`); the pictures are documentation.
"""

from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.core.management import call_command

from praevention.measures.models import Measure

pytestmark = [
    pytest.mark.screenshots,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = [1366, 390]


def pages():
    measure = Measure.objects.get(title="Sprachförderung für Kinder ohne Kitaplatz")
    return [
        ("start", "/"),
        ("liste", "/massnahmen/"),
        ("detail", f"/massnahmen/{measure.pk}/"),
        ("bearbeiten", f"/massnahmen/{measure.pk}/bearbeiten/"),
        ("verlauf", f"/massnahmen/{measure.pk}/verlauf/"),
        ("ueberblick", "/ueberblick/"),
        ("ueberblick-lebensphasen", "/ueberblick/lebensphasen/"),
        ("luecken", "/luecken/"),
        ("bericht", "/bericht/"),
        ("karte", "/karte/"),
        ("import", "/austausch/import/"),
        ("aufgaben", "/aufgaben/"),
        ("berichte", "/berichte/"),
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_screenshots_of_the_main_pages(browser, live_server, width):
    call_command("seed_demo")
    OUT.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        base_url=live_server.url, locale="de-DE", viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.goto("/konto/anmelden/")
    page.screenshot(path=OUT / f"anmelden-{width}.png", full_page=True)
    page.get_by_label("E-Mail-Adresse").fill("koordination@demo.praeventionsnetz.de")
    page.get_by_label("Passwort").fill("Praevention-2023")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(lambda url: urlparse(url).path == "/")
    for name, url in pages():
        response = page.goto(url)
        assert response.status == 200, url
        page.screenshot(path=OUT / f"{name}-{width}.png", full_page=True)
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("number", ["04", "01", "12"])
def test_screenshots_of_the_map_of_three_districts(browser, live_server, width, number):
    """The map of Charlottenburg-Wilmersdorf, Mitte and Reinickendorf (issue #24): the map
    section only, as `karte-bezirk<NN>-<width>.png`."""
    from praevention.catalog import districts

    districts.setup_district(number)
    call_command("seed_demo")
    OUT.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        base_url=live_server.url, locale="de-DE", viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.goto("/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill("koordination@demo.praeventionsnetz.de")
    page.get_by_label("Passwort").fill("Praevention-2023")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(lambda url: urlparse(url).path == "/")
    response = page.goto("/karte/")
    assert response.status == 200
    page.locator("section[aria-labelledby=map-heading]").screenshot(
        path=OUT / f"karte-bezirk{number}-{width}.png"
    )
    context.close()
