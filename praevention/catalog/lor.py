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

import csv
import json
import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from praevention.core.text import normalize_line

DATA_DIR = Path(__file__).resolve().parent / "data"
# The district's shipped files: loaded by the data migration and by `seed_demo`.
DISTRICT_DIR = DATA_DIR / "lor2021-bezirk04"
# The hierarchy first: it names the spaces; the GeoJSON files add the outlines.
DISTRICT_SPACE_FILES = [
    DISTRICT_DIR / "lor2021-bezirk04-hierarchie.csv",
    DISTRICT_DIR / "lor2021-bezirk04-prognoseraeume.open-data-product.geojson",
    DISTRICT_DIR / "lor2021-bezirk04-bezirksregionen.geojson",
    DISTRICT_DIR / "lor2021-bezirk04-planungsraeume.geojson",
]
DISTRICT_MONITORING = [(DISTRICT_DIR / "mss2021-bezirk04-planungsraeume.csv", 2021)]

# LOR 2021 levels by the length of their number: Prognoseraum 4, Bezirksregion 6, Planungsraum 8.
LEVEL_BY_LENGTH = {4: "pgr", 6: "bzr", 8: "plr"}
PARENT_LENGTH = {"pgr": None, "bzr": 4, "plr": 6}
# MSS status index classes and their German labels, as the Senate publishes them.
STATUS_LABELS = {1: "hoch", 2: "mittel", 3: "niedrig", 4: "sehr niedrig"}
# Plausible WGS84 bounds for Berlin and Brandenburg; a file in another projection fails here.
LON_RANGE = (11.0, 15.0)
LAT_RANGE = (51.0, 54.0)


class LoadError(Exception):
    """A file that cannot be loaded; the message says where and how to fix it (German)."""


@dataclass(frozen=True)
class SpaceRecord:
    """One social space as a file describes it; `geometry` is a GeoJSON geometry or None."""

    lor_number: str
    name: str
    level: str
    geometry: dict | None = None

    @property
    def parent_number(self) -> str | None:
        length = PARENT_LENGTH[self.level]
        return self.lor_number[:length] if length else None


@dataclass(frozen=True)
class MonitoringRecord:
    """One Planungsraum's MSS values; `status_class` None exactly when not valid."""

    lor_number: str
    is_valid: bool
    status_class: int | None
    status_index: Decimal | None
    inhabitants: int


@dataclass
class LoadResult:
    """What a write did: rows created, rows changed, rows already as in the file."""

    created: int = 0
    changed: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.changed + self.unchanged


# Reading ----------------------------------------------------------------------------------


def _level_of(number: str, where: str) -> str:
    if not number.isdigit() or len(number) not in LEVEL_BY_LENGTH:
        raise LoadError(
            _(
                "%(where)s: „%(number)s“ ist keine LOR-Nummer (4, 6 oder 8 Ziffern, "
                "z. B. 0410, 041001, 04100102)."
            )
            % {"where": where, "number": number}
        )
    return LEVEL_BY_LENGTH[len(number)]


