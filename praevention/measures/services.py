"""Writes that span a measure, its relations and its participations."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from praevention.accounts.models import User
from praevention.measures.history import ChangeSet, changes_since
from praevention.measures.models import Measure, Participation
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


def _sync_participations(measure: Measure, participations: Participations, by: User | None) -> None:
    """Make the measure's participations exactly `participations` [(department, role)].

    The lead is written last and a demoted lead first, so the "one lead" index never
    sees two leads in between; every row is saved singly so history records it.
    """
    wanted = {department.pk: (department, role) for department, role in participations}
    current = {p.department_id: p for p in measure.participations.all()}

    for department_id, participation in current.items():
        if department_id not in wanted:
            participation._history_user = by
            participation.delete()

    def write(department: Department, role: str) -> None:
        participation = current.get(department.pk)
        if participation is None:
            participation = Participation(measure=measure, department=department, role=role)
        elif participation.role == role:
            return
        participation.role = role
        participation._history_user = by
        participation.save()

    demoted_first = sorted(
        wanted.values(),
        key=lambda item: (item[1] == Participation.Role.LEAD, item[0].pk),
    )
    for department, role in demoted_first:
        write(department, role)


def _check_participations(participations: Participations) -> None:
    leads = [d for d, role in participations if role == Participation.Role.LEAD]
    if len(leads) != 1:
        raise ValidationError(_("Eine Maßnahme braucht genau einen federführenden Fachbereich."))
    departments = [d.pk for d, _role in participations]
    if len(departments) != len(set(departments)):
        raise ValidationError(_("Jeder Fachbereich kann nur einmal beteiligt sein."))


def _write(
    measure: Measure, m2m: Links, participations: Participations, by: User | None
) -> Measure:
    measure._history_user = by
    measure.full_clean()
    measure.save()
    for name, values in m2m.items():
        getattr(measure, name).set(values)
    _sync_participations(measure, participations, by)
    return measure


@transaction.atomic
def measure_create(
    *, measure: Measure, m2m: Links, participations: Participations, by: User | None
) -> Measure:
    """Save a new measure with its relations and participations in one transaction."""
    _check_participations(participations)
    measure.created_by = by
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
    current_version = (
        Measure.objects.select_for_update().values_list("version", flat=True).get(pk=measure.pk)
    )
    if current_version != expected_version:
        current = Measure.objects.with_relations().get(pk=measure.pk)
        raise StaleMeasureError(current, changes_since(current, expected_version))
    _check_participations(participations)
    measure.version = current_version
    return _write(measure, m2m, participations, by)


@transaction.atomic
def measure_set_archived(*, measure: Measure, archived: bool, by: User | None) -> Measure:
    """Archive instead of delete (and back); recorded in the history like any edit."""
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    if measure.is_archived == archived:
        return measure
    measure.is_archived = archived
    measure._history_user = by
    measure.save(update_fields=["is_archived"])
    return measure


def save_or_explain(write: Callable[[], T]) -> T:
    """Run a write; a database rule it breaks becomes a German validation error, not a 500."""
    try:
        return write()
    except IntegrityError as error:
        raise ValidationError(
            _("Die Änderung verletzt eine Regel der Datenbank und wurde nicht gespeichert.")
        ) from error
