"""Validate a whole import file first, then save all of its rows in one transaction or none.

`plan_import(table)` checks every row against the catalogue, the participation rules and
the model's own validation and collects every error (row, column, German message); nothing
is written. Only a plan without errors may be passed to `run_import`, which writes through
the measure services, so an import leaves the same history as edits in the forms.
"""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from praevention.exchange.columns import (
    BY_KEY,
    COLUMNS,
    HEADERS,
    M2M_KEYS,
    SCALAR_KEYS,
    Catalog,
    as_text,
    header_index,
    norm,
)
from praevention.exchange.reading import FileRejected
from praevention.measures import rules, services
from praevention.measures.models import Measure, Participation

logger = logging.getLogger(__name__)

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
# Fields resolved from the catalogue already: validating them again would cost a query each.
PREVALIDATED = ["contact_person", "evidence_level", "created_by"]


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class RowPlan:
    row: int
    action: str
    measure: Measure
    m2m: dict
    participations: list
    expected_version: int | None = None
    changes: list = field(default_factory=list)

    @property
    def lead(self):
        return self.participations[0][0]


@dataclass
class ImportPlan:
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)

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

    def signature(self):
        """What the preview promised: confirm refuses if the database moved since."""
        return [
            [row.measure.title, row.action, row.measure.pk, row.expected_version]
            for row in self.rows
        ]


class ImportFailed(Exception):
    """Saving failed part-way; everything was rolled back."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def map_headers(headers):
    """{column: position} of the file's header row; unknown or missing headers reject it."""
    index = header_index()
    positions, unknown, duplicates = {}, [], []
    for position, header in enumerate(headers):
        if not header:
            continue
        column = index.get(norm(header))
        if column is None:
            unknown.append(header)
        elif column in positions:
            duplicates.append(header)
        else:
            positions[column] = position
    missing = [column.header for column in COLUMNS if column not in positions]
    problems = []
    if unknown:
        problems.append(
            _("Unbekannte Spalten: %(names)s.")
            % {"names": ", ".join(f"„{h[:60]}“" for h in unknown[:20])}
        )
    if missing:
        problems.append(
            _("Fehlende Spalten: %(names)s.") % {"names": ", ".join(f"„{h}“" for h in missing)}
        )
    if duplicates:
        problems.append(
            _("Doppelte Spalten: %(names)s.") % {"names": ", ".join(f"„{h}“" for h in duplicates)}
        )
    if problems:
        raise FileRejected(
            " ".join(problems)
            + " "
            + _("Die erste Zeile muss genau die Spaltenüberschriften des Exports enthalten.")
        )
    return positions


def _snapshot(measure, m2m, participations):
    """Comparable state of a measure: scalars, M2M ids and {(department, role)}."""
    return (
        {key: getattr(measure, f"{key}_id" if key in PREVALIDATED else key) for key in SCALAR_KEYS},
        {key: {obj.pk for obj in m2m[key]} for key in M2M_KEYS},
        {(department.pk, role) for department, role in participations},
    )


def _current_state(measure):
    m2m = {key: list(getattr(measure, key).all()) for key in M2M_KEYS}
    participations = [(p.department, p.role) for p in measure.participations.all()]
    return _snapshot(measure, m2m, participations)


def _changed_headers(before, after):
    (scalars_a, m2m_a, parts_a), (scalars_b, m2m_b, parts_b) = before, after
    changed = [BY_KEY[key].header for key in SCALAR_KEYS if scalars_a[key] != scalars_b[key]]
    changed += [BY_KEY[key].header for key in M2M_KEYS if m2m_a[key] != m2m_b[key]]
    if parts_a != parts_b:
        changed += [BY_KEY["lead"].header, BY_KEY["partners"].header]
    order = {header: i for i, header in enumerate(HEADERS)}
    return sorted(set(changed), key=order.get)


def plan_import(table):
    """Check every row; return the plan with every error, or the rows to create and update."""
    positions = map_headers(table.headers)
    catalog = Catalog()
    title_position = positions[BY_KEY["title"]]
    titles = {
        as_text(cells[title_position]).strip()
        for _n, cells in table.rows
        if title_position < len(cells)
    }
    existing = {
        measure.title: measure
        for measure in Measure.objects.with_relations().filter(title__in=titles - {""})
    }
    unnamed = [i for i, header in enumerate(table.headers) if not header]
    plan = ImportPlan()
    seen = {}
    for number, cells in table.rows:
        errors = []
        values = _parse_row(number, cells, positions, catalog, errors)
        for position in unnamed + list(range(len(table.headers), len(cells))):
            if position < len(cells) and as_text(cells[position]).strip():
                errors.append(
                    RowError(
                        number,
                        _("Spalte %(number)s") % {"number": position + 1},
                        _("Wert in einer Spalte ohne Überschrift."),
                    )
                )
        title = values.get("title", "")
        if title in seen:
            errors.append(
                RowError(
                    number,
                    BY_KEY["title"].header,
                    _("Der Titel steht schon in Zeile %(row)s: jede Maßnahme nur einmal.")
                    % {"row": seen[title]},
                )
            )
        elif title:
            seen[title] = number
        row = _plan_row(number, values, existing.get(title), errors)
        if errors:
            plan.errors.extend(errors)
        else:
            plan.rows.append(row)
    return plan


