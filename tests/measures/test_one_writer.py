"""One writer of measures (issue #26, item 6): the form, the admin, the import and the
catalogue merge save the same change as the same version with the same history record."""

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from praevention.measures.history import link_snapshots, measure_history
from praevention.measures.models import Measure, Participation
from tests.exchange.helpers import csv_bytes, import_file
from tests.factories import MeasureFactory, TargetGroupFactory
from tests.measures.forms_data import existing_participations, measure_post_data
from tests.measures.test_admin import existing_rows, measure_data

pytestmark = pytest.mark.django_db

# Stamps that differ between any two saves; everything else in a record must be equal.
STAMPS = {"id", "created_at", "updated_at", "confirmed_at", "confirmed_by", "created_by"}


@pytest.fixture
def scene(jugendamt, gesundheitsamt):
    """A measure with target group "Alleinerziehende"; the change: "Familien" instead."""
    single = TargetGroupFactory(name="Alleinerziehende")
    families = TargetGroupFactory(name="Familien")
    measure = MeasureFactory(
        title="Elterncafé",
        lead=jugendamt,
        partners=[gesundheitsamt],
        target_groups=[single],
        status=Measure.Status.RUNNING,
    )
    measure.refresh_from_db()
    return {"measure": measure, "old": single, "new": families, "base": measure.version}


def written(measure, base):
    """What a save wrote: [(version, type, user, fields, links)] of the measure's records after
    version `base`, and the participations' records since then."""
    before = measure.history.filter(version=base).latest()
    records = list(measure.history.filter(version__gt=base).order_by("history_id"))
    links = link_snapshots([record.history_id for record in records])
    fields = [f.attname for f in Measure._meta.concrete_fields if f.name not in STAMPS]
    participations = Participation.history.filter(
        measure_id=measure.pk, history_date__gt=before.history_date
    )
    return (
        [
            (
                record.version,
                record.history_type,
                record.history_user_id,
                {name: getattr(record, name) for name in fields},
                links[record.history_id],
            )
            for record in records
        ],
        participations.count(),
    )


def expected(scene, user):
    """The one record every entry point writes for the change: version + 1, type "~"."""
    measure = Measure.objects.get(pk=scene["measure"].pk)
    fields = [f.attname for f in Measure._meta.concrete_fields if f.name not in STAMPS]
    values = {name: getattr(scene["measure"], name) for name in fields}
    values["version"] = scene["base"] + 1
    links = {name: frozenset() for name in Measure.M2M_FIELDS}
    links["target_groups"] = frozenset({scene["new"].pk})
    assert measure.version == scene["base"] + 1
    assert set(measure.target_groups.all()) == {scene["new"]}
    return [(scene["base"] + 1, "~", user.pk, values, links)], 0


def test_the_form_writes_one_version_with_one_record(client, koordination, scene):
    measure = scene["measure"]
    client.force_login(koordination)
    data = measure_post_data(
        measure, existing_participations(measure), target_groups=[str(scene["new"].pk)]
    )
    response = client.post(reverse("measures:edit", args=[measure.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert written(measure, scene["base"]) == expected(scene, koordination)


def test_the_admin_writes_the_same_version_and_record(client, admin_user, scene):
    measure = scene["measure"]
    client.force_login(admin_user)
    data = measure_data(existing_rows(measure), measure, target_groups=[str(scene["new"].pk)])
    data["status"] = measure.status
    data["summary"] = measure.summary
    response = client.post(reverse("admin:measures_measure_change", args=[measure.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert written(measure, scene["base"]) == expected(scene, admin_user)


def test_the_import_writes_the_same_version_and_record(client, koordination, scene):
    measure = scene["measure"]
    client.force_login(koordination)
    data = csv_bytes([{"ID": measure.pk, "Zielgruppen": "Familien"}], headers=["ID", "Zielgruppen"])
    import_file(client, "zielgruppen.csv", data)
    assert written(measure, scene["base"]) == expected(scene, koordination)
    record = measure.history.get(version=scene["base"] + 1)
    assert record.history_change_reason == "Import: zielgruppen.csv"


def test_the_catalogue_merge_writes_the_same_version_and_record(client, admin_user, scene):
    measure = scene["measure"]
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:catalog_targetgroup_changelist"),
        {
            "action": "merge",
            helpers.ACTION_CHECKBOX_NAME: [scene["old"].pk, scene["new"].pk],
            "target": scene["new"].pk,
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert written(measure, scene["base"]) == expected(scene, admin_user)
    change_set = measure_history(measure)[-1]
    assert [(c.old, c.new) for c in change_set.changes] == [("Alleinerziehende", "Familien")]


def test_a_participation_change_is_recorded_alike_by_form_and_import(
    client, koordination, scene, gesundheitsamt
):
    """Removing a partner: one measure record and one participation record ("-")."""
    measure = scene["measure"]
    client.force_login(koordination)
    data = csv_bytes(
        [{"ID": measure.pk, "Federführung": "Jug", "Beteiligte": ""}],
        headers=["ID", "Federführung", "Beteiligte"],
    )
    import_file(client, "beteiligte.csv", data)
    records, participation_records = written(measure, scene["base"])
    assert [(r[0], r[1]) for r in records] == [(scene["base"] + 1, "~")]
    removed = Participation.history.filter(measure_id=measure.pk).latest()
    assert (removed.history_type, removed.department_id) == ("-", gesundheitsamt.pk)
    assert participation_records == 1
