"""What the form accepts, the import reads back (issue #12, fault 11): length limits,
four-digit plausible years, titles normalised and unique whatever the letter case."""

import unicodedata

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from praevention.measures.models import Measure
from tests.factories import MeasureFactory
from tests.measures.forms_data import measure_post_data
from tests.measures.test_admin import ADD_URL, change_url, existing_rows, measure_data

pytestmark = pytest.mark.django_db

TAKEN = "Eine Maßnahme mit diesem Titel gibt es schon"


def create(client, department, **fields):
    data = measure_post_data(participations=[(department, "lead", None)], **fields)
    return client.post(reverse("measures:create"), data)


def field_errors(response, name):
    return " ".join(response.context["form"].errors.get(name, []))


def test_a_description_longer_than_the_import_reads_is_refused(client, kernteam_jug, jugendamt):
    client.force_login(kernteam_jug)
    response = create(client, jugendamt, title="Lang", description="a" * 10_001)
    assert response.status_code == 400
    assert "höchstens 10000 Zeichen" in field_errors(response, "description").replace(".", "")
    assert not Measure.objects.exists()


def test_two_million_characters_are_refused_not_saved(client, kernteam_jug, jugendamt):
    client.force_login(kernteam_jug)
    response = create(client, jugendamt, title="Riesig", evaluation_notes="x" * 2_000_000)
    assert response.status_code == 400
    assert not Measure.objects.exists()


@pytest.mark.parametrize("field", ["start_date", "end_date", "funding_ends_on"])
@pytest.mark.parametrize("value", ["0001-01-01", "1989-12-31", "2101-01-01"])
def test_implausible_years_are_refused_in_the_form(client, kernteam_jug, jugendamt, field, value):
    client.force_login(kernteam_jug)
    response = create(client, jugendamt, title="Jahr", **{field: value})
    assert response.status_code == 400
    assert "ist nicht plausibel" in field_errors(response, field)
    assert not Measure.objects.exists()


def test_plausible_years_are_kept(client, kernteam_jug, jugendamt):
    client.force_login(kernteam_jug)
    response = create(
        client, jugendamt, title="Jahr", start_date="1990-01-01", end_date="2100-12-31"
    )
    assert response.status_code == 302
    assert Measure.objects.get().start_date.year == 1990


def test_the_date_inputs_offer_only_plausible_years(client, kernteam_jug):
    client.force_login(kernteam_jug)
    html = client.get(reverse("measures:create")).content.decode()
    assert html.count('min="1990-01-01"') == 3
    assert html.count('max="2100-12-31"') == 3


@pytest.mark.parametrize("field", ["start_date", "end_date", "funding_ends_on"])
def test_implausible_years_are_refused_in_the_admin(client, admin_user, jugendamt, field):
    measure = MeasureFactory(title="Verwaltet", lead=jugendamt)
    client.force_login(admin_user)
    data = measure_data(existing_rows(measure), measure, **{field: "01.01.0001"})
    response = client.post(change_url(measure), data)
    assert response.status_code == 200
    assert "ist nicht plausibel" in response.text
    measure.refresh_from_db()
    assert getattr(measure, field) is None


def test_a_title_of_invisible_characters_is_empty(client, kernteam_jug, jugendamt):
    client.force_login(kernteam_jug)
    response = create(client, jugendamt, title="\u200b\u00ad\ufeff \u2060")
    assert response.status_code == 400
    assert field_errors(response, "title")
    assert not Measure.objects.exists()


def test_titles_are_stored_normalised(client, kernteam_jug, jugendamt):
    client.force_login(kernteam_jug)
    nfd = unicodedata.normalize("NFD", "  Café   für\u200b Familien ")
    assert create(client, jugendamt, title=nfd).status_code == 302
    assert Measure.objects.get().title == "Café für Familien"


@pytest.mark.parametrize(
    "look_alike",
    [
        "familienzentrum am park",
        "FAMILIENZENTRUM AM PARK",
        "Familienzentrum am Park\u200b",
        " Familienzentrum  am Park",
    ],
)
def test_look_alike_titles_are_refused_in_the_form(client, kernteam_jug, jugendamt, look_alike):
    MeasureFactory(title="Familienzentrum am Park", lead=jugendamt)
    client.force_login(kernteam_jug)
    response = create(client, jugendamt, title=look_alike)
    assert response.status_code == 400
    assert TAKEN in field_errors(response, "title")
    assert Measure.objects.count() == 1


def test_nfd_look_alike_title_is_refused(client, kernteam_jug, jugendamt):
    MeasureFactory(title="Sprachcafé Nord", lead=jugendamt)
    client.force_login(kernteam_jug)
    response = create(client, jugendamt, title=unicodedata.normalize("NFD", "Sprachcafé Nord"))
    assert response.status_code == 400
    assert TAKEN in field_errors(response, "title")


def test_look_alike_title_is_refused_in_the_admin(client, admin_user, jugendamt):
    MeasureFactory(title="Familienzentrum am Park", lead=jugendamt)
    client.force_login(admin_user)
    data = measure_data([(None, jugendamt, "lead")], title="FAMILIENZENTRUM AM PARK")
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    assert TAKEN in response.text
    assert Measure.objects.count() == 1


def test_a_measure_keeps_its_own_title_in_another_case(client, kernteam_jug, jugendamt):
    measure = MeasureFactory(title="Familienzentrum am Park", lead=jugendamt)
    client.force_login(kernteam_jug)
    from tests.measures.forms_data import existing_participations

    data = measure_post_data(
        measure, existing_participations(measure), title="Familienzentrum Am Park"
    )
    assert client.post(reverse("measures:edit", args=[measure.pk]), data).status_code == 302


def test_the_database_refuses_titles_equal_but_for_case(jugendamt):
    MeasureFactory(title="Lernpaten", lead=jugendamt)
    with pytest.raises(IntegrityError), transaction.atomic():
        MeasureFactory(title="LERNPATEN", lead=jugendamt)