def _parse_row(number, cells, positions, catalog, errors):
    """{column key: value} of the cells that parse; an error for each one that does not."""
    values = {}
    for column, position in positions.items():
        raw = cells[position] if position < len(cells) else None
        try:
            values[column.key] = column.parse(raw, catalog)
        except ValidationError as invalid:
            errors.extend(RowError(number, column.header, m) for m in invalid.messages)
    return values


def _plan_row(number, values, measure, errors):
    """The row as a measure to create or update, checked like the edit form checks it."""
    participations = None
    if "lead" in values and "partners" in values:
        participations = [(values["lead"], Participation.Role.LEAD), *values["partners"]]
        # The same rules, in the same words, as the form and the admin (measures/rules.py).
        for invalid in rules.participation_errors(participations):
            errors.extend(
                RowError(number, BY_KEY["partners"].header, message) for message in invalid.messages
            )

    before = _current_state(measure) if measure else None
    if measure is None:
        measure = Measure()
    for key in SCALAR_KEYS:
        if key in values:
            setattr(measure, key, values[key])
    failed = [key for key in SCALAR_KEYS if key not in values]
    try:
        measure.full_clean(
            exclude=failed + PREVALIDATED, validate_unique=False, validate_constraints=False
        )
    except ValidationError as invalid:
        for name, messages in invalid.message_dict.items():
            header = BY_KEY[name].header if name in BY_KEY and name != NON_FIELD_ERRORS else ""
            errors.extend(RowError(number, header, message) for message in messages)
    # The database's check constraint, worded for the row (constraints are not run above).
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        errors.append(
            RowError(
                number, BY_KEY["end_date"].header, _("Das Ende darf nicht vor dem Beginn liegen.")
            )
        )
    if errors or participations is None:
        return None

    m2m = {key: values[key] for key in M2M_KEYS}
    # Only relations that change are written: every M2M write costs a history record.
    row = RowPlan(number, CREATE, measure, {k: v for k, v in m2m.items() if v}, participations)
    if before is not None:
        after = _snapshot(measure, m2m, participations)
        row.expected_version = measure.version
        row.changes = _changed_headers(before, after)
        row.action = UPDATE if row.changes else UNCHANGED
        row.m2m = {key: m2m[key] for key in M2M_KEYS if before[1][key] != after[1][key]}
    return row


def run_import(plan, *, by, filename):
    """Write every changed row in one transaction; any failure rolls all of them back."""
    if plan.errors:
        raise ValueError("An import plan with errors must not be run.")
    reason = _("Import: %(name)s") % {"name": filename}
    try:
        with transaction.atomic():
            for row in plan.rows:
                if row.action == UNCHANGED:
                    continue
                row.measure._change_reason = reason[:100]
                try:
                    if row.action == CREATE:
                        services.measure_create(
                            measure=row.measure,
                            m2m=row.m2m,
                            participations=row.participations,
                            by=by,
                        )
                    else:
                        services.measure_update(
                            measure=row.measure,
                            m2m=row.m2m,
                            participations=row.participations,
                            expected_version=row.expected_version,
                            by=by,
                        )
                except services.StaleMeasureError:
                    raise ImportFailed(
                        [
                            RowError(
                                row.row,
                                BY_KEY["title"].header,
                                _(
                                    "Die Maßnahme wurde seit der Vorschau von jemand anderem "
                                    "geändert. Bitte die Datei erneut hochladen."
                                ),
                            )
                        ]
                    ) from None
                except ValidationError as invalid:
                    raise ImportFailed(
                        [RowError(row.row, "", message) for message in invalid.messages]
                    ) from None
                except IntegrityError:
                    raise ImportFailed(
                        [
                            RowError(
                                row.row,
                                "",
                                _("Die Zeile verletzt eine Regel der Datenbank."),
                            )
                        ]
                    ) from None
    except IntegrityError:
        # PostgreSQL checks "exactly one lead" at commit, after the last row.
        raise ImportFailed(
            [RowError(0, "", _("Die Daten verletzen eine Regel der Datenbank."))]
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
