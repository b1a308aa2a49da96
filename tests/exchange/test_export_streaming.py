"""Streamed exports have the content the one-piece writers make, across chunk borders."""

import datetime
import io
import json
import uuid

import pytest
from django.http import QueryDict
from django.utils import timezone
from openpyxl import load_workbook

from praevention.catalog.models import FieldOfAction, LifePhase, SocialSpace, TargetGroup
from praevention.exchange import exporting
from praevention.measures.models import Measure
from tests.exchange.helpers import export_url
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def member(client, kernteam_ges):
    client.force_login(kernteam_ges)
    return client


@pytest.fixture
def measures(jugendamt, gesundheitsamt, kernteam_jug):
    """Seven measures with every kind of link, in three chunks of three (CHUNK_SIZE = 3)."""
    groups = list(TargetGroup.objects.order_by("position"))
    phases = list(LifePhase.objects.order_by("position"))
    spaces = list(SocialSpace.objects.all()[:4])
    fields = list(FieldOfAction.objects.all())
    made = []
    for number in range(7):
        made.append(
            MeasureFactory(
                title=f'Maßnahme „{number}“ – Ümläute & "Zeichen"',
                lead=jugendamt if number % 2 else gesundheitsamt,
                partners=[gesundheitsamt] if number % 2 else [],
                # Reversed, so the export's order is the catalogue's, not the link's.
                target_groups=groups[number % 3 :: 2][::-1],
                life_phases=phases[: number % 4],
                social_spaces=spaces[number % 2 :],
                contact_person=kernteam_jug.person if number % 3 else None,
                budget_eur=None if number == 3 else 1000 + number,
                links="https://example.org/a\nhttps://example.org/b" if number == 2 else "",
            )
        )
        made[-1].fields_of_action.set(fields[number % 2 :: 3])
    return made


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(exporting, "CHUNK_SIZE", 3)
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def streamed(response):
    assert response.status_code == 200
    assert response.streaming
    return b"".join(response.streaming_content)


def measures_of(params=""):
    return list(exporting.select_measures(QueryDict(params)))


def test_streamed_json_is_byte_for_byte_the_document_as_before(member, measures, small_chunks):
    body = streamed(member.get(export_url("json")))
    # What the export answered before it streamed: JsonResponse(hsds_document(...), indent=2).
    before = json.dumps(exporting.hsds_document(measures_of()), ensure_ascii=False, indent=2)
    assert body == before.encode()
    assert len(json.loads(body)["services"]) == 7


def test_streamed_json_of_an_empty_selection_is_the_document_as_before(member, small_chunks):
    body = streamed(member.get(export_url("json")))
    before = json.dumps(exporting.hsds_document([]), ensure_ascii=False, indent=2)
    assert body == before.encode()
    assert json.loads(body)["services"] == []


def test_streamed_json_follows_the_lists_filters(member, measures, jugendamt, small_chunks):
    params = f"department={jugendamt.pk}"
    body = streamed(member.get(export_url("json") + "?" + params))
    before = json.dumps(exporting.hsds_document(measures_of(params)), ensure_ascii=False, indent=2)
    assert body == before.encode()


def test_streamed_csv_is_byte_for_byte_the_file_as_before(member, measures, small_chunks):
    body = streamed(member.get(export_url("csv")))
    before = "".join(exporting.csv_lines(measures_of()))
    assert body == before.encode()
    assert body.count(b"\r\n") == 8


def test_xlsx_read_in_chunks_has_the_cells_as_before(member, measures, small_chunks):
    response = member.get(export_url("xlsx"))
    assert response.status_code == 200
    now = load_workbook(io.BytesIO(response.content)).active
    before = load_workbook(io.BytesIO(exporting.xlsx_bytes(measures_of()))).active
    rows = list(now.iter_rows(values_only=True))
    assert rows == list(before.iter_rows(values_only=True))
    assert len(rows) == 8
    assert now.auto_filter.ref == before.auto_filter.ref


def test_the_json_export_reads_a_fixed_number_of_queries_per_chunk(
    member, measures, small_chunks, django_assert_max_num_queries
):
    """Catalogue (6 once) + per chunk: measures, participations, departments, 6 links."""
    with django_assert_max_num_queries(20 + 6 + 3 * 9):
        streamed(member.get(export_url("json")))
    assert Measure.objects.count() == 7


@pytest.mark.parametrize("kind, pk", [("measure", 1), ("attribute:x:3", 99999), ("phone", "ä")])
def test_hsds_ids_are_the_uuid5_of_kind_and_key(kind, pk):
    assert exporting.hsds_uuid(kind, pk) == str(uuid.uuid5(exporting._NAMESPACE, f"{kind}:{pk}"))
