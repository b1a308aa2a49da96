"""One home for "exactly one lead, each department once" (issue #18): every entry point
refuses two leads in the same German words, those of measures/rules.py."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from praevention.exchange import importing
from praevention.exchange.reading import read_table
from praevention.measures import services
from praevention.measures.models import Measure, Participation
from tests.exchange.helpers import csv_bytes, row
from tests.measures.forms_data import measure_post_data
from tests.measures.test_admin import ADD_URL, measure_data

pytestmark = pytest.mark.django_db

LEAD = Participation.Role.LEAD
TWO_LEADS = "Eine Maßnahme braucht genau einen federführenden Fachbereich (eingetragen: 2)."
TWICE = "Der Fachbereich „Jugendamt“ ist mehrfach eingetragen."


def test_form_refuses_two_leads_in_the_rules_words(client, koordination, jugendamt, gesundheitsamt):
    client.force_login(koordination)
    data = measure_post_data(
        participations=[(jugendamt, LEAD, None), (gesundheitsamt, LEAD, None)], title="Zwei"
    )
    response = client.post(reverse("measures:create"), data)
    assert response.status_code == 400
    assert TWO_LEADS in response.content.decode()
    assert not Measure.objects.exists()


def test_admin_refuses_two_leads_in_the_rules_words(client, admin_user, jugendamt, gesundheitsamt):
    client.force_login(admin_user)
    response = client.post(
        ADD_URL, measure_data([(None, jugendamt, LEAD), (None, gesundheitsamt, LEAD)])
    )
    assert response.status_code == 200
    assert TWO_LEADS in response.text
    assert not Measure.objects.exists()


def test_import_refuses_two_leads_in_the_rules_words(jugendamt, gesundheitsamt):
    table = read_table("zwei.csv", csv_bytes([row(1, lead="Jug", Beteiligte="Ges (Federführung)")]))
    plan = importing.plan_import(table)
    assert [(e.row, e.column, e.message) for e in plan.errors] == [(2, "Beteiligte", TWO_LEADS)]


def test_service_refuses_two_leads_in_the_rules_words(koordination, jugendamt, gesundheitsamt):
    with pytest.raises(ValidationError) as refused:
        services.measure_create(
            measure=Measure(title="Zwei"),
            m2m={},
            participations=[(jugendamt, LEAD), (gesundheitsamt, LEAD)],
            by=koordination,
        )
    assert refused.value.messages == [TWO_LEADS]
    assert not Measure.objects.exists()


def test_every_entry_point_names_a_department_entered_twice(client, koordination, jugendamt):
    client.force_login(koordination)
    data = measure_post_data(
        participations=[(jugendamt, LEAD, None), (jugendamt, "partner", None)], title="Doppelt"
    )
    assert TWICE in client.post(reverse("measures:create"), data).content.decode()
    table = read_table("d.csv", csv_bytes([row(1, lead="Jug", Beteiligte="Jug (Partner)")]))
    assert TWICE in importing.plan_import(table).errors[0].message
    with pytest.raises(ValidationError) as refused:
        services.measure_create(
            measure=Measure(title="Doppelt"),
            m2m={},
            participations=[(jugendamt, LEAD), (jugendamt, "partner")],
            by=koordination,
        )
    assert TWICE in refused.value.messages[0]
