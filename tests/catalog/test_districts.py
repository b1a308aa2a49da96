"""Every Berlin district as data, and any municipality by files (issue #24).

The test database serves district 04 (tests/conftest.py); a test that sets up another district
does so inside its own transaction, which is rolled back.
"""

import csv
import json
import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.operations.special import RunPython
from django.urls import reverse

from praevention.catalog import districts, lor, monitoring
from praevention.catalog.models import District, SocialMonitoring, SocialSpace
from tests.factories import MeasureFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("district_04_name_cache")]

README = lor.BERLIN_DIR / "README.md"
AREA_LINK = re.compile(r'<a href="([^"]+)" aria-label="([^"]+)">')


def run(*args):
    out = StringIO()
    call_command("setup_district", *args, stdout=out)
    return out.getvalue()


def row_counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def readme_counts(number):
    """The README's row for district `number`: (PGR, BZR, PLR, with class, 1, 2, 3, 4,
    ungültig)."""
    for line in README.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if cells[0] == number and len(cells) == 11:
            return tuple(int(cell) for cell in cells[2:])
    raise AssertionError(f"district {number} not in the README")


def mss_rows(year):
    with open(lor.MONITORING_FILES[year], encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_migrations_data_steps_create_no_social_space_on_an_empty_database():
    """Every RunPython of the catalogue's migrations, run on its historical models against
    an empty table of spaces, leaves it empty (0002 and 0005 used to load district 04)."""
    SocialMonitoring.objects.all().delete()
    for space in sorted(SocialSpace.objects.all(), key=lambda s: -len(s.lor_number)):
        space.delete()
    District.objects.all().delete()
    executor = MigrationExecutor(connection)
    ran = 0
    for (app, name), migration in executor.loader.graph.nodes.items():
        if app != "catalog":
            continue
        state = executor.loader.project_state((app, name), at_end=False)
        for operation in migration.operations:
            if isinstance(operation, RunPython):
                with connection.schema_editor(atomic=False) as editor:
                    operation.code(state.apps, editor)
                ran += 1
            else:
                operation.state_forwards(app, state)
    assert ran >= 2
    assert SocialSpace.objects.count() == 0
    assert SocialMonitoring.objects.count() == 0
    assert District.objects.count() == 0


@pytest.mark.parametrize("number", ["01", "07", "12"])
def test_setup_district_gives_exactly_the_readmes_counts_and_no_other_space(
    client, koordination, number
):
    pgr, bzr, plr, classified, *classes, invalid = readme_counts(number)
    run(number)
    spaces = SocialSpace.objects.all()
    assert {s.lor_number[:2] for s in spaces} == {number}
    assert spaces.bezirke().count() == 1
    assert spaces.prognoseraeume().count() == pgr
    assert spaces.bezirksregionen().count() == bzr
    assert spaces.planungsraeume().count() == plr
    values = SocialMonitoring.objects.filter(year=2021)
    assert values.count() == plr
    assert values.filter(status_class__isnull=False).count() == classified
    for status_class, count in enumerate(classes, start=1):
        assert values.filter(status_class=status_class).count() == count
    assert values.filter(is_valid=False).count() == invalid
    mss2023 = SocialMonitoring.objects.filter(year=2023)
    assert mss2023.filter(child_poverty__isnull=False).count() == plr - invalid
    assert mss2023.filter(status_class__isnull=False).count() == 0
    district = District.objects.get()
    assert (district.number, district.name) == (number, lor.BEZIRKE[number])
    client.force_login(koordination)
    html = client.get(reverse("overview:map")).content.decode()
    assert len(AREA_LINK.findall(html)) == plr
    assert f"{district.name}" in html


def test_district_04_is_todays_69_spaces_plus_the_bezirk():
    spaces = SocialSpace.objects.exclude(level="bez")
    assert spaces.count() == 69
    assert SocialSpace.objects.get(level="bez").lor_number == "04"
    with open(lor.HIERARCHY_FILE, encoding="utf-8") as handle:
        expected = {
            (row["lor_number"], row["name"])
            for row in csv.DictReader(handle)
            if row["lor_number"].startswith("04") and row["level"] != "bez"
        }
    assert set(spaces.values_list("lor_number", "name")) == expected


def test_setting_up_twice_changes_nothing():
    counts = row_counts()
    output = run("04")
    assert row_counts() == counts
    assert "Räume: 70, 0 neu, 0 geändert, 70 unverändert, 0 entfernt, 0 archiviert." in output


def test_a_database_with_measures_is_not_switched_to_another_district(jugendamt):
    MeasureFactory(title="Kita-Sozialarbeit", lead=jugendamt)
    counts = row_counts()
    with pytest.raises(CommandError) as error:
        run("07")
    message = str(error.value)
    assert "Nichts geladen" in message
    assert "enthält schon Maßnahmen" in message
    assert "eigene, leere Datenbank" in message and "setup_district 07" in message
    assert row_counts() == counts
    assert District.objects.get().number == "04"


def test_an_unknown_district_number_is_refused():
    with pytest.raises(CommandError) as error:
        run("13")
    assert "kein Berliner Bezirk" in str(error.value)


def test_spaces_the_files_no_longer_hold_are_removed_when_unused_and_archived_when_used(
    jugendamt,
):
    used = SocialSpace.objects.get(lor_number="04100102")
    MeasureFactory(title="Kita-Sozialarbeit", lead=jugendamt, social_spaces=[used])
    files = lor.berlin_district("04")
    gone = {"04100101", "04100102"}
    files.spaces = [s for s in files.spaces if s.lor_number not in gone]
    files.years = {
        year: [r for r in rows if r.lor_number not in gone] for year, rows in files.years.items()
    }
    results = districts.install(files)
    assert (results["spaces"].removed, results["spaces"].archived) == (1, 1)
    assert not SocialSpace.objects.filter(lor_number="04100101").exists()
    used.refresh_from_db()
    assert used.is_archived
    assert used.measures.count() == 1


# Child poverty (S4) on the pages ---------------------------------------------------------

SAMPLES = ["04100102", "04300416", "04400727"]  # Paul-Hertz-Siedlung and two others


def shown(value):
    return f"{float(value):.1f}".replace(".", ",") + " %"


def test_s4_of_three_planungsraeume_on_the_map_its_table_and_the_report(client, koordination):
    by_number = {year: {r["plr_id"]: r for r in mss_rows(year)} for year in (2021, 2023)}
    client.force_login(koordination)
    page = client.get(reverse("overview:map")).content.decode()
    report = client.get(reverse("overview:report")).content.decode()
    for html in (page, report):
        assert "Kinderarmut (S4) 2023" in html
        assert "Monitoring Soziale Stadtentwicklung 2023 (Daten vom 31.12.2022)" in html
        assert "Monitoring Soziale Stadtentwicklung 2021 (Daten vom 31.12.2020)" in html
        table = html[html.index('id="map-table"') :]
        assert '<th scope="col">Kinderarmut (S4) 2021</th>' in table
        assert '<th scope="col">Kinderarmut (S4) 2023</th>' in table
        for number in SAMPLES:
            name = by_number[2021][number]["plr_name"]
            s4_2021 = shown(by_number[2021][number]["s4_kinderarmut_pct"])
            s4_2023 = shown(by_number[2023][number]["s4_kinderarmut_pct"])
            # On the map: the area's accessible name carries the newest year's value.
            assert f"Kinderarmut {s4_2023} (2023)" in html[html.index(f"{name}:") :][:200]
            # In the table: both years side by side.
            row = table[table.index(f"{number}</span>") :]
            row = row[: row.index("</tr>")]
            assert re.search(rf">{s4_2021}</td><td[^>]*>{s4_2023}</td>", row), row
    assert shown(by_number[2021]["04100102"]["s4_kinderarmut_pct"]) == "50,6 %"


def test_the_derived_bezirksregion_value_is_the_inhabitant_weighted_mean_in_three_districts():
    """share_rule: weighted by the valid Planungsräume's 2021 inhabitants, for 2021 and 2023;
    checked against plain Python over the data files."""
    rows = {year: mss_rows(year) for year in (2021, 2023)}
    weights = {r["plr_id"]: int(r["einwohner"]) for r in rows[2021] if r["gueltigkeit"] == "gültig"}
    for number in ("01", "07", "12"):
        run(number)
        regions = list(SocialSpace.objects.bezirksregionen())
        years, needs = monitoring.needs_and_years(regions)
        assert years.poverty == (2021, 2023) and years.weights == 2021
        for region in regions:
            for year in (2021, 2023):
                pairs = [
                    (float(r["s4_kinderarmut_pct"]), weights[r["plr_id"]])
                    for r in rows[year]
                    if r["bzr_id"] == region.lor_number
                    and r["gueltigkeit"] == "gültig"
                    and r["s4_kinderarmut_pct"]
                ]
                expected = sum(v * w for v, w in pairs) / sum(w for _v, w in pairs)
                share = needs[region.lor_number].poverty[year]
                assert share.derived
                assert share.value == pytest.approx(expected, abs=1e-6), region


def test_the_gap_radar_ranks_by_child_poverty_and_states_the_rules(client, koordination):
    client.force_login(koordination)
    response = client.get(reverse("overview:gaps"))
    html = response.content.decode()
    assert "Kinderarmut (S4) 2023 (abgeleitet)" in html
    assert "von mindestens 40 %" in html
    assert "nicht die amtlichen Regionalwerte" in html
    regions = response.context["regions"]
    assert regions[0].region.lor_number == "041001"  # Charlottenburg Nord, the highest S4
    assert regions[0].high_need


# A municipality outside Berlin -------------------------------------------------------------


def square(lon, lat, size=0.01):
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [[[round(x, 5), round(y, 5)] for x, y in ring]]}


