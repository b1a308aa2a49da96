"""The HSDS JSON export against the official HSDS 3.0 service schema (tests/exchange/hsds/,
CC BY-SA 4.0, see its NOTICE.md), validated with `jsonschema` including formats (uuid, uri,
date-time, email)."""

import functools
import json
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings

from praevention.accounts.models import User
from praevention.catalog.models import LifePhase, SocialSpace, TargetGroup
from praevention.demo.management.commands.seed_demo import DEMO_KOORDINATION_EMAIL
from praevention.measures.models import Measure, Participation
from tests.exchange.helpers import export_url
from tests.factories import DepartmentFactory, MeasureFactory, PersonFactory

pytestmark = pytest.mark.django_db

SCHEMA = Path(__file__).parent / "hsds" / "hsds-3.0-service.schema.json"


@functools.cache
def validator():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def errors(service):
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator().iter_errors(service)
    ]


def nulls(value, path=""):
    """Every place in a JSON value that holds null."""
    if value is None:
        return [path]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in nulls(item, f"{path}/{key}")]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in nulls(item, f"{path}/{index}")]
    return []


def export(client, **params):
    response = client.get(export_url("json"), params)
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class DemoExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", stdout=None)

    def setUp(self):
        self.client.force_login(User.objects.get(email=DEMO_KOORDINATION_EMAIL))

    def test_every_demo_service_validates_against_the_hsds_schema(self):
        document = export(self.client, archived="all")
        services = document["services"]
        assert len(services) == Measure.objects.count() > 10
        for service in services:
            assert errors(service) == [], service["name"]
        assert nulls(document) == []

    def test_the_demo_export_maps_what_hsds_has_a_place_for(self):
        services = {s["name"]: s for s in export(self.client)["services"]}
        service = services["Sprachförderung für Kinder ohne Kitaplatz"]
        assert service["status"] == "active"
        assert service["organization"]["alternate_name"] == "Jug"
        assert service["organization_id"] == service["organization"]["id"]
        assert [a["name"] for a in service["service_areas"]][0].startswith("04")
        assert service["funding"][0]["source"].startswith("Landesprogramm")
        assert service["minimum_age"] == 3 and service["maximum_age"] == 6
        assert "ohne Kitaplatz" in service["eligibility_description"]
        (contact,) = service["contacts"]
        # No person's address; the lead department's public function address only.
        assert "email" not in contact
        assert service["email"] == "familienfoerderung@demo.praeventionsnetz.de"
        terms = {a["link_type"]: a["taxonomy_term"]["name"] for a in service["attributes"]}
        assert terms["praeventionsnetz-handlungsfelder"] in {"Bildung", "Teilhabe"}
        assert service["x_praeventionsnetz"]["budget_eur"] == "85000.00"


def test_a_measure_with_only_the_required_fields_validates(client, koordination, jugendamt):
    with transaction.atomic():
        measure = Measure.objects.create(title="Nur ein Titel")
        Participation.objects.create(
            measure=measure, department=jugendamt, role=Participation.Role.LEAD
        )
    client.force_login(koordination)
    document = export(client)
    (service,) = document["services"]
    assert errors(service) == []
    assert nulls(document) == []
    # Nothing known, nothing written: no empty strings, lists or nulls.
    for absent in [
        "description",
        "url",
        "email",
        "eligibility_description",
        "minimum_age",
        "maximum_age",
        "contacts",
        "funding",
        "service_areas",
        "attributes",
    ]:
        assert absent not in service, absent
    assert set(service) == {
        "id",
        "name",
        "status",
        "assured_date",
        "last_modified",
        "organization_id",
        "organization",
        "x_praeventionsnetz",
    }
    extension = service["x_praeventionsnetz"]
    assert "budget_eur" not in extension and "summary" not in extension
    assert extension["is_archived"] is False
    # HSDS requires an organisation's description: its name where it has none.
    assert service["organization"]["description"] == "Jugendamt"


def test_a_full_measure_validates_and_maps_contacts_without_their_email(client, koordination):
    department = DepartmentFactory(name="Gesundheitsamt", short_name="Ges")
    person = PersonFactory(
        department=department,
        function="Koordinatorin für Gesundheitsförderung",
        phone="030 9029-12345",
        user__first_name="Elif",
        user__last_name="Demir",
    )
    MeasureFactory(
        title="Familienhebammen",
        description="Aufsuchende Begleitung",
        lead=department,
        target_groups=TargetGroup.objects.order_by("position")[:2],
        life_phases=LifePhase.objects.all(),
        social_spaces=SocialSpace.objects.filter(lor_number__in=["0410", "041001"]),
        contact_person=person,
        funding_source="Bundesstiftung Frühe Hilfen",
        links="https://example.org/hebammen",
        reach_planned=0,
    )
    client.force_login(koordination)
    (service,) = export(client)["services"]
    assert errors(service) == []
    (contact,) = service["contacts"]
    assert contact["name"] == "Elif Demir"
    assert contact["title"] == "Koordinatorin für Gesundheitsförderung"
    assert contact["department"] == "Gesundheitsamt"
    assert contact["phones"][0]["number"] == "030 9029-12345"
    assert "email" not in contact and "email" not in service
    assert service["url"] == "https://example.org/hebammen"
    # Ages only from the phases with numbers: 0 (crèche) to 27 (training and work).
    assert (service["minimum_age"], service["maximum_age"]) == (0, 27)
    assert {area["name"] for area in service["service_areas"]} == {
        "0410 Charlottenburg Nord",
        "041001 Charlottenburg Nord",
    }
    assert service["x_praeventionsnetz"]["reach_planned"] == 0


def test_the_validator_rejects_nulls_and_bad_identifiers():
    """The check above can fail: the schema with its format checks refuses what the old
    export wrote."""
    assert errors({"id": "1", "name": "x", "status": "active"})  # not a UUID
    assert errors(
        {
            "id": "ac148810-d857-441c-9679-408f346de14b",
            "name": "x",
            "status": "active",
            "url": None,
        }
    )
    assert errors({"id": "ac148810-d857-441c-9679-408f346de14b", "name": "x", "status": "geplant"})
