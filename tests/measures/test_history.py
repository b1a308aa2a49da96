"""A measure's history names every changed field, in the form's order, with readable values."""

import datetime

import pytest
from django.utils import translation

from praevention.catalog.models import EvidenceLevel, TargetGroup
from praevention.measures.history import measure_history
from praevention.measures.services import measure_update
from tests.factories import MeasureFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_an_edit_lists_own_fields_and_links_in_the_forms_order(jugendamt, kernteam_jug):
    contact = PersonFactory(department=jugendamt, user__first_name="Ada", user__last_name="Berg")
    group = TargetGroup.objects.order_by("position").first()
    evidence = EvidenceLevel.objects.order_by("pk").first()
    measure = MeasureFactory(lead=jugendamt, title="Lesepaten", status="planned")

    measure.title = "Lesepaten Nord"
    measure.status = "running"
    measure.start_date = datetime.date(2026, 9, 1)
    measure.contact_person = contact
    measure.evidence_level = evidence
    measure_update(
        measure=measure,
        m2m={"target_groups": [group]},
        participations=[(jugendamt, "lead")],
        expected_version=1,
        by=kernteam_jug,
    )

    with translation.override("de"):
        edit = measure_history(measure)[-1]
    assert edit.version == 2 and edit.user == kernteam_jug
    assert [(c.label, c.old, c.new) for c in edit.changes] == [
        ("Titel", "Lesepaten", "Lesepaten Nord"),
        ("Status", "geplant", "laufend"),
        ("Beginn", "—", "1. September 2026"),
        ("Ansprechperson", "—", str(contact)),
        ("Evidenzstufe", "—", str(evidence)),
        ("Zielgruppen", "—", group.name),
    ]
