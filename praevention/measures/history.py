"""A measure's history as change sets: who changed what and when, field by field.

Every save bumps `Measure.version`, and simple-history writes one record per save and one
per M2M change, all carrying that version. So one version is one edit: its changes are the
difference between the last record of the previous version and its own last record.
Participation records are attached to the edit that was in progress when they were written.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from praevention.accounts.models import User
from praevention.catalog.models import (
    EvidenceLevel,
)
from praevention.measures.bulk import snapshot_model
from praevention.measures.models import Measure, Participation, PublicationChange
from praevention.network.models import Person

# The publication fields are written beside the history (`PublicationChange`), never by a save.
UNTRACKED = {
    "id",
    "created_at",
    "updated_at",
    "version",
    "created_by",
    *Measure.PUBLICATION_FIELDS,
}
# {M2M field: the catalogue model it links to}
M2M_TARGETS = {name: Measure._meta.get_field(name).related_model for name in Measure.M2M_FIELDS}
FK_TARGETS = {"evidence_level": EvidenceLevel, "contact_person": Person}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class ChangeSet:
    version: int
    date: datetime
    user: User | None
    created: bool = False
    changes: list = field(default_factory=list)


def _tracked_fields():
    return [f for f in Measure._meta.concrete_fields if f.name not in UNTRACKED]


def link_snapshots(record_ids):
    """{history_id: {M2M field: frozenset(catalogue ids)}} for the given historical records
    of measures, one query per M2M field."""
    result = {history_id: {} for history_id in record_ids}
    for name, target in M2M_TARGETS.items():
        rows = snapshot_model(name).objects.filter(history_id__in=record_ids)
        grouped = {history_id: set() for history_id in record_ids}
        for history_id, target_id in rows.values_list(
            "history_id", f"{target._meta.model_name}_id"
        ):
            grouped[history_id].add(target_id)
        for history_id, ids in grouped.items():
            result[history_id][name] = frozenset(ids)
    return result


def _snapshot(record, m2m):
    """The measure's tracked values in one historical record, M2M as sets of ids."""
    values = {f.attname: getattr(record, f.attname) for f in _tracked_fields()}
    values.update(m2m[record.history_id])
    return values


def _display(value, model_field, names):
    if value is None or value == "" or value == frozenset():
        return "—"
    if isinstance(value, frozenset):
        return "; ".join(sorted(names.get(pk, f"#{pk}") for pk in value))
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field is not None and model_field.is_relation:
        return names.get(value, f"#{value}")
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if isinstance(value, Decimal):
        return formats.number_format(value, decimal_pos=2, force_grouping=True)
    if isinstance(value, (date, int)):
        return formats.localize(value)
    return str(value)


def _names(snapshots):
    """Display names for every id that occurs, one query per related model."""
    names = {}
    for name, target in {**M2M_TARGETS, **FK_TARGETS}.items():
        ids = set()
        for snap in snapshots:
            value = snap.get(name) if name in M2M_TARGETS else snap.get(f"{name}_id")
            if isinstance(value, frozenset):
                ids |= value
            elif value is not None:
                ids.add(value)
        queryset = target.objects.all()
        if target is Person:
            queryset = queryset.select_related("user", "department")
        names[name] = {pk: str(obj) for pk, obj in queryset.in_bulk(ids).items()} if ids else {}
        missing = ids - names[name].keys()
        if missing and hasattr(target, "history"):
            # A deleted catalogue entry (merged into another) keeps its name in the history:
            # its own last historical record. One query, only when something is missing.
            records = target.history.filter(id__in=missing).order_by("id", "-history_date")
            for record in records:
                names[name].setdefault(record.id, str(record.instance))
    return names


