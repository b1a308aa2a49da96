"""The one writer of measures: rows, catalogue links, participations and their history.

Every save of a measure goes through `write_measures` (called by `services.measures_write`):
the edit form, the admin, the import, the catalogue merge, confirming and archiving. So a
version is counted, and history is written, by one set of rules:

- a new measure gets version 1, every saved change the stored version + 1;
- each saved measure gets exactly one historical record (type "+" or "~", the user, the
  reason) with a snapshot of all its catalogue links, as simple-history writes per save;
- each participation that is added, changes its role or goes gets its own record.

Why not `Measure.save()` with simple-history's signals: a save in the form wrote one record
for the row and one more for every changed link field, while a 5,000-row import cannot save
row by row (minutes instead of seconds). So the writes are plain statements, in bulk, in
this one documented module (STYLE rule 13): on PostgreSQL one statement per table and kind
of change, built from arrays (`unnest`), elsewhere the ORM's bulk methods. Signals are not
sent; nothing in the project listens to a measure's signals but simple-history, whose
records are written here.
"""

import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, models

from praevention.measures.models import Measure, Participation

BATCH = 1000
M2M_FIELDS = Measure.M2M_FIELDS
# Fields a writer never takes from the caller: counted or stamped here.
STAMPED = {"id", "version", "created_at", "updated_at"}


@dataclass
class MeasureWrite:
    """One measure to save.

    measure: the measure with its new field values; without pk it is created, else updated
    (its `version` is the stored one, read under the row lock by the caller).
    m2m: {M2M field name: the wanted catalogue entries or their ids}, only the fields to set.
    participations: [(department, role)] as they shall be, or None to leave them.
    fields: the scalar fields an update writes (None: every field).
    confirm: whether the save confirms the entry (`confirmed_at` = now, issue #16).
    """

    measure: Measure
    m2m: Mapping[str, Iterable[Any]] = field(default_factory=dict)
    participations: Sequence[tuple[Any, str]] | None = None
    fields: Collection[str] | None = None
    confirm: bool = True


def write_measures(
    writes: Sequence[MeasureWrite], *, by: Any, reason: str | None, now: datetime
) -> None:
    """Save `writes` with their links, participations and history; the caller holds the
    transaction and the row locks of the updated measures. `reason` (≤ 100 characters) is
    stored with every record; `now` is the date of every record and of `updated_at`."""
    creates = [write for write in writes if write.measure.pk is None]
    updates = [write for write in writes if write.measure.pk is not None]
    _stamp(creates, updates, by, now)
    _insert_measures([write.measure for write in creates])
    _update_measures(updates)
    _write_links(creates, updates)
    history = {"by": by, "now": now, "reason": reason}
    _write_participations([w for w in writes if w.participations is not None], **history)
    _copy_to_history(Measure, [w.measure.pk for w in creates], kind="+", **history)
    _copy_to_history(Measure, [w.measure.pk for w in updates], kind="~", **history)
    _snapshot_links([w.measure.pk for w in writes], now)


def _stamp(creates, updates, by, now):
    for write in creates:
        measure = write.measure
        measure.version = 1
        measure.created_by = by
        measure.created_at = measure.updated_at = measure.confirmed_at = now
    for write in updates:
        write.measure.version += 1
        write.measure.updated_at = now
        if write.confirm:
            write.measure.confirmed_at = now


