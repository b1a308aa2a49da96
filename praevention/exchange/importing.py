"""Check a whole import file first, then save all of its rows in one transaction or none.

`plan_import(table, mapping)` checks every row against the catalogue, the participation rules
and the model's own validation and collects every error (row, column, what to do); nothing is
written. Only a plan without errors may be passed to `run_import`, which writes every row in
bulk (one statement per table and kind of change, history included), so 5,000 rows take
seconds, not minutes (issue #12, fault 7).

Identity (issue #13): a row names its measure by the `ID` column first, then by its title
compared by `match_key` (NFC, case, spaces). A changed title with an ID renames the measure.

Newer edits are never undone silently (issue #12, fault 4): a row's base is the `Version` the
file was exported at, or, for files without it, the version the preview saw. When the measure
has moved on since, the row is merged field by field: a value the file did not change (equal
to the base) keeps the newer value, a value only the file changed is taken, and a value both
changed is an error naming who changed it.
"""

import functools
import logging
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from praevention.exchange.amounts import header_unit
from praevention.exchange.columns import (
    BY_KEY,
    COLUMNS,
    EXAMPLE_TITLE,
    M2M_KEYS,
    ORDER,
    PREVALIDATED,
    SCALAR_KEYS,
    Catalog,
    ChoiceColumn,
    as_text,
    has_several,
    norm,
)
from praevention.exchange.reading import FileRejected
from praevention.measures import policy, rules, services
from praevention.measures.bulk import MeasureWrite
from praevention.measures.history import link_snapshots
from praevention.measures.models import Measure, Participation

logger = logging.getLogger(__name__)

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
BATCH = 1000
# Columns that say which measure a row is, not what it holds.
IDENTITY = {"id", "version"}


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class Change:
    """One field a row changes, as the preview shows it: "old → new"."""

    header: str
    old: str
    new: str


@dataclass
class RowPlan:
    row: int
    action: str
    measure: Measure
    # Relations to write: {M2M key: [objects]}; only those that change on an update.
    m2m: dict
    # [(department, role)] with the lead first, or None when the file leaves them as they are.
    participations: list | None
    # The version the measure had when planned: saving refuses if it moved since.
    version: int | None = None
    changes: list = field(default_factory=list)
    # Fields the file carried unchanged from an older version: the newer value stays.
    kept: list = field(default_factory=list)
    changed_keys: list = field(default_factory=list)
    renamed_from: str = ""
    # A new measure's (column, value) pairs, for the preview.
    new_values: list = field(default_factory=list)
    # The rules that turned cells into values ("Budget (EUR): 12,5 T€ → 12.500,00 €").
    notes: list = field(default_factory=list)

    @property
    def filled(self):
        """What a new measure gets: [Change] for every filled field but the title."""
        return [
            Change(column.header, "—", column.show(value))
            for column, value in self.new_values
            if value not in (None, "", [], False) and column.key != "title"
        ]

    @property
    def lead(self):
        if self.participations:
            return self.participations[0][0]
        return current_value(BY_KEY["lead"], self.measure) if self.measure.pk else None


@dataclass
class ImportPlan:
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    # The columns the file fills, in export order; the others stay as they are.
    columns: list = field(default_factory=list)
    unknown: list = field(default_factory=list)
    # Rows left out on purpose (the template's example row).
    skipped: list = field(default_factory=list)

    def count(self, action):
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self):
        return self.count(CREATE)

    @property
    def updated(self):
        return self.count(UPDATE)

    @property
    def unchanged(self):
        return self.count(UNCHANGED)

    @property
    def has_changes(self):
        return bool(self.created or self.updated)

    @property
    def missing_columns(self):
        present = {column.key for column in self.columns}
        if "period" in present:
            present |= {"start_date", "end_date"}
        return [c for c in COLUMNS if c.key not in present and c.key not in IDENTITY]

    def signature(self):
        """What the preview promised: confirm refuses if the database moved since."""
        return [
            [row.row, row.action, row.measure.pk, row.version, [c.header for c in row.changes]]
            for row in self.rows
        ]

    def base_versions(self):
        """{measure id: version seen}: the base of later merges for files without versions."""
        return {str(row.measure.pk): row.version for row in self.rows if row.measure.pk}


