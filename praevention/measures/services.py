"""Writes that span a measure, its relations and its participations."""

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from praevention.accounts.models import User
from praevention.catalog import usage
from praevention.core.locks import is_lock_timeout
from praevention.measures import bulk, policy, rules
from praevention.measures.history import ChangeSet, changes_since
from praevention.measures.models import Measure, Participation, PublicationChange
from praevention.network.models import Department

M2M_FIELDS = Measure.M2M_FIELDS
# [(department, role)]: who takes part in a measure, and how (a Participation.Role value).
Participations = Sequence[tuple[Department, str]]
# {M2M field name (Measure.M2M_FIELDS): the linked catalogue entries or their ids}
Links = Mapping[str, Iterable[Any]]
T = TypeVar("T")


@dataclass
class StaleMeasureError(Exception):
    """Someone saved the measure after the editor loaded it; nothing was written."""

    measure: Measure
    changes: list[ChangeSet] = field(default_factory=list)

    @property
    def changed_by(self) -> User | None:
        return self.changes[-1].user if self.changes else None

    @property
    def changed_at(self) -> datetime | None:
        return self.changes[-1].date if self.changes else None

    @property
    def changed_fields(self) -> list[str]:
        labels = []
        for change_set in self.changes:
            for change in change_set.changes:
                if change.label not in labels:
                    labels.append(change.label)
        return labels


def busy_error(title: str | None = None) -> ValidationError:
    """The German answer when a measure's row is locked by a long write (an import)."""
    if title:
        message = _(
            "Die Maßnahme „%(title)s“ wird gerade von einem Import geändert, bitte gleich "
            "erneut versuchen."
        ) % {"title": title}
    else:
        message = _(
            "Die Maßnahme wird gerade von einem Import geändert, bitte gleich erneut versuchen."
        )
    return ValidationError(message, code="busy")


