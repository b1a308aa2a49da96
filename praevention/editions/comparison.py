"""Progress since an earlier report: what a committee asks first ("Seit dem letzten Bericht").

A report's figures are reduced to a `snapshot` (plain JSON: totals, matrices, gap cells,
overlaps and the state of every selected measure). An edition stores its snapshot when it is
frozen; the live report makes one on demand. `compare` lists what differs between two
snapshots. Comparing with a date instead rebuilds the measures' state on that day from the
change history (simple-history); gap cells and overlaps need a frozen edition.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import QueryDict
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from praevention.measures.filters import MeasureFilter
from praevention.measures.models import Measure, validate_plausible_year
from praevention.overview import selectors

if TYPE_CHECKING:
    from praevention.editions.models import Edition

SNAPSHOT_FORMAT = 1
EDITION_PARAM = "seit"
DATE_PARAM = "seit_datum"
STATE_FIELDS = ("title", "version", "status", "budget_eur", "reach_planned", "reach_actual")


def _money(value):
    """Budget as a JSON-safe string with two decimals (exact), None when missing."""
    return None if value is None else f"{Decimal(value):.2f}"


def measure_states(measures) -> dict[str, list]:
    """{measure id (str): [title, version, status, budget "0.00"|None, planned, reached]}.

    One query over the filtered measures.
    """
    rows = selectors.scanned(measures).values_list("pk", *STATE_FIELDS).order_by()
    return {
        str(pk): [title, version, status, _money(budget), planned, reached]
        for pk, title, version, status, budget, planned, reached in rows
    }


def snapshot(report: dict, *, states: dict | None = None) -> dict:
    """The report's figures as plain JSON, for an edition and for comparisons.

    `report` is `overview.pages.report_page(...)`; `states` (from `measure_states`) is read
    when not given (one query).
    """
    scope = report["scope"]
    matrices = {}
    overlaps = []
    for matrix in report["matrices"]:
        matrices[matrix.slug] = {
            "title": str(matrix.title),
            "columns": [department.short_name for department in matrix.columns],
            "rows": [
                {
                    "key": str(row.key),
                    "label": row.label,
                    "cells": [cell.value for cell in row.cells],
                    "total": row.total,
                }
                for row in matrix.rows
            ],
            "column_totals": list(matrix.column_totals),
            "total": matrix.total,
        }
        overlaps += [
            {"key": f"{matrix.slug}:{row.key}", "label": f"{matrix.row_heading} {row.label}"}
            for row in matrix.overlap_rows
            if not row.strong
        ]
    gaps = [
        {"key": f"{row.group.pk}:{cell.phase.pk}", "label": f"{row.group.name} × {cell.phase.name}"}
        for row in report["radar"]["rows"]
        for cell in row.gaps
    ]
    return {
        "format": SNAPSHOT_FORMAT,
        "quantity": scope.quantity.slug,
        "filters": [[str(label), str(value)] for label, value in report["filters"]],
        "measure_total": report["measure_total"],
        "totals": report["totals"],
        "matrices": matrices,
        "overlaps": overlaps,
        "gaps": gaps,
        "measures": states if states is not None else measure_states(scope.measures),
    }


@dataclass
class Delta:
    """A figure then and now; `arrow` and `direction` say which way it moved."""

    label: str
    then: int
    now: int
    unit: str = ""

    @property
    def difference(self):
        return self.now - self.then

    @property
    def arrow(self):
        return "▲" if self.difference > 0 else "▼" if self.difference < 0 else "="

    @property
    def direction(self):
        return "up" if self.difference > 0 else "down" if self.difference < 0 else "same"


@dataclass
class MeasureChange:
    pk: int
    title: str
    budget: tuple  # (then, now) in euros or None
    reach: tuple  # (then, now) planned participants or None

    @property
    def budget_changed(self):
        return self.budget[0] != self.budget[1]

    @property
    def reach_changed(self):
        return self.reach[0] != self.reach[1]


@dataclass
class Progress:
    """What changed between an earlier report (`since_label`) and this one."""

    since_label: str
    new: list = field(default_factory=list)  # [(pk, title)]
    ended: list = field(default_factory=list)  # [(pk, title)]
    changed: list = field(default_factory=list)  # [MeasureChange]
    gaps_closed: list = field(default_factory=list)  # [label]
    gaps_opened: list = field(default_factory=list)
    overlaps_gained: list = field(default_factory=list)
    overlaps_lost: list = field(default_factory=list)
    deltas: list = field(default_factory=list)  # [Delta]
    structural: bool = True  # gap cells and overlaps compared (False for a date)
    quantity_differs: bool = False
    filters_differ: bool = False  # then another selection: "new" may mean "now selected"

    @property
    def listed(self) -> dict[str, tuple[list, int]]:
        """The measure lists as the page and the PDF name them: {"new" | "ended" | "changed":
        (the first LISTED, how many more)}. The headings count them all; a committee reads
        names of 50, not of 14,000 (a date before the first import makes every measure new)."""
        lists = {"new": self.new, "ended": self.ended, "changed": self.changed}
        return {
            name: (items[:LISTED], max(0, len(items) - LISTED)) for name, items in lists.items()
        }


# Measures named per list of "Seit dem letzten Bericht"; the rest is counted.
LISTED = 50


def _euros(text):
    return None if text is None else round(Decimal(text))


def _by_title(items):
    return sorted(items, key=lambda item: (item[1].casefold(), item[0]))


def compare(then: dict, now: dict, *, since_label: str, structural: bool = True) -> Progress:
    """What differs from snapshot `then` to snapshot `now` (both from `snapshot`).

    New: selected now, not then; ended: selected then, not now (ended, archived or no longer
    matching); changed: in both with another version (every save bumps it), with budget and
    planned reach then and now. Gap cells and overlaps by their keys (catalogue ids).
    """
    old, new = then["measures"], now["measures"]
    progress = Progress(since_label=since_label, structural=structural)
    progress.new = _by_title((int(pk), new[pk][0]) for pk in new.keys() - old.keys())
    progress.ended = _by_title((int(pk), old[pk][0]) for pk in old.keys() - new.keys())
    changed = [
        MeasureChange(
            pk=int(pk),
            title=new[pk][0],
            budget=(_euros(old[pk][3]), _euros(new[pk][3])),
            reach=(old[pk][4], new[pk][4]),
        )
        for pk in new.keys() & old.keys()
        if new[pk][1] != old[pk][1]
    ]
    progress.changed = sorted(changed, key=lambda change: (change.title.casefold(), change.pk))
    if structural:
        old_gaps = {gap["key"]: gap["label"] for gap in then["gaps"]}
        new_gaps = {gap["key"]: gap["label"] for gap in now["gaps"]}
        progress.gaps_closed = sorted(old_gaps[k] for k in old_gaps.keys() - new_gaps.keys())
        progress.gaps_opened = sorted(new_gaps[k] for k in new_gaps.keys() - old_gaps.keys())
        old_overlaps = {item["key"]: item["label"] for item in then["overlaps"]}
        new_overlaps = {item["key"]: item["label"] for item in now["overlaps"]}
        progress.overlaps_gained = sorted(
            new_overlaps[k] for k in new_overlaps.keys() - old_overlaps.keys()
        )
        progress.overlaps_lost = sorted(
            old_overlaps[k] for k in old_overlaps.keys() - new_overlaps.keys()
        )
        progress.quantity_differs = then.get("quantity") != now.get("quantity")
        progress.filters_differ = then.get("filters") != now.get("filters")
    old_totals, new_totals = then["totals"], now["totals"]
    progress.deltas = [
        Delta(_("Maßnahmen in der Auswahl"), then["measure_total"], now["measure_total"]),
        Delta(_("Budget"), old_totals["budget"], new_totals["budget"], _("€ pro Jahr")),
        Delta(
            _("Teilnehmende (geplant)"),
            old_totals["reach_planned"],
            new_totals["reach_planned"],
            _("pro Jahr"),
        ),
        Delta(
            _("Teilnehmende (erreicht)"),
            old_totals["reach_actual"],
            new_totals["reach_actual"],
            _("pro Jahr"),
        ),
    ]
    return progress


def states_on(day: datetime.date, scope) -> dict[str, list]:
    """The selected measures' states at the end of `day`, from the change history.

    A measure counts as selected then when its last record up to that day was not a deletion,
    not archived and had one of the scope's statuses; the other filters (departments,
    catalogue links) are applied as the measures stand today, since links are not dated.
    Three queries: the last history id per measure, those records, today's filter ids.
    """
    end = timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
    history = Measure.history.model.objects
    last = (
        history.filter(history_date__lte=end)
        .values("id")
        .annotate(last=Max("history_id"))
        .values("last")
    )
    statuses = scope.params.getlist("status") or [s for s, _l in Measure.Status.choices]
    records = (
        history.filter(history_id__in=last, is_archived=False, status__in=statuses)
        .exclude(history_type="-")
        .values_list("id", *STATE_FIELDS)
    )
    states = {
        str(pk): [title, version, status, _money(budget), planned, reached]
        for pk, title, version, status, budget, planned, reached in records
    }
    others = QueryDict(mutable=True)
    for key, values in scope.params.lists():
        if key != "status":
            others.setlist(key, values)
    if others:
        matching = MeasureFilter(others, queryset=Measure.objects.all()).qs.values_list(
            "pk", flat=True
        )
        keep = {str(pk) for pk in matching}
        states = {pk: state for pk, state in states.items() if pk in keep}
    return states


def snapshot_on(day: datetime.date, scope) -> dict:
    """A snapshot of the measures on `day` (no matrices, gaps or overlaps: those need an
    edition). Budget and reach totals are summed from the measures' states then."""
    states = states_on(day, scope)
    budget_sum, planned_sum, reached_sum = Decimal(0), 0, 0
    for _title, _version, _status, budget, planned, reached in states.values():
        budget_sum += Decimal(budget or 0)
        planned_sum += planned or 0
        reached_sum += reached or 0
    totals = {
        "budget": round(budget_sum),
        "reach_planned": planned_sum,
        "reach_actual": reached_sum,
    }
    return {"measures": states, "measure_total": len(states), "totals": totals}