class ImportFailed(Exception):
    """Saving failed; everything was rolled back."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def exact_mapping(headers):
    """[column key or ""] per header when every header is the export's own, else None."""
    from praevention.exchange.columns import header_index

    index = header_index()
    keys = []
    for header in headers:
        if not header:
            keys.append("")
            continue
        column = index.get(norm(header))
        if column is None:
            return None
        keys.append(column.key)
    return keys


def _positions(headers, mapping):
    """{column: position} from a mapping; FileRejected when a field is named twice or no
    column names the measure."""
    positions, doubles = {}, []
    for position, key in enumerate(mapping):
        if not key:
            continue
        column = BY_KEY[key]
        if column in positions:
            doubles.append(headers[position])
        else:
            positions[column] = position
    if doubles:
        raise FileRejected(
            _("Doppelte Spalten: %(names)s. Bitte jede Angabe nur in einer Spalte führen.")
            % {"names": ", ".join(f"„{h}“" for h in doubles)}
        )
    if BY_KEY["title"] not in positions and BY_KEY["id"] not in positions:
        raise FileRejected(
            _(
                "Keine Spalte enthält den Titel der Maßnahmen (oder ihre ID). Bitte eine Spalte "
                "„Titel“ anlegen oder der Spalte mit den Namen der Maßnahmen zuordnen."
            )
        )
    return positions


def plan_import(
    table: Any,
    mapping: list[str] | None = None,
    *,
    by: Any = None,
    base_versions: dict[str, int] | None = None,
    catalog: Catalog | None = None,
) -> ImportPlan:
    """Check every row; return the plan with every error, or the rows to create and update.

    table: a reading.Table; mapping: [column key or ""] per file column (see exact_mapping and
    the mapping page; None: the file's headers are the export's own); base_versions:
    {"measure id": version} from the first preview; by: the user the rows are checked for
    (`_check_permission`), None to check the rows only.
    """
    if mapping is None:
        mapping = exact_mapping(table.headers)
        if mapping is None:
            raise ValueError("The headers are not the export's own: pass a mapping.")
    positions = _positions(table.headers, mapping)
    catalog = catalog or Catalog()
    base_versions = base_versions or {}
    plan = ImportPlan(columns=sorted(positions, key=ORDER.index))
    unnamed = [i for i, key in enumerate(mapping) if not table.headers[i]]

    parsed: list[tuple[int, dict[str, Any], list[RowError]]] = []
    for number, cells in table.rows:
        errors: list[RowError] = []
        values = _parse_row(number, cells, positions, catalog, table, errors)
        if values.get("title") == EXAMPLE_TITLE:
            plan.skipped.append(number)
            continue
        for position in unnamed + list(range(len(table.headers), len(cells))):
            if position < len(cells) and as_text(cells[position]).strip():
                errors.append(
                    RowError(
                        number,
                        _("Spalte %(number)s") % {"number": position + 1},
                        _(
                            "Wert in einer Spalte ohne Überschrift. Bitte eine Überschrift "
                            "ergänzen oder die Werte löschen."
                        ),
                    )
                )
        parsed.append((number, values, errors))

    existing = _load_existing(parsed, catalog)
    stale = {}
    for number, values, _errors in parsed:
        measure = existing["by_row"].get(number)
        if measure is None:
            continue
        base = values.get("version") or base_versions.get(str(measure.pk))
        if base and base < measure.version:
            stale[measure.pk] = base
    bases = _base_states(stale) if stale else {}
    last_changes = _last_changes(list(stale)) if stale else {}

    seen_measures: dict[int, int] = {}
    seen_titles: dict[str, int] = {}
    for number, values, errors in parsed:
        measure = existing["by_row"].get(number)
        errors.extend(existing["errors"].get(number, []))
        if measure is not None:
            if measure.pk in seen_measures:
                errors.append(
                    RowError(
                        number,
                        BY_KEY["id"].header if "id" in values else BY_KEY["title"].header,
                        _(
                            "Diese Maßnahme steht schon in Zeile %(row)s: jede Maßnahme nur "
                            "einmal. Bitte eine der Zeilen löschen."
                        )
                        % {"row": seen_measures[measure.pk]},
                    )
                )
            seen_measures.setdefault(measure.pk, number)
        title_key = norm(values.get("title", ""))
        if title_key:
            if title_key in seen_titles:
                errors.append(
                    RowError(
                        number,
                        BY_KEY["title"].header,
                        _(
                            "Der Titel steht schon in Zeile %(row)s: jede Maßnahme nur einmal. "
                            "Bitte eine der Zeilen löschen oder umbenennen."
                        )
                        % {"row": seen_titles[title_key]},
                    )
                )
            seen_titles.setdefault(title_key, number)
        base_state = None
        if measure is not None and measure.pk in stale:
            base_state = bases.get(measure.pk, {"_version": stale[measure.pk], "_missing": True})
            base_state = {**base_state, "_who": last_changes.get(measure.pk, "")}
        row = _plan_row(number, values, measure, positions, errors, base_state)
        if row is not None:
            row.notes = catalog.notes.get(number, [])
        if row is not None and not errors:
            _check_permission(by, row, errors)
        if errors:
            plan.errors.extend(errors)
        elif row is not None:
            plan.rows.append(row)
    plan.unknown = _unknown_values(catalog)
    return plan


