"""Export the demo network, empty the database, import the file: the same measures return."""

import csv
import io

import pytest
from django.core.management import call_command
from django.db import connection
from openpyxl import load_workbook

from praevention.accounts.models import User
from praevention.demo.management.commands.seed_demo import DEMO_KOORDINATION_EMAIL
from praevention.measures.models import Measure
from tests.exchange.helpers import all_snapshots, export_url, import_file

pytestmark = pytest.mark.django_db


def without_id_column(data, fmt):
    """The exported file with its first column (ID) removed, as another system would send it."""
    if fmt == "xlsx":
        workbook = load_workbook(io.BytesIO(data))
        workbook.active.delete_cols(1)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(r[1:] for r in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def assert_lead_trigger_holds():
    """Tests never commit, so fire PostgreSQL's deferred "exactly one lead" trigger now."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.fixture
def demo(client):
    """The demo network, made harder: archived, several links, text that looks like a formula."""
    call_command("seed_demo", stdout=None)
    first, second = Measure.objects.order_by("title")[:2]
    first.is_archived = True
    first.links = "https://www.fruehehilfen.de/\nhttps://example.org/a;b=1"
    first.description = "=SUMME(A1:A3) ist kein Befehl.\nZweite Zeile; mit Semikolon."
    first.save()
    second.external_partners = "-Verein; @Stadtteil, 'Zitat'"
    second.save()
    client.force_login(User.objects.get(email=DEMO_KOORDINATION_EMAIL))
    return client


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_demo_data_survives_export_and_import_into_an_empty_database(demo, fmt):
    before = all_snapshots()
    response = demo.get(export_url(fmt), {"archived": "all"})
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content

    Measure.objects.all().delete()
    assert not Measure.objects.exists()
    # Into another database: the IDs of this one mean nothing there.
    import_file(demo, f"massnahmen.{fmt}", without_id_column(data, fmt))
    assert_lead_trigger_holds()

    after = all_snapshots()
    assert len(before) == 16
    assert sorted(after) == sorted(before)
    for title, expected in before.items():
        assert after[title] == expected, title


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_importing_an_unchanged_export_changes_nothing(demo, fmt):
    response = demo.get(export_url(fmt))
    data = b"".join(response.streaming_content) if response.streaming else response.content
    versions = dict(Measure.objects.values_list("title", "version"))

    from tests.exchange.helpers import upload

    preview = upload(demo, f"massnahmen.{fmt}", data)
    plan = preview.context["plan"]
    assert preview.status_code == 200
    assert (plan.created, plan.updated, plan.unchanged) == (0, 0, 15)
    assert "nichts zu speichern" in preview.content.decode()
    assert dict(Measure.objects.values_list("title", "version")) == versions
