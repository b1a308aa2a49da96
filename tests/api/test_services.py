"""Which measures and which of their fields the public HSDS API shows (issue #25)."""

import datetime

import pytest
from django.utils import timezone

from praevention.catalog.models import LifePhase, SocialSpace, TargetGroup
from praevention.exchange.exporting import hsds_uuid
from praevention.measures.models import Measure, Participation
from praevention.measures.services import measures_set_public
from tests.api.conftest import all_services, get_json, publish
from tests.factories import DepartmentFactory, MeasureFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret(jugendamt):
    """A measure nobody marked public, with everything a filter could find it by."""
    return MeasureFactory(
        title="Geheime Sprachförderung",
        lead=jugendamt,
        target_groups=TargetGroup.objects.order_by("position")[:1],
        life_phases=LifePhase.objects.order_by("position")[:1],
    )


@pytest.fixture
def shown(gesundheitsamt):
    measure = MeasureFactory(
        title="Offene Sprachförderung",
        lead=gesundheitsamt,
        target_groups=TargetGroup.objects.order_by("position")[:1],
        life_phases=LifePhase.objects.order_by("position")[:1],
    )
    publish(measure)
    return measure


def test_a_measure_not_marked_public_never_appears(client, secret, shown, jugendamt):
    assert [s["name"] for s in all_services(client)] == ["Offene Sprachförderung"]
    get_json(client, f"/services/{hsds_uuid('measure', secret.pk)}", status=404)
    term = TargetGroup.objects.order_by("position").first()
    phase_term = LifePhase.objects.order_by("position").first()
    for params in [
        {"search": "Sprachförderung"},
        {"search": "Geheime"},
        {"taxonomy_term_id": hsds_uuid("praeventionsnetz-zielgruppen", term.pk)},
        {"taxonomy_term_id": hsds_uuid("praeventionsnetz-lebensphasen", phase_term.pk)},
        {"organization_id": hsds_uuid("department", jugendamt.pk)},
        {"modified_after": "2000-01-01T00:00:00Z"},
        {"full": "true"},
        {"minimal": "true"},
    ]:
        names = [s["name"] for s in all_services(client, **params)]
        assert "Geheime Sprachförderung" not in names, params
    # Its department leads nothing public: no organization either.
    organizations = get_json(client, "/organizations", full="true", full_service="true")
    assert [o["name"] for o in organizations["contents"]] == ["Gesundheitsamt"]
    get_json(client, f"/organizations/{hsds_uuid('department', jugendamt.pk)}", status=404)
    assert "Geheime" not in client.get("/api/hsds/organizations?full=true").content.decode()


def test_a_public_measure_is_found_by_id_and_every_filter(client, shown, gesundheitsamt):
    service_id = hsds_uuid("measure", shown.pk)
    assert get_json(client, f"/services/{service_id}")["name"] == "Offene Sprachförderung"
    term = TargetGroup.objects.order_by("position").first()
    for params in [
        {"search": "Sprachförderung"},
        {"taxonomy_term_id": hsds_uuid("praeventionsnetz-zielgruppen", term.pk)},
        {"organization_id": hsds_uuid("department", gesundheitsamt.pk)},
    ]:
        assert [s["id"] for s in all_services(client, **params)] == [service_id], params
    other = TargetGroup.objects.order_by("position")[1]
    assert (
        all_services(client, taxonomy_term_id=hsds_uuid("praeventionsnetz-zielgruppen", other.pk))
        == []
    )


def test_taking_the_mark_back_or_archiving_removes_it(client, shown, koordination):
    service_id = hsds_uuid("measure", shown.pk)
    measures_set_public(measure_ids=[shown.pk], public=False, by=koordination)
    get_json(client, f"/services/{service_id}", status=404)
    publish(shown)
    Measure.objects.filter(pk=shown.pk).update(is_archived=True)
    get_json(client, f"/services/{service_id}", status=404)
    assert all_services(client) == []