def _check_permission(by: Any, row: RowPlan, errors: list[RowError]) -> None:
    """The one place each row's permission is checked (creating, editing, participations).

    Asks measures/policy.py like the services do for a save in the form: `can_create` or
    `can_edit`, then `participation_change_errors` on the participations before the save
    (as `_load_measures` read them) and after it (the row's, or the same when the file
    leaves them as they are). No query per row: the participations are already loaded.
    """
    if by is None:
        return
    creating = row.action == CREATE
    before = [] if creating else _loaded_participations(row.measure)
    if creating:
        allowed = policy.can_create(by)
    else:
        allowed = policy.can_edit_taking_part(by, [d.pk for d, _role in before])
    if not allowed:
        errors.append(
            RowError(
                row.row,
                "",
                _(
                    "Diese Maßnahme dürfen Sie nicht ändern. Bitte die Zeile aus der Datei "
                    "entfernen oder die Koordination bitten."
                ),
            )
        )
        return
    after = before if row.participations is None else list(row.participations)
    errors.extend(
        RowError(row.row, BY_KEY["partners"].header, message)
        for message in policy.participation_change_errors(by, before, after)
    )


def _loaded_participations(measure: Measure) -> list[tuple[Any, str]]:
    """[(department, role)] of a measure as `_load_measures` read them."""
    relations = getattr(measure, "import_relations", None)
    if relations is None:
        return [(p.department, p.role) for p in measure.participations.all()]
    return [(department, role) for _pk, department, role in relations["participations"]]


def _parse_row(number, cells, positions, catalog, table, errors):
    """{column key: value} of the cells that parse; an error for each one that does not."""
    values = {}
    catalog.row = number
    for column, position in positions.items():
        catalog.column = column.header
        coordinate = table.formula_cells.get((number, position))
        if coordinate:
            errors.append(
                RowError(
                    number,
                    column.header,
                    _(
                        "Zelle %(cell)s: Formel ohne berechneten Wert – Datei in Excel öffnen "
                        "und speichern (oder den Wert statt der Formel eintragen)."
                    )
                    % {"cell": coordinate},
                )
            )
            continue
        raw = cells[position] if position < len(cells) else None
        catalog.unit = _header_unit(table.headers[position]) if column.key == "budget_eur" else None
        try:
            values[column.key] = column.parse(raw, catalog)
        except ValidationError as invalid:
            errors.extend(RowError(number, column.header, m) for m in invalid.messages)
    catalog.row = catalog.column = None
    return values


@functools.lru_cache(maxsize=256)
def _header_unit(header):
    """The unit a file's header names ("Budget in T€"): applied to every cell below it."""
    return header_unit(str(header or ""))


