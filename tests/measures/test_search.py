"""The measure search as a core-team member uses it: German compounds, umlaut spellings,
Unicode forms, ranking and highlighting. The demo network is the data set the issue names."""

import unicodedata

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.urls import reverse

from praevention.accounts.models import User
from praevention.demo.management.commands.seed_demo import DEMO_KERNTEAM_EMAIL
from praevention.measures import search
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db

URL = reverse("measures:list")
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the compound search runs on PostgreSQL"
)


def titles(client, query):
    response = client.get(URL, {"q": query})
    assert response.status_code == 200, response.content.decode()[:500]
    return [measure.title for measure in response.context["measures"]]


@on_postgresql
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class DemoNetworkSearchTests(TestCase):
    """Issue #14's queries against the demo network, on PostgreSQL."""

    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", stdout=None)
        cls.member = User.objects.get(email=DEMO_KERNTEAM_EMAIL)

    def setUp(self):
        self.client.force_login(self.member)

    def test_parts_of_compounds_find_their_measures(self):
        expected = {
            "Förderung": "Sprachförderung für Kinder ohne Kitaplatz",
            "Sozialarbeit": "Jugendsozialarbeit an Grund- und Oberschulen",
            "Hebamme": "Familienhebammen und Familien-Kinderkrankenpflege",
            "Armut": "Monitoring Kinderarmut und Sozialraumanalyse",
        }
        for query, title in expected.items():
            with self.subTest(query=query):
                assert title in titles(self.client, query)

    def test_umlauts_written_out_find_the_umlaut(self):
        assert "Sprachförderung für Kinder ohne Kitaplatz" in titles(
            self.client, "Sprachfoerderung"
        )
        assert "Sprachförderung für Kinder ohne Kitaplatz" in titles(self.client, "SPRACHFÖRDERUNG")

    def test_a_decomposed_umlaut_finds_the_composed_one(self):
        typed = unicodedata.normalize("NFD", "Übergang")
        assert typed != "Übergang"
        found = titles(self.client, typed)
        assert "Coaching für Jugendliche am Übergang von der Schule in den Beruf" in found

    def test_a_nonsense_word_finds_nothing(self):
        response = self.client.get(URL, {"q": "Xylqwzrt"})
        assert response.status_code == 200
        assert list(response.context["measures"]) == []
        assert "0 Maßnahmen gefunden" in response.content.decode()

    def test_whole_word_hits_come_before_parts_of_compounds(self):
        found = titles(self.client, "Sozialarbeit")
        whole = found.index("Kita-Sozialarbeit in Kitas mit vielen armutsbetroffenen Kindern")
        part = found.index("Jugendsozialarbeit an Grund- und Oberschulen")
        assert whole < part

    def test_a_small_typo_still_finds_the_measure(self):
        assert "Familienhebammen und Familien-Kinderkrankenpflege" in titles(
            self.client, "Familienhebamen"
        )

    def test_catalogue_names_find_their_measures(self):
        # "Kitaplatz" is in the target group "Kinder … ohne Kitaplatz" of several measures.
        found = titles(self.client, "Kitaplätze")
        assert "Sprachförderung für Kinder ohne Kitaplatz" in found

    def test_every_word_must_match(self):
        assert titles(self.client, "Sprachförderung Kitaplatz") == [
            "Sprachförderung für Kinder ohne Kitaplatz"
        ]
        assert titles(self.client, "Sprachförderung Xylqwzrt") == []

    def test_matched_parts_are_highlighted_in_the_list(self):
        content = self.client.get(URL, {"q": "foerderung"}).content.decode()
        assert "Sprach<mark>förderung</mark> für Kinder ohne Kitaplatz" in content


@pytest.fixture
def member(client, kernteam_ges):
    client.force_login(kernteam_ges)
    return client