def test_the_public_json_of_the_demo_names_no_staff(client, django_user_model):
    """Over the demo network: no staff name, phone number or personal address in anything
    the API answers, although the demo's measures have contact persons with all three."""
    from django.core.management import call_command

    from praevention.network.models import Person

    call_command("seed_demo", stdout=None)
    public = Measure.objects.public()
    assert public.count() >= 10
    assert public.filter(contact_person__isnull=False).exists()
    texts = []
    services = all_services(client, full="true")
    assert len(services) == public.count()
    for service in services:
        texts.append(client.get(f"/api/hsds/services/{service['id']}").content.decode())
    texts.append(client.get("/api/hsds/services?per_page=100").content.decode())
    texts.append(client.get("/api/hsds/organizations?full=true&full_service=true").content.decode())
    for organization in get_json(client, "/organizations")["contents"]:
        texts.append(client.get(f"/api/hsds/organizations/{organization['id']}").content.decode())
    everything = "\n".join(texts)
    persons = Person.objects.select_related("user")
    assert persons.count() > 5
    for person in persons:
        for secret in (person.user.last_name, person.user.email, person.phone):
            if secret:
                assert secret not in everything, secret
    for user in django_user_model.objects.all():
        assert user.email not in everything
    assert '"budget_eur"' not in everything
    assert '"contacts"' not in everything
    # A department's function address is the only e-mail that may appear.
    assert "familienfoerderung@demo.praeventionsnetz.de" in everything


def test_the_budget_leaves_only_when_the_network_opts_in(client, shown, settings):
    Measure.objects.filter(pk=shown.pk).update(budget_eur=12500)
    service_id = hsds_uuid("measure", shown.pk)
    assert "budget_eur" not in get_json(client, f"/services/{service_id}")["x_praeventionsnetz"]
    settings.HSDS_PUBLISH_BUDGET = True
    extension = get_json(client, f"/services/{service_id}")["x_praeventionsnetz"]
    assert extension["budget_eur"] == "12500.00"


def test_a_service_carries_what_the_standard_offers(client, jugendamt):
    jugendamt.public_email = "fruehe-hilfen@ba-cw.example"
    jugendamt.save()
    person = PersonFactory(department=jugendamt, phone="030 1234-567")
    measure = MeasureFactory(
        title="Familienhebammen",
        lead=jugendamt,
        life_phases=LifePhase.objects.filter(age_from__isnull=False),
        social_spaces=SocialSpace.objects.filter(lor_number__in=["04100102", "041001"]),
        contact_person=person,
        funding_source="Bundesstiftung Frühe Hilfen",
    )
    publish(measure)
    Measure.objects.filter(pk=measure.pk).update(
        confirmed_at=datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    )
    service = get_json(client, f"/services/{hsds_uuid('measure', measure.pk)}")
    assert service["assured_date"] == "2026-03-02"
    assert service["funding"][0]["source"] == "Bundesstiftung Frühe Hilfen"
    ages = LifePhase.objects.filter(age_from__isnull=False)
    assert service["minimum_age"] == min(p.age_from for p in ages)
    assert service["maximum_age"] == max(p.age_to for p in ages if p.age_to is not None)
    areas = {area["uri"]: area["description"] for area in service["service_areas"]}
    assert areas == {
        "https://berlinonline.github.io/lod-berlin-lor/plr_04100102": "Planungsraum (LOR 04100102)",
        "https://berlinonline.github.io/lod-berlin-lor/bzr_041001": "Bezirksregion (LOR 041001)",
    }
    assert service["email"] == "fruehe-hilfen@ba-cw.example"
    assert service["organization"]["email"] == "fruehe-hilfen@ba-cw.example"
    assert "contacts" not in service
    assert "030 1234-567" not in str(service)
    taxonomies = {a["link_type"] for a in service["attributes"]}
    assert "praeventionsnetz-lebensphasen" in taxonomies


def _at(measure, moment):
    """Pretend every trace of `measure` was written at `moment`."""
    Measure.objects.filter(pk=measure.pk).update(updated_at=moment, public_changed_at=moment)
    Measure.history.filter(id=measure.pk).update(history_date=moment)
    Participation.history.filter(measure_id=measure.pk).update(history_date=moment)