def _load_measures(ids, catalog):
    """{id: measure} with `measure.import_relations` = {M2M key: [catalogue objects],
    "participations": [(participation id, department, role)]}.

    Lean on purpose: relations are read as id pairs and mapped onto the catalogue already
    loaded, so 5,000 measures cost one query per table and no ORM object per link (the
    prefetching `with_relations()` spent seconds building ~75,000 objects).
    """
    by_id = {kind: {o.pk: o for o in objects} for kind, objects in catalog.entries.items()}
    measures = {}
    for chunk in _chunks(ids, 2000):
        for measure in Measure.objects.select_related(
            "evidence_level", "contact_person__user"
        ).filter(pk__in=chunk):
            measure.import_relations = {key: [] for key in M2M_KEYS}
            measure.import_relations["participations"] = []
            measures[measure.pk] = measure
        for key in M2M_KEYS:
            through = getattr(Measure, key).through
            target = Measure._meta.get_field(key).remote_field.model
            objects = by_id[key]
            for measure_id, target_id in through.objects.filter(measure_id__in=chunk).values_list(
                "measure_id", f"{target._meta.model_name}_id"
            ):
                measures[measure_id].import_relations[key].append(objects[target_id])
        departments = by_id["departments"]
        for pk, measure_id, department_id, role in Participation.objects.filter(
            measure_id__in=chunk
        ).values_list("pk", "measure_id", "department_id", "role"):
            measures[measure_id].import_relations["participations"].append(
                (pk, departments[department_id], role)
            )
    return measures


def current_value(column, measure):
    """The measure's value for `column` as `column.parse` returns it, from the relations
    `_load_measures` read."""
    relations = measure.import_relations
    if column.key in relations:
        return relations[column.key]
    if column.key == "lead":
        return next((d for _pk, d, role in relations["participations"] if role == "lead"), None)
    if column.key == "partners":
        return [(d, role) for _pk, d, role in relations["participations"] if role != "lead"]
    return column.current(measure)


def _load_existing(parsed, catalog):
    """The measures the rows name, by ID first, then by title: a fixed number of queries.

    Returns {"by_row": {row: measure}, "errors": {row: [RowError]}}.
    """
    ids = {values["id"] for _n, values, _e in parsed if values.get("id")}
    titles = {}
    if any(values.get("title") for _n, values, _e in parsed):
        for pk, title in Measure.objects.values_list("pk", "title").iterator(chunk_size=5000):
            titles.setdefault(norm(title), pk)
    wanted = set(ids)
    for _n, values, _e in parsed:
        if not values.get("id") and values.get("title"):
            pk = titles.get(norm(values["title"]))
            if pk:
                wanted.add(pk)
    measures = _load_measures(sorted(wanted), catalog)
    by_row, errors = {}, {}
    for number, values, _e in parsed:
        pk = values.get("id")
        title_key = norm(values.get("title", ""))
        if pk:
            measure = measures.get(pk)
            if measure is None:
                errors.setdefault(number, []).append(
                    RowError(
                        number,
                        BY_KEY["id"].header,
                        _(
                            "Keine Maßnahme mit der ID %(id)s. Bitte die ID aus dem Export "
                            "übernehmen oder die Zelle leeren, um eine neue Maßnahme anzulegen."
                        )
                        % {"id": pk},
                    )
                )
                continue
            other = titles.get(title_key)
            if title_key and other and other != pk:
                errors.setdefault(number, []).append(
                    RowError(
                        number,
                        BY_KEY["title"].header,
                        _(
                            "Diesen Titel trägt schon die Maßnahme mit der ID %(id)s. Bitte "
                            "einen anderen Titel wählen."
                        )
                        % {"id": other},
                    )
                )
            by_row[number] = measure
        elif title_key and titles.get(title_key):
            by_row[number] = measures[titles[title_key]]
    return {"by_row": by_row, "errors": errors}


def _base_states(stale):
    """{measure id: {column key: comparable value}} at the versions the rows are based on.

    Read from the history: the last record of each (measure, version), its M2M snapshot and
    the participations as they stood then. A base not in the history is left out (the row
    is then refused field by field where values differ).
    """
    HistoricalMeasure = Measure.history.model
    records = {}
    for record in HistoricalMeasure.objects.filter(
        id__in=list(stale), version__in=set(stale.values())
    ).order_by("history_date", "history_id"):
        if stale.get(record.id) == record.version:
            records[record.id] = record
    m2m = link_snapshots([record.history_id for record in records.values()])
    participations = {pk: {} for pk in records}
    if records:
        latest = max(record.history_date for record in records.values())
        for part in Participation.history.filter(
            measure_id__in=list(records), history_date__lte=latest
        ).order_by("history_date", "history_id"):
            record = records[part.measure_id]
            if part.history_date > record.history_date:
                continue
            if part.history_type == "-":
                participations[part.measure_id].pop(part.department_id, None)
            else:
                participations[part.measure_id][part.department_id] = part.role
    states = {}
    for pk, record in records.items():
        state = {"_version": record.version}
        for key in SCALAR_KEYS:
            column = BY_KEY[key]
            value = getattr(record, f"{key}_id" if key in PREVALIDATED else key)
            state[key] = column.key_of(value)
        for key in M2M_KEYS:
            state[key] = m2m[record.history_id][key]
        parts = participations[pk]
        state["lead"] = next((d for d, role in parts.items() if role == "lead"), None)
        state["partners"] = frozenset((d, role) for d, role in parts.items() if role != "lead")
        states[pk] = state
    return states


