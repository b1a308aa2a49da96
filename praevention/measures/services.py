"""Writes that span a measure, its relations and its participations."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from praevention.measures.history import changes_since
from praevention.measures.models import Measure, Participation

M2M_FIELDS = Measure.M2M_FIELDS


@dataclass
class StaleMeasureError(Exception):
    """Someone saved the measure after the editor loaded it; nothing was written."""

    measure: Measure
    changes: list = field(default_factory=list)

    @property
    def changed_by(self):
        return self.changes[-1].user if self.changes else None

    @property
    def changed_at(self):
        return self.changes[-1].date if self.changes else None

    @property
    def changed_fields(self):
        labels = []
        for change_set in self.changes:
            for change in change_set.changes:
                if change.label not in labels:
                    labels.append(change.label)
        return labels


def _sync_participations(measure, participations, by):
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

    def write(department, role):
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


def _check_participations(participations):
    leads = [d for d, role in participations if role == Participation.Role.LEAD]
    if len(leads) != 1:
        raise ValidationError(_("Eine Maßnahme braucht genau einen federführenden Fachbereich."))
    departments = [d.pk for d, _role in participations]
    if len(departments) != len(set(departments)):
        raise ValidationError(_("Jeder Fachbereich kann nur einmal beteiligt sein."))


# Fields that change with every save or are bookkeeping: not part of what an editor changes.
_BOOKKEEPING = {"id", "version", "created_at", "updated_at", "created_by", "confirmed_at"}


def _is_real_change(stored: Measure, measure: Measure, m2m: dict, participations: list) -> bool:
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


def _write(measure, m2m, participations, by):
    measure._history_user = by
    measure.full_clean()
    measure.save()
    for name, values in m2m.items():
        getattr(measure, name).set(values)
    _sync_participations(measure, participations, by)
    return measure


@transaction.atomic
def measure_create(*, measure, m2m, participations, by):
    """Save a new measure with its relations and participations in one transaction."""
    _check_participations(participations)
    measure.created_by = by
    measure.confirmed_at = timezone.now()
    return _write(measure, m2m, participations, by)


@transaction.atomic
def measure_update(*, measure, m2m, participations, expected_version, by):
    """Save an edit unless the measure changed since the editor loaded `expected_version`.

    The row is locked first, so of two concurrent saves based on one version exactly one
    wins; the other raises StaleMeasureError and writes nothing.
    """
    stored = Measure.objects.select_for_update().get(pk=measure.pk)
    if stored.version != expected_version:
        current = Measure.objects.with_relations().get(pk=measure.pk)
        raise StaleMeasureError(current, changes_since(current, expected_version))
    _check_participations(participations)
    measure.version = stored.version
    # Every real edit confirms the entry (issue #16); an unchanged save keeps the old date.
    if _is_real_change(stored, measure, m2m, participations):
        measure.confirmed_at = timezone.now()
    else:
        measure.confirmed_at = stored.confirmed_at
    return _write(measure, m2m, participations, by)


@transaction.atomic
def measure_confirm(*, measure: Measure, by) -> Measure:
    """The lead confirms with one click that the entry is still right: `confirmed_at` = now.

    Recorded in the history like an edit (a new version), so it shows who confirmed when.
    """
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    measure.confirmed_at = timezone.now()
    measure._history_user = by
    measure.save(update_fields=["confirmed_at"])
    return measure


@transaction.atomic
def measure_set_archived(*, measure, archived, by):
    """Archive instead of delete (and back); recorded in the history like any edit."""
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    if measure.is_archived == archived:
        return measure
    measure.is_archived = archived
    measure._history_user = by
    measure.save(update_fields=["is_archived"])
    return measure


def save_or_explain(write):
    """Run a write; a database rule it breaks becomes a German validation error, not a 500."""
    try:
        return write()
    except IntegrityError as error:
        raise ValidationError(
            _("Die Änderung verletzt eine Regel der Datenbank und wurde nicht gespeichert.")
        ) from error
