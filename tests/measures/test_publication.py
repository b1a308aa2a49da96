"""The "öffentlich" mark for the HSDS API: set by coordinators, in bulk from the list or on a
measure's page; it raises no version, so it never collides with an open edit (issue #25)."""

import pytest
from django.urls import reverse

from praevention.measures.models import Measure, PublicationChange
from praevention.measures.services import measures_set_public
from tests.factories import MeasureFactory
from tests.measures.forms_data import existing_participations, measure_post_data

pytestmark = pytest.mark.django_db

PUBLISH = reverse("measures:publish")


@pytest.fixture
def measures(jugendamt):
    return [MeasureFactory(title=f"Maßnahme {n}", lead=jugendamt) for n in range(3)]


def test_a_coordinator_publishes_measures_from_the_list_in_bulk(client, koordination, measures):
    client.force_login(koordination)
    listing = client.get(reverse("measures:list"))
    assert b'id="publish-form"' in listing.content
    assert f'value="{measures[0].pk}" form="publish-form"'.encode() in listing.content
    versions = {m.pk: m.version for m in measures}
    response = client.post(
        PUBLISH,
        {"measure": [measures[0].pk, measures[1].pk], "public": "1", "next": "/massnahmen/?q=x"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/massnahmen/?q=x"
    assert "2 Maßnahmen sind jetzt öffentlich." in response.content.decode()
    public = set(Measure.objects.filter(is_public=True).values_list("pk", flat=True))
    assert public == {measures[0].pk, measures[1].pk}
    for measure in Measure.objects.all():
        assert measure.version == versions[measure.pk]
    change = PublicationChange.objects.get(measure=measures[0])
    assert (change.is_public, change.changed_by) == (True, koordination)
    assert "öffentlich" in client.get(reverse("measures:list")).content.decode()


def test_the_measure_page_and_history_say_who_published_when(client, koordination, measures):
    measure = measures[0]
    client.force_login(koordination)
    client.post(PUBLISH, {"measure": measure.pk, "public": "1"})
    page = client.get(measure.get_absolute_url()).content.decode()
    assert "Erscheint in der offenen HSDS-Schnittstelle" in page
    assert str(koordination) in page
    assert "Nicht mehr öffentlich" in page
    history = client.get(reverse("measures:history", args=[measure.pk])).content.decode()
    assert "öffentlich" in history and str(koordination) in history
    client.post(PUBLISH, {"measure": measure.pk, "public": "0"})
    measure.refresh_from_db()
    assert not measure.is_public
    assert PublicationChange.objects.filter(measure=measure).count() == 2


def test_an_edit_opened_before_publishing_saves_without_conflict_and_keeps_the_mark(
    client, koordination, measures
):
    measure = measures[0]
    # The editor opens the form (version 1), then a coordinator publishes the measure.
    data = measure_post_data(measure, existing_participations(measure), title="Neuer Titel")
    measures_set_public(measure_ids=[measure.pk], public=True, by=koordination)
    client.force_login(koordination)
    response = client.post(reverse("measures:edit", args=[measure.pk]), data)
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.title, measure.version, measure.is_public) == ("Neuer Titel", 2, True)


def test_a_save_never_writes_the_mark(koordination, measures):
    stale = Measure.objects.get(pk=measures[0].pk)
    measures_set_public(measure_ids=[stale.pk], public=True, by=koordination)
    stale.summary = "geändert"
    stale.save()
    assert Measure.objects.get(pk=stale.pk).is_public


def test_core_team_members_cannot_publish(client, kernteam_jug, measures):
    client.force_login(kernteam_jug)
    assert b"publish-form" not in client.get(reverse("measures:list")).content
    response = client.post(PUBLISH, {"measure": measures[0].pk, "public": "1"})
    assert response.status_code == 403
    assert not Measure.objects.filter(is_public=True).exists()


def test_anonymous_users_are_sent_to_the_login(client, measures):
    response = client.post(PUBLISH, {"measure": measures[0].pk, "public": "1"})
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/anmelden/")
    assert not Measure.objects.filter(is_public=True).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"public": "1"},
        {"measure": "abc", "public": "1"},
        {"measure": "1", "public": "vielleicht"},
    ],
)
def test_a_bad_selection_changes_nothing_and_says_so(client, koordination, measures, data):
    client.force_login(koordination)
    response = client.post(PUBLISH, data, follow=True)
    assert response.status_code == 200
    assert "alert" in response.content.decode()
    assert not Measure.objects.filter(is_public=True).exists()


def test_a_foreign_next_address_is_not_followed(client, koordination, measures):
    client.force_login(koordination)
    response = client.post(
        PUBLISH, {"measure": measures[0].pk, "public": "1", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("measures:list")