def _chunks(items: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _sql_type(model_field):
    """The column type for an array cast, without the CHECK Django adds to some types."""
    return re.split(r"\s+CHECK\b", model_field.db_type(connection))[0]


def _quote(name):
    return connection.ops.quote_name(name)


def _table(model):
    return _quote(model._meta.db_table)


def _insert_measures(measures):
    """INSERT … SELECT FROM unnest(arrays) RETURNING id, title on PostgreSQL (bulk_create's
    per-object SQL cost seconds for 5,000 rows). Ids are matched back by title, which is
    unique, so nothing depends on the order rows come back in."""
    if not measures:
        return
    if connection.vendor != "postgresql":
        Measure.objects.bulk_create(measures, batch_size=BATCH)
        return
    fields = [f for f in Measure._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(_quote(f.column) for f in fields)
    unnest = ", ".join(f"%s::{_sql_type(f)}[]" for f in fields)
    with connection.cursor() as cursor:
        for chunk in _chunks(measures, BATCH * 5):
            arrays = [
                [f.get_db_prep_save(getattr(m, f.attname), connection) for m in chunk]
                for f in fields
            ]
            cursor.execute(
                f"INSERT INTO {_table(Measure)} ({columns}) "
                f"SELECT * FROM unnest({unnest}) RETURNING id, title",
                arrays,
            )
            ids = dict((title, pk) for pk, title in cursor.fetchall())
            for measure in chunk:
                measure.pk = ids[measure.title]
                measure._state.adding = False
                measure._state.db = connection.alias


def _update_fields(updates):
    """The fields the updates write: the union of what each names, with the stamps."""
    names = {"version", "updated_at"}
    # The publication mark is set only by `services.measures_set_public`: an edit opened
    # before it was set must not take it back.
    every = [
        f.name
        for f in Measure._meta.concrete_fields
        if f.name not in STAMPED and f.name not in Measure.PUBLICATION_FIELDS
    ]
    for write in updates:
        names.update(every if write.fields is None else write.fields)
        if write.confirm:
            names.add("confirmed_at")
    return [Measure._meta.get_field(name) for name in sorted(names)]


def _update_measures(updates):
    """One UPDATE … FROM unnest(arrays) on PostgreSQL (bulk_update builds a CASE per row and
    field: 25 s for 5,000 rows)."""
    if not updates:
        return
    measures = [write.measure for write in updates]
    fields = _update_fields(updates)
    if connection.vendor != "postgresql":
        Measure.objects.bulk_update(measures, [f.name for f in fields], batch_size=BATCH)
        return
    names = [f.column for f in fields]
    arrays = [[m.pk for m in measures]] + [
        [f.get_db_prep_save(getattr(m, f.attname), connection) for m in measures] for f in fields
    ]
    unnest = ", ".join(f"%s::{sql_type}[]" for sql_type in ["bigint", *map(_sql_type, fields)])
    assignments = ", ".join(f"{_quote(name)} = v.{_quote(name)}" for name in names)
    columns = ", ".join(_quote(name) for name in ["id", *names])
    with connection.cursor() as cursor:
        for start in range(0, len(measures), BATCH * 5):
            cursor.execute(
                f"UPDATE {_table(Measure)} AS m SET {assignments} "
                f"FROM unnest({unnest}) AS v({columns}) WHERE m.id = v.id",
                [array[start : start + BATCH * 5] for array in arrays],
            )


def _link_column(name):
    """(through model, column of the catalogue entry's id) of M2M field `name`."""
    through = getattr(Measure, name).through
    target = Measure._meta.get_field(name).remote_field.model
    return through, f"{target._meta.model_name}_id"


def _write_links(creates, updates):
    """Make each named M2M field hold exactly the wanted entries: only links that go are
    deleted and only new ones inserted, so unchanged links keep their rows."""
    for name in M2M_FIELDS:
        through, column = _link_column(name)
        changed = [write for write in updates if name in write.m2m]
        current: dict[int, dict[int, int]] = {write.measure.pk: {} for write in changed}
        for chunk in _chunks(current):
            rows = through.objects.filter(measure_id__in=chunk).values_list(
                "pk", "measure_id", column
            )
            for pk, measure_id, target_id in rows:
                current[measure_id][target_id] = pk
        gone, new = [], []
        for write in [*creates, *changed]:
            wanted = {getattr(value, "pk", value) for value in write.m2m.get(name, ())}
            have = current.get(write.measure.pk, {})
            gone.extend(pk for target_id, pk in have.items() if target_id not in wanted)
            new.extend((write.measure.pk, target_id) for target_id in sorted(wanted - have.keys()))
        for chunk in _chunks(gone):
            # The link tables have no history and no signal receivers: a plain delete.
            through.objects.filter(pk__in=chunk).delete()
        _insert_rows(through, ["measure_id", column], ["bigint", "bigint"], new)


def _insert_rows(model, columns, types, rows):
    """Insert plain rows into `model`'s table; returns their new ids (in order).

    Why not bulk_create on PostgreSQL: for the ~100,000 link and history rows of a 5,000-row
    import the ORM spends seconds building objects and SQL; the values here are plain ids.
    """
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model.objects.bulk_create(objects, batch_size=BATCH)
        return [obj.pk for obj in objects]
    names = ", ".join(_quote(column) for column in columns)
    unnest = ", ".join(f"%s::{sql_type}[]" for sql_type in types)
    ids = []
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, BATCH * 5):
            cursor.execute(
                f"INSERT INTO {_table(model)} ({names}) SELECT * FROM unnest({unnest}) "
                "RETURNING id",
                [list(values) for values in zip(*chunk, strict=True)],
            )
            ids.extend(found for (found,) in cursor.fetchall())
    return ids


def _participation_changes(writes, now):
    """(ids to delete, rows whose role changes, new (measure, department, role)) for the
    participations of `writes`, read in one query per 1,000 measures."""
    current: dict[int, dict[int, tuple[int, str]]] = {w.measure.pk: {} for w in writes}
    for chunk in _chunks([pk for pk in current if pk is not None]):
        rows = Participation.objects.filter(measure_id__in=chunk).values_list(
            "pk", "measure_id", "department_id", "role"
        )
        for pk, measure_id, department_id, role in rows:
            current[measure_id][department_id] = (pk, role)
    deletes, changed, new = [], [], []
    for write in writes:
        wanted = {getattr(d, "pk", d): role for d, role in write.participations or ()}
        have = current.get(write.measure.pk, {})
        for department_id, (pk, role) in have.items():
            if department_id not in wanted:
                deletes.append(pk)
            elif role != wanted[department_id]:
                participation = Participation(
                    pk=pk, measure_id=write.measure.pk, department_id=department_id
                )
                participation.role = wanted[department_id]
                participation.updated_at = now
                changed.append(participation)
        new.extend(
            (write.measure.pk, department_id, role)
            for department_id, role in wanted.items()
            if department_id not in have
        )
    return deletes, changed, new


def _write_participations(writes, *, by, now, reason):
    """Participations in the order the one-lead index allows, each change with its record:
    removals first, then demotions, then promotions, new leads last."""
    if not writes:
        return
    history = {"by": by, "now": now, "reason": reason}
    deletes, changed, new = _participation_changes(writes, now)
    if deletes:
        # The record of a removal is written from the row before it goes; a plain DELETE, as
        # a queryset's delete would send the signal simple-history writes a second record on.
        _copy_to_history(Participation, deletes, kind="-", **history)
        with connection.cursor() as cursor:
            for chunk in _chunks(deletes):
                placeholders = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"DELETE FROM {_table(Participation)} WHERE id IN ({placeholders})", chunk
                )
    lead = Participation.Role.LEAD
    for group in ([p for p in changed if p.role != lead], [p for p in changed if p.role == lead]):
        if group:
            Participation.objects.bulk_update(group, ["role", "updated_at"], batch_size=BATCH)
            _copy_to_history(Participation, [p.pk for p in group], kind="~", **history)
    new.sort(key=lambda item: item[2] == lead)
    ids = _insert_rows(
        Participation,
        ["created_at", "updated_at", "measure_id", "department_id", "role"],
        ["timestamptz", "timestamptz", "bigint", "bigint", "varchar"],
        [(now, now, measure, department, role) for measure, department, role in new],
    )
    _copy_to_history(Participation, ids, kind="+", **history)


