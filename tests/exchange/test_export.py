"""Exports contain exactly the list's filtered measures, in Excel-friendly CSV, XLSX and HSDS."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from praevention.catalog.models import EvidenceLevel, LifePhase, SocialSpace, TargetGroup
from praevention.exchange.columns import HEADERS
from praevention.measures.models import Measure
from tests.exchange.helpers import export_url
from tests.factories import MeasureFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client, kernteam_ges):
    client.force_login(kernteam_ges)
    return client


def content(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response_or_bytes):
    raw = response_or_bytes
    if not isinstance(raw, bytes):
        raw = content(raw)
    text = raw.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


@pytest.fixture
def measure(jugendamt, gesundheitsamt, kernteam_jug):
    measure = MeasureFactory(
        title="Sprachförderung für Kinder ohne Kitaplatz",
        lead=jugendamt,
        partners=[gesundheitsamt],
        target_groups=TargetGroup.objects.order_by("position")[:2],
        life_phases=LifePhase.objects.filter(position__in=[2, 3]),
        social_spaces=SocialSpace.objects.filter(lor_number="041001"),
        start_date=datetime.date(2024, 9, 1),
        end_date=datetime.date(2025, 8, 31),
        budget_eur=Decimal("12500.50"),
        reach_planned=60,
        evidence_level=EvidenceLevel.objects.get(level=2),
        contact_person=kernteam_jug.person,
        links="https://example.org/sprache\nhttps://example.org/kita",
    )
    return measure


def test_csv_starts_with_a_bom_uses_semicolons_and_german_headers(member, measure):
    response = member.get(export_url("csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('.csv"')
    raw = content(response)
    assert raw.startswith(b"\xef\xbb\xbfID;Titel;Kurzbeschreibung;Beschreibung;Status;")
    header, values = csv_rows(raw)
    assert header == HEADERS
    cells = dict(zip(header, values, strict=True))
    assert cells["Status"] == "laufend"
    assert cells["Beginn"] == "01.09.2024"
    assert cells["Ende"] == "31.08.2025"
    assert cells["Federführung"] == "Jug"
    assert cells["Beteiligte"] == "Ges (Partner)"
    assert cells["Sozialräume"] == "041001 Charlottenburg Nord"
    assert cells["Budget (EUR)"] == "12500,50"
    assert cells["Teilnehmende geplant"] == "60"
    assert cells["Evidenzstufe"] == "Effektivität wahrscheinlich"
    assert cells["Ansprechperson (E-Mail)"] == "kernteam.jug@ba-cw.berlin.de"
    assert cells["Links"] == "https://example.org/sprache; https://example.org/kita"
    assert cells["Archiviert"] == "nein"


def test_csv_text_that_excel_would_run_as_a_formula_is_guarded(member, jugendamt):
    MeasureFactory(title='=HYPERLINK("http://evil")', lead=jugendamt, summary="@SUMME(1)")
    header, values = csv_rows(member.get(export_url("csv")))
    cells = dict(zip(header, values, strict=True))
    assert cells["Titel"] == '\'=HYPERLINK("http://evil")'
    assert cells["Kurzbeschreibung"] == "'@SUMME(1)"


def test_xlsx_has_a_bold_frozen_header_real_dates_and_numbers(member, measure):
    response = member.get(export_url("xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Maßnahmen"
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == HEADERS
    assert all(c.font.b for c in sheet[1])
    assert sheet.column_dimensions["B"].width >= 30
    cells = {h: c for h, c in zip(HEADERS, sheet[2], strict=True)}
    assert cells["Beginn"].value == datetime.datetime(2024, 9, 1)
    assert cells["Beginn"].number_format == "DD.MM.YYYY"
    assert cells["Budget (EUR)"].value == 12500.5
    assert cells["Teilnehmende geplant"].value == 60


def test_xlsx_keeps_formula_like_text_as_text(member, jugendamt):
    MeasureFactory(title="=1+1", lead=jugendamt)
    sheet = load_workbook(io.BytesIO(member.get(export_url("xlsx")).content)).active
    assert sheet["B2"].value == "=1+1"
    assert sheet["B2"].data_type == "s"


def test_json_export_follows_hsds_service_naming(member, measure):
    response = member.get(export_url("json"))
    assert response.status_code == 200
    document = json.loads(content(response))
    (service,) = document["services"]
    assert service["name"] == measure.title
    assert service["status"] == "active"
    assert service["url"] == "https://example.org/sprache"
    # The network does not publish e-mail addresses: the contact is named, not mailed.
    assert "email" not in service
    assert "email" not in service["contacts"][0]
    assert service["organization"]["name"] == "Jugendamt"
    assert service["organization"]["alternate_name"] == "Jug"
    assert service["minimum_age"] == 0
    assert service["maximum_age"] == 6
    assert service["eligibility_description"].startswith("Kinder von 3–6 Jahren ohne Kitaplatz")
    assert service["service_areas"][0]["name"] == "041001 Charlottenburg Nord"
    assert len(service["id"]) == 36
    extension = service["x_praeventionsnetz"]
    assert extension["id"] == measure.pk
    assert extension["budget_eur"] == "12500.50"
    assert {(p["department"], p["role"]) for p in extension["participations"]} == {
        ("Jug", "lead"),
        ("Ges", "partner"),
    }


@pytest.mark.parametrize(
    ("status", "archived", "expected"),
    [
        ("idea", False, "inactive"),
        ("planned", False, "inactive"),
        ("running", False, "active"),
        ("paused", False, "temporarily closed"),
        ("completed", False, "defunct"),
        ("running", True, "defunct"),
    ],
)
def test_json_status_maps_to_hsds_values(member, jugendamt, status, archived, expected):
    MeasureFactory(lead=jugendamt, status=status, is_archived=archived)
    document = json.loads(content(member.get(export_url("json"), {"archived": "all"})))
    assert [s["status"] for s in document["services"]] == [expected]


def test_export_contains_exactly_the_filtered_measures_on_all_pages(member, jugendamt, qpk):
    for number in range(30):
        MeasureFactory(title=f"Jug {number:02d}", lead=jugendamt)
    MeasureFactory(title="QPK-Maßnahme", lead=qpk)
    MeasureFactory(title="Archiviert", lead=jugendamt, is_archived=True)
    rows = csv_rows(member.get(export_url("csv"), {"department": jugendamt.pk}))
    assert [r[1] for r in rows[1:]] == [f"Jug {number:02d}" for number in range(30)]
    rows = csv_rows(member.get(export_url("csv"), {"q": "QPK"}))
    assert [r[1] for r in rows[1:]] == ["QPK-Maßnahme"]
    rows = csv_rows(member.get(export_url("csv"), {"archived": "only"}))
    assert [r[1] for r in rows[1:]] == ["Archiviert"]


def test_export_ignores_the_page_number(member, jugendamt):
    for number in range(30):
        MeasureFactory(title=f"M {number:02d}", lead=jugendamt)
    rows = csv_rows(member.get(export_url("csv"), {"page": "2"}))
    assert len(rows) == 31


def test_invalid_filters_give_a_german_400(member):
    response = member.get(export_url("csv"), {"department": "999999"})
    assert response.status_code == 400
    assert "Filter" in response.content.decode()


def test_unknown_format_is_404(member):
    assert member.get("/austausch/export/pdf/").status_code == 404


def _create_measures(count, jugendamt, gesundheitsamt, person):
    groups = list(TargetGroup.objects.all()[:3])
    phases = list(LifePhase.objects.all()[:2])
    spaces = list(SocialSpace.objects.all()[:2])
    level = EvidenceLevel.objects.first()
    for _number in range(count):
        MeasureFactory(
            lead=jugendamt,
            partners=[gesundheitsamt],
            target_groups=groups,
            life_phases=phases,
            social_spaces=spaces,
            evidence_level=level,
            contact_person=person,
        )


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_export_runs_the_same_number_of_queries_for_10_and_100_measures(
    member, jugendamt, gesundheitsamt, kernteam_ges, fmt, django_assert_max_num_queries
):
    person = kernteam_ges.person
    _create_measures(10, jugendamt, gesundheitsamt, person)
    with CaptureQueriesContext(connection) as ten:
        content(member.get(export_url(fmt)))
    _create_measures(90, jugendamt, gesundheitsamt, person)
    # 14 for the export, 6 for the download slot (savepoint, lock, count, insert, release,
    # free), and for the JSON 6 for the catalogue it maps links to (exporting.CatalogLinks):
    # the same for any number of measures.
    with django_assert_max_num_queries(26), CaptureQueriesContext(connection) as hundred:
        response = member.get(export_url(fmt))
        content(response)
    assert len(hundred) == len(ten), [q["sql"][:80] for q in hundred]
    assert Measure.objects.count() == 100


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_anonymous_is_sent_to_the_login(client, fmt):
    response = client.get(export_url(fmt))
    assert response.status_code == 302
    assert "/konto/" in response["Location"]


@pytest.mark.parametrize("persona", ["kernteam_jug", "koordination", "admin_user"])
def test_every_network_member_may_export(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    for fmt in ("csv", "xlsx", "json"):
        assert client.get(export_url(fmt)).status_code == 200


def test_a_login_without_a_role_may_not_export(client, jugendamt):
    user = UserFactory()
    PersonFactory(user=user, department=jugendamt)
    client.force_login(user)
    assert client.get(export_url("csv")).status_code == 403


def test_the_list_links_to_the_exports_with_its_filters(member, jugendamt):
    response = member.get("/massnahmen/", {"department": jugendamt.pk, "page": "1"})
    html = response.content.decode()
    assert f'href="/austausch/export/csv/?department={jugendamt.pk}"' in html
    assert f'href="/austausch/export/xlsx/?department={jugendamt.pk}"' in html
    assert f'href="/austausch/export/json/?department={jugendamt.pk}"' in html
    assert ">Excel</a>" in html
    assert ">JSON (HSDS)</a>" in html


def test_csv_writes_four_digit_years_and_the_measures_id_and_version(member, jugendamt):
    """Year 1 was written "01.01.1" (issue #12, fault 11); ID and version make re-imports
    find their measure and notice newer edits (fault 4)."""
    measure = MeasureFactory(title="Alt", lead=jugendamt, start_date=datetime.date(1, 1, 1))
    rows = csv_rows(member.get(export_url("csv")))
    header, values = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert header[0] == "ID" and header[-1] == "Version"
    assert values["Beginn"] == "01.01.0001"
    assert (values["ID"], values["Version"]) == (str(measure.pk), str(measure.version))