def test_modified_after_returns_exactly_the_measures_changed_at_or_after_it(
    client, jugendamt, gesundheitsamt
):
    cut = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=1)
    before = cut - datetime.timedelta(days=2)
    untouched, edited, partner_added, link_changed, exactly = (
        MeasureFactory(title=title, lead=jugendamt)
        for title in ("Unverändert", "Bearbeitet", "Neuer Partner", "Neuer Link", "Genau dann")
    )
    publish(untouched, edited, partner_added, link_changed, exactly)
    for measure in (untouched, edited, partner_added, link_changed, exactly):
        _at(measure, before)
    # Changed after the cut: a field (a save), a participation, a catalogue link.
    edited.refresh_from_db()
    edited.summary = "Neu"
    edited.save()
    Participation.objects.create(
        measure=partner_added, department=gesundheitsamt, role=Participation.Role.PARTNER
    )
    link_changed.target_groups.add(TargetGroup.objects.first())
    Measure.history.filter(id=exactly.pk).update(history_date=cut)  # at the cut itself

    found = {s["name"] for s in all_services(client, modified_after=cut.isoformat())}
    assert found == {"Bearbeitet", "Neuer Partner", "Neuer Link", "Genau dann"}
    later = cut + datetime.timedelta(microseconds=1)
    found_later = {s["name"] for s in all_services(client, modified_after=later.isoformat())}
    assert found_later == {"Bearbeitet", "Neuer Partner", "Neuer Link"}
    # last_modified says the same: the latest of those changes.
    by_name = {s["name"]: s for s in all_services(client)}
    assert datetime.datetime.fromisoformat(by_name["Unverändert"]["last_modified"]) == before
    assert datetime.datetime.fromisoformat(by_name["Genau dann"]["last_modified"]) == cut
    assert datetime.datetime.fromisoformat(by_name["Neuer Partner"]["last_modified"]) > cut


def test_publishing_counts_as_a_change_for_modified_after(client, jugendamt):
    measure = MeasureFactory(title="Spät veröffentlicht", lead=jugendamt)
    long_ago = timezone.now() - datetime.timedelta(days=30)
    _at(measure, long_ago)
    cut = timezone.now()
    publish(measure)
    assert [s["name"] for s in all_services(client, modified_after=cut.isoformat())] == [
        "Spät veröffentlicht"
    ]


def test_paging_returns_every_public_measure_exactly_once(client):
    department = DepartmentFactory()
    measures = [MeasureFactory(lead=department) for _ in range(330)]
    publish(*measures[:300])
    for per_page in (100, 7):
        ids = [s["id"] for s in all_services(client, per_page=per_page)]
        assert len(ids) == 300 == len(set(ids))
        assert set(ids) == {hsds_uuid("measure", m.pk) for m in measures[:300]}
    last = get_json(client, "/services", page=43, per_page=7)
    assert (last["page_number"], last["total_pages"], last["size"], last["last_page"]) == (
        43,
        43,
        6,
        True,
    )
    beyond = get_json(client, "/services", page=44, per_page=7)
    assert beyond["contents"] == [] and beyond["total_items"] == 300


def test_a_page_of_services_costs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, jugendamt, gesundheitsamt
):
    def fill(count):
        for _ in range(count):
            publish(
                MeasureFactory(
                    lead=jugendamt,
                    partners=[gesundheitsamt],
                    target_groups=TargetGroup.objects.all()[:2],
                    life_phases=LifePhase.objects.all()[:2],
                    social_spaces=SocialSpace.objects.all()[:2],
                )
            )

    fill(3)
    with django_assert_max_num_queries(14):
        client.get("/api/hsds/services?full=true&per_page=100")
    fill(50)
    with django_assert_max_num_queries(14):
        client.get("/api/hsds/services?full=true&per_page=100")
    with django_assert_max_num_queries(14):
        client.get("/api/hsds/organizations?full=true&full_service=true")


def test_taxonomies_are_the_networks_catalogues(client):
    names = {t["name"] for t in get_json(client, "/taxonomies")["contents"]}
    assert names == {
        "Präventionsnetz: Zielgruppen",
        "Präventionsnetz: Lebensphasen",
        "Präventionsnetz: Handlungsfelder",
        "Präventionsnetz: Strategische Ziele",
    }
    phases = next(
        t for t in get_json(client, "/taxonomies")["contents"] if "Lebensphasen" in t["name"]
    )
    terms = get_json(client, "/taxonomy_terms", taxonomy_id=phases["id"], per_page=100)
    assert {t["name"] for t in terms["contents"]} == set(
        LifePhase.objects.values_list("name", flat=True)
    )
    one = terms["contents"][0]
    assert get_json(client, f"/taxonomy_terms/{one['id']}") == one
    assert get_json(client, f"/taxonomies/{phases['id']}") == phases


def test_hsds_ids_are_the_uuid5_of_the_row():
    """The fast computation gives exactly what uuid.uuid5 gives (ids must never change)."""
    import uuid

    from praevention.exchange.exporting import _NAMESPACE

    for kind, pk in [("measure", 1), ("department", 12345), ("praeventionsnetz-zielgruppen", 7)]:
        assert hsds_uuid(kind, pk) == str(uuid.uuid5(_NAMESPACE, f"{kind}:{pk}"))
