"""The district map (/karte/): need by MSS class, running measures on top, a link per area."""

import re
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from praevention.catalog.models import SocialSpace
from praevention.measures.models import Measure
from praevention.overview import maps, selectors
from praevention.overview.scope import Scope
from tests.factories import MeasureFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("overview:map")
RUNNING = Measure.Status.RUNNING
AREA_LINK = re.compile(r'<a href="([^"]+)" aria-label="([^"]+)">')


def space(lor_number):
    return SocialSpace.objects.get(lor_number=lor_number)


@pytest.fixture
def paul_hertz(jugendamt, gesundheitsamt):
    """Two running measures in Paul-Hertz-Siedlung, one planned, one running elsewhere."""
    phs = space("04100102")
    MeasureFactory(title="Kita-Sozialarbeit", lead=jugendamt, status=RUNNING, social_spaces=[phs])
    MeasureFactory(
        title="Familienhebammen", lead=gesundheitsamt, status=RUNNING, social_spaces=[phs]
    )
    MeasureFactory(title="Lotsen", lead=jugendamt, status="planned", social_spaces=[phs])
    MeasureFactory(
        title="Sport Halensee",
        lead=gesundheitsamt,
        status=RUNNING,
        social_spaces=[space("04500937")],
    )
    return phs


def test_anonymous_users_are_sent_to_the_login(client):
    assert client.get(URL)["Location"].startswith(reverse("accounts:login"))


