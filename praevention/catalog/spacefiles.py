"""Social spaces of any municipality, from files in the documented format (docs/DISTRICTS.md).

A directory holds:

- `hierarchie.csv`: columns `level,id,name,parent_id` (optional `level_plural`). `level` is
  the level's name as the municipality uses it ("Stadtteil", "Quartier"); the levels' order
  follows the parents (a row without `parent_id` is on the top level). Two to four levels; the
  lowest carries the indicator values, its parent plays the Bezirksregion's part.
- any number of `*.geojson` files: FeatureCollections of WGS84 Polygons/MultiPolygons whose
  property `id` names a space of the hierarchy.
- `indikatoren-<year>.csv`: columns `id,indicator,name,unit,source,value`, one row per space
  of the lowest level and indicator. `indicator` is `kinderarmut` (share of children in
  poverty, %, the need measure), `alleinerziehende` (share, %) or `einwohner` (inhabitants,
  the weights of derived values). Name, unit and source are shown with every value.
- optional `quellen.txt`: the credit lines of the spaces and outlines, one per line.

The app keeps the files' `id` as `SocialSpace.code` and gives every space a nesting key
(`lor_number`: two digits per level under its parent's key), stable across loads.
"""

import re
from pathlib import Path

from django.utils.translation import gettext as _

from praevention.catalog.spacedata import (
    LENGTH_BY_LEVEL,
    LEVELS,
    DistrictFiles,
    IndicatorMeta,
    LoadError,
    MonitoringRecord,
    SpaceRecord,
    check_complete,
    check_geometry,
    csv_rows,
    inhabitants_of,
    name_of,
    open_text,
    percentage_of,
    read_geojson_features,
    where_line,
)
from praevention.core.text import normalize_line

HIERARCHY = "hierarchie.csv"
HIERARCHY_COLUMNS = {"level", "id", "name", "parent_id"}
INDICATOR_COLUMNS = {"id", "indicator", "name", "unit", "source", "value"}
INDICATOR_FILE = re.compile(r"^indikatoren-(\d{4})\.csv$")
SHARES = {"kinderarmut": "child_poverty", "alleinerziehende": "single_parent"}
KEYS = (*SHARES, "einwohner")


def _hierarchy(path: Path):
    """[(where, level name, plural, id, name, parent id)] in file order."""
    rows = []
    seen = set()
    for line, row in csv_rows(path, HIERARCHY_COLUMNS):
        where = where_line(path, line)
        code = row["id"]
        if not code:
            raise LoadError(
                _(
                    "%(where)s: die Kennung (Spalte id) fehlt. Bitte jedem Raum eine eindeutige "
                    "Kennung geben."
                )
                % {"where": where}
            )
        if code in seen:
            raise LoadError(
                _(
                    "%(where)s: die Kennung „%(id)s“ kommt mehrfach vor. Bitte jede Kennung nur "
                    "einmal vergeben."
                )
                % {"where": where, "id": code}
            )
        seen.add(code)
        level = row["level"]
        if not level:
            raise LoadError(
                _("%(where)s: die Ebene (Spalte level) fehlt, z. B. „Stadtteil“.")
                % {"where": where}
            )
        rows.append(
            (
                where,
                level,
                row.get("level_plural") or level,
                code,
                name_of(row["name"], where),
                row["parent_id"],
            )
        )
    return rows


def _keys(rows, existing: dict[str, str], taken: set[str]):
    """{id: (internal level, nesting key)}: depth by the parent chain, levels from the
    bottom (Planungsraum, Bezirksregion, …), keys kept from `existing` ({id: key}) where they
    still fit under the parent's key, else the smallest free two-digit suffix."""
    by_code = {row[3]: row for row in rows}
    depth: dict[str, int] = {}
    for where, _level, _plural, code, _name, _parent in rows:
        chain, current = [], code
        while current:
            if current in chain:
                raise LoadError(
                    _(
                        "%(where)s: „%(id)s“ liegt in sich selbst (Kreis über die übergeordneten "
                        "Räume). Bitte parent_id berichtigen."
                    )
                    % {"where": where, "id": code}
                )
            chain.append(current)
            parent_id = by_code[current][5]
            if parent_id and parent_id not in by_code:
                raise LoadError(
                    _(
                        "%(where)s: der übergeordnete Raum „%(parent)s“ fehlt in der Datei. Bitte "
                        "ihn als eigene Zeile ergänzen oder parent_id berichtigen."
                    )
                    % {"where": by_code[current][0], "parent": parent_id}
                )
            current = parent_id
        depth[code] = len(chain)
    levels: dict[str, int] = {}
    for where, level, _plural, code, _name, _parent in rows:
        if levels.setdefault(level, depth[code]) != depth[code]:
            raise LoadError(
                _(
                    "%(where)s: „%(id)s“ steht auf der Ebene „%(level)s“, aber in einer anderen "
                    "Tiefe als die übrigen Räume dieser Ebene. Bitte Ebene oder parent_id "
                    "berichtigen."
                )
                % {"where": where, "id": code, "level": level}
            )
    count = max(depth.values())
    if not 2 <= count <= 4 or len(levels) != count:
        raise LoadError(
            _(
                "%(path)s: erwartet werden zwei bis vier Ebenen mit je einem Namen, gefunden: "
                "%(levels)s."
            )
            % {"path": HIERARCHY, "levels": ", ".join(levels) or "–"}
        )
    internal = LEVELS[-count:]
    keys: dict[str, tuple[str, str]] = {}
    used = set(taken)
    for code in sorted(by_code, key=lambda c: depth[c]):
        where, _level, _plural, _code, _name, parent = by_code[code]
        level = internal[depth[code] - 1]
        prefix = keys[parent][1] if parent else "0" * (LENGTH_BY_LEVEL[level] - 2)
        old = existing.get(code, "")
        if len(old) == LENGTH_BY_LEVEL[level] and old.startswith(prefix) and old not in used:
            key = old
        else:
            free = (f"{prefix}{n:02d}" for n in range(1, 100))
            key = next((k for k in free if k not in used), "")
            if not key:
                raise LoadError(
                    _(
                        "%(where)s: mehr als 99 Räume unter demselben übergeordneten Raum. Bitte "
                        "eine Ebene dazwischen einführen."
                    )
                    % {"where": where}
                )
        used.add(key)
        keys[code] = (level, key)
    return keys, {internal[d - 1]: name for name, d in levels.items()}


