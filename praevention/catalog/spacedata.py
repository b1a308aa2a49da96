"""Social spaces and their indicator values as files describe them, and how they are stored.

Format-independent: the records every reader produces (the Berlin profile in `catalog.lor`,
any other municipality in `catalog.spacefiles`), the checks they share (text encoding, CSV
columns, outlines, percentages) and the writers. Reading checks a whole file first and raises
`LoadError` with a German message naming the file, the line or feature, and the fix; writing
happens in one transaction, touching only rows whose values differ, so a second load of the
same files writes nothing (no new history records, no new data version).

The writers take the model classes as arguments so that a data migration could pass its
historical models (`apps.get_model`); commands and tests use the defaults.
"""

import csv
import json
import math
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from praevention.core.text import normalize_line

# Nesting keys by level: Bezirk 2 digits, Prognoseraum 4, Bezirksregion 6, Planungsraum 8.
LEVEL_BY_LENGTH = {2: "bez", 4: "pgr", 6: "bzr", 8: "plr"}
LENGTH_BY_LEVEL = {level: length for length, level in LEVEL_BY_LENGTH.items()}
LEVELS = ["bez", "pgr", "bzr", "plr"]  # top to bottom


class LoadError(Exception):
    """A file that cannot be loaded; the message says where and how to fix it (German)."""


@dataclass(frozen=True)
class SpaceRecord:
    """One social space: `lor_number` its nesting key, `code` the file's identifier (shown to
    users), `geometry` a GeoJSON geometry or None."""

    lor_number: str
    name: str
    level: str
    geometry: dict | None = None
    code: str = ""
    where: str = field(default="", compare=False)

    @property
    def parent_number(self) -> str | None:
        length = LENGTH_BY_LEVEL[self.level] - 2
        return self.lor_number[:length] if length else None

    @property
    def shown_code(self) -> str:
        return self.code or self.lor_number


@dataclass(frozen=True)
class MonitoringRecord:
    """One Planungsraum's values of one year.

    `status_class` 1–4 or None (not published, or not valid); `inhabitants` None when the year
    publishes none; `child_poverty` (S4) and `single_parent` (S2) in percent or None. `where`
    names the file and line for messages.
    """

    lor_number: str
    is_valid: bool
    status_class: int | None
    status_index: Decimal | None
    inhabitants: int | None
    child_poverty: Decimal | None = None
    single_parent: Decimal | None = None
    where: str = field(default="", compare=False)


@dataclass(frozen=True)
class IndicatorMeta:
    """What one year's indicator is: key (MonitoringIndicator.Key), name, unit and source."""

    key: str
    name: str
    unit: str
    source: str


@dataclass
class LoadResult:
    """What a write did: rows created, changed, already as in the file, removed, archived."""

    created: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    archived: int = 0

    @property
    def total(self) -> int:
        return self.created + self.changed + self.unchanged


@dataclass
class DistrictFiles:
    """Everything `setup_district` stores for one district: its spaces of every level with
    their outlines, and per year the MSS values and what each indicator is."""

    number: str
    name: str
    spaces: list[SpaceRecord]
    years: dict[int, list[MonitoringRecord]] = field(default_factory=dict)
    indicators: dict[int, list[IndicatorMeta]] = field(default_factory=dict)
    level_names: dict = field(default_factory=dict)
    credits: list[str] = field(default_factory=list)
    profile: str = "berlin"


def check_complete(spaces: list[SpaceRecord], years, hierarchy_name: str) -> None:
    """Every parent of a space and every Planungsraum with values is among `spaces`; else a
    LoadError naming the file, the line and the fix."""
    numbers = {record.lor_number: record for record in spaces}
    top = min(len(number) for number in numbers) if numbers else 0
    for record in spaces:
        parent = record.parent_number
        if parent and len(parent) >= top and parent not in numbers:
            raise LoadError(
                _(
                    "%(where)s: der übergeordnete Raum %(parent)s von „%(name)s“ fehlt in der "
                    "Datei. Bitte ihn als eigene Zeile ergänzen oder die Angabe des "
                    "übergeordneten Raums berichtigen."
                )
                % {
                    "where": record.where or hierarchy_name,
                    "parent": parent,
                    "name": record.name,
                }
            )
    for records in years.values():
        for value in records:
            space = numbers.get(value.lor_number)
            if space is None or space.level != "plr":
                raise LoadError(
                    _(
                        "%(where)s: %(number)s steht nicht als unterste Ebene in der "
                        "Hierarchie (%(hierarchy)s). Bitte die Zeile löschen oder den Raum in "
                        "der Hierarchie ergänzen."
                    )
                    % {
                        "where": value.where,
                        "number": value.lor_number,
                        "hierarchy": hierarchy_name,
                    }
                )


# Reading helpers -----------------------------------------------------------------------------