def test_sqlite_and_postgresql_ignore_case_and_umlaut_spelling(member):
    MeasureFactory(title="Sprachförderung für Kinder")
    MeasureFactory(title="Straßenfest im Kiez")
    MeasureFactory(title="Elterncafé")
    assert titles(member, "SPRACHFOERDERUNG") == ["Sprachförderung für Kinder"]
    assert titles(member, "strasse") == ["Straßenfest im Kiez"]
    assert titles(member, unicodedata.normalize("NFD", "STRAẞE")) == ["Straßenfest im Kiez"]


def test_search_text_with_markup_is_escaped_in_the_highlight(member):
    MeasureFactory(title="<b>Förderung</b> & Bildung")
    content = member.get(URL, {"q": "Förderung"}).content.decode()
    assert "&lt;b&gt;<mark>Förderung</mark>&lt;/b&gt; &amp; Bildung" in content
    content = member.get(URL, {"q": "<script>"}).content.decode()
    assert "<script>" not in content.split("<main", 1)[1].split("</main>")[0]


@pytest.mark.parametrize(
    ("text", "query", "expected"),
    [
        ("Sprachförderung", "förderung", "Sprach<mark>förderung</mark>"),
        ("Sprachförderung", "FOERDERUNG", "Sprach<mark>förderung</mark>"),
        ("Straße & Platz", "strasse", "<mark>Straße</mark> &amp; Platz"),
        ("Kinder <i>", "kinder", "<mark>Kinder</mark> &lt;i&gt;"),
        ("Familienhebammen", "Hebamme", "Familien<mark>hebamme</mark>n"),
        ("Sprachförderung", "Sprachfördrung", "<mark>Sprachförderung</mark>"),
        ("Kita und Schule", "", "Kita und Schule"),
        # Single letters are not searched for, so nothing is marked.
        ("a<b", "b", "a&lt;b"),
    ],
)
def test_highlight_marks_the_found_parts_and_escapes_the_rest(text, query, expected):
    assert search.highlight(text, query) == expected


def test_fold_writes_out_umlauts_and_ignores_case_and_unicode_form():
    assert search.fold("Sprachförderung") == "sprachfoerderung"
    assert search.fold("STRASSE") == search.fold("Straße") == "strasse"
    assert search.fold(unicodedata.normalize("NFD", "Übergang")) == "uebergang"


def test_the_database_folds_stored_text_like_python():
    # Stored text is NFC (core.text.normalize_text at every entry); queries are folded in
    # Python, NFC included, so an NFD query still meets the stored NFC text.
    for text in ["Sprachförderung", "ÄÖÜ äöü ß ẞ", "Übergang", "Kita-Sozialarbeit"]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT praevention_fold(%s)", [text])
            assert cursor.fetchone()[0] == search.fold(text)
    assert search.fold(unicodedata.normalize("NFD", "Übergang")) == search.fold("Übergang")


def test_a_new_measure_is_found_at_once(member, jugendamt):
    MeasureFactory(title="Elterncafé am Montag", lead=jugendamt)
    assert titles(member, "Elterncafé") == ["Elterncafé am Montag"]
    MeasureFactory(title="Elterncafé am Dienstag", lead=jugendamt)
    assert titles(member, "Elterncafé") == ["Elterncafé am Dienstag", "Elterncafé am Montag"]


@on_postgresql
def test_a_word_only_in_a_catalogue_name_finds_the_measure(member, jugendamt):
    from praevention.catalog.models import SocialSpace, TargetGroup

    group = TargetGroup.objects.get(name__contains="Kitaplatz")
    space = SocialSpace.objects.get(lor_number="045011")  # Volkspark Wilmersdorf
    MeasureFactory(title="Spielgruppe", summary="", lead=jugendamt, target_groups=[group])
    MeasureFactory(title="Lesepaten", summary="", lead=jugendamt, social_spaces=[space])
    MeasureFactory(title="Elterncafé", summary="", lead=jugendamt)
    assert titles(member, "Kitaplatz") == ["Spielgruppe"]
    assert titles(member, "Volkspark") == ["Lesepaten"]
    assert titles(member, "Volksprak") == ["Lesepaten"]  # a small typo
