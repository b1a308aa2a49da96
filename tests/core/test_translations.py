"""German by default, English when chosen: no UI words of the other language leak into a page.

The demo network's data (titles, departments, catalogue entries) is German whatever the UI
language, and so is the CSV/XLSX file format; both are taken out of the text before checking.
"""

import datetime
import gettext
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from django.utils import translation

from praevention.exchange.columns import COLUMNS, HEADERS, ChoiceColumn
from praevention.measures.models import Measure
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"

# Words of the English UI that a German page must not show. ("Status" and "Import" are the
# same in both languages.)
ENGLISH = [
    "Save",
    "Edit",
    "Search",
    "Measures",
    "Measure",
    "Department",
    "Cancel",
    "History",
    "Overview",
    "Filter by",
    "Apply filters",
    "Reset",
    "Log out",
    "Log in",
    "Password",
    "Previous",
    "Next",
    "Target group",
    "Life phase",
    "Social space",
    "Lead",
    "Gaps",
    "Report",
    "Print",
    "Home",
    "Total",
    "Show",
    "Select an option",
    "descending",
    "Skip to content",
    "Language",
]
# Labels of the German UI that an English page must not show.
GERMAN = [
    "Maßnahme",
    "Speichern",
    "Bearbeiten",
    "Zielgruppe",
    "Federführung",
    "Fachbereich",
    "Lebensphase",
    "Sozialraum",
    "Handlungsfeld",
    "Abmelden",
    "Anmelden",
    "Passwort",
    "Filter anwenden",
    "Zurücksetzen",
    "Abbrechen",
    "Überblick",
    "Überschneidung",
    "Lücke",
    "Verlauf",
    "Bericht",
    "Sprache",
    "Wechseln",
    "Suche",
    "Seite",
    "Zurück",
    "Weiter",
    "geändert",
    "geplant",
    "laufend",
    "absteigend",
    "auswählen",
    "Präventions",
    " Uhr",
]
GERMAN_DATE = re.compile(r"\b\d{1,2}\.\d{1,2}\.\d{4}\b")
ENGLISH_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b")


class VisibleText(HTMLParser):
    """What a reader sees or hears: text outside <script>/<style>, labelling attributes and
    button values; the language switcher's options name each language in itself and are left out."""

    LABELS = {"aria-label", "title", "placeholder", "alt"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden = []
        self.chunks = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style") or (tag == "select" and attrs.get("name") == "language"):
            self.hidden.append(tag)
        self.chunks += [value for name, value in attrs.items() if name in self.LABELS and value]
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset"):
            self.chunks.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if self.hidden and self.hidden[-1] == tag:
            self.hidden.pop()

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.chunks.append(" ".join(data.split()))


def data_strings():
    """Every text stored in the network's tables, line by line, and the German file format's
    vocabulary; longest first."""
    found = set(HEADERS) | {settings.DISTRICT_NAME}
    with translation.override("de"):
        for column in COLUMNS:
            if isinstance(column, ChoiceColumn):
                found.add(
                    ", ".join(str(label).split(" (")[0] for _, label in column.choices.choices)
                )
    texts = [str(user) for user in apps.get_model("accounts", "User").objects.all()]
    for label in ("network", "catalog", "measures", "accounts", "meetings"):
        for model in apps.get_app_config(label).get_models():
            fields = [
                f.attname
                for f in model._meta.concrete_fields
                if isinstance(f, (models.CharField, models.TextField))
            ]
            for row in model.objects.values_list(*fields):
                texts += [str(value) for value in row if value]
    # The district's credit lines are data from its files (catalog.districts), as they are
    # published, and so is every MSS year's source line built from them.
    from praevention.catalog import districts, monitoring

    texts += districts.facts()["credits"]
    texts.append(districts.space_credit())
    years = monitoring.needs_and_years([])[0]
    texts += monitoring.sources(years.shown)
    for text in texts:
        found.add(" ".join(text.split()))
        found.update(" ".join(line.split()) for line in text.splitlines())
    found.discard("")
    return sorted(found, key=len, reverse=True)


def ui_chunks(response, data):
    """The page's visible text, piece by piece, without the pieces that are stored data."""
    assert response.status_code == 200, response
    parser = VisibleText()
    parser.feed(response.content.decode())
    whole = set(data)
    return [
        chunk
        for chunk in parser.chunks
        if chunk not in whole
        # a shortened value
        and not (chunk.endswith("…") and any(v.startswith(chunk[:-1]) for v in data))
    ]


def ui_text(response, data):
    """The page's visible text without the network's data."""
    # Whole words only: the short name "Soz" must not eat into "Sozialraum".
    stored = re.compile("|".join(rf"(?<!\w){re.escape(value)}(?!\w)" for value in data))
    return "\n".join(stored.sub(" ", chunk).strip() for chunk in ui_chunks(response, data))


def english_words(text):
    return [word for word in ENGLISH if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)]


def german_words(text):
    """Also inside compounds: "Maßnahme" in "Maßnahmenliste"."""
    return [word for word in GERMAN if word in text]


@pytest.fixture
def network(client, koordination):
    """The demo network, with more measures than fit on one page of the list."""
    call_command("seed_demo", stdout=None)
    call_command("seed_synthetic", "--measures", "15", stdout=None)
    client.force_login(koordination)
    return client


