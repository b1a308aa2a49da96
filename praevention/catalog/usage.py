"""Where catalogue entries are used, and the writes that keep those links: archive, merge.

Issue #12, fault 12: an entry in use is never deleted (its links would vanish from the
measures without a trace); it is archived (hidden from new choices, kept on the measures
that have it) or merged into another entry, which moves every link and writes each
affected measure's history. Only an entry nothing uses can be deleted.

The merge itself belongs to the app that writes the links with versions and history
(measures: `services.catalog_entries_merge`); it registers itself here (`register_merger`)
so the catalogue's admin offers it without the catalogue importing measures (layer order).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models


@dataclass(frozen=True)
class Link:
    """One kind of link to a catalogue model: `model.field` points at the entry."""

    model: type[models.Model]
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
    counts: dict[str, int] = {}
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


def link_counts(catalog_model, entries, linking_model) -> dict[int, int]:
    """{entry pk: number of `linking_model` objects linking to it}, one query per kind of
    link from `linking_model` to `catalog_model`."""
    counts: dict[int, int] = {}
    ids = [entry.pk for entry in entries]
    for link in links(catalog_model):
        if link.model is not linking_model:
            continue
        rows = (
            linking_model._base_manager.filter(**{f"{link.field}__in": ids})
            .values(link.field)
            .annotate(n=models.Count("pk", distinct=True))
        )
        for row in rows:
            counts[row[link.field]] = counts.get(row[link.field], 0) + row["n"]
    return counts


@dataclass(frozen=True)
class Merger:
    """How entries are merged and whose links the admin counts (registered by measures).

    merge(target, sources, *, by) moves every link of `sources` to `target`, deletes the
    sources and returns the number of `model` objects changed.
    """

    model: type
    merge: Callable[..., int]


_mergers: list[Merger] = []


def register_merger(merger: Merger) -> None:
    """Offer `merger` in the catalogue's admin (called once from the app's `ready`)."""
    if merger not in _mergers:
        _mergers.append(merger)


def merger() -> Merger | None:
    return _mergers[0] if _mergers else None


def move_links(link: Link, source, target, *, by, reason: str) -> None:
    """Move `link`'s objects from `source` to `target`, each saved with its own history.

    For catalogue-side links (risk factors' target groups, goals' field of action, social
    spaces' parent); links whose writer keeps versions (measures) move through that writer.
    """
    objects: Iterable[Any] = link.model._base_manager.filter(**{link.field: source}).order_by("pk")
    for obj in objects:
        obj._history_user = by
        obj._change_reason = reason
        if link.many:
            manager = getattr(obj, link.field)
            manager.remove(source)
            manager.add(target)
        else:
            setattr(obj, link.field, target)
            obj.save()


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