@dataclass
class Since:
    """What a request compares with: an edition, a date, nothing (`wanted` False) or an error."""

    wanted: bool = False
    edition: "Edition | None" = None
    day: datetime.date | None = None
    error: str | None = None
    editions: list = field(default_factory=list)


def since_of(data, *, before=None) -> Since:
    """Read `seit=<edition id>` or `seit_datum=<JJJJ-MM-TT>` from a QueryDict.

    `before` limits the editions offered (for an edition: only earlier ones). A bad value gives
    a German message naming the expected form; nothing is compared then.
    """
    from praevention.editions.models import Edition

    offered = Edition.objects.listed().valid()
    if before is not None:
        offered = offered.filter(created_at__lt=before)
    since = Since(editions=list(offered[:50]))
    raw_edition, raw_day = data.get(EDITION_PARAM, ""), data.get(DATE_PARAM, "")
    if raw_edition:
        since.wanted = True
        edition = None
        if raw_edition.isdigit():
            edition = offered.filter(pk=int(raw_edition)).defer(None).first()
        if edition is None:
            since.error = _(
                "Einen festgeschriebenen Bericht Nr. %(value)s gibt es hier nicht; bitte einen "
                "aus der Liste wählen."
            ) % {"value": raw_edition[:20]}
        since.edition = edition
    elif raw_day:
        since.wanted = True
        try:
            since.day = datetime.date.fromisoformat(raw_day)
        except ValueError:
            since.error = _(
                "„%(value)s“ ist kein Datum; bitte als TT.MM.JJJJ wählen (z. B. 01.10.2026)."
            ) % {"value": raw_day[:20]}
        else:
            try:
                validate_plausible_year(since.day)  # the years of the whole app (1990–2100)
            except ValidationError as implausible:
                since.error = implausible.messages[0]
            else:
                if since.day > timezone.localdate():
                    since.error = _(
                        "Das Vergleichsdatum liegt in der Zukunft; bitte ein früheres wählen."
                    )
    return since