def main_pages():
    measure = Measure.objects.order_by("pk").first()
    return [
        reverse("overview:start"),
        reverse("measures:list"),
        reverse("measures:list") + "?page=2&ordering=-title",
        reverse("measures:detail", args=[measure.pk]),
        reverse("measures:edit", args=[measure.pk]),
        reverse("measures:history", args=[measure.pk]),
        reverse("measures:archive", args=[measure.pk]),
        reverse("measures:create"),
        reverse("overview:overview"),
        reverse("overview:matrix", args=["lebensphasen"]),
        reverse("overview:gaps"),
        reverse("overview:report"),
        reverse("exchange:import"),
        reverse("accounts:password_change"),
    ]


def use_language(client, code):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code


def test_main_pages_show_no_english_by_default(network):
    data = data_strings()
    for url in main_pages():
        response = network.get(url)
        text = ui_text(response, data)
        assert not english_words(text), (url, english_words(text))
        assert not ENGLISH_DATE.findall("\n".join(ui_chunks(response, data))), url


def test_main_pages_show_no_german_labels_in_english(network):
    use_language(network, "en")
    data = data_strings()
    for url in main_pages():
        response = network.get(url)
        assert response.content.decode().count('<html lang="en">') == 1, url
        text = ui_text(response, data)
        assert not german_words(text), (url, german_words(text))
        assert not GERMAN_DATE.findall("\n".join(ui_chunks(response, data))), url


def test_the_lists_pagination_is_translated(network):
    url = reverse("measures:list")
    first, second = network.get(url).content.decode(), network.get(url + "?page=2").content.decode()
    assert ">Weiter</a>" in first and ">Zurück</a>" in second

    use_language(network, "en")
    first, second = network.get(url).content.decode(), network.get(url + "?page=2").content.decode()
    assert ">Next</a>" in first and ">Previous</a>" in second


def test_login_page_speaks_the_chosen_language(client):
    data = data_strings()
    german = ui_text(client.get(reverse("accounts:login")), data)
    assert "Anmelden" in german
    assert not english_words(german), english_words(german)

    use_language(client, "en")
    english = ui_text(client.get(reverse("accounts:login")), data)
    assert "Log in" in english
    assert not german_words(english), german_words(english)


def test_the_footer_switches_to_english_and_back(client, koordination):
    client.force_login(koordination)
    page = client.get(reverse("overview:start")).content.decode()
    assert '<html lang="de">' in page and ">Maßnahmen</a>" in page

    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert ">Measures</a>" in page and ">Maßnahmen</a>" not in page
    assert 'value="en" selected' in page

    client.post(reverse("set_language"), {"language": "de", "next": "/"})
    assert ">Maßnahmen</a>" in client.get("/").content.decode()


def test_amounts_numbers_and_dates_follow_the_language(client, koordination, jugendamt):
    measure = MeasureFactory(
        lead=jugendamt,
        budget_eur=Decimal("12345.50"),
        reach_planned=1200,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )
    client.force_login(koordination)
    url = reverse("measures:detail", args=[measure.pk])

    german = client.get(url).content.decode()
    for text in ["12.345,50 €", "1.200", "01.01.2026", "31.12.2026"]:
        assert text in german
    assert "12,345.50" not in german

    use_language(client, "en")
    english = client.get(url).content.decode()
    # Day month year (issue #27): 31/12/2026, never the US 12/31/2026.
    for text in ["€12,345.50", "1,200", "01/01/2026", "31/12/2026"]:
        assert text in english
    assert "12.345,50" not in english and "31.12.2026" not in english
    assert "12/31/2026" not in english


def po_entries(path):
    """(msgctxt, msgid, [msgstr, …], flags) of each entry but the header, read plainly."""
    entries, entry, field = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry and entry["msgid"]:
                entries.append(entry)
            entry, field = None, None
            continue
        entry = entry or {"msgctxt": None, "msgid": "", "msgstr": {}, "flags": ""}
        if line.startswith("#,"):
            entry["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = line[1:-1]
            if isinstance(field, tuple):
                entry["msgstr"][field[1]] += value
            else:
                entry[field] += value
        else:
            keyword, value = line.split(" ", 1)
            value = value[1:-1]
            match = re.fullmatch(r"msgstr\[(\d)\]|msgstr", keyword)
            if match:
                field = ("msgstr", match.group(1) or "0")
                entry["msgstr"][field[1]] = value
            elif keyword == "msgid_plural":
                field = "msgid_plural"
                entry[field] = value
            else:
                field = keyword
                entry[field] = value
    return entries


def test_english_catalogue_is_complete_and_compiled():
    entries = po_entries(LOCALE / "django.po")
    assert len(entries) > 500
    assert not [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    with open(LOCALE / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog
    keys = set()
    for e in entries:
        msgid = e["msgid"].encode().decode("unicode_escape").encode("latin-1").decode()
        key = f"{e['msgctxt']}\x04{msgid}" if e["msgctxt"] else msgid
        keys.add((key, 0) if "msgid_plural" in e else key)
    assert not keys - set(compiled), "run `make messages`: the .mo lags behind the .po"


def test_an_english_browser_still_gets_german_until_english_is_chosen(client, koordination):
    client.force_login(koordination)
    response = client.get("/massnahmen/", headers={"accept-language": "en-US,en;q=0.9"})
    assert response["Content-Language"] == "de"
    assert "Neue Maßnahme" in response.content.decode()