def _last_changes(ids):
    """{measure id: "von <who> am <date>"} of each measure's latest save: who changed it
    since the file's version. Two queries for any number of measures (issue #28: one
    history read per conflicting row made a 5,000-row stale file take 100 s)."""
    history = Measure.history.model.objects
    latest = history.filter(id__in=ids).values("id").annotate(last=Max("history_id")).values("last")
    found = {}
    for record in history.filter(history_id__in=latest).select_related("history_user"):
        user = record.history_user
        who = (user.get_full_name() or user.email) if user else _("unbekannt")
        found[record.id] = _("von %(who)s am %(date)s") % {
            "who": who,
            "date": timezone.localtime(record.history_date).strftime("%d.%m.%Y %H:%M"),
        }
    return found


def _plan_row(number, values, measure, positions, errors, base_state):
    """The row as a measure to create or update, checked like the edit form checks it."""
    creating = measure is None
    if creating:
        if "title" in values and not values["title"]:
            errors.append(
                RowError(
                    number,
                    BY_KEY["title"].header,
                    _("Der Titel fehlt. Jede neue Maßnahme braucht einen Titel."),
                )
            )
        if BY_KEY["lead"] not in positions:
            errors.append(
                RowError(
                    number,
                    BY_KEY["lead"].header,
                    _(
                        "Für eine neue Maßnahme ist die Federführung Pflicht: bitte eine Spalte "
                        "„Federführung“ (Kurzname des Fachbereichs) ergänzen."
                    ),
                )
            )
        if "title" not in values and BY_KEY["title"] not in positions:
            errors.append(
                RowError(
                    number,
                    BY_KEY["title"].header,
                    _("Neue Maßnahmen brauchen einen Titel: bitte eine Spalte „Titel“ ergänzen."),
                )
            )
    elif "title" in values and not values["title"]:
        errors.append(
            RowError(
                number,
                BY_KEY["title"].header,
                _("Der Titel darf nicht leer sein. Bitte den Titel eintragen."),
            )
        )
    if errors:
        return None

    row = RowPlan(number, CREATE if creating else UPDATE, measure or Measure(), {}, None)
    measure = row.measure
    if not creating:
        row.version = measure.version
    filled = _apply_period(values, positions, creating)
    present = [c for c in positions if c.key not in IDENTITY and c.key in values] + filled
    new_values = {}
    conflicts = []
    for column in present:
        value = values[column.key]
        if value is None and isinstance(column, ChoiceColumn):
            if creating:
                continue  # the field's default
            errors.append(
                RowError(
                    number,
                    column.header,
                    _("Bitte einen Wert angeben (%(allowed)s) oder die Spalte weglassen.")
                    % {"allowed": ", ".join(column.labels())},
                )
            )
            continue
        if creating:
            new_values[column.key] = value
            continue
        current = current_value(column, measure)
        new_key, current_key = column.key_of(value), column.key_of(current)
        if new_key == current_key:
            continue
        if base_state is not None:
            if base_state.get("_missing"):
                conflicts.append((column, current, value))
                continue
            base_key = base_state.get(column.key)
            if new_key == base_key:
                # The file carries the value it was exported with; someone changed it since.
                row.kept.append(column.header)
                continue
            if current_key != base_key:
                conflicts.append((column, current, value))
                continue
        new_values[column.key] = value
        row.changed_keys.append(column.key)
        row.changes.append(Change(column.header, column.show(current), column.show(value)))
        if column.key == "title":
            row.renamed_from = measure.title
    if errors:
        return None
    if conflicts:
        who = base_state.get("_who", "")
        for column, current, value in conflicts:
            errors.append(
                RowError(
                    number,
                    column.header,
                    _(
                        "Seit dem Stand dieser Datei %(who)s geändert auf „%(current)s“; die Datei "
                        "will „%(new)s“. Bitte die aktuelle Fassung exportieren und die Änderung "
                        "dort eintragen."
                    )
                    % {"who": who, "current": column.show(current), "new": column.show(value)},
                )
            )
        return None

    for key in SCALAR_KEYS:
        if key in new_values:
            setattr(measure, key, new_values[key])
    if creating:
        row.m2m = {key: new_values[key] for key in M2M_KEYS if new_values.get(key)}
    else:
        row.m2m = {key: new_values[key] for key in M2M_KEYS if key in new_values}

    if "lead" in new_values or "partners" in new_values or creating:
        lead = new_values.get("lead") or (
            None if creating else current_value(BY_KEY["lead"], measure)
        )
        if "partners" in new_values:
            partners = new_values["partners"]
        elif creating:
            partners = []
        else:
            # Only the lead changes: a partner that becomes the lead leaves the partners.
            partners = current_value(BY_KEY["partners"], measure)
            partners = [(d, role) for d, role in partners if lead is None or d.pk != lead.pk]
        row.participations = [(lead, Participation.Role.LEAD), *partners]
        # The same rules, in the same words, as the form, the admin and the services
        # (measures/rules.py: exactly one lead, each department once).
        named = [(d, role) for d, role in row.participations if d is not None]
        for invalid in rules.participation_errors(named):
            errors.extend(
                RowError(number, BY_KEY["partners"].header, message) for message in invalid.messages
            )
        if "partners" in values and "lead" in values and not creating:
            # Same departments in the same roles need no write.
            current = {(d.pk, role) for _pk, d, role in measure.import_relations["participations"]}
            if current == {(d.pk, r) for d, r in row.participations}:
                row.participations = None

    failed = [key for key in SCALAR_KEYS if key not in new_values]
    if creating or new_values:
        try:
            measure.full_clean(
                exclude=failed + PREVALIDATED, validate_unique=False, validate_constraints=False
            )
        except ValidationError as invalid:
            for name, messages in invalid.message_dict.items():
                column = BY_KEY.get(name) if name != NON_FIELD_ERRORS else None
                header = column.header if column else ""
                errors.extend(RowError(number, header, message) for message in messages)
    start, end = measure.start_date, measure.end_date
    if start and end and end < start:
        errors.append(
            RowError(
                number,
                BY_KEY["end_date"].header,
                _("Das Ende (%(end)s) liegt vor dem Beginn (%(start)s). Bitte die Daten prüfen.")
                % {"end": BY_KEY["end_date"].show(end), "start": BY_KEY["start_date"].show(start)},
            )
        )
    if errors:
        return None
    if creating:
        # Shown in the preview as "field: value", built when shown (a 5,000-row file shows 1,000).
        row.new_values = [(column, values[column.key]) for column in present]
    elif not row.changes:
        row.action = UNCHANGED
    return row


