"""Search as people type: synonyms and abbreviations the coordinators keep, compounds written
together or apart, gender forms, in titles, summaries and descriptions (PostgreSQL)."""

import pytest
from django.db import connection
from django.urls import reverse

from praevention.measures import search
from praevention.measures.models import SearchSynonym
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db

URL = reverse("measures:list")
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the search's indexes are PostgreSQL's"
)


def titles(client, query):
    response = client.get(URL, {"q": query})
    assert response.status_code == 200, response.content.decode()[:500]
    return {measure.title for measure in response.context["measures"]}


@pytest.fixture
def measures(jugendamt, gesundheitsamt):
    """Each word only in the description, where the list's text search reached it least."""
    made = {}
    for key, title, description in [
        ("kita", "Sprachspiele am Vormittag", "Angebot in der Kindertagesstätte am Lietzensee."),
        ("kjgd", "Sprechstunde Zahngesundheit", "Mit dem Kinder- und Jugendgesundheitsdienst."),
        ("esu", "Förderung vor der Schule", "Nach der Einschulungsuntersuchung vermittelt."),
        ("hze", "Familienhilfe ambulant", "Eine der Hilfen zur Erziehung nach SGB VIII."),
        ("compound", "Treffpunkt Mierendorff", "Die Eltern-Kind-Gruppe trifft sich montags."),
        ("together", "Treffpunkt Klausener", "Unsere Elternkindgruppe trifft sich dienstags."),
        ("colon", "Lernhilfe Nord", "Für Schüler:innen der Klassen 5 bis 7."),
        ("star", "Lernhilfe Süd", "Für Schüler*innen der Klassen 8 bis 10."),
        ("capital", "Lernhilfe West", "Für SchülerInnen mit Förderbedarf."),
        ("both", "Lernhilfe Ost", "Für Schülerinnen und Schüler am Nachmittag."),
        ("other", "Seniorencafé", "Kaffee und Kuchen für Ältere."),
    ]:
        made[key] = MeasureFactory(title=title, description=description, lead=jugendamt).title
    return made


@pytest.fixture
def member(client, kernteam_jug):
    client.force_login(kernteam_jug)
    return client


@on_postgresql
@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("Kita", "kita"),
        ("Kindertageseinrichtung", "kita"),
        ("KJGD", "kjgd"),
        ("ESU", "esu"),
        ("HzE", "hze"),
    ],
)
def test_synonyms_and_abbreviations_find_the_other_spelling(member, measures, query, key):
    found = titles(member, query)
    assert measures[key] in found
    assert measures["other"] not in found


@on_postgresql
def test_a_synonym_of_several_words_finds_the_abbreviation(member, jugendamt, measures):
    MeasureFactory(title="KJGD-Beratung im Rathaus", lead=jugendamt)
    found = titles(member, "Kinder- und Jugendgesundheitsdienst")
    assert {"KJGD-Beratung im Rathaus", measures["kjgd"]} <= found


@on_postgresql
@pytest.mark.parametrize("query", ["Elternkindgruppe", "Eltern-Kind-Gruppe", "eltern kind gruppe"])
def test_compounds_written_together_or_apart_find_each_other(member, measures, query):
    found = titles(member, query)
    assert {measures["compound"], measures["together"]} <= found
    assert measures["other"] not in found


@on_postgresql
@pytest.mark.parametrize(
    "query",
    ["Schüler:innen", "Schüler*innen", "SchülerInnen", "Schülerinnen", "Schülerinnen und Schüler"],
)
def test_every_gender_form_finds_every_other(member, measures, query):
    found = titles(member, query)
    expected = {measures[key] for key in ("colon", "star", "capital", "both")}
    assert expected <= found, expected - found
    assert measures["other"] not in found


@on_postgresql
def test_a_synonym_a_coordinator_adds_in_the_admin_is_used_at_once(client, koordination, jugendamt):
    MeasureFactory(title="Beratung", description="Beim Jugendberufsagentur-Team.", lead=jugendamt)
    client.force_login(koordination)
    assert titles(client, "JBA") == set()
    response = client.post(
        reverse("admin:measures_searchsynonym_add"), {"terms": "JBA\nJugendberufsagentur"}
    )
    assert response.status_code == 302
    assert titles(client, "JBA") == {"Beratung"}


def test_a_synonym_needs_two_terms(client, koordination):
    client.force_login(koordination)
    response = client.post(reverse("admin:measures_searchsynonym_add"), {"terms": " Kita \n"})
    assert response.status_code == 200
    assert "Bitte mindestens zwei Begriffe nennen" in response.content.decode()
    assert (
        not SearchSynonym.objects.filter(terms__startswith="Kita\n")
        .exclude(terms__contains="Kindertagesstätte")
        .exists()
    )


def test_the_core_team_sees_the_synonyms_but_cannot_change_them(client, kernteam_jug):
    client.force_login(kernteam_jug)
    # Kernteam accounts are not staff: the admin is closed to them.
    response = client.get(reverse("admin:measures_searchsynonym_changelist"))
    assert response.status_code == 302
    response = client.post(reverse("admin:measures_searchsynonym_add"), {"terms": "A\nB"})
    assert response.status_code == 302
    assert not SearchSynonym.objects.filter(terms="A\nB").exists()


def test_the_seeded_list_holds_the_common_abbreviations():
    groups = [synonym.term_list() for synonym in SearchSynonym.objects.all()]
    for group in (
        ["Kita", "Kindertagesstätte", "Kindertageseinrichtung"],
        ["KJGD", "Kinder- und Jugendgesundheitsdienst"],
        ["ESU", "Einschulungsuntersuchung"],
        ["HzE", "Hilfen zur Erziehung"],
    ):
        assert any(set(group) <= set(terms) for terms in groups), group


def test_squash_joins_what_splits_compounds_and_gender_forms():
    assert search.squash("Eltern-Kind-Gruppe") == search.squash("Elternkindgruppe")
    forms = {"Schüler:innen", "Schüler*innen", "SchülerInnen", "Schülerinnen", "Schüler_innen"}
    assert {search.squash(form) for form in forms} == {"schuelerinnen"}


def test_the_demo_on_sqlite_tolerates_a_typo_as_postgresql_does():
    """SQLite's stand-in for pg_trgm (registered in MeasuresConfig.ready)."""
    text = search.fold("Familienhebammen und Familien-Kinderkrankenpflege")
    assert search.word_similar_sql(text, search.fold("Familienhebamen")) == 1
    assert search.word_similar_sql(text, search.fold("Sprachförderung")) == 0