def where_line(path: Path, line: int) -> str:
    return _("%(path)s, Zeile %(line)d") % {"path": Path(path).name, "line": line}


def open_text(path: Path) -> str:
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


def csv_rows(path: Path, required: set[str]) -> list[tuple[int, dict]]:
    """[(line number, {column: normalised text})] of a CSV file (comma or semicolon)."""
    path = Path(path)
    text = open_text(path)
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


def read_geojson_features(path: Path) -> list[tuple[str, dict, object]]:
    """[(where, properties, geometry)] of a GeoJSON FeatureCollection."""
    path = Path(path)
    try:
        data = json.loads(open_text(path))
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
    found = []
    for index, feature in enumerate(features, start=1):
        where = _("%(path)s, Feature %(n)d") % {"path": path.name, "n": index}
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(properties, dict):
            raise LoadError(_("%(where)s: die Eigenschaften fehlen.") % {"where": where})
        found.append((where, properties, feature.get("geometry")))
    return found


def name_of(value, where: str) -> str:
    name = normalize_line(str(value or ""))
    if not name:
        raise LoadError(_("%(where)s: der Name fehlt.") % {"where": where})
    return name


def decimal_of(value: str, where: str, column: str, places: str = "0.01") -> Decimal | None:
    """The number in `value` ("50.64443" or "50,64"), quantized to `places`; None if empty."""
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
    return number.quantize(Decimal(places))


def percentage_of(value: str, where: str, column: str) -> Decimal | None:
    """A share in percent (0–100, five decimals kept); None if empty."""
    number = decimal_of(value, where, column, "0.00001")
    if number is not None and not 0 <= number <= 100:
        raise LoadError(
            _(
                "%(where)s: %(column)s „%(value)s“ liegt nicht zwischen 0 und 100. Bitte den "
                "Anteil in Prozent angeben (z. B. 50,64 für 50,64 %%), nicht als Bruch oder "
                "als Anzahl."
            )
            % {"where": where, "column": column, "value": value}
        )
    return number


def inhabitants_of(value: str, where: str) -> int | None:
    """A whole number of inhabitants ("7.855" or "7855"); None if empty."""
    digits = value.replace(".", "").replace(" ", "")
    if not digits:
        return None
    if not digits.isdigit():
        raise LoadError(
            _("%(where)s: einwohner „%(value)s“ ist keine ganze Zahl.")
            % {"where": where, "value": value}
        )
    return int(digits)


# Outlines ---------------------------------------------------------------------------------

WORLD = ((-180.0, 180.0), (-90.0, 90.0))


def _check_ring(ring, where: str, bounds, region: str) -> None:
    if not isinstance(ring, list) or len(ring) < 4:
        raise LoadError(
            _(
                "%(where)s: ein Ring der Fläche hat weniger als vier Punkte. Bitte die Fläche "
                "in einem GIS prüfen und als geschlossenes Polygon neu speichern."
            )
            % {"where": where}
        )
    (west, east), (south, north) = bounds
    for point in ring:
        if (
            not isinstance(point, list)
            or len(point) < 2
            or not all(
                isinstance(c, int | float) and not isinstance(c, bool) and math.isfinite(c)
                for c in point[:2]
            )
        ):
            raise LoadError(
                _("%(where)s: ein Punkt ist kein Koordinatenpaar [Länge, Breite].")
                % {"where": where}
            )
        lon, lat = point[0], point[1]
        if not (west <= lon <= east and south <= lat <= north):
            raise LoadError(
                _(
                    "%(where)s: der Punkt [%(lon)s, %(lat)s] liegt nicht in %(region)s. "
                    "Erwartet werden WGS84-Koordinaten (Länge, Breite in Grad, RFC 7946)."
                )
                % {"where": where, "lon": lon, "lat": lat, "region": region}
            )
    if ring[0][:2] != ring[-1][:2]:
        raise LoadError(
            _(
                "%(where)s: ein Ring der Fläche ist nicht geschlossen (der letzte Punkt muss "
                "gleich dem ersten sein)."
            )
            % {"where": where}
        )


def check_geometry(geometry, where: str, bounds=WORLD, region: str = "") -> dict:
    """`geometry` if it is a valid WGS84 Polygon or MultiPolygon within `bounds`
    ((west, east), (south, north) in degrees), else LoadError naming `where` and the fix.

    Validity (no self-intersection, holes inside) is checked with shapely (OGC simple features).
    """
    from shapely.geometry import shape
    from shapely.validation import explain_validity

    region = region or _("dem erlaubten Bereich")
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
            _check_ring(ring, where, bounds, region)
    clean = {"type": geometry["type"], "coordinates": coordinates}
    shaped = shape(clean)
    if not shaped.is_valid:
        raise LoadError(
            _(
                "%(where)s: der Umriss ist kein gültiges Polygon (%(reason)s). Bitte die Fläche "
                "in einem GIS reparieren (z. B. QGIS „Geometrien reparieren“) und die Datei neu "
                "speichern."
            )
            % {"where": where, "reason": explain_validity(shaped)}
        )
    return clean