# Suggestions ("meinten Sie …?") are worked out for this many unknown values, the ones the
# preview shows; a file with thousands of unknown names costs no fuzzy search for each.
SUGGESTED_UNKNOWN = 100


def _apply_period(values, positions, creating):
    """Put a "Zeitraum" cell's dates (exchange/periods.py) into Beginn and Ende, unless the
    file has those columns too; "laufend" makes a new measure running. Returns the columns
    the period filled."""
    period = values.pop("period", None)
    if period is None:
        return []
    filled = []
    for key, value in (("start_date", period.start), ("end_date", period.end)):
        if value is not None and BY_KEY[key] not in positions:
            values[key] = value
            filled.append(BY_KEY[key])
    if period.running and creating and BY_KEY["status"] not in positions:
        values["status"] = Measure.Status.RUNNING
        filled.append(BY_KEY["status"])
    return filled


def _unknown_values(catalog):
    """Names the catalogue does not know, once per distinct value, with a suggestion.

    Each value is a single name: `split_entries` never reports a cell with several names as
    one. The choices of a kind are one shared list, not one copy per value.
    """
    unknown = []
    order = {column.header: i for i, column in enumerate(COLUMNS)}
    options = {
        kind: [(obj.pk, catalog.label(kind, obj)) for obj in objects]
        for kind, objects in catalog.entries.items()
    }

    def first_seen(item):
        entry = item[1]
        return (entry["rows"][:1], order.get(entry["column"], 0))

    for number, ((kind, key), entry) in enumerate(sorted(catalog.unknown.items(), key=first_seen)):
        # A value that may name several entries is offered as no single one.
        suggested = number < SUGGESTED_UNKNOWN and not has_several(entry["value"])
        unknown.append(
            {
                "kind": kind,
                "kind_label": Catalog.KINDS[kind],
                "key": key,
                "value": entry["value"],
                "column": entry["column"],
                "rows": entry["rows"],
                "suggestion": catalog.suggestion(kind, entry["value"]) if suggested else None,
                "options": options[kind],
            }
        )
    return unknown