def test_users_without_a_role_may_not_see_the_map(client):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("persona", ["kernteam_jug", "kernteam_ges", "koordination"])
def test_every_role_sees_the_map(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 200


def test_every_planungsraum_is_a_link_with_its_status_and_supply(client, koordination, paul_hertz):
    client.force_login(koordination)
    html = client.get(URL, {"schicht": "status"}).content.decode()
    links = AREA_LINK.findall(html)
    assert len(links) == 53
    names = [name for _href, name in links]
    assert (
        "Planungsraum Paul-Hertz-Siedlung: Status sehr niedrig (MSS 2021), Kinderarmut 45,5 % "
        "(2023), 2 laufende Maßnahmen"
    ) in names
    assert (
        "Planungsraum Halensee: Status mittel (MSS 2021), Kinderarmut 11,1 % (2023), "
        "1 laufende Maßnahme"
    ) in names
    assert (
        "Planungsraum Güterbahnhof Grunewald: Status ungültig (unter 300 Einwohner) (MSS "
        "2021), 0 laufende Maßnahmen"
    ) in names
    href = next(h for h, name in links if "Paul-Hertz" in name).replace("&amp;", "&")
    listed = client.get(href).context["page_obj"].object_list
    assert sorted(m.title for m in listed) == ["Familienhebammen", "Kita-Sozialarbeit"]


def test_the_map_states_mss_2021_its_source_the_lor_credit_and_a_legend(client, koordination):
    client.force_login(koordination)
    html = client.get(URL, {"schicht": "status"}).content.decode()
    assert "Status nach MSS 2021" in html
    assert (
        "Monitoring Soziale Stadtentwicklung 2021 (Daten vom 31.12.2020), Senatsverwaltung" in html
    )
    assert "Amt für Statistik Berlin-Brandenburg, CC BY 3.0 DE" in html
    assert "Umrisse vereinfacht" in html
    for label in ("1 – hoch", "2 – mittel", "3 – niedrig", "4 – sehr niedrig"):
        assert label in html
    # Colour is never the only signal: the needier classes are patterned.
    assert 'fill="url(#p-cross)"' in html and 'fill="url(#p-dots)"' in html


def test_the_svg_keeps_to_the_csp_and_asks_nobody_else(client, koordination):
    client.force_login(koordination)
    html = client.get(URL).content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert " style=" not in svg and "<style" not in svg and "<script" not in svg
    assert "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in svg


def test_the_table_below_shows_the_same_figures(client, koordination, paul_hertz):
    client.force_login(koordination)
    response = client.get(URL)
    district = response.context["district"]
    html = response.content.decode()
    table = html[html.index('id="map-table"') :]
    assert table.count("<tr>") == 1 + 53
    assert re.search(
        r"04100102</span>Paul-Hertz-Siedlung</th>\s*<td[^>]*>50,6 %</td><td[^>]*>45,5 %</td>"
        r"\s*<td[^>]*>34,9 %</td>\s*<td>4 – sehr niedrig",
        table,
    )
    by_number = {a.space.lor_number: a.running for a in district.areas}
    assert by_number["04100102"] == 2 and sum(by_number.values()) == 3


def test_bezirksregionen_show_the_derived_need_and_the_rule(client, koordination, paul_hertz):
    client.force_login(koordination)
    html = client.get(URL, {"ebene": "bezirksregionen", "schicht": "status"}).content.decode()
    names = [name for _href, name in AREA_LINK.findall(html)]
    assert len(names) == 11
    assert any(
        name.startswith(
            "Bezirksregion Charlottenburg Nord: Status sehr niedrig (MSS 2021) (abgeleitet), "
            "Kinderarmut "
        )
        and name.endswith("(2023) (abgeleitet), 2 laufende Maßnahmen")
        for name in names
    )
    assert "nicht die amtlichen Regionalwerte" in html
    assert "die niedrigste Statusklasse (der höchste Bedarf) ihrer gültigen Planungsräume" in html


def test_the_lists_filters_apply(client, koordination, paul_hertz, gesundheitsamt):
    client.force_login(koordination)
    response = client.get(URL, {"department": gesundheitsamt.pk})
    areas = {a.space.lor_number: a for a in response.context["district"].areas}
    assert areas["04100102"].running == 1
    assert areas["04500937"].running == 1
    assert f"department={gesundheitsamt.pk}" in areas["04100102"].url


def test_a_measure_in_a_planungsraum_counts_for_its_bezirksregion_and_prognoseraum_everywhere(
    client, koordination, jugendamt
):
    """Roll-up by LOR prefix: the social-space matrix, the gap radar, the map and the list."""
    MeasureFactory(
        title="Im Planungsraum", lead=jugendamt, status=RUNNING, social_spaces=[space("04100102")]
    )
    measures = Scope(_empty()).measures
    matrix = selectors.count_social_spaces(measures)
    assert matrix.cells[("041001", jugendamt.pk)] == 1
    assert matrix.cells[("0410", jugendamt.pk)] == 1
    assert selectors.count_region_supply(measures)["041001"] == (1, 0)
    for level, number in (
        (SocialSpace.Level.PLANUNGSRAUM, "04100102"),
        (SocialSpace.Level.BEZIRKSREGION, "041001"),
        (SocialSpace.Level.PROGNOSERAUM, "0410"),
    ):
        assert maps.running_supply(measures, level) == {number: 1}
    client.force_login(koordination)
    for number in ("04100102", "041001", "0410"):
        listed = client.get(reverse("measures:list"), {"social_space": space(number).pk})
        assert [m.title for m in listed.context["page_obj"].object_list] == ["Im Planungsraum"]
    page = client.get(reverse("overview:matrix", args=["sozialraeume"]))
    rows = {row.key: row.total for row in page.context["matrix"].rows}
    assert rows["041001"] == 1 and rows["0410"] == 1
    gaps = client.get(reverse("overview:gaps")).context["regions"]
    assert next(r for r in gaps if r.region.lor_number == "041001").running == 1


def _empty():
    from django.http import QueryDict

    return QueryDict()


def test_the_report_shows_the_map_and_its_xlsx_has_the_table(client, koordination, paul_hertz):
    client.force_login(koordination)
    html = client.get(reverse("overview:report")).content.decode()
    assert "Karte: Kinderarmut (S4) 2023 und laufende Maßnahmen in den Planungsräumen" in html
    assert (
        'aria-label="Planungsraum Paul-Hertz-Siedlung: Kinderarmut 45,5 % (2023), Status '
        "sehr niedrig (MSS 2021), 2 laufende" in html
    )
    assert "Amt für Statistik Berlin-Brandenburg" in html
    book = load_workbook(BytesIO(client.get(reverse("overview:report_xlsx")).content))
    sheet = book["Karte"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "LOR-Nummer",
        "Planungsraum",
        "Kinderarmut (S4) 2021, %",
        "Kinderarmut (S4) 2023, %",
        "Kinder Alleinerziehender (S2) 2023, %",
        "Status (MSS 2021)",
        "Einwohner (2021)",
        "laufende Maßnahmen",
    )
    assert (
        "04100102",
        "Paul-Hertz-Siedlung",
        50.6,
        45.5,
        34.9,
        "4 – sehr niedrig",
        7855,
        2,
    ) in rows
    assert sheet["A2"].data_type == "s"  # LOR numbers stay text with their leading zero
    credits = [row[0] for row in rows if row[0] and "Monitoring Soziale" in str(row[0])]
    assert credits == [
        "2021: S4 Kinderarmut, MSS-Statusindex: Monitoring Soziale Stadtentwicklung 2021 (Daten "
        "vom 31.12.2020), Senatsverwaltung für Stadtentwicklung, Bauen und Wohnen Berlin.",
        "2023: S2 Kinder in Alleinerziehenden-Haushalten, S4 Kinderarmut: Monitoring Soziale "
        "Stadtentwicklung 2023 (Daten vom 31.12.2022), Senatsverwaltung für Stadtentwicklung, "
        "Bauen und Wohnen Berlin, Datenlizenz Deutschland – Namensnennung – Version 2.0.",
    ]


def test_every_level_is_projected_into_one_frame():
    width, height, outlines = maps.outlines()
    assert len(outlines) == 1 + 5 + 11 + 53
    assert width == maps.WIDTH and 0 < height < 2 * width
    for outline in outlines.values():
        assert outline.path.startswith("M") and outline.path.endswith("Z")
        assert 0 <= outline.x <= width and 0 <= outline.y <= height


def test_the_social_space_matrix_credits_the_lor_data(client, koordination):
    client.force_login(koordination)
    html = client.get(reverse("overview:matrix", args=["sozialraeume"])).content.decode()
    assert "Lebensweltlich orientierte Räume (LOR) 01.01.2021, Amt für Statistik" in html


def test_the_reports_planungsraum_table_names_its_first_column(coordinator, network):
    page = coordinator.get(reverse("overview:report")).content.decode()
    table = page[page.index("dieselben Zahlen wie in der Karte") :]
    assert '<th scope="col" class="row-heading">Planungsraum</th>' in table
