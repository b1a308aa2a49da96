"""Read and store the official social spaces (LOR) and their social-monitoring values (MSS).

Works for any Berlin district and year: the files name their spaces by LOR number, which is the
identity (names repeat across Berlin and across levels). Reading checks a whole file first and
raises `LoadError` with a German message naming the line or feature and what is wrong; writing
then happens in one transaction, touching only rows whose values differ, so a second load of the
same file writes nothing (no new history records, no new data version).

The writers take the model classes as arguments so that a data migration can pass its
historical models (`apps.get_model`); commands and tests use the defaults.

Sources: LOR 2021, Amt für Statistik Berlin-Brandenburg (CC BY 3.0 DE); Monitoring Soziale
Stadtentwicklung, Senatsverwaltung für Stadtentwicklung, Bauen und Wohnen Berlin. The shipped
files and their credit lines are in `catalog/data/<set>/README.md`.
"""

from pathlib import Path

from django.utils.translation import gettext as _

from praevention.catalog.spacedata import (
    LEVEL_BY_LENGTH,
    DistrictFiles,
    IndicatorMeta,
    LoadError,
    LoadResult,
    MonitoringRecord,
    SpaceRecord,
    check_complete,
    check_geometry,
    csv_rows,
    decimal_of,
    inhabitants_of,
    name_of,
    open_text,
    percentage_of,
    read_geojson_features,
    where_line,
    write_monitoring,
    write_spaces,
)
from praevention.core.text import normalize_line