# Writing ----------------------------------------------------------------------------------


def _models(space_model, geometry_model=None, monitoring_model=None):
    if space_model is None:
        from praevention.catalog.models import SocialMonitoring, SocialSpace, SocialSpaceGeometry

        return SocialSpace, SocialSpaceGeometry, SocialMonitoring
    return space_model, geometry_model, monitoring_model


def _write_space(record, existing, shapes, result, keep_names, space_model, geometry_model) -> None:
    """Create or update one space and its outline (`write_spaces`); counts into `result` and
    adds a new space to `existing` (by nesting key), so its children find it."""
    parent = existing.get(record.parent_number) if record.parent_number else None
    space = existing.get(record.lor_number)
    code = record.code or record.lor_number
    if space is None:
        space = space_model(
            lor_number=record.lor_number,
            code=code,
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
            "code": code,
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
            geometry_model.objects.create(space=space, geojson=record.geometry)
        elif shape.geojson != record.geometry:
            shape.geojson = record.geometry
            shape.save(update_fields=["geojson", "updated_at"])


def write_spaces(
    records, *, keep_names=False, prune=False, space_model=None, geometry_model=None
) -> LoadResult:
    """Create or update the spaces (by nesting key) and their outlines, in one transaction.

    A record's parent must be in the database or in `records`; a Prognoseraum whose Bezirk is
    in neither gets none (older files have no Bezirk level). With `keep_names` an existing
    space keeps its name (files that only bring outlines may name a space differently, e.g.
    the LOR GeoJSON "Schloßstraße" for the hierarchy's "Schloßstraße (Charlottenburg)"). An
    outline is replaced only when it differs. With `prune` the records are the whole set:
    every other space is deleted when nothing uses it (no measure links it, no kept space
    lies below it) and archived otherwise. Raises LoadError (nothing written) for a missing
    parent or a name that a sibling already has.
    """
    Space, Geometry, _monitoring = _models(space_model, geometry_model)
    result = LoadResult()
    numbers = {r.lor_number for r in records} | {
        r.parent_number for r in records if r.parent_number
    }
    in_file = {r.lor_number for r in records}
    try:
        with transaction.atomic():
            existing = {s.lor_number: s for s in Space.objects.filter(lor_number__in=numbers)}
            missing = sorted(
                {
                    r.parent_number
                    for r in records
                    if r.parent_number
                    and r.level != "pgr"
                    and r.parent_number not in existing
                    and r.parent_number not in in_file
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
            for record in sorted(records, key=lambda r: (len(r.lor_number), r.lor_number)):
                _write_space(record, existing, shapes, result, keep_names, Space, Geometry)
            if prune:
                _prune(Space, in_file, result)
    except IntegrityError as error:
        raise LoadError(
            _(
                "Die Räume verletzen eine Regel der Datenbank (z. B. zwei Räume mit demselben "
                "Namen unter demselben übergeordneten Raum); nichts wurde gespeichert: %(error)s"
            )
            % {"error": error}
        ) from error
    return result


def _prune(Space, keep: set[str], result: LoadResult) -> None:
    """Delete the spaces outside `keep` that nothing uses, archive the others (deepest first,
    so a parent is free once its unused children are gone)."""
    others = Space.objects.exclude(lor_number__in=keep)
    linked = set(Space.objects.filter(measures__isnull=False).values_list("lor_number", flat=True))
    for space in sorted(others, key=lambda s: -len(s.lor_number)):
        if space.lor_number in linked or Space.objects.filter(parent=space).exists():
            if not space.is_archived:
                space.is_archived = True
                space.save(update_fields=["is_archived"])
                result.archived += 1
            continue
        space.delete()
        result.removed += 1


def write_monitoring(records, *, year: int, space_model=None, monitoring_model=None) -> LoadResult:
    """Store `records` as the values of `year`, one row per Planungsraum and year.

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
                "child_poverty": record.child_poverty,
                "single_parent": record.single_parent,
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


def write_indicators(metas: list[IndicatorMeta], *, year: int) -> None:
    """Name, unit and source of the year's indicators (MonitoringIndicator), changed only when
    they differ."""
    from praevention.catalog.models import MonitoringIndicator

    for meta in metas:
        wanted = {"name": meta.name, "unit": meta.unit, "source": meta.source}
        row = MonitoringIndicator.objects.filter(year=year, key=meta.key).first()
        if row is None:
            MonitoringIndicator.objects.create(year=year, key=meta.key, **wanted)
        elif any(getattr(row, k) != v for k, v in wanted.items()):
            for key, value in wanted.items():
                setattr(row, key, value)
            row.save()