def _copy_to_history(model, ids, *, kind, now, by, reason):
    """Write the historical records of rows `ids` of `model` as they are now, in the database
    (INSERT … SELECT): the record simple-history writes per save, one statement per batch.
    The tracked columns are the model's concrete fields (no field is excluded from history)."""
    if not ids:
        return
    history = model.history.model
    columns = ", ".join(_quote(f.column) for f in model._meta.concrete_fields)
    extra = ", ".join(
        _quote(history._meta.get_field(name).column)
        for name in ("history_date", "history_type", "history_user", "history_change_reason")
    )
    with connection.cursor() as cursor:
        for chunk in _chunks(ids):
            placeholders = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {_table(history)} ({columns}, {extra}) "
                f"SELECT {columns}, %s, %s, %s, %s FROM {_table(model)} "
                f"WHERE id IN ({placeholders})",
                [now, kind, getattr(by, "pk", None), reason, *chunk],
            )


def snapshot_model(name: str) -> type[models.Model]:
    """The historical model that keeps M2M field `name`'s links per record: simple-history's
    descriptor on the historical model (`record.<name>`) names it."""
    return getattr(Measure.history.model, name).model


def _snapshot_links(ids, now):
    """The links of each measure record written at `now`: every M2M field's full set, as
    simple-history stores it with each record (the history page reads them)."""
    if not ids:
        return
    history = _table(Measure.history.model)
    with connection.cursor() as cursor:
        for name in M2M_FIELDS:
            through, column = _link_column(name)
            columns = ", ".join(_quote(c) for c in ("id", "measure_id", column))
            for chunk in _chunks(ids):
                placeholders = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"INSERT INTO {_table(snapshot_model(name))} ({columns}, history_id) "
                    f"SELECT t.id, t.measure_id, t.{_quote(column)}, h.history_id "
                    f"FROM {_table(through)} t JOIN {history} h ON h.id = t.measure_id "
                    f"WHERE h.history_date = %s AND h.id IN ({placeholders})",
                    [now, *chunk],
                )
