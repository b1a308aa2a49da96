"""A file older than the measures it names (issue #28, item 6): the preview reads the
history it needs in a fixed number of queries, whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from praevention.measures import services
from praevention.measures.bulk import MeasureWrite
from tests.exchange.helpers import csv_bytes, errors, upload
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db


def stale_file(measures, version):
    rows = [
        {"ID": m.pk, "Version": version, "Titel": m.title, "Status": "abgeschlossen"}
        for m in measures
    ]
    return csv_bytes(rows, headers=["ID", "Version", "Titel", "Status"])


def edited_since_export(count, jugendamt, by):
    measures = [MeasureFactory(lead=jugendamt, status="planned") for _n in range(count)]
    version = measures[0].version
    for measure in measures:
        measure.refresh_from_db()
        measure.status = "paused"
        services.measures_write(writes=[MeasureWrite(measure, fields=["status"])], by=by)
    return measures, version


def test_a_stale_file_names_who_changed_each_row_in_a_fixed_number_of_queries(
    client, koordination, jugendamt
):
    client.force_login(koordination)
    few, version = edited_since_export(2, jugendamt, koordination)
    many, _version = edited_since_export(8, jugendamt, koordination)
    with CaptureQueriesContext(connection) as for_few:
        response = upload(client, "alt.csv", stale_file(few, version))
    assert response.status_code == 400
    found = errors(response)
    assert len(found) == 2
    name = koordination.get_full_name() or koordination.email
    assert all(f"von {name} am " in message for _row, _column, message in found)
    with CaptureQueriesContext(connection) as for_many:
        response = upload(client, "alt.csv", stale_file(many, version))
    assert len(errors(response)) == 8
    assert len(for_many.captured_queries) <= len(for_few.captured_queries) + 2