def edition_label(edition) -> str:
    date = formats.date_format(timezone.localtime(edition.created_at), "DATE_FORMAT")
    return _("Bericht „%(title)s“ vom %(date)s") % {"title": edition.title, "date": date}


def progress_since(since: Since, report: dict, *, now_snapshot: dict | None = None) -> Progress:
    """The report's progress since `since` (an edition or a date)."""
    now = now_snapshot or snapshot(report)
    if since.edition is not None:
        return compare(since.edition.figures, now, since_label=edition_label(since.edition))
    if since.day is None:
        raise ValueError("`since` names neither an edition nor a date: nothing to compare with.")
    label = formats.date_format(since.day, "DATE_FORMAT")
    then = snapshot_on(since.day, report["scope"])
    return compare(then, now, since_label=label, structural=False)


class ReportComparison:
    """The live report's "Seit dem letzten Bericht" (`?seit=` / `?seit_datum=`), added to the
    overview's report through `overview.extensions` (registered in `EditionsConfig.ready`)."""

    def prepare(self, params: QueryDict) -> dict[str, Any]:
        return {"since": since_of(params)}

    def is_invalid(self, context: dict[str, Any]) -> bool:
        return bool(context["since"].error)

    def complete(self, context: dict[str, Any]) -> None:
        since = context["since"]
        if since.wanted:
            context["progress"] = progress_since(since, context)