def _lor_number(value, where: str) -> str:
    """LOR numbers are text with leading zeros; a spreadsheet may have turned them into
    numbers (4100102), so a number of 7 or 5 or 3 digits gets its zero back."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(int(value))
    number = normalize_line(str(value or ""))
    if number.isdigit() and len(number) in (3, 5, 7):
        number = "0" + number
    _level_of(number, where)
    return number


def _open_text(path: Path) -> str:
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise LoadError(
            _("Die Datei %(path)s lässt sich nicht lesen: %(error)s")
            % {"path": path, "error": error.strerror or error}
        ) from error
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise LoadError(
            _("Die Datei %(path)s ist nicht UTF-8-kodiert. Bitte als UTF-8 speichern.")
            % {"path": path}
        ) from error


def _csv_rows(path: Path, required: set[str]) -> list[tuple[int, dict]]:
    text = _open_text(path)
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(text.splitlines(), delimiter=delimiter)
    header = {normalize_line(name or "") for name in (reader.fieldnames or [])}
    missing = sorted(required - header)
    if missing:
        raise LoadError(
            _("%(path)s: Spalten fehlen: %(columns)s. Erwartet wird eine Kopfzeile mit %(all)s.")
            % {"path": path.name, "columns": ", ".join(missing), "all": ", ".join(sorted(required))}
        )
    rows = []
    for line, row in enumerate(reader, start=2):
        if None in row:
            raise LoadError(
                _("%(path)s, Zeile %(line)d: mehr Felder als Spalten in der Kopfzeile.")
                % {"path": path.name, "line": line}
            )
        clean = {normalize_line(k): normalize_line(v or "") for k, v in row.items()}
        if any(clean.values()):
            rows.append((line, clean))
    if not rows:
        raise LoadError(_("%(path)s enthält keine Datenzeilen.") % {"path": path.name})
    return rows


def _name(value, where: str) -> str:
    name = normalize_line(str(value or ""))
    if not name:
        raise LoadError(_("%(where)s: der Name fehlt.") % {"where": where})
    return name


# The hierarchy file shipped with the project, and the official LOR table (one row per
# Planungsraum with the numbers and names of all three levels).
HIERARCHY_COLUMNS = {"lor_number", "name"}
OFFICIAL_COLUMNS = {
    "Planungsraum (Nummer)": "plr",
    "Bezirksregion (Nummer)": "bzr",
    "Prognoseraum (Nummer)": "pgr",
}


def _read_spaces_csv(path: Path) -> list[SpaceRecord]:
    text_header = _open_text(path).splitlines()[:1]
    if text_header and "Planungsraum (Nummer)" in text_header[0]:
        return _read_official_table(path)
    records = []
    for line, row in _csv_rows(path, HIERARCHY_COLUMNS):
        where = _("%(path)s, Zeile %(line)d") % {"path": path.name, "line": line}
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
        record = SpaceRecord(number, _name(row["name"], where), level)
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
    for line, row in _csv_rows(path, set(OFFICIAL_COLUMNS) | set(names.values())):
        where = _("%(path)s, Zeile %(line)d") % {"path": path.name, "line": line}
        for column, level in OFFICIAL_COLUMNS.items():
            number = _lor_number(row[column], where)
            if LEVEL_BY_LENGTH[len(number)] != level:
                raise LoadError(
                    _("%(where)s: %(column)s „%(number)s“ hat die falsche Länge.")
                    % {"where": where, "column": column, "number": number}
                )
            record = SpaceRecord(number, _name(row[names[level]], where), level)
            if found.setdefault(number, record) != record:
                raise LoadError(
                    _("%(where)s: %(number)s trägt hier einen anderen Namen als weiter oben.")
                    % {"where": where, "number": number}
                )
    return list(found.values())


def _check_ring(ring, where: str) -> None:
    if not isinstance(ring, list) or len(ring) < 4:
        raise LoadError(
            _("%(where)s: ein Ring der Fläche hat weniger als vier Punkte.") % {"where": where}
        )
    for point in ring:
        if (
            not isinstance(point, list)
            or len(point) < 2
            or not all(isinstance(c, int | float) and math.isfinite(c) for c in point[:2])
        ):
            raise LoadError(
                _("%(where)s: ein Punkt ist kein Koordinatenpaar [Länge, Breite].")
                % {"where": where}
            )
        lon, lat = point[0], point[1]
        if not (LON_RANGE[0] <= lon <= LON_RANGE[1] and LAT_RANGE[0] <= lat <= LAT_RANGE[1]):
            raise LoadError(
                _(
                    "%(where)s: der Punkt [%(lon)s, %(lat)s] liegt nicht in Berlin. "
                    "Erwartet werden WGS84-Koordinaten (Länge, Breite in Grad, RFC 7946)."
                )
                % {"where": where, "lon": lon, "lat": lat}
            )
    if ring[0][:2] != ring[-1][:2]:
        raise LoadError(
            _("%(where)s: ein Ring der Fläche ist nicht geschlossen.") % {"where": where}
        )


def _check_geometry(geometry, where: str) -> dict:
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise LoadError(
            _("%(where)s: die Geometrie muss ein Polygon oder MultiPolygon sein.")
            % {"where": where}
        )
    coordinates = geometry.get("coordinates")
    polygons = coordinates if geometry["type"] == "MultiPolygon" else [coordinates]
    if not isinstance(polygons, list) or not polygons:
        raise LoadError(_("%(where)s: die Geometrie hat keine Koordinaten.") % {"where": where})
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise LoadError(_("%(where)s: eine Fläche hat keine Ringe.") % {"where": where})
        for ring in polygon:
            _check_ring(ring, where)
    return {"type": geometry["type"], "coordinates": coordinates}


def _read_spaces_geojson(path: Path) -> list[SpaceRecord]:
    try:
        data = json.loads(_open_text(path))
    except json.JSONDecodeError as error:
        raise LoadError(
            _("%(path)s ist kein gültiges JSON (Zeile %(line)d, Spalte %(col)d: %(msg)s).")
            % {"path": path.name, "line": error.lineno, "col": error.colno, "msg": error.msg}
        ) from error
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise LoadError(
            _("%(path)s: erwartet wird eine GeoJSON-FeatureCollection.") % {"path": path.name}
        )
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise LoadError(_("%(path)s enthält keine Features.") % {"path": path.name})
    records = []
    for index, feature in enumerate(features, start=1):
        where = _("%(path)s, Feature %(n)d") % {"path": path.name, "n": index}
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(properties, dict):
            raise LoadError(_("%(where)s: die Eigenschaften fehlen.") % {"where": where})
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
        geometry = _check_geometry(feature.get("geometry"), where)
        records.append(SpaceRecord(number, _name(properties.get("name"), where), level, geometry))
    return records


def read_spaces(path: Path | str) -> list[SpaceRecord]:
    """The spaces of a CSV (hierarchy or official LOR table) or GeoJSON file, parents first.

    Raises LoadError for an unreadable file, a missing column or property, a malformed LOR
    number, a level or parent that does not fit the number, a geometry that is not a closed
    WGS84 polygon, or a number given twice.
    """
    path = Path(path)
    if path.suffix.lower() in (".geojson", ".json"):
        records = _read_spaces_geojson(path)
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


def _decimal(value: str, where: str, column: str) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value.replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise LoadError(
            _("%(where)s: „%(value)s“ in %(column)s ist keine Zahl.")
            % {"where": where, "value": value, "column": column}
        )
    return number.quantize(Decimal("0.01"))


def read_monitoring(path: Path | str) -> list[MonitoringRecord]:
    """The MSS values of a CSV file in the Senate's open-data columns, one row per Planungsraum.

    Needed columns: plr_id, einwohner, statusindex_klasse, gueltigkeit (text starting with
    "gültig" or "ungültig"); optional statusindex_text (must match the class) and
    statusindex_wert. Raises LoadError for a missing column, a number that is no Planungsraum,
    a class outside 1–4, a valid row without a class, or a Planungsraum given twice.
    """
    path = Path(path)
    records = []
    seen = set()
    for line, row in _csv_rows(path, MONITORING_COLUMNS):
        where = _("%(path)s, Zeile %(line)d") % {"path": path.name, "line": line}
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
        status_class = None
        if is_valid:
            raw = row["statusindex_klasse"]
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
        inhabitants = row["einwohner"].replace(".", "").replace(" ", "")
        if not inhabitants.isdigit():
            raise LoadError(
                _("%(where)s: einwohner „%(value)s“ ist keine ganze Zahl.")
                % {"where": where, "value": row["einwohner"]}
            )
        index = (
            _decimal(row.get("statusindex_wert", ""), where, "statusindex_wert")
            if is_valid
            else None
        )
        records.append(MonitoringRecord(number, is_valid, status_class, index, int(inhabitants)))
    return records


# Writing ----------------------------------------------------------------------------------


def _models(space_model, geometry_model=None, monitoring_model=None):
    if space_model is None:
        from praevention.catalog.models import SocialMonitoring, SocialSpace, SocialSpaceGeometry

        return SocialSpace, SocialSpaceGeometry, SocialMonitoring
    return space_model, geometry_model, monitoring_model


def write_spaces(records, *, keep_names=False, space_model=None, geometry_model=None) -> LoadResult:
    """Create or update the spaces (by LOR number) and their outlines, in one transaction.

    A record's parent must be in the database or in `records`. Names are compared as stored;
    with `keep_names` an existing space keeps its name (files that only bring outlines may
    name a space differently, e.g. the LOR GeoJSON "Schloßstraße" for the hierarchy's
    "Schloßstraße (Charlottenburg)"). An outline is replaced only when it differs. Raises
    LoadError (nothing written) for a missing parent or a name that a sibling already has.
    """
    Space, Geometry, _monitoring = _models(space_model, geometry_model)
    result = LoadResult()
    numbers = {r.lor_number for r in records} | {
        r.parent_number for r in records if r.parent_number
    }
    try:
        with transaction.atomic():
            existing = {s.lor_number: s for s in Space.objects.filter(lor_number__in=numbers)}
            missing = sorted(
                {
                    r.parent_number
                    for r in records
                    if r.parent_number
                    and r.parent_number not in existing
                    and r.parent_number not in {x.lor_number for x in records}
                }
            )
            if missing:
                raise LoadError(
                    _(
                        "Übergeordnete Räume fehlen: %(numbers)s. Bitte zuerst die Hierarchie "
                        "laden (z. B. die Datei …-hierarchie.csv)."
                    )
                    % {"numbers": ", ".join(missing)}
                )
            shapes = {
                g.space_id: g
                for g in Geometry.objects.filter(
                    space__lor_number__in=[r.lor_number for r in records if r.geometry]
                )
            }
            for record in records:  # parents first: read_spaces sorts by length
                parent = existing.get(record.parent_number) if record.parent_number else None
                space = existing.get(record.lor_number)
                if space is None:
                    space = Space(
                        lor_number=record.lor_number,
                        name=record.name,
                        level=record.level,
                        parent=parent,
                    )
                    space.save()
                    existing[record.lor_number] = space
                    result.created += 1
                else:
                    wanted = {
                        "name": space.name if keep_names else record.name,
                        "level": record.level,
                        "parent_id": parent.pk if parent else None,
                    }
                    changed = [k for k, v in wanted.items() if getattr(space, k) != v]
                    if changed:
                        for key in changed:
                            setattr(space, key, wanted[key])
                        space.save()
                        result.changed += 1
                    elif record.geometry is None or (
                        space.pk in shapes and shapes[space.pk].geojson == record.geometry
                    ):
                        result.unchanged += 1
                    else:
                        result.changed += 1
                if record.geometry is not None:
                    shape = shapes.get(space.pk)
                    if shape is None:
                        Geometry.objects.create(space=space, geojson=record.geometry)
                    elif shape.geojson != record.geometry:
                        shape.geojson = record.geometry
                        shape.save(update_fields=["geojson", "updated_at"])
    except IntegrityError as error:
        raise LoadError(
            _(
                "Die Räume verletzen eine Regel der Datenbank (z. B. zwei Räume mit demselben "
                "Namen unter demselben übergeordneten Raum); nichts wurde gespeichert: %(error)s"
            )
            % {"error": error}
        ) from error
    return result


def write_monitoring(records, *, year: int, space_model=None, monitoring_model=None) -> LoadResult:
    """Store `records` as the MSS values of `year`, one row per Planungsraum and year.

    Raises LoadError (nothing written) when a Planungsraum is not in the database or the year
    is implausible. Values of other years are left alone; so are Planungsräume missing from the
    file.
    """
    Space, _geometry, Monitoring = _models(space_model, None, monitoring_model)
    if not 1990 <= year <= 2100:
        raise LoadError(_("Das Jahr %(year)s ist nicht plausibel.") % {"year": year})
    spaces = {
        s.lor_number: s
        for s in Space.objects.filter(lor_number__in=[r.lor_number for r in records], level="plr")
    }
    missing = sorted({r.lor_number for r in records} - set(spaces))
    if missing:
        raise LoadError(
            _(
                "Diese Planungsräume fehlen in der Datenbank: %(numbers)s. Bitte zuerst "
                "„manage.py load_social_spaces“ mit den Räumen des Bezirks ausführen."
            )
            % {"numbers": ", ".join(missing)}
        )
    result = LoadResult()
    with transaction.atomic():
        current = {
            m.space_id: m
            for m in Monitoring.objects.filter(year=year, space__in=list(spaces.values()))
        }
        for record in records:
            space = spaces[record.lor_number]
            wanted = {
                "is_valid": record.is_valid,
                "status_class": record.status_class,
                "status_index": record.status_index,
                "inhabitants": record.inhabitants,
            }
            row = current.get(space.pk)
            if row is None:
                Monitoring.objects.create(space=space, year=year, **wanted)
                result.created += 1
                continue
            changed = [k for k, v in wanted.items() if getattr(row, k) != v]
            if changed:
                for key in changed:
                    setattr(row, key, wanted[key])
                row.save(update_fields=changed)
                result.changed += 1
            else:
                result.unchanged += 1
    return result


def load_district(*, space_model=None, geometry_model=None, monitoring_model=None) -> None:
    """Load the district's shipped files (LOR 2021 spaces and outlines, MSS 2021)."""
    hierarchy, *outlines = DISTRICT_SPACE_FILES
    write_spaces(read_spaces(hierarchy), space_model=space_model, geometry_model=geometry_model)
    for path in outlines:
        write_spaces(
            read_spaces(path),
            keep_names=True,
            space_model=space_model,
            geometry_model=geometry_model,
        )
    for path, year in DISTRICT_MONITORING:
        write_monitoring(
            read_monitoring(path),
            year=year,
            space_model=space_model,
            monitoring_model=monitoring_model,
        )
