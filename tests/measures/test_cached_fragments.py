"""The list's table and filters and the detail's body are cached until any write changes them."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from praevention.catalog.models import TargetGroup
from praevention.core.models import DataVersion
from praevention.measures.models import Measure
from tests.factories import MeasureFactory, PersonFactory
from tests.measures.forms_data import existing_participations, measure_post_data

pytestmark = pytest.mark.django_db

LIST = reverse("measures:list")


@pytest.fixture
def measures(jugendamt, gesundheitsamt):
    group = TargetGroup.objects.order_by("position").first()
    return [
        MeasureFactory(
            title=f"Sprachförderung {n}",
            lead=jugendamt,
            partners=[gesundheitsamt],
            target_groups=[group],
        )
        for n in range(3)
    ]


def text(response):
    """The response's text without tags (the search marks what it found)."""
    return re.sub(r"<[^>]+>", "", response.content.decode())


def measure_queries(queries):
    """Statements that read measures or their links (not session, user or data version)."""
    return [q["sql"] for q in queries if "measures_" in q["sql"]]


def test_a_repeated_list_request_reads_no_measure_rows(client, koordination, measures):
    client.force_login(koordination)
    htmx = {"HX-Request": "true"}  # only the results: the full page has a fresh CSRF token
    with CaptureQueriesContext(connection) as first:
        computed = client.get(LIST, {"q": "Sprachförderung"}, headers=htmx)
    with CaptureQueriesContext(connection) as second:
        cached = client.get(LIST, {"q": "Sprachförderung"}, headers=htmx)
    assert computed.content == cached.content
    assert "Sprachförderung 2" in text(cached)
    # Only the page's count remains; the rows, their departments and groups come cached.
    assert len(measure_queries(second)) == 1 < len(measure_queries(first))
    assert len(second) < len(first)


def test_other_filters_or_another_page_are_cached_apart(client, koordination, measures):
    client.force_login(koordination)
    client.get(LIST)
    only_one = text(client.get(LIST, {"q": "Sprachförderung 1"}))
    assert "Sprachförderung 1" in only_one and "Sprachförderung 2" not in only_one
    assert "Seite 1 von" not in client.get(LIST, {"page": "1"}).content.decode()


def test_an_edit_shows_in_list_and_detail_at_once(client, koordination, measures):
    client.force_login(koordination)
    measure = measures[0]
    detail = reverse("measures:detail", args=[measure.pk])
    assert "Sprachförderung 0" in client.get(LIST).content.decode()
    client.get(detail)

    data = measure_post_data(measure, existing_participations(measure), title="Sprachcafé Nord")
    assert client.post(reverse("measures:edit", args=[measure.pk]), data).status_code == 302

    assert "Sprachcafé Nord" in client.get(LIST).content.decode()
    page = client.get(detail).content.decode()
    assert "Sprachcafé Nord" in page and "(Version 2)" in page


def test_a_renamed_contact_person_shows_at_once(client, koordination, jugendamt):
    person = PersonFactory(department=jugendamt, user__first_name="Anna", user__last_name="Alt")
    measure = MeasureFactory(lead=jugendamt, contact_person=person)
    client.force_login(koordination)
    detail = reverse("measures:detail", args=[measure.pk])
    assert "Anna Alt" in client.get(detail).content.decode()
    person.user.last_name = "Neu"
    person.user.save()  # accounts are not watched by the data version
    assert "Anna Neu" in client.get(detail).content.decode()


def test_each_language_gets_its_own_cached_table(client, koordination, measures):
    client.force_login(koordination)
    assert "Maßnahmen gefunden" in client.get(LIST).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "measures found" in client.get(LIST).content.decode()


def test_the_cached_detail_keeps_each_users_own_buttons(
    client, koordination, kernteam_ges, gesundheitsamt, jugendamt
):
    foreign = MeasureFactory(title="Nur Jugendamt", lead=jugendamt)
    detail = reverse("measures:detail", args=[foreign.pk])
    client.force_login(koordination)
    assert "Bearbeiten" in client.get(detail).content.decode()
    client.force_login(kernteam_ges)
    page = client.get(detail).content.decode()
    assert "Nur Jugendamt" in page
    assert "Bearbeiten" not in page


def test_without_a_data_version_nothing_is_cached(client, koordination, measures):
    client.force_login(koordination)
    DataVersion.objects.all().delete()
    client.get(LIST)
    Measure.objects.filter(pk=measures[0].pk).update(title="Ohne Stand geändert")
    DataVersion.objects.all().delete()  # as if no trigger had seen the change
    assert "Ohne Stand geändert" in client.get(LIST).content.decode()