def write_municipality(directory, *, hierarchy=None, indicators=None, geometry=None):
    """Musterstadt: 1 Stadtbezirk, 2 Stadtteile, 4 Quartiere, named, not numbered."""
    directory.mkdir(exist_ok=True)
    hierarchy = hierarchy or [
        ("Stadtbezirk", "Stadtbezirke", "Mitte", "Musterstadt-Mitte", ""),
        ("Stadtteil", "Stadtteile", "Altstadt", "Altstadt", "Mitte"),
        ("Stadtteil", "Stadtteile", "Hafen", "Hafenviertel", "Mitte"),
        ("Quartier", "Quartiere", "Markt", "Am Markt", "Altstadt"),
        ("Quartier", "Quartiere", "Dom", "Domviertel", "Altstadt"),
        ("Quartier", "Quartiere", "Kai", "Nordkai", "Hafen"),
        ("Quartier", "Quartiere", "Werft", "Alte Werft", "Hafen"),
    ]
    with open(directory / "hierarchie.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["level", "level_plural", "id", "name", "parent_id"])
        writer.writerows(hierarchy)
    cells = {"Markt": (0, 0), "Dom": (1, 0), "Kai": (0, 1), "Werft": (1, 1)}
    features = [
        {
            "type": "Feature",
            "properties": {"id": code},
            "geometry": square(9 + x / 100, 50 + y / 100),
        }
        for code, (x, y) in cells.items()
    ]
    features.append(
        {"type": "Feature", "properties": {"id": "Altstadt"}, "geometry": square(9, 50, 0.02)}
    )
    if geometry is not None:
        features.append(geometry)
    (directory / "umrisse.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
    )
    source = "Sozialbericht Musterstadt 2024, Amt für Statistik Musterstadt"
    indicators = indicators or [
        ("Markt", "kinderarmut", "Kinderarmut (SGB II, unter 15)", "%", source, "42,5"),
        ("Dom", "kinderarmut", "Kinderarmut (SGB II, unter 15)", "%", source, "12"),
        ("Kai", "kinderarmut", "Kinderarmut (SGB II, unter 15)", "%", source, "33,3"),
        ("Werft", "kinderarmut", "Kinderarmut (SGB II, unter 15)", "%", source, "8"),
        ("Markt", "einwohner", "Einwohner", "", source, "1000"),
        ("Dom", "einwohner", "Einwohner", "", source, "3000"),
    ]
    with open(directory / "indikatoren-2024.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "indicator", "name", "unit", "source", "value"])
        writer.writerows(indicators)
    (directory / "quellen.txt").write_text(
        "Quartiere: Geodaten Musterstadt, dl-de/by-2-0\n", encoding="utf-8"
    )
    return directory


def test_a_municipality_outside_berlin_loads_from_files_and_every_page_works(
    tmp_path, client, koordination, jugendamt
):
    directory = write_municipality(tmp_path / "musterstadt")
    output = run("--dateien", str(directory), "--name", "Musterstadt")
    assert "Bezirk musterstadt Musterstadt eingerichtet." in output
    assert not SocialSpace.objects.filter(lor_number__startswith="04").exists()
    quartiere = SocialSpace.objects.planungsraeume()
    assert sorted(quartiere.values_list("code", flat=True)) == ["Dom", "Kai", "Markt", "Werft"]
    assert SocialSpace.objects.bezirksregionen().count() == 2
    assert SocialSpace.objects.prognoseraeume().get().name == "Musterstadt-Mitte"
    markt = quartiere.get(code="Markt")
    assert markt.parent.code == "Altstadt" and markt.lor_number.startswith(markt.parent.lor_number)
    MeasureFactory(title="Hafenlotsen", lead=jugendamt, status="running", social_spaces=[markt])
    # Idempotent, keys stable.
    keys = dict(SocialSpace.objects.values_list("code", "lor_number"))
    assert "0 neu, 0 geändert, 7 unverändert" in run(
        "--dateien", str(directory), "--name", "Musterstadt"
    )
    assert dict(SocialSpace.objects.values_list("code", "lor_number")) == keys

    client.force_login(koordination)
    page = client.get(reverse("overview:map"))
    html = page.content.decode()
    assert page.status_code == 200
    names = [name for _href, name in AREA_LINK.findall(html)]
    assert "Quartier Am Markt: Kinderarmut 42,5 % (2024), 1 laufende Maßnahme" in names
    assert len(names) == 4
    assert "Quartiere: Kinderarmut (S4) 2024" in html
    assert "Sozialbericht Musterstadt 2024" in html and "Geodaten Musterstadt" in html
    gaps = client.get(reverse("overview:gaps"))
    assert gaps.status_code == 200
    altstadt = next(r for r in gaps.context["regions"] if r.region.code == "Altstadt")
    # Weighted by the file's inhabitants: (42.5 × 1000 + 12 × 3000) / 4000.
    assert altstadt.poverty.value == pytest.approx(19.625)
    report = client.get(reverse("overview:report"))
    assert report.status_code == 200
    assert "42,5 %" in report.content.decode()
    assert "Musterstadt" in report.content.decode()


# Bad files ----------------------------------------------------------------------------------

BOWTIE = {
    "type": "Feature",
    "properties": {"id": "Hafen"},
    "geometry": {
        "type": "Polygon",
        "coordinates": [[[9.0, 50.0], [9.02, 50.02], [9.02, 50.0], [9.0, 50.02], [9.0, 50.0]]],
    },
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {
                "hierarchy": [
                    ("Stadtteil", "Stadtteile", "Altstadt", "Altstadt", ""),
                    ("Quartier", "Quartiere", "Markt", "Am Markt", "Altstadt"),
                    ("Quartier", "Quartiere", "Kai", "Nordkai", "Hafen"),
                ]
            },
            "hierarchie.csv, Zeile 4: der übergeordnete Raum „Hafen“ fehlt in der Datei. Bitte "
            "ihn als eigene Zeile ergänzen",
        ),
        (
            {"geometry": BOWTIE},
            "umrisse.geojson, Feature 6: der Umriss ist kein gültiges Polygon (Self-intersection",
        ),
        (
            {"indicators": [("Mole", "kinderarmut", "Kinderarmut", "%", "Sozialbericht", "10")]},
            "indikatoren-2024.csv, Zeile 2: „Mole“ steht nicht als unterste Ebene in "
            "hierarchie.csv. Bitte die Zeile löschen",
        ),
        (
            {"indicators": [("Markt", "kinderarmut", "Kinderarmut", "%", "Sozialbericht", "142")]},
            "indikatoren-2024.csv, Zeile 2: value „142“ liegt nicht zwischen 0 und 100. Bitte den "
            "Anteil in Prozent angeben",
        ),
    ],
)
def test_a_bad_municipality_file_is_refused_in_german_and_nothing_is_loaded(
    tmp_path, change, message
):
    directory = write_municipality(tmp_path / "musterstadt", **change)
    counts = row_counts()
    with pytest.raises(CommandError) as error:
        run("--dateien", str(directory), "--name", "Musterstadt")
    assert "Nichts geladen." in str(error.value)
    assert message in str(error.value)
    assert row_counts() == counts
    assert District.objects.get().number == "04"


