"""The official social spaces (LOR 2021) and MSS values: loaded, reloaded, refused when broken."""

import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Count

from praevention.catalog import lor, monitoring
from praevention.catalog.models import SocialMonitoring, SocialSpace, SocialSpaceGeometry

pytestmark = pytest.mark.django_db

DATA = lor.BERLIN_DIR
PLANUNGSRAEUME = DATA / "lor2021-berlin-planungsraeume.geojson"


@pytest.fixture
def district_files(tmp_path):
    """District 04's rows of the shipped Berlin files, as the loaders' own files."""
    import csv

    def rows_of(path, keep):
        with open(path, encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        return [rows[0], *[row for row in rows[1:] if keep(row)]]

    def write(name, rows):
        target = tmp_path / name
        with open(target, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
        return target

    hierarchy = write(
        "hierarchie-04.csv", rows_of(lor.HIERARCHY_FILE, lambda row: row[1].startswith("04"))
    )
    mss = write(
        "mss2021-04.csv",
        rows_of(lor.MONITORING_FILES[2021], lambda row: row[0].startswith("04")),
    )
    outlines = tmp_path / "plr-04.geojson"
    data = json.loads(PLANUNGSRAEUME.read_text(encoding="utf-8"))
    data["features"] = [
        f for f in data["features"] if f["properties"]["lor_number"].startswith("04")
    ]
    outlines.write_text(json.dumps(data), encoding="utf-8")
    return hierarchy, outlines, mss


def run(command, *args):
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def row_counts():
    """Rows in every table, history and through tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def snapshot():
    return (
        list(SocialSpace.objects.values_list("lor_number", "name", "level", "parent__lor_number")),
        list(SocialSpaceGeometry.objects.values_list("space__lor_number", "geojson")),
        list(
            SocialMonitoring.objects.values_list(
                "space__lor_number", "year", "status_class", "status_index", "inhabitants"
            )
        ),
    )


def test_district_04_has_its_bezirk_5_prognoseraeume_11_bezirksregionen_53_planungsraeume():
    assert list(SocialSpace.objects.bezirke().values_list("lor_number", "name")) == [
        ("04", "Charlottenburg-Wilmersdorf")
    ]
    assert SocialSpace.objects.prognoseraeume().count() == 5
    assert SocialSpace.objects.bezirksregionen().count() == 11
    assert SocialSpace.objects.planungsraeume().count() == 53
    assert SocialSpaceGeometry.objects.count() == 1 + 5 + 11 + 53


def test_mss_2021_has_52_valid_values_and_one_invalid():
    values = SocialMonitoring.objects.filter(year=2021)
    assert values.filter(is_valid=True).count() == 52
    invalid = values.get(is_valid=False)
    assert invalid.space.lor_number == "04400725"
    assert invalid.status_class is None
    classes = dict(values.filter(is_valid=True).values_list("status_class").annotate(n=Count("id")))
    assert classes == {1: 7, 2: 44, 4: 1}


def test_paul_hertz_siedlung_is_sehr_niedrig_in_2021():
    value = SocialMonitoring.objects.get(space__lor_number="04100102", year=2021)
    assert value.space.name == "Paul-Hertz-Siedlung"
    assert value.get_status_class_display() == "sehr niedrig"
    assert value.status_class == 4
    assert value.inhabitants == 7855
    assert str(value.status_index) == "1.83"


def test_names_are_stripped_and_the_lor_number_is_the_identity():
    # The official table writes "Heerstraße " with a trailing blank.
    assert SocialSpace.objects.get(lor_number="042002").name == "Heerstraße"
    # Same name on two levels: two spaces, told apart by their numbers.
    assert SocialSpace.objects.filter(name="Charlottenburg Nord").count() == 2


def test_charlottenburg_nords_need_is_the_worst_class_of_its_planungsraeume():
    """NEED_RULE: Jungfernheide/Plötzensee (2, mittel) and Paul-Hertz-Siedlung (4) give 4."""
    spaces = list(SocialSpace.objects.filter(lor_number__in=["041001", "0410", "044007"]))
    year, needs = monitoring.needs(spaces)
    assert year == 2021
    nord = needs["041001"]
    assert nord.derived and nord.status_class == 4
    assert nord.label == "4 – sehr niedrig"
    assert nord.planungsraeume == 2
    assert nord.inhabitants == 11548 + 7855
    assert nord.affected == 7855
    assert needs["0410"].status_class == 4
    # Grunewald: the invalid Güterbahnhof (110 inhabitants) does not count.
    assert needs["044007"].planungsraeume == 4


def test_running_the_loaders_twice_changes_nothing(district_files):
    """setup_district loaded them once; the commands load them again: nothing changes."""
    hierarchy, outlines, mss = district_files
    before, counts = snapshot(), row_counts()
    output = run("load_social_spaces", str(hierarchy), str(outlines), "--keep-names")
    output += run("load_social_monitoring", str(mss), "--year", "2021")
    output += run("setup_district", "04")
    assert snapshot() == before
    assert row_counts() == counts
    assert output.count("0 neu, 0 geändert") == 6
    # Without --keep-names the GeoJSON's own name wins; a second run again changes nothing.
    data = json.loads(outlines.read_text(encoding="utf-8"))
    for feature in data["features"]:
        if feature["properties"]["lor_number"] == "04300414":
            feature["properties"]["name"] = "Schloßstraße"  # the MSS's spelling
    outlines.write_text(json.dumps(data), encoding="utf-8")
    run("load_social_spaces", str(outlines))
    assert SocialSpace.objects.get(lor_number="04300414").name == "Schloßstraße"
    renamed, counts = snapshot(), row_counts()
    run("load_social_spaces", str(outlines))
    assert snapshot() == renamed
    assert row_counts() == counts


def test_loading_into_an_empty_table_creates_every_space_and_value(district_files):
    hierarchy, outlines, mss = district_files
    SocialMonitoring.objects.all().delete()
    SocialSpaceGeometry.objects.all().delete()
    SocialSpace.objects.planungsraeume().delete()
    run("load_social_spaces", str(hierarchy), str(outlines), "--keep-names")
    run("load_social_monitoring", str(mss), "--year", "2021")
    assert SocialSpace.objects.planungsraeume().count() == 53
    assert SocialMonitoring.objects.filter(year=2021, is_valid=True).count() == 52


def test_another_year_is_stored_beside_2021(district_files):
    _hierarchy, _outlines, mss = district_files
    run("load_social_monitoring", str(mss), "--year", "2025")
    assert SocialMonitoring.objects.filter(year=2025).count() == 53
    assert SocialMonitoring.objects.filter(year=2021).count() == 53
    year, _needs = monitoring.needs([])
    assert year == 2025


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("kaputt.geojson", '{"type": "FeatureCollection", "features": [', "kein gültiges JSON"),
        (
            "falsch.geojson",
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [
                        {
                            "type": "Feature",
                            "properties": {"lor_number": "04100102", "name": "X"},
                            "geometry": {
                                "type": "Polygon",
                                # Projected metres (EPSG:25833), not WGS84 degrees.
                                "coordinates": [
                                    [
                                        [385000, 5820000],
                                        [385100, 5820000],
                                        [385100, 5820100],
                                        [385000, 5820000],
                                    ]
                                ],
                            },
                        }
                    ],
                }
            ),
            "WGS84",
        ),
        (
            "ohne-nummer.geojson",
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [
                        {"type": "Feature", "properties": {"name": "X"}, "geometry": None}
                    ],
                }
            ),
            "lor_number",
        ),
        ("spalten.csv", "nummer,name\n0410,Nord\n", "Spalten fehlen"),
        ("nummer.csv", "level,lor_number,name\npgr,41A,Nord\n", "keine LOR-Nummer"),
        (
            "eltern.csv",
            "level,lor_number,name,parent_lor_number\nplr,04100102,Paul-Hertz-Siedlung,042002\n",
            "übergeordneter Raum 042002 passt nicht",
        ),
        ("doppelt.csv", "level,lor_number,name\npgr,0410,A\npgr,0410,B\n", "mehrfach"),
        (
            "neu.csv",
            "level,lor_number,name\npgr,0490,Neu\nplr,04999901,Ohne Region\n",
            "Übergeordnete Räume fehlen: 049999",
        ),
    ],
)
def test_a_malformed_space_file_is_refused_with_a_german_message_and_changes_nothing(
    tmp_path, name, content, message
):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    before, counts = snapshot(), row_counts()
    with pytest.raises(CommandError) as error:
        run("load_social_spaces", str(path))
    assert message in str(error.value)
    assert "Nichts geladen" in str(error.value)
    assert snapshot() == before
    assert row_counts() == counts


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("04100102,7855,5,sehr niedrig,gültig,1.83", "nicht 1, 2, 3 oder 4"),
        ("04100102,7855,4,mittel,gültig,1.83", "passt nicht zur Klasse"),
        ("04100102,viele,4,sehr niedrig,gültig,1.83", "keine ganze Zahl"),
        ("04100102,7855,4,sehr niedrig,vielleicht,1.83", "weder „gültig“ noch „ungültig“"),
        ("04100102,7855,4,sehr niedrig,gültig,hoch", "keine Zahl"),
        ("041001,7855,4,sehr niedrig,gültig,1.83", "kein Planungsraum"),
        ("05100102,7855,4,sehr niedrig,gültig,1.83", "fehlen in der Datenbank: 05100102"),
    ],
)
def test_a_malformed_mss_file_is_refused_and_changes_nothing(tmp_path, row, message):
    path = tmp_path / "mss.csv"
    header = "plr_id,einwohner,statusindex_klasse,statusindex_text,gueltigkeit,statusindex_wert"
    good = "04100101,11548,2,mittel,gültig,0.97"
    path.write_text(f"{header}\n{good}\n{row}\n", encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError) as error:
        run("load_social_monitoring", str(path), "--year", "2021")
    assert message in str(error.value)
    assert snapshot() == before


def test_the_year_is_required(district_files):
    with pytest.raises(CommandError):
        run("load_social_monitoring", str(district_files[2]))


def test_with_entfernen_spaces_missing_from_the_files_are_removed_or_archived(
    district_files, jugendamt
):
    from tests.factories import MeasureFactory

    hierarchy, _outlines, _mss = district_files
    used = SocialSpace.objects.get(lor_number="04100102")
    MeasureFactory(title="Kita-Sozialarbeit", lead=jugendamt, social_spaces=[used])
    lines = hierarchy.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not line.startswith(("plr,04100101", "plr,04100102"))]
    hierarchy.write_text("\n".join(kept) + "\n", encoding="utf-8")
    output = run("load_social_spaces", str(hierarchy), "--entfernen")
    assert "1 entfernt, 1 archiviert" in output
    assert not SocialSpace.objects.filter(lor_number="04100101").exists()
    used.refresh_from_db()
    assert used.is_archived and used.measures.count() == 1