def short_lock_waits() -> None:
    """Within the current transaction, a wait for a row lock ends after
    `settings.DB_LOCK_TIMEOUT_MS` (default 3 s) instead of at the 30 s statement timeout.

    Why: an import holds the locks of every row it writes until it commits; an edit of one
    of those rows would otherwise wait until the worker's statement timeout and end in a 500.
    PostgreSQL only; SQLite has no row locks.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('lock_timeout', %s, true)",
                [f"{int(settings.DB_LOCK_TIMEOUT_MS)}ms"],
            )


@contextmanager
def explain_lock_timeout(title: str | None = None) -> Iterator[None]:
    """Turn an ended lock wait into the German `busy_error` (a ValidationError)."""
    try:
        yield
    except OperationalError as error:
        if is_lock_timeout(error):
            raise busy_error(title) from error
        raise


def lock_measure(pk: int, title: str | None = None) -> int:
    """Lock the measure's row for this transaction and return its stored version.

    Raises `busy_error` (ValidationError) when the row stays locked longer than the lock
    timeout, Measure.DoesNotExist when it is gone.
    """
    short_lock_waits()
    # A savepoint: an ended wait aborts only it, so a caller inside a larger transaction
    # (the admin's change view) can still show the message. The lock outlives the savepoint.
    with explain_lock_timeout(title), transaction.atomic():
        return Measure.objects.select_for_update().values_list("version", flat=True).get(pk=pk)


def stored_participations(measure_pk: int) -> list[tuple[int, str]]:
    """[(department id, role)] as stored now (read after `lock_measure`)."""
    return list(
        Participation.objects.filter(measure_id=measure_pk).values_list("department_id", "role")
    )


def _check_participations(
    participations: Participations,
    *,
    by: User | None,
    before: Sequence[tuple[int, str]] = (),
) -> None:
    """The participation rules (`rules`) and who may change them (`policy`), German errors."""
    rules.check_participations(participations)
    if by is not None:
        policy.check_participation_change(by, before, participations)


# Fields that change with every save or are bookkeeping: not part of what an editor changes.
_BOOKKEEPING = {"id", "version", "created_at", "updated_at", "created_by", "confirmed_at"}


def _is_real_change(
    stored: Measure, measure: Measure, m2m: Links, participations: Participations
) -> bool:
    """Whether an edit changes anything an editor sees: a field, a catalogue link or a
    participation. Saving an unchanged form is no confirmation that the entry is current."""
    for model_field in Measure._meta.concrete_fields:
        if model_field.name in _BOOKKEEPING:
            continue
        if getattr(stored, model_field.attname) != getattr(measure, model_field.attname):
            return True
    for name, values in m2m.items():
        wanted = {getattr(value, "pk", value) for value in values}
        if wanted != set(getattr(stored, name).values_list("pk", flat=True)):
            return True
    current = set(stored.participations.values_list("department_id", "role"))
    return current != {(department.pk, role) for department, role in participations}


def _write(
    measure: Measure,
    m2m: Links,
    participations: Participations,
    by: User | None,
    *,
    confirm: bool = True,
) -> Measure:
    measure.full_clean()
    measures_write(writes=[bulk.MeasureWrite(measure, m2m, participations, confirm=confirm)], by=by)
    return measure


@transaction.atomic
def measures_write(
    *, writes: Sequence[bulk.MeasureWrite], by: User | None, reason: str | None = None
) -> None:
    """The one writer of measures (measures/bulk.py): save `writes` (new and changed measures
    with their catalogue links and participations) and one history record per measure.

    The caller has checked the rows (`full_clean`, `rules`, `policy`) and, for updates, holds
    their row locks with the versions they were planned at (`lock_measure`, `lock_measures`);
    each update's `measure.version` is that stored version and becomes version + 1. `reason`
    is cut to the history's 100 characters. Raises IntegrityError when a database rule breaks
    (the transaction is rolled back).
    """
    if not writes:
        return
    short_lock_waits()
    with explain_lock_timeout():
        bulk.write_measures(
            writes, by=by, reason=reason[:100] if reason else reason, now=timezone.now()
        )


@transaction.atomic
def measure_create(
    *, measure: Measure, m2m: Links, participations: Participations, by: User | None
) -> Measure:
    """Save a new measure with its relations and participations in one transaction."""
    _check_participations(participations, by=by)
    return _write(measure, m2m, participations, by)


@transaction.atomic
def measure_update(
    *,
    measure: Measure,
    m2m: Links,
    participations: Participations,
    expected_version: int,
    by: User | None,
) -> Measure:
    """Save an edit unless the measure changed since the editor loaded `expected_version`.

    The row is locked first, so of two concurrent saves based on one version exactly one
    wins; the other raises StaleMeasureError and writes nothing.
    """
    current_version = lock_measure(measure.pk, measure.title)
    if current_version != expected_version:
        current = Measure.objects.with_relations().get(pk=measure.pk)
        raise StaleMeasureError(current, changes_since(current, expected_version))
    _check_participations(participations, by=by, before=stored_participations(measure.pk))
    measure.version = current_version
    stored = Measure.objects.get(pk=measure.pk)  # locked above
    # Every real edit confirms the entry (issue #16); an unchanged save keeps the old date.
    confirm = _is_real_change(stored, measure, m2m, participations)
    if not confirm:
        measure.confirmed_at = stored.confirmed_at
    return _write(measure, m2m, participations, by, confirm=confirm)


@transaction.atomic
def measure_confirm(*, measure: Measure, by: User | None) -> Measure:
    """The lead confirms with one click that the entry is still right: `confirmed_at` = now.

    Recorded in the history like an edit (a new version), so it shows who confirmed when.
    Raises the German `busy_error` when an import holds the row longer than the lock timeout.
    """
    lock_measure(measure.pk, measure.title)
    measure = Measure.objects.get(pk=measure.pk)
    measures_write(writes=[bulk.MeasureWrite(measure, fields=["confirmed_at"])], by=by)
    return measure


@transaction.atomic
def measure_set_archived(*, measure: Measure, archived: bool, by: User | None) -> Measure:
    """Archive instead of delete (and back); recorded in the history like any edit."""
    lock_measure(measure.pk, measure.title)
    measure = Measure.objects.get(pk=measure.pk)
    if measure.is_archived == archived:
        return measure
    measure.is_archived = archived
    write = bulk.MeasureWrite(measure, fields=["is_archived"], confirm=False)
    measures_write(writes=[write], by=by)
    return measure


def lock_measures(ids: Iterable[int]) -> dict[int, int]:
    """Lock the rows of measures `ids` for this transaction: {id: stored version}.

    For bulk writes (the import); a wait longer than the lock timeout raises `busy_error`.
    """
    short_lock_waits()
    found: dict[int, int] = {}
    ids = list(ids)
    with explain_lock_timeout(), transaction.atomic():
        for start in range(0, len(ids), 5000):
            found.update(
                Measure.objects.select_for_update()
                .filter(pk__in=ids[start : start + 5000])
                .values_list("pk", "version")
            )
    return found


@transaction.atomic
def measures_set_public(*, measure_ids: Iterable[int], public: bool, by: User | None) -> int:
    """Mark measures "öffentlich" for the HSDS API, or take the mark back; returns how many
    changed (those already in the wanted state are left alone).

    One UPDATE of the flag and its time, without `save()`: the version stays, so an edit that
    is open meanwhile saves without a conflict (and `Measure.save` never writes the flag, so it
    keeps the mark). Who and when goes to `PublicationChange`, which the history shows.
    Archived measures are never public (`MeasureQuerySet.public`), but may keep the mark.
    """
    now = timezone.now()
    changing = list(
        Measure.objects.filter(pk__in=list(measure_ids))
        .exclude(is_public=public)
        .select_for_update()
        .values_list("pk", flat=True)
    )
    Measure.objects.filter(pk__in=changing).update(is_public=public, public_changed_at=now)
    PublicationChange.objects.bulk_create(
        PublicationChange(measure_id=pk, is_public=public, changed_at=now, changed_by=by)
        for pk in changing
    )
    return len(changing)


def save_or_explain(write: Callable[[], T]) -> T:
    """Run a write; a database rule it breaks becomes a German validation error, not a 500."""
    try:
        return write()
    except IntegrityError as error:
        raise ValidationError(
            _("Die Änderung verletzt eine Regel der Datenbank und wurde nicht gespeichert.")
        ) from error


@transaction.atomic
def catalog_entries_merge(*, target: Any, sources: Sequence[Any], by: User | None) -> int:
    """Move every link of catalogue entries `sources` to `target`, then delete the sources.

    Each affected measure is locked (like any edit) and saved through the one writer as a
    new version with the reason "Stammdaten zusammengeführt: A → B", so its history shows
    the old and the new entry. Other links (risk factors, goals, parent spaces) move with
    their own history (`usage.move_links`). Returns the number of measures changed.
    Raises ValueError when an entry is of another catalogue; ValidationError (busy) from a
    lock; IntegrityError when the merge would create duplicates.
    """
    sources = [source for source in sources if source.pk != target.pk]
    if any(type(source) is not type(target) for source in sources):
        raise ValueError("Only entries of one catalogue can be merged.")
    changed: set[int] = set()
    for source in sources:
        reason = _("Stammdaten zusammengeführt: %(old)s → %(new)s") % {
            "old": source,
            "new": target,
        }
        for link in usage.links(type(target)):
            if link.model is Measure:
                changed |= _move_measure_links(link, source, target, by=by, reason=reason)
            else:
                usage.move_links(link, source, target, by=by, reason=reason)
        source._history_user = by
        source.delete()
    return len(changed)


def _move_measure_links(
    link: usage.Link, source: Any, target: Any, *, by: User | None, reason: str
) -> set[int]:
    """Point the measures' `link` from `source` to `target` through the one writer."""
    ids = list(
        Measure.objects.filter(**{link.field: source}).order_by("pk").values_list("pk", flat=True)
    )
    lock_measures(ids)
    writes = []
    linked: dict[int, set[int]] = {pk: set() for pk in ids}
    if link.many:
        through = getattr(Measure, link.field).through
        column = f"{type(target)._meta.model_name}_id"
        for measure_id, entry_id in through.objects.filter(measure_id__in=ids).values_list(
            "measure_id", column
        ):
            linked[measure_id].add(entry_id)
    for measure in Measure.objects.filter(pk__in=ids).order_by("pk"):
        if link.many:
            wanted = (linked[measure.pk] - {source.pk}) | {target.pk}
            writes.append(
                bulk.MeasureWrite(measure, m2m={link.field: wanted}, fields=[], confirm=False)
            )
        else:
            setattr(measure, link.field, target)
            writes.append(bulk.MeasureWrite(measure, fields=[link.field], confirm=False))
    measures_write(writes=writes, by=by, reason=reason)
    return set(ids)
