"""/bericht/: the committee report on paper (A4, print CSS) and as a spreadsheet."""

from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from praevention.overview.exports import XLSX_CONTENT_TYPE
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("overview:report")
XLSX = reverse("overview:report_xlsx")


def test_anonymous_users_are_sent_to_the_login(client):
    for url in (URL, XLSX):
        assert client.get(url)["Location"].startswith(reverse("accounts:login"))


def test_users_without_a_role_get_neither_report_nor_export(client, db):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403
    assert client.get(XLSX).status_code == 403


def test_every_member_reads_the_report_but_only_coordinators_export_it(member, network):
    response = member.get(URL)
    assert response.status_code == 200
    assert XLSX not in response.content.decode()
    assert member.get(XLSX).status_code == 403


def test_the_report_states_date_and_filters_in_german(coordinator, network):
    response = coordinator.get(URL, {"status": "running", "department": network.jug.pk})
    html = response.content.decode()
    today = timezone.localdate()
    assert f"{today.day}. " in html and str(today.year) in html
    assert "Status: laufend" in html
    assert "Fachbereich: Jugendamt" in html
    assert f"{XLSX}?status=running&amp;department={network.jug.pk}" in html


def test_the_report_has_overlaps_gaps_and_expiring_measures_on_separate_pages(coordinator, network):
    response = coordinator.get(URL)
    html = response.content.decode()
    # Summary with the top overlaps, four matrices, chain, regions with goals, map, expiring,
    # funding.
    assert html.count('class="report-section') == 10
    for heading in (
        "Überschneidungen",
        "Fachbereiche × Zielgruppen",
        "Fachbereiche × Sozialräume",
        "Lücken in der Präventionskette",
        "Bedarf und Angebot in den Bezirksregionen",
        "Strategische Ziele ohne Maßnahme",
        "Was in den nächsten 6 Monaten ausläuft",
        "Karte: Status nach MSS 2021 und laufende Maßnahmen in den Planungsräumen",
    ):
        assert heading in html, heading
    assert "css/overview.css" in html
    assert "M6 Lernpaten Grunewald" in html
    context = response.context
    assert [m.slug for m in context["matrices"]] == [
        "zielgruppen",
        "lebensphasen",
        "sozialraeume",
        "fachbereiche",
    ]
    assert context["measure_total"] == 6


def test_print_css_is_a4_with_page_breaks_between_sections():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static/css/overview.css").read_text()
    assert "@page { size: A4;" in css
    assert "@page wide { size: A4 landscape;" in css  # the matrices are wide
    assert ".report-section { break-before: page; page-break-before: always; }" in css


def test_the_report_has_no_drill_down_links_in_its_tables(coordinator, network):
    context = coordinator.get(URL).context
    assert not any(cell.url for m in context["matrices"] for r in m.rows for cell in r.cells)


def workbook(response):
    return load_workbook(BytesIO(response.content))


def test_the_export_is_an_xlsx_with_one_sheet_per_matrix(coordinator, network):
    response = coordinator.get(XLSX)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="praeventionsnetz-bericht-{today:%Y-%m-%d}.xlsx"'
    )
    book = workbook(response)
    assert book.sheetnames == [
        "Bericht",
        "Zielgruppen",
        "Lebensphasen",
        "Sozialräume",
        "Gemeinsame Maßnahmen",
        "Präventionskette",
        "Bedarf und Angebot",
        "Ziele ohne Maßnahme",
        "Auslaufende Maßnahmen",
        "Drohende Lücken",
        "Finanzierungsquellen",
        "Budget nach Fachbereich",
        "Karte",
    ]


def test_the_matrix_sheets_hold_the_same_numbers_as_the_page(coordinator, network):
    n = network
    sheet = workbook(coordinator.get(XLSX))["Zielgruppen"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("Zielgruppe", "Ges", "Jug", "QPK", "Soz", "Gesamt")
    assert rows[1][:7] == (n.a.name, 1, 2, 1, 0, 2, 3)  # 3 departments overlap
    footer = next(r for r in rows if r[0] == "Gesamt")
    assert footer[1:6] == (3, 3, 2, 0, 5)
    assert sheet.freeze_panes == "B2"
    assert sheet["A1"].font.bold and sheet["B1"].font.bold
    assert sheet.column_dimensions["A"].width > 20

    spaces = list(workbook(coordinator.get(XLSX))["Sozialräume"].iter_rows(values_only=True))
    zentrum = next(r for r in spaces if str(r[0]).startswith("0430 "))
    assert zentrum[1:6] == (3, 2, 1, 0, 3)

    joint = list(
        workbook(coordinator.get(XLSX))["Gemeinsame Maßnahmen"].iter_rows(values_only=True)
    )
    assert joint[1][:6] == ("Gesundheitsamt", 3, 2, 1, 0, 2)


def test_the_export_lists_gaps_and_expiring_measures(coordinator, network):
    book = workbook(coordinator.get(XLSX, {"status": "running"}))
    cover = dict(book["Bericht"].iter_rows(values_only=True, min_row=2))
    assert cover["Status"] == "laufend"
    expiring = list(book["Auslaufende Maßnahmen"].iter_rows(values_only=True))
    assert [r[0] for r in expiring[1:3]] == ["M2 Elterncafé Nord", "M6 Lernpaten Grunewald"]
    threatened = list(book["Drohende Lücken"].iter_rows(values_only=True))
    assert threatened[1] == (network.d.name, network.p4.name, 1)
    goals = [r[1] for r in book["Ziele ohne Maßnahme"].iter_rows(values_only=True, min_row=2)]
    assert goals == ["Schulabschluss für alle", "Übergänge gelingen"]


def test_the_report_says_what_it_counts_and_how_the_funding_table_differs(coordinator, network):
    page = coordinator.get(URL, {"zaehlen": "teilnehmende"}).content.decode()
    assert "Teilnehmende (geplant): geplante Teilnehmende pro Jahr" in page
    assert "(geplant) (" not in page
    assert "diese Übersicht ordnet es nur der Federführung zu" in page


def test_the_report_page_has_the_overviews_filter_panel(member, network):
    """Issue #27: the report is filtered on its own page, the filter leads back to it."""
    html = member.get(URL, {"status": "running"}).content.decode()
    assert '<details class="filter-panel' in html
    assert f'<form method="get" action="{URL}"' in html
    assert "Filter anwenden" in html and f'href="{URL}">Zurücksetzen</a>' in html
