"""Where catalogue entries are used, and the writes that keep those links: archive, merge.

Issue #12, fault 12: an entry in use is never deleted (its links would vanish from the
measures without a trace); it is archived (hidden from new choices, kept on the measures
that have it) or merged into another entry, which moves every link and writes each
affected measure's history. Only an entry nothing uses can be deleted.
"""

from dataclasses import dataclass

from django.db import models, transaction
from django.utils.translation import gettext as _

from praevention.measures import services
from praevention.measures.models import Measure


@dataclass(frozen=True)
class Link:
    """One kind of link to a catalogue model: `model.field` points at the entry."""

    model: type
    field: str
    many: bool

    @property
    def label(self):
        return str(self.model._meta.verbose_name_plural)


def links(catalog_model) -> list[Link]:
    """Every relation pointing at `catalog_model` (measures' M2M and FKs, risk factors'
    target groups, strategic goals' field of action, social spaces' parent), history
    tables left out: they keep their copies by id."""
    found = []
    for relation in catalog_model._meta.get_fields():
        if not (relation.is_relation and relation.auto_created and not relation.concrete):
            continue
        related = relation.related_model
        if related._meta.model_name.startswith("historical"):
            continue
        found.append(Link(related, relation.field.name, relation.many_to_many))
    return found


def usage(entry) -> dict[str, int]:
    """{label of the linking model: number of objects linking to `entry`}, only non-zero."""
    counts = {}
    for link in links(type(entry)):
        count = link.model._base_manager.filter(**{link.field: entry}).count()
        if count:
            counts[link.label] = counts.get(link.label, 0) + count
    return counts


def in_use(entry) -> bool:
    return any(
        link.model._base_manager.filter(**{link.field: entry}).exists()
        for link in links(type(entry))
    )


def measure_counts(catalog_model, entries) -> dict[int, int]:
    """{entry pk: number of measures linking to it}, one query per kind of measure link."""
    counts: dict[int, int] = {}
    ids = [entry.pk for entry in entries]
    for link in links(catalog_model):
        if link.model is not Measure:
            continue
        rows = (
            Measure.objects.filter(**{f"{link.field}__in": ids})
            .values(link.field)
            .annotate(n=models.Count("pk", distinct=True))
        )
        for row in rows:
            counts[row[link.field]] = counts.get(row[link.field], 0) + row["n"]
    return counts


def set_archived(entries, archived: bool, by) -> int:
    """Archive (or restore) the entries; returns how many changed. History records who."""
    changed = 0
    for entry in entries:
        if entry.is_archived != archived:
            entry.is_archived = archived
            entry._history_user = by
            entry.save(update_fields=["is_archived", "updated_at"])
            changed += 1
    return changed


@transaction.atomic
def merge(target, sources, *, by) -> int:
    """Move every link of `sources` to `target`, then delete the sources.

    Each affected measure is locked (like any edit), saved once as a new version with the
    reason "Stammdaten zusammengeführt: A → B" and then its link changed, so its history
    shows the old and the new entry. Other links (risk factors, goals, parent spaces) move
    with their own history. Returns the number of measures changed. Raises ValueError when
    `target` is among `sources` or of another kind; ValidationError (busy) from the lock.
    """
    sources = [source for source in sources if source.pk != target.pk]
    if any(type(source) is not type(target) for source in sources):
        raise ValueError("Only entries of one catalogue can be merged.")
    changed_measures = set()
    for source in sources:
        reason = (
            _("Stammdaten zusammengeführt: %(old)s → %(new)s")
            % {
                "old": source,
                "new": target,
            }
        )[:100]
        for link in links(type(target)):
            objects = link.model._base_manager.filter(**{link.field: source}).order_by("pk")
            for obj in objects:
                if link.model is Measure:
                    services.lock_measure(obj.pk, obj.title)
                    obj = Measure.objects.get(pk=obj.pk)
                    changed_measures.add(obj.pk)
                obj._history_user = by
                obj._change_reason = reason
                if link.many:
                    if link.model is Measure:
                        obj.save()  # a new version; the M2M records below carry it
                    manager = getattr(obj, link.field)
                    manager.remove(source)
                    manager.add(target)
                else:
                    setattr(obj, link.field, target)
                    obj.save()
        source._history_user = by
        source.delete()
    return len(changed_measures)