def read_district(directory: Path | str, *, number: str, name: str) -> DistrictFiles:
    """The district in `directory` (format: module docstring) as `setup_district` stores it.

    Raises LoadError naming file, line or feature and the fix: a parent missing from the
    hierarchy, levels of uneven depth, an outline that is no valid polygon or names an unknown
    space, an indicator row for a space that is not on the lowest level, a share over 100.
    """
    from praevention.catalog.models import SocialSpace

    directory = Path(directory)
    hierarchy = directory / HIERARCHY
    if not hierarchy.is_file():
        raise LoadError(
            _(
                "Im Verzeichnis %(dir)s fehlt die Datei %(file)s (Spalten level, id, name, "
                "parent_id)."
            )
            % {"dir": directory, "file": HIERARCHY}
        )
    rows = _hierarchy(hierarchy)
    existing = dict(SocialSpace.objects.values_list("code", "lor_number"))
    taken = set(SocialSpace.objects.values_list("lor_number", flat=True))
    mine = {existing[row[3]] for row in rows if row[3] in existing}
    keys, level_by_internal = _keys(rows, existing, taken - mine)
    plural = {row[1]: row[2] for row in rows}
    level_names = {level: [name, plural[name]] for level, name in level_by_internal.items()}
    geometry: dict[str, dict] = {}
    for path in sorted(directory.glob("*.geojson")):
        for where, properties, shape in read_geojson_features(path):
            code = normalize_line(str(properties.get("id") or ""))
            if code not in keys:
                raise LoadError(
                    _(
                        "%(where)s: die Kennung „%(id)s“ steht nicht in %(file)s. Bitte die "
                        "Eigenschaft id berichtigen oder den Raum in der Hierarchie ergänzen."
                    )
                    % {"where": where, "id": code, "file": HIERARCHY}
                )
            geometry[code] = check_geometry(shape, where)
    spaces = [
        SpaceRecord(keys[code][1], title, keys[code][0], geometry.get(code), code, where)
        for where, _level, _plural, code, title, _parent in rows
    ]
    years: dict[int, list[MonitoringRecord]] = {}
    indicators: dict[int, list[IndicatorMeta]] = {}
    for path in sorted(directory.glob("indikatoren-*.csv")):
        match = INDICATOR_FILE.match(path.name)
        if not match:
            raise LoadError(
                _("%(path)s: der Dateiname muss das Jahr tragen, z. B. indikatoren-2023.csv.")
                % {"path": path.name}
            )
        year = int(match.group(1))
        years[year], indicators[year] = _indicators(path, keys)
    check_complete(spaces, years, HIERARCHY)
    credits_file = directory / "quellen.txt"
    credits = (
        [line for line in map(normalize_line, open_text(credits_file).splitlines()) if line]
        if credits_file.is_file()
        else []
    )
    return DistrictFiles(
        number=number,
        name=name,
        spaces=spaces,
        years=years,
        indicators=indicators,
        level_names=level_names,
        credits=credits,
        profile="dateien",
    )


def _indicators(path: Path, keys):
    values: dict[str, dict] = {}
    metas: dict[str, IndicatorMeta] = {}
    for line, row in csv_rows(path, INDICATOR_COLUMNS):
        where = where_line(path, line)
        indicator = row["indicator"].casefold()
        if indicator not in KEYS:
            raise LoadError(
                _("%(where)s: Indikator „%(value)s“ ist unbekannt. Erlaubt sind %(keys)s.")
                % {"where": where, "value": row["indicator"], "keys": ", ".join(KEYS)}
            )
        code = row["id"]
        if code not in keys or keys[code][0] != "plr":
            raise LoadError(
                _(
                    "%(where)s: „%(id)s“ steht nicht als unterste Ebene in %(file)s. Bitte die "
                    "Zeile löschen oder den Raum in der Hierarchie ergänzen."
                )
                % {"where": where, "id": code, "file": HIERARCHY}
            )
        entry = values.setdefault(code, {"where": where})
        if indicator == "einwohner":
            entry["inhabitants"] = inhabitants_of(row["value"], where)
            continue
        entry[SHARES[indicator]] = percentage_of(row["value"], where, "value")
        meta = IndicatorMeta(indicator, row["name"] or indicator, row["unit"], row["source"])
        if not meta.source:
            raise LoadError(
                _(
                    "%(where)s: die Quelle (Spalte source) fehlt. Bitte angeben, woher der Wert "
                    "stammt."
                )
                % {"where": where}
            )
        if metas.setdefault(indicator, meta) != meta:
            raise LoadError(
                _(
                    "%(where)s: Name, Einheit oder Quelle von „%(key)s“ weichen von weiter oben "
                    "ab. Bitte in jeder Zeile gleich angeben."
                )
                % {"where": where, "key": indicator}
            )
    records = [
        MonitoringRecord(
            keys[code][1],
            True,
            None,
            None,
            entry.get("inhabitants"),
            child_poverty=entry.get("child_poverty"),
            single_parent=entry.get("single_parent"),
            where=entry["where"],
        )
        for code, entry in values.items()
    ]
    return records, list(metas.values())
