"""The search field in the header: on every page, with suggestions from two characters on."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import DepartmentFactory, MeasureFactory, UserFactory

pytestmark = pytest.mark.django_db

SUGGEST = reverse("measures:suggest")


@pytest.fixture
def member(client, kernteam_ges):
    client.force_login(kernteam_ges)
    return client


def suggest(client, query):
    response = client.get(SUGGEST, {"q": query}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response


def options(response):
    return re.findall(r'<li role="option"[^>]*>(.*?)</li>', response.content.decode(), re.S)


def test_every_page_has_the_search_field_as_a_combobox(member, jugendamt):
    measure = MeasureFactory(lead=jugendamt)
    for url in [
        reverse("overview:start"),
        reverse("measures:list"),
        reverse("measures:detail", args=[measure.pk]),
        reverse("overview:gaps"),
    ]:
        content = member.get(url).content.decode()
        field = re.search(r'<input type="search" name="q" id="header-search-input"[^>]*>', content)
        assert field, url
        assert 'role="combobox"' in field.group(0)
        assert 'aria-controls="header-search-listbox"' in field.group(0)
        assert 'aria-expanded="false"' in field.group(0)
        assert f'hx-get="{SUGGEST}"' in field.group(0)
        assert '<label class="visually-hidden" for="header-search-input">' in content
        assert 'role="listbox"' in content
        # The form works without JavaScript: it searches the list.
        assert f'role="search" method="get" action="{reverse("measures:list")}"' in content


def test_anonymous_pages_have_no_search_field(client):
    content = client.get(reverse("accounts:login")).content.decode()
    assert "header-search-input" not in content


def test_suggestions_start_at_two_characters(member, jugendamt):
    MeasureFactory(title="Sprachförderung für Kinder ohne Kitaplatz", lead=jugendamt)
    assert options(suggest(member, "s")) == []
    assert options(suggest(member, " ")) == []
    found = options(suggest(member, "sprachf"))
    assert "Sprachförderung für Kinder ohne Kitaplatz" in re.sub(r"<[^>]+>", "", found[0])


def test_a_suggestion_names_its_lead_department_and_marks_the_match(member, jugendamt):
    measure = MeasureFactory(title="Sprachförderung für Kinder ohne Kitaplatz", lead=jugendamt)
    content = suggest(member, "sprachf").content.decode()
    assert "<mark>Sprachf</mark>örderung für Kinder ohne Kitaplatz" in content
    assert "Jugendamt" in content
    assert f'data-href="{measure.get_absolute_url()}"' in content
    assert 'aria-selected="false"' in content
    # The last option searches the whole list.
    assert 'data-href="/massnahmen/?q=sprachf"' in content
    assert "1 Vorschlag" in content


def test_no_match_offers_the_list_search_and_says_so(member, jugendamt):
    MeasureFactory(title="Elterncafé", lead=jugendamt)
    content = suggest(member, "Xylqwzrt").content.decode()
    assert "Keine Vorschläge für „Xylqwzrt“" in content
    assert "0 Vorschläge" in content


def test_archived_measures_are_not_suggested(member, jugendamt):
    MeasureFactory(title="Elterncafé alt", lead=jugendamt, is_archived=True)
    MeasureFactory(title="Elterncafé neu", lead=jugendamt)
    content = suggest(member, "Elterncafé").content.decode()
    assert "Elterncafé neu" in re.sub(r"<[^>]+>", "", content)
    assert "alt" not in re.sub(r"<[^>]+>", "", content).replace("Alle", "")


def test_at_most_eight_suggestions(member, jugendamt):
    for n in range(12):
        MeasureFactory(title=f"Elterncafé {n:02d}", lead=jugendamt)
    assert len(options(suggest(member, "Elterncafé"))) == 8 + 1  # and "all results"


def test_markup_in_titles_and_queries_is_escaped(member, jugendamt):
    MeasureFactory(title="<img src=x onerror=alert(1)> Kurs", lead=jugendamt)
    content = suggest(member, "<img src=x onerror=alert(1)> Kurs").content.decode()
    assert "<img" not in content
    assert "&lt;img" in content


def test_only_network_members_get_suggestions(client):
    assert client.get(SUGGEST, {"q": "Kita"}).status_code == 302
    client.force_login(UserFactory())  # a login without a role
    assert client.get(SUGGEST, {"q": "Kita"}).status_code == 403


def test_suggestions_run_the_same_queries_for_5_and_60_measures(member, jugendamt):
    def count():
        with CaptureQueriesContext(connection) as queries:
            suggest(member, "Elterncafé")
        return len(queries)

    for n in range(5):
        MeasureFactory(title=f"Elterncafé {n}", lead=jugendamt, partners=[DepartmentFactory()])
    few = count()
    for n in range(5, 60):
        MeasureFactory(title=f"Elterncafé {n}", lead=jugendamt, partners=[DepartmentFactory()])
    assert count() == few