__all__ = [
    "LoadError",
    "LoadResult",
    "MonitoringRecord",
    "SpaceRecord",
    "berlin_district",
    "read_monitoring",
    "read_spaces",
    "write_monitoring",
    "write_spaces",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
# Every Berlin district's LOR 2021 spaces, outlines and MSS (see its README for counts and
# credits); `berlin_district` takes one district out of them.
BERLIN_DIR = DATA_DIR / "lor2021-berlin"
HIERARCHY_FILE = BERLIN_DIR / "lor2021-berlin-hierarchie.csv"
OUTLINE_FILES = [
    BERLIN_DIR / "berlin-bezirke.geojson",
    BERLIN_DIR / "lor2021-berlin-prognoseraeume.geojson",
    BERLIN_DIR / "lor2021-berlin-bezirksregionen.geojson",
    BERLIN_DIR / "lor2021-berlin-planungsraeume.geojson",
]
MONITORING_FILES = {
    2021: BERLIN_DIR / "mss2021-berlin-planungsraeume.csv",
    2023: BERLIN_DIR / "mss2023-berlin-planungsraeume.csv",
}
# The twelve Berlin districts as the LOR numbers them.
BEZIRKE = {
    "01": "Mitte",
    "02": "Friedrichshain-Kreuzberg",
    "03": "Pankow",
    "04": "Charlottenburg-Wilmersdorf",
    "05": "Spandau",
    "06": "Steglitz-Zehlendorf",
    "07": "Tempelhof-Schöneberg",
    "08": "Neukölln",
    "09": "Treptow-Köpenick",
    "10": "Marzahn-Hellersdorf",
    "11": "Lichtenberg",
    "12": "Reinickendorf",
}
LEVEL_NAMES = {
    "bez": ["Bezirk", "Bezirke"],
    "pgr": ["Prognoseraum", "Prognoseräume"],
    "bzr": ["Bezirksregion", "Bezirksregionen"],
    "plr": ["Planungsraum", "Planungsräume"],
}
PARENT_LENGTH = {"bez": None, "pgr": 2, "bzr": 4, "plr": 6}
# MSS status index classes and their German labels, as the Senate publishes them.
STATUS_LABELS = {1: "hoch", 2: "mittel", 3: "niedrig", 4: "sehr niedrig"}
# Plausible WGS84 bounds for Berlin and Brandenburg; a file in another projection fails here.
LON_RANGE = (11.0, 15.0)
LAT_RANGE = (51.0, 54.0)
BOUNDS = (LON_RANGE, LAT_RANGE)

# Credit lines as the data README gives them (catalog/data/lor2021-berlin/README.md).
LOR_CREDIT = (
    "Sozialräume und Umrisse: Lebensweltlich orientierte Räume (LOR) 01.01.2021, Amt für "
    "Statistik Berlin-Brandenburg, CC BY 3.0 DE; Umrisse vereinfacht (1 m), Bezirksregionen, "
    "Prognoseräume und Bezirke aus den Planungsräumen zusammengesetzt."
)
MSS_SOURCES = {
    2021: (
        "Monitoring Soziale Stadtentwicklung 2021 (Daten vom 31.12.2020), Senatsverwaltung "
        "für Stadtentwicklung, Bauen und Wohnen Berlin"
    ),
    2023: (
        "Monitoring Soziale Stadtentwicklung 2023 (Daten vom 31.12.2022), Senatsverwaltung "
        "für Stadtentwicklung, Bauen und Wohnen Berlin, Datenlizenz Deutschland – "
        "Namensnennung – Version 2.0"
    ),
}


def mss_source(year: int) -> str:
    return MSS_SOURCES.get(
        year,
        f"Monitoring Soziale Stadtentwicklung {year}, Senatsverwaltung für Stadtentwicklung, "
        "Bauen und Wohnen Berlin",
    )


def mss_indicators(year: int, records) -> list[IndicatorMeta]:
    """Name, unit and source of the MSS indicators that `records` (one year) carry."""
    source = mss_source(year)
    metas = []
    if any(r.status_class for r in records):
        metas.append(IndicatorMeta("status", "MSS-Statusindex", "", source))
    if any(r.child_poverty is not None for r in records):
        metas.append(IndicatorMeta("kinderarmut", "S4 Kinderarmut", "%", source))
    if any(r.single_parent is not None for r in records):
        name = "S2 Kinder in Alleinerziehenden-Haushalten"
        metas.append(IndicatorMeta("alleinerziehende", name, "%", source))
    return metas


# Reading ----------------------------------------------------------------------------------


def _level_of(number: str, where: str) -> str:
    if not number.isdigit() or len(number) not in LEVEL_BY_LENGTH:
        raise LoadError(
            _(
                "%(where)s: „%(number)s“ ist keine LOR-Nummer (2, 4, 6 oder 8 Ziffern, "
                "z. B. 04, 0410, 041001, 04100102)."
            )
            % {"where": where, "number": number}
        )
    return LEVEL_BY_LENGTH[len(number)]


def _lor_number(value, where: str) -> str:
    """LOR numbers are text with leading zeros; a spreadsheet may have turned them into
    numbers (4100102), so a number of 7, 5, 3 or 1 digits gets its zero back."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(int(value))
    number = normalize_line(str(value or ""))
    if number.isdigit() and len(number) in (1, 3, 5, 7):
        number = "0" + number
    _level_of(number, where)
    return number


# The hierarchy file shipped with the project, and the official LOR table (one row per
# Planungsraum with the numbers and names of all three levels).
HIERARCHY_COLUMNS = {"lor_number", "name"}
OFFICIAL_COLUMNS = {
    "Planungsraum (Nummer)": "plr",
    "Bezirksregion (Nummer)": "bzr",
    "Prognoseraum (Nummer)": "pgr",
}


def _read_spaces_csv(path: Path) -> list[SpaceRecord]:
    text_header = open_text(path).splitlines()[:1]
    if text_header and "Planungsraum (Nummer)" in text_header[0]:
        return _read_official_table(path)
    records = []
    for line, row in csv_rows(path, HIERARCHY_COLUMNS):
        where = where_line(path, line)
        number = _lor_number(row["lor_number"], where)
        level = _level_of(number, where)
        if row.get("level") and row["level"] != level:
            raise LoadError(
                _(
                    "%(where)s: Ebene „%(given)s“ passt nicht zur LOR-Nummer %(number)s "
                    "(%(digits)d Ziffern sind „%(level)s“)."
                )
                % {
                    "where": where,
                    "given": row["level"],
                    "number": number,
                    "digits": len(number),
                    "level": level,
                }
            )
        record = SpaceRecord(number, name_of(row["name"], where), level, where=where)
        given_parent = row.get("parent_lor_number", "")
        if given_parent and given_parent != record.parent_number:
            raise LoadError(
                _(
                    "%(where)s: übergeordneter Raum %(given)s passt nicht zu %(number)s "
                    "(LOR-Nummern beginnen mit der ihres übergeordneten Raums)."
                )
                % {"where": where, "given": given_parent, "number": number}
            )
        records.append(record)
    return records


def _read_official_table(path: Path) -> list[SpaceRecord]:
    """The official LOR table: every row names a Planungsraum with its region and forecast area."""
    names = {
        "plr": "Planungsraum (Name)",
        "bzr": "Bezirksregion (Name)",
        "pgr": "Prognoseraum (Name)",
    }
    found: dict[str, SpaceRecord] = {}
    for line, row in csv_rows(path, set(OFFICIAL_COLUMNS) | set(names.values())):
        where = where_line(path, line)
        for column, level in OFFICIAL_COLUMNS.items():
            number = _lor_number(row[column], where)
            if LEVEL_BY_LENGTH[len(number)] != level:
                raise LoadError(
                    _("%(where)s: %(column)s „%(number)s“ hat die falsche Länge.")
                    % {"where": where, "column": column, "number": number}
                )
            record = SpaceRecord(number, name_of(row[names[level]], where), level)
            if found.setdefault(number, record) != record:
                raise LoadError(
                    _("%(where)s: %(number)s trägt hier einen anderen Namen als weiter oben.")
                    % {"where": where, "number": number}
                )
    return list(found.values())


def _read_spaces_geojson(path: Path, within: str = "") -> list[SpaceRecord]:
    records = []
    for where, properties, geometry in read_geojson_features(path):
        raw_number = next(
            (
                properties[key]
                for key in ("lor_number", "id", "PLR_ID", "BZR_ID")
                if key in properties
            ),
            None,
        )
        if raw_number is None:
            raise LoadError(
                _("%(where)s: die Eigenschaft „lor_number“ (oder „id“) fehlt.") % {"where": where}
            )
        number = _lor_number(raw_number, where)
        level = _level_of(number, where)
        if not number.startswith(within):
            continue
        shape = check_geometry(geometry, where, BOUNDS, "Berlin")
        records.append(SpaceRecord(number, name_of(properties.get("name"), where), level, shape))
    return records


def read_spaces(path: Path | str, within: str = "") -> list[SpaceRecord]:
    """The spaces of a CSV (hierarchy or official LOR table) or GeoJSON file, parents first.

    Raises LoadError for an unreadable file, a missing column or property, a malformed LOR
    number, a level or parent that does not fit the number, a geometry that is not a closed
    WGS84 polygon in Berlin, or a number given twice. With `within` (a LOR number) a GeoJSON
    file's other spaces are left aside unchecked.
    """
    path = Path(path)
    if path.suffix.lower() in (".geojson", ".json"):
        records = _read_spaces_geojson(path, within)
    elif path.suffix.lower() == ".csv":
        records = _read_spaces_csv(path)
    else:
        raise LoadError(
            _("%(path)s: erwartet wird eine .csv- oder .geojson-Datei.") % {"path": path.name}
        )
    seen = set()
    for record in records:
        if record.lor_number in seen:
            raise LoadError(
                _("%(path)s: die LOR-Nummer %(number)s kommt mehrfach vor.")
                % {"path": path.name, "number": record.lor_number}
            )
        seen.add(record.lor_number)
    return sorted(records, key=lambda record: (len(record.lor_number), record.lor_number))


MONITORING_COLUMNS = {"plr_id", "einwohner", "statusindex_klasse", "gueltigkeit"}


def _status_class(row, where: str) -> int | None:
    """The status index class (1–4) of a valid row, None when the file gives none; its
    optional text must name the same class. LoadError otherwise."""
    status_class = None
    raw = row["statusindex_klasse"]
    if raw:
        if raw not in ("1", "2", "3", "4"):
            raise LoadError(
                _("%(where)s: statusindex_klasse „%(value)s“ ist nicht 1, 2, 3 oder 4.")
                % {"where": where, "value": raw}
            )
        status_class = int(raw)
        text = row.get("statusindex_text", "")
        if text and text != STATUS_LABELS[status_class]:
            raise LoadError(
                _(
                    "%(where)s: statusindex_text „%(text)s“ passt nicht zur Klasse "
                    "%(klass)d („%(label)s“)."
                )
                % {
                    "where": where,
                    "text": text,
                    "klass": status_class,
                    "label": STATUS_LABELS[status_class],
                }
            )
    return status_class


def read_monitoring(path: Path | str) -> list[MonitoringRecord]:
    """The MSS values of a CSV file in the Senate's open-data columns, one row per Planungsraum.

    Needed columns: plr_id, einwohner, statusindex_klasse, gueltigkeit (text starting with
    "gültig" or "ungültig"); optional statusindex_text (must match the class),
    statusindex_wert, s4_kinderarmut_pct and s2_kinder_alleinerziehende_pct (percent). A valid
    row may have no class and no inhabitants (MSS 2023 publishes only indicator values).
    Raises LoadError for a missing column, a number that is no Planungsraum, a class outside
    1–4, a share outside 0–100, or a Planungsraum given twice.
    """
    path = Path(path)
    records = []
    seen = set()
    for line, row in csv_rows(path, MONITORING_COLUMNS):
        where = where_line(path, line)
        number = _lor_number(row["plr_id"], where)
        if LEVEL_BY_LENGTH[len(number)] != "plr":
            raise LoadError(
                _("%(where)s: %(number)s ist kein Planungsraum (8 Ziffern).")
                % {"where": where, "number": number}
            )
        if number in seen:
            raise LoadError(
                _("%(where)s: der Planungsraum %(number)s kommt mehrfach vor.")
                % {"where": where, "number": number}
            )
        seen.add(number)
        validity = row["gueltigkeit"].casefold()
        if not validity.startswith(("gültig", "ungültig")):
            raise LoadError(
                _("%(where)s: „%(value)s“ in gueltigkeit ist weder „gültig“ noch „ungültig“.")
                % {"where": where, "value": row["gueltigkeit"]}
            )
        is_valid = validity.startswith("gültig")
        status_class = _status_class(row, where) if is_valid else None
        inhabitants = inhabitants_of(row["einwohner"], where)
        index = (
            decimal_of(row.get("statusindex_wert", ""), where, "statusindex_wert")
            if is_valid
            else None
        )
        shares = {
            column: percentage_of(row.get(column, ""), where, column) if is_valid else None
            for column in ("s4_kinderarmut_pct", "s2_kinder_alleinerziehende_pct")
        }
        records.append(
            MonitoringRecord(
                number,
                is_valid,
                status_class,
                index,
                inhabitants,
                child_poverty=shares["s4_kinderarmut_pct"],
                single_parent=shares["s2_kinder_alleinerziehende_pct"],
                where=where,
            )
        )
    return records


# One district out of the Berlin files ----------------------------------------------------


def berlin_district(number: str) -> DistrictFiles:
    """District `number` ("01" … "12") out of the shipped Berlin files: its Bezirk,
    Prognoseräume, Bezirksregionen and Planungsräume with their outlines (names from the
    hierarchy), and the MSS of every shipped year. Raises LoadError for an unknown number or a
    broken file."""
    number = normalize_line(number).zfill(2)
    if number not in BEZIRKE:
        raise LoadError(
            _(
                "„%(number)s“ ist kein Berliner Bezirk. Bitte eine Nummer von 01 bis 12 angeben "
                "(z. B. 04 für Charlottenburg-Wilmersdorf)."
            )
            % {"number": number}
        )
    spaces = {r.lor_number: r for r in read_spaces(HIERARCHY_FILE) if r.lor_number[:2] == number}
    for path in OUTLINE_FILES:
        for record in read_spaces(path, within=number):
            if record.lor_number[:2] != number:
                continue
            known = spaces.get(record.lor_number)
            if known is None:
                raise LoadError(
                    _(
                        "%(path)s: %(number)s steht nicht in der Hierarchie (%(hierarchy)s). "
                        "Bitte den Umriss löschen oder den Raum in der Hierarchie ergänzen."
                    )
                    % {
                        "path": path.name,
                        "number": record.lor_number,
                        "hierarchy": HIERARCHY_FILE.name,
                    }
                )
            spaces[record.lor_number] = SpaceRecord(
                known.lor_number, known.name, known.level, record.geometry, known.code, known.where
            )
    years = {
        year: [r for r in read_monitoring(path) if r.lor_number[:2] == number]
        for year, path in MONITORING_FILES.items()
    }
    records = sorted(spaces.values(), key=lambda r: (len(r.lor_number), r.lor_number))
    check_complete(records, years, HIERARCHY_FILE.name)
    return DistrictFiles(
        number=number,
        name=spaces[number].name if number in spaces else BEZIRKE[number],
        spaces=records,
        years=years,
        indicators={year: mss_indicators(year, rows) for year, rows in years.items()},
        level_names=LEVEL_NAMES,
        credits=[LOR_CREDIT],
    )