@pytest.mark.parametrize(
    ("target", "edit", "message"),
    [
        (
            "HIERARCHY_FILE",
            lambda text: text + "plr,04999901,Ohne Region,049999\n",
            "lor2021-berlin-hierarchie.csv, Zeile 757: der übergeordnete Raum 049999",
        ),
        (
            2023,
            lambda text: text.replace(",9.86,34.88,22.45,45.46,", ",9.86,34.88,22.45,145.46,"),
            "s4_kinderarmut_pct „145.46“ liegt nicht zwischen 0 und 100",
        ),
        (
            2021,
            lambda text: (
                text + "04999999,Nirgendwo,041001,Charlottenburg Nord,500,2,mittel,3,"
                "stabil,x,gültig,1,2,3,0,0,0,202012,0,0\n"
            ),
            "mss2021-berlin-planungsraeume.csv, Zeile 544: 04999999 steht nicht als unterste "
            "Ebene in der Hierarchie",
        ),
    ],
)
def test_a_bad_berlin_file_is_refused_in_german_and_nothing_is_loaded(
    tmp_path, monkeypatch, target, edit, message
):
    if target == "HIERARCHY_FILE":
        source = lor.HIERARCHY_FILE
        copy = tmp_path / source.name
        copy.write_text(edit(source.read_text(encoding="utf-8")), encoding="utf-8")
        monkeypatch.setattr(lor, "HIERARCHY_FILE", copy)
    else:
        source = lor.MONITORING_FILES[target]
        copy = tmp_path / source.name
        copy.write_text(edit(source.read_text(encoding="utf-8")), encoding="utf-8")
        monkeypatch.setitem(lor.MONITORING_FILES, target, copy)
    SocialMonitoring.objects.filter(year=2023).delete()
    counts = row_counts()
    with pytest.raises(CommandError) as error:
        run("04")
    assert message in str(error.value)
    assert row_counts() == counts