# --- saving -----------------------------------------------------------------------------


def run_import(plan: ImportPlan, *, by: Any, filename: str) -> ImportPlan:
    """Write every changed row in one transaction; any failure rolls all of them back.

    Bulk writes: one INSERT/UPDATE per table and kind of change, history records included
    (a measure record per saved measure with its M2M snapshot, participation records per
    change), so the history page reads the import like an edit in the form.
    """
    if plan.errors:
        raise ValueError("An import plan with errors must not be run.")
    # A plan may have been made for someone else (or for nobody): the saver's rights count.
    refused: list[RowError] = []
    for row in plan.rows:
        if row.action != UNCHANGED:
            _check_permission(by, row, refused)
    if refused:
        raise ImportFailed(refused)
    reason = _("Import: %(name)s") % {"name": filename}
    writes = [_as_write(row) for row in plan.rows if row.action != UNCHANGED]
    try:
        with transaction.atomic():
            _lock_and_check([row for row in plan.rows if row.action == UPDATE])
            services.measures_write(writes=writes, by=by, reason=reason)
    except (OperationalError, ValidationError):
        logger.warning("Import of %r waited too long for a lock", filename, exc_info=True)
        raise ImportFailed(
            [
                RowError(
                    0,
                    "",
                    _(
                        "Eine der Maßnahmen wird gerade von jemand anderem gespeichert. Nichts "
                        "wurde gespeichert; bitte in einem Moment erneut bestätigen."
                    ),
                )
            ]
        ) from None
    except IntegrityError:
        logger.warning("Import of %r failed on a database rule", filename, exc_info=True)
        raise ImportFailed(
            [
                RowError(
                    0,
                    "",
                    _(
                        "Die Daten verletzen eine Regel der Datenbank (z. B. ein Titel, den eine "
                        "andere Maßnahme gerade bekommen hat). Nichts wurde gespeichert; bitte "
                        "die Datei erneut hochladen."
                    ),
                )
            ]
        ) from None
    logger.info(
        "Import of %r by %s: %d created, %d updated, %d unchanged",
        filename,
        by,
        plan.created,
        plan.updated,
        plan.unchanged,
    )
    return plan


def _as_write(row: RowPlan) -> MeasureWrite:
    """The row as the one writer of measures takes it: only the fields that change."""
    if row.action == CREATE:
        return MeasureWrite(row.measure, row.m2m, row.participations)
    fields = [key for key in row.changed_keys if key in SCALAR_KEYS]
    return MeasureWrite(row.measure, row.m2m, row.participations, fields=fields)


def _lock_and_check(updates):
    """Lock the rows to update; any that moved since the plan stops the whole import."""
    if not updates:
        return
    current = services.lock_measures(row.measure.pk for row in updates)
    moved = [row for row in updates if current.get(row.measure.pk) != row.version]
    if moved:
        raise ImportFailed(
            [
                RowError(
                    row.row,
                    BY_KEY["title"].header,
                    _(
                        "Die Maßnahme wurde gerade von jemand anderem geändert. Nichts wurde "
                        "gespeichert; bitte die Datei erneut hochladen."
                    ),
                )
                for row in moved
            ]
        )


def _chunks(items, size=BATCH):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]