def _diff(before, after, names):
    """The changes from record `before` to record `after` (a pair of (record, snapshot)).

    The measure's own fields through simple-history's `diff_against`, in the form's order;
    the catalogue links from the snapshots, which read each link table once for the whole
    history (`diff_against` would query every link table for every pair of records).
    """
    (old_record, before), (new_record, after) = before, after
    delta = new_record.diff_against(old_record, excluded_fields=UNTRACKED | set(M2M_TARGETS))
    order = {model_field.name: n for n, model_field in enumerate(_tracked_fields())}
    changes = []
    for change in sorted(delta.changes, key=lambda change: order[change.field]):
        model_field = Measure._meta.get_field(change.field)
        related = names.get(model_field.name, {})
        changes.append(
            Change(
                str(model_field.verbose_name),
                _display(change.old, model_field, related),
                _display(change.new, model_field, related),
            )
        )
    for name in M2M_TARGETS:
        if before.get(name, frozenset()) != after.get(name, frozenset()):
            changes.append(
                Change(
                    str(Measure._meta.get_field(name).verbose_name),
                    _display(before.get(name, frozenset()), None, names[name]),
                    _display(after.get(name, frozenset()), None, names[name]),
                )
            )
    return changes


def _participation_changes(measure):
    """[(date, user, Change)] from the participations' own history, oldest first."""
    records = (
        Participation.history.filter(measure_id=measure.pk)
        .select_related("department", "history_user")
        .order_by("history_date", "history_id")
    )
    roles = dict(Participation.Role.choices)
    last_role = {}
    events = []
    for record in records:
        label = _("Beteiligung: %(department)s") % {"department": record.department}
        before = last_role.get(record.department_id)
        if record.history_type == "-":
            change = Change(label, str(roles.get(before, "—")), "—")
            last_role.pop(record.department_id, None)
        else:
            if before == record.role:
                continue
            change = Change(label, str(roles.get(before, "—")), str(roles[record.role]))
            last_role[record.department_id] = record.role
        events.append((record.history_date, record.history_user, change))
    return events


def _publication_change_sets(measure, versions):
    """One change set per time a coordinator set or took back the "öffentlich" mark.

    Its version is the one the measure had then (the mark raises none)."""
    change_sets = []
    label = str(Measure._meta.get_field("is_public").verbose_name)
    records = PublicationChange.objects.filter(measure=measure).select_related("changed_by")
    for record in records:
        version = max((v for v, when in versions if when <= record.changed_at), default=0)
        old, new = (_("nein"), _("ja")) if record.is_public else (_("ja"), _("nein"))
        change_sets.append(
            ChangeSet(
                version=version,
                date=record.changed_at,
                user=record.changed_by,
                changes=[Change(label, old, new)],
            )
        )
    return change_sets


def measure_history(measure):
    """All change sets of a measure, oldest first; a fixed number of queries."""
    records = list(
        measure.history.select_related("history_user").order_by("history_date", "history_id")
    )
    by_version = {}
    for record in records:
        first, _last = by_version.get(record.version, (record, None))
        by_version[record.version] = (first, record)

    m2m = link_snapshots([last.history_id for _first, last in by_version.values()])
    snapshots = {version: _snapshot(last, m2m) for version, (_first, last) in by_version.items()}
    names = _names(snapshots.values())
    change_sets = []
    previous = None
    for version in sorted(by_version):
        first, last = by_version[version]
        current = (last, snapshots[version])
        change_sets.append(
            ChangeSet(
                version=version,
                date=first.history_date,
                user=first.history_user,
                created=previous is None,
                changes=_diff(previous, current, names) if previous is not None else [],
            )
        )
        previous = current

    for when, user, change in _participation_changes(measure):
        owner = None
        for change_set in change_sets:
            if change_set.date <= when:
                owner = change_set
        if owner is None:
            owner = ChangeSet(version=0, date=when, user=user)
            change_sets.insert(0, owner)
        owner.changes.append(change)
    versions = [(cs.version, cs.date) for cs in change_sets if cs.version]
    change_sets.extend(_publication_change_sets(measure, versions))
    change_sets.sort(key=lambda cs: cs.date)
    return change_sets


def changes_since(measure, version):
    """The change sets written after `version`: what a stale editor has not seen."""
    return [cs for cs in measure_history(measure) if cs.version > version]
