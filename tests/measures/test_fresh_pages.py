"""The list and the detail show every change at once, in each language, with each user's buttons."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from praevention.catalog.models import TargetGroup
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


def test_other_filters_or_another_page_show_their_own_measures(client, koordination, measures):
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
    person.user.save()
    assert "Anna Neu" in client.get(detail).content.decode()


def test_each_language_gets_its_own_table(client, koordination, measures):
    client.force_login(koordination)
    assert "Maßnahmen gefunden" in client.get(LIST).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "measures found" in client.get(LIST).content.decode()


def test_the_detail_shows_each_user_their_own_buttons(
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
