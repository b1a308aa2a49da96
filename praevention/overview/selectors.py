"""Read-only aggregates for the overview, gap and report pages.

Every function runs ONE query (two for the expiring list), whatever the data size; the pages
cache what they build from them (`cache.remember`) while the data is unchanged. The
filtered measures are the FROM of each aggregate: the list's filters test links with EXISTS,
so `measures ⋈ links ⋈ participations` has one row per measure, link and department and
COUNT(*) counts measures without sorting for DISTINCT. A matrix is one statement: its cells,
row totals, column totals and grand total are GROUP BYs joined with UNION ALL. Totals count
distinct measures, so a measure with several target groups or departments counts once per
row and column, not once per cell.
"""

import datetime
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Substr
from django.utils.functional import Promise

from praevention.catalog.models import SocialSpace, StrategicGoal, TargetGroup
from praevention.measures.models import Measure, MeasureQuerySet, Participation
from praevention.network.models import Department
from praevention.overview.quantities import MEASURES, Quantity

Status = Measure.Status
LifePhaseLink = Measure.life_phases.through
SocialSpaceLink = Measure.social_spaces.through
StrategicGoalLink = Measure.strategic_goals.through

NULL_ID = Value(None, output_field=BigIntegerField())
NULL_KEY = Value(None, output_field=CharField())
# COUNT(*) where a query's rows are unique per measure and group: no sort, unlike DISTINCT.
COUNT_ROWS = Count("*")
DEPARTMENT = F("participations__department")
PGR_DIGITS = SocialSpace.LOR_LENGTH[SocialSpace.Level.PROGNOSERAUM]
BZR_DIGITS = SocialSpace.LOR_LENGTH[SocialSpace.Level.BEZIRKSREGION]
# The Bezirksregion of a linked space (itself or a Planungsraum's); NULL for a Prognoseraum
# or the Bezirk.
REGION = Case(
    When(
        ~Q(
            social_spaces__level__in=[
                SocialSpace.Level.PROGNOSERAUM,
                SocialSpace.Level.BEZIRK,
            ]
        ),
        then=Substr("social_spaces__lor_number", 1, BZR_DIGITS),
    ),
    default=NULL_KEY,
)
PROGNOSERAUM = Substr("social_spaces__lor_number", 1, PGR_DIGITS)
# A matrix's row or column: a catalogue entry's or department's id, or a LOR number.
Key = int | str


@dataclass
class Counts:
    """The numbers of one matrix: cells by (row, column), distinct totals per row and column."""

    cells: dict[tuple[Key, Key], int] = field(default_factory=dict)
    rows: dict[Key, int] = field(default_factory=dict)
    columns: dict[Key, int] = field(default_factory=dict)
    total: int = 0

    def cell(self, row: Key, column: Key) -> int:
        return self.cells.get((row, column), 0)

    @classmethod
    def from_union(cls, records: Iterable[Mapping[str, Any]]) -> "Counts":
        """Sort the UNION ALL's rows by their kind: c(ell), r(ow), k (column) and t(otal).

        NULL keys come from measures without any link (LEFT JOIN) and are not shown.
        """
        counts = cls()
        for record in records:
            kind, row, col, n = record["kind"][-1], record["row"], record["col"], record["n"]
            n = round(n or 0)  # sums of euros are shown in whole euros; NULL sums are 0
            if kind == "c":
                if row is not None and col is not None:
                    counts.cells[(row, col)] = n
            elif kind == "r":
                if row is not None:
                    counts.rows[row] = n
            elif kind == "k":
                if col is not None:
                    counts.columns[col] = n
            else:
                counts.total = n
        return counts


def measure_ids(measures: MeasureQuerySet) -> models.QuerySet[Measure, Any]:
    """The filtered measures as a subquery: `SELECT id FROM measure WHERE <filters>`."""
    return measures.order_by().values("pk")


def scanned(measures: MeasureQuerySet) -> MeasureQuerySet:
    """The filtered measures as the FROM of an aggregate: one row per measure, unordered.

    The list's filters test links with EXISTS and never join or ask for DISTINCT
    (`tests/overview/test_selectors.py` checks every facet), so the rows are unique per measure.
    """
    return measures.order_by()


def _part(
    base: models.QuerySet[Any, Any],
    kind: str,
    *,
    n: models.Aggregate,
    row: models.Expression | F = NULL_ID,
    col: models.Expression | F = NULL_ID,
) -> models.QuerySet[Any, dict[str, Any]]:
    """One GROUP BY of a UNION ALL; the dimensions it does not group by are NULL."""
    return (
        base.annotate(kind=Value(kind, output_field=CharField()), row=row, col=col)
        .values("kind", "row", "col")
        .annotate(n=n)
        .order_by()
    )


def _union(
    parts: list[models.QuerySet[Any, dict[str, Any]]],
) -> models.QuerySet[Any, dict[str, Any]]:
    first, *rest = parts
    # A model's default ordering would leak into the UNION; order by a selected column.
    return first.union(*rest, all=True).order_by("kind")


def _value(quantity: Quantity, prefix: str = "") -> models.Aggregate:
    """The aggregate of one GROUP BY: COUNT(*) of unique rows, or the sum of a measure figure.

    Sums rely on the same uniqueness as the counts: each measure appears once per group.
    """
    if quantity.field is None:
        return COUNT_ROWS
    return Sum(prefix + quantity.field)


def _item_parts(
    rows: MeasureQuerySet,
    relation: str,
    tag: str = "",
    totals: bool = True,
    quantity: Quantity = MEASURES,
) -> list[models.QuerySet[Any, dict[str, Any]]]:
    """Cells, row totals and (optionally) column and grand totals of an item × department matrix.

    Link rows are unique per (measure, item) and participations per (measure, department), so
    every GROUP BY counts rows; column and grand totals count the participations and measures
    that have any link (EXISTS) instead of joined rows.
    """
    item = F(relation)
    n = _value(quantity)
    parts = [
        _part(rows, f"{tag}c", n=n, row=item, col=DEPARTMENT),
        _part(rows, f"{tag}r", n=n, row=item),
    ]
    if totals:
        with_link = rows.linked_to(relation)
        parts += [
            _part(with_link, f"{tag}k", n=n, col=DEPARTMENT),
            _part(with_link, f"{tag}t", n=n),
        ]
    return parts


def count_target_groups(measures: MeasureQuerySet, quantity: Quantity = MEASURES) -> Counts:
    """Target group × department: how many of `measures` each department runs per group.

    Returns Counts keyed by (target group id, department id), with distinct totals per target
    group (rows) and per department (columns). One query, four GROUP BYs joined with UNION
    ALL: measures ⋈ measure_target_groups ⋈ participation by (group, department); measures ⋈
    links by group; measures with a link (EXISTS) ⋈ participation by department; measures
    with a link. With a `quantity` other than measures, SUM(its field) instead of COUNT(*).
    """
    parts = _item_parts(scanned(measures), "target_groups", quantity=quantity)
    return Counts.from_union(list(_union(parts)))


def count_target_group_cells(measures: MeasureQuerySet) -> Counts:
    """Only the cells of `count_target_groups` (for shared target groups): one GROUP BY."""
    rows = scanned(measures)
    cells = _part(rows, "c", n=COUNT_ROWS, row=F("target_groups"), col=DEPARTMENT)
    return Counts.from_union(list(cells))


def count_life_phases(measures: MeasureQuerySet, quantity: Quantity = MEASURES) -> Counts:
    """Life phase × department, like `count_target_groups`; one query over measure_life_phases."""
    parts = _item_parts(scanned(measures), "life_phases", quantity=quantity)
    return Counts.from_union(list(_union(parts)))


def count_overlaps(measures: MeasureQuerySet) -> tuple[Counts, Counts]:
    """(target group Counts, life phase Counts): cells and row totals only, for the dashboard.

    One query: the cell and row GROUP BYs of both matrices joined with UNION ALL.
    """
    rows = scanned(measures)
    parts = _item_parts(rows, "target_groups", tag="g", totals=False)
    parts += _item_parts(rows, "life_phases", tag="p", totals=False)
    records = list(_union(parts))
    return (
        Counts.from_union(r for r in records if r["kind"].startswith("g")),
        Counts.from_union(r for r in records if r["kind"].startswith("p")),
    )


def count_social_spaces(measures: MeasureQuerySet, quantity: Quantity = MEASURES) -> Counts:
    """Social space × department with roll-up: keyed by (LOR number, department id).

    A measure counts for every Bezirksregion it is linked to (directly or through a
    Planungsraum) and once for each Prognoseraum above those, and measures linked to a
    Prognoseraum directly count there: exactly what the list's social_space filter matches,
    since LOR numbers nest by prefix. One query, six GROUP BYs joined with UNION ALL: cells and
    row totals per 6- and 4-digit prefix over measures ⋈ social spaces (⋈ participation),
    with COUNT(DISTINCT) because nested spaces repeat a measure; column and grand totals over
    measures with any link. Sums (`quantity`) need each measure once per space: `_space_sums`.
    """
    if not quantity.counts_measures:
        return _space_sums(measures, quantity)
    rows = scanned(measures)
    distinct = Count("pk", distinct=True)
    with_link = rows.linked_to("social_spaces")
    return Counts.from_union(
        list(
            _union(
                [
                    _part(rows, "c", n=distinct, row=REGION, col=DEPARTMENT),
                    _part(rows, "c", n=distinct, row=PROGNOSERAUM, col=DEPARTMENT),
                    _part(rows, "r", n=distinct, row=REGION),
                    _part(rows, "r", n=distinct, row=PROGNOSERAUM),
                    _part(with_link, "k", n=COUNT_ROWS, row=NULL_KEY, col=DEPARTMENT),
                    _part(with_link, "t", n=COUNT_ROWS, row=NULL_KEY),
                ]
            )
        )
    )


def count_department_pairs(measures: MeasureQuerySet, quantity: Quantity = MEASURES) -> Counts:
    """Department × department: the measures two departments run jointly.

    Returns Counts keyed by (department id, department id); the diagonal holds each
    department's measures, the row totals the department's measures with at least one other
    department, the total the measures run by two or more departments. A measure with three
    departments counts in each of the six ordered pairs. One query, three GROUP BYs joined
    with UNION ALL: measures ⋈ participation ⋈ participation by both departments (unique per
    measure, so COUNT(*)); participations of joint measures by department; joint measures,
    i.e. those among `measure_id … GROUP BY measure_id HAVING COUNT(*) >= 2`. With a
    `quantity`, the same rows sum its field.
    """
    rows = scanned(measures)
    n = _value(quantity)
    pairs = rows.alias(
        partner=FilteredRelation("participations", condition=Q(participations__isnull=False))
    )
    joint = (
        Participation.objects.filter(measure_id__in=measure_ids(measures))
        .values("measure_id")
        .annotate(departments=COUNT_ROWS)
        .filter(departments__gte=2)
        .values("measure_id")
        .order_by()
    )
    return Counts.from_union(
        list(
            _union(
                [
                    _part(pairs, "c", n=n, row=DEPARTMENT, col=F("partner__department")),
                    _part(
                        Participation.objects.filter(measure_id__in=joint),
                        "r",
                        n=_value(quantity, prefix="measure__"),
                        row=F("department_id"),
                    ),
                    _part(rows.filter(pk__in=joint), "t", n=n),
                ]
            )
        )
    )


def _id_list(ids: list[int]) -> tuple[str, list[Any]]:
    """`(clause, params)`: "is one of `ids`" for plain SQL with one parameter, whatever the
    number of ids: an array on PostgreSQL, a JSON list on SQLite (`json_each`)."""
    if connection.vendor == "postgresql":
        return "= ANY(%s)", [ids]
    return "IN (SELECT value FROM json_each(%s))", [json.dumps(ids)]


def _space_sums(measures: MeasureQuerySet, quantity: Quantity) -> Counts:
    """Social space × department sums of `quantity`: each measure once per space it reaches.

    A measure linked to a Bezirksregion and to a Planungsraum inside it reaches the region
    once; COUNT(DISTINCT) handles that for counts, but a sum must first reduce the links to
    distinct (measure, LOR prefix) pairs. One statement: that reduction as a CTE (6- and 4-digit
    prefixes, Prognoseraum links only at 4 digits), then four GROUP BYs joined with UNION ALL.
    Plain SQL because the ORM cannot join a DISTINCT subquery; tables and columns come from
    the models' metadata. The filtered measures enter as their ids, read first (one more
    query) and passed as one parameter (`_id_list`), so no `Query` internals are read.
    """
    assert quantity.field is not None  # measures are counted by `count_social_spaces`
    ids_sql, ids_params = _id_list(list(measure_ids(measures).values_list("pk", flat=True)))
    measure = Measure._meta.db_table
    figure = Measure._meta.get_field(quantity.field)
    assert isinstance(figure, models.Field)  # a concrete column, not a relation
    value = figure.column
    link = SocialSpaceLink._meta.db_table
    space = SocialSpace._meta.db_table
    participation = Participation._meta.db_table
    sql = f"""
        WITH reach AS (
            SELECT l.measure_id, SUBSTR(s.lor_number, 1, {BZR_DIGITS}) AS space_key
            FROM {link} l JOIN {space} s ON s.id = l.socialspace_id
            WHERE s.level <> %s AND l.measure_id {ids_sql}
            UNION
            SELECT l.measure_id, SUBSTR(s.lor_number, 1, {PGR_DIGITS}) AS space_key
            FROM {link} l JOIN {space} s ON s.id = l.socialspace_id
            WHERE l.measure_id {ids_sql}
        ),
        reached AS (SELECT DISTINCT measure_id FROM reach)
        SELECT 'c', r.space_key, p.department_id, SUM(m.{value})
        FROM reach r JOIN {measure} m ON m.id = r.measure_id
        JOIN {participation} p ON p.measure_id = m.id GROUP BY r.space_key, p.department_id
        UNION ALL
        SELECT 'r', r.space_key, NULL, SUM(m.{value})
        FROM reach r JOIN {measure} m ON m.id = r.measure_id GROUP BY r.space_key
        UNION ALL
        SELECT 'k', NULL, p.department_id, SUM(m.{value})
        FROM reached x JOIN {measure} m ON m.id = x.measure_id
        JOIN {participation} p ON p.measure_id = m.id GROUP BY p.department_id
        UNION ALL
        SELECT 't', NULL, NULL, SUM(m.{value})
        FROM reached x JOIN {measure} m ON m.id = x.measure_id
    """
    params = [SocialSpace.Level.PROGNOSERAUM.value, *ids_params, *ids_params]

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return Counts.from_union(
            {"kind": kind, "row": row, "col": col, "n": n}
            for kind, row, col, n in cursor.fetchall()
        )


def count_missing(
    measures: MeasureQuerySet, quantity: Quantity, *, limit: int = 10
) -> tuple[int, list[Measure]]:
    """(how many, the first `limit` by title) of `measures` without the `quantity`'s figure.

    For measures (nothing to miss) (0, []) without a query; otherwise two queries: a COUNT and
    the first rows (id and title only).
    """
    if quantity.counts_measures:
        return 0, []
    missing = scanned(measures).filter(**{f"{quantity.field}__isnull": True})
    return missing.count(), list(missing.order_by("title").only("pk", "title")[:limit])


@dataclass(frozen=True)
class FundingRow:
    """One line of the funding overview: measures, their budget (€/year) and its share (0–1)."""

    label: str
    measures: int
    budget: int
    without_budget: int
    share: float | None = None


def _with_shares(rows: list[FundingRow]) -> list[FundingRow]:
    total = sum(row.budget for row in rows)
    return [
        FundingRow(
            row.label,
            row.measures,
            row.budget,
            row.without_budget,
            row.budget / total if total else None,
        )
        for row in rows
    ]


def funding_by_source(measures: MeasureQuerySet) -> list[FundingRow]:
    """[FundingRow] per funding source (as entered; empty = "ohne Angabe" as ""), most money first.

    One query: SELECT funding_source, COUNT(*), SUM(budget_eur), COUNT(*) FILTER (budget IS
    NULL) FROM measures GROUP BY funding_source. Shares are of the summed budget of all rows.
    """
    rows = (
        scanned(measures)
        .values_list("funding_source")
        .annotate(
            n=COUNT_ROWS,
            budget=Sum("budget_eur"),
            without=Count("pk", filter=Q(budget_eur__isnull=True)),
        )
        .order_by()
    )
    found = [
        FundingRow(source, n, round(budget or 0), without) for source, n, budget, without in rows
    ]
    found.sort(key=lambda row: (-row.budget, row.label == "", row.label))
    return _with_shares(found)


def funding_by_department(
    measures: MeasureQuerySet, departments: Iterable[Department]
) -> list[FundingRow]:
    """[FundingRow] per department, of the measures it leads, in the order of `departments`.

    The lead department answers for a measure's budget, so each euro counts once and the shares
    add up to the whole. One query: measures ⋈ participation (role lead) GROUP BY department.
    """
    rows = (
        scanned(measures)
        .filter(participations__role=Participation.Role.LEAD)
        .values_list("participations__department")
        .annotate(
            n=COUNT_ROWS,
            budget=Sum("budget_eur"),
            without=Count("pk", filter=Q(budget_eur__isnull=True)),
        )
        .order_by()
    )
    by_id = {department: (n, budget, without) for department, n, budget, without in rows}
    found = []
    for department in departments:
        n, budget, without = by_id.get(department.pk, (0, 0, 0))
        found.append(FundingRow(department.name, n, round(budget or 0), without))
    return _with_shares(found)


def resource_totals(measures: MeasureQuerySet) -> dict[str, int]:
    """{"measures", "budget", "reach_planned", "reach_actual", "without_budget",
    "without_reach_planned", "without_reach_actual"} over `measures`: counts and sums (€/year,
    participants/year; budget rounded to whole euros).

    One query: SELECT COUNT(*), SUM(…), COUNT(*) FILTER (… IS NULL) FROM measures.
    """
    rows = scanned(measures)
    aggregates: dict[str, models.Aggregate] = {"measures": COUNT_ROWS}
    for name, field_name in (
        ("budget", "budget_eur"),
        ("reach_planned", "reach_planned"),
        ("reach_actual", "reach_actual"),
    ):
        # Aliases must not shadow the fields they aggregate.
        aggregates[f"total_{name}"] = Sum(field_name)
        aggregates[f"without_{name}"] = Count("pk", filter=Q(**{f"{field_name}__isnull": True}))
    values = rows.aggregate(**aggregates)
    return {key.removeprefix("total_"): round(value or 0) for key, value in values.items()}


def count_measures(measures: MeasureQuerySet) -> int:
    """How many measures the filters select. One query: SELECT COUNT(*) … without DISTINCT."""
    return scanned(measures).count()


def count_by_department_and_status() -> dict[tuple[int, str], int]:
    """{(department id, status): measures} of the non-archived measures, any role.

    One query: SELECT department_id, status, COUNT(*) FROM participation JOIN measure WHERE
    NOT archived GROUP BY 1, 2 (a department takes part in a measure once).
    """
    rows = (
        Participation.objects.filter(measure__is_archived=False)
        .values_list("department_id", "measure__status")
        .annotate(n=COUNT_ROWS)
        .order_by()
    )
    return {(department, status): n for department, status, n in rows}


def count_by_status() -> list[tuple[str, str | Promise, int]]:
    """[(status, label, count)] of non-archived measures in the order of the status choices.

    One query: SELECT status, COUNT(*) FROM measure WHERE NOT archived GROUP BY status.
    """
    counts = dict(Measure.objects.active().values_list("status").annotate(n=Count("id")).order_by())
    return [(status, label, counts.get(status, 0)) for status, label in Measure.Status.choices]


def recent_changes(limit: int = 10) -> list[Measure]:
    """The non-archived measures changed last, with what the measure table shows.

    Three queries: the measures by updated_at, their participations with departments (lead
    first) and their target groups (`for_table`, as the measure list).
    """
    return list(Measure.objects.active().order_by("-updated_at").for_table()[:limit])


@dataclass(frozen=True)
class ChainCell:
    running: int = 0
    planned: int = 0
    lasting: int = 0  # running and neither ending nor losing its funding before `until`

    @property
    def expires(self) -> bool:
        """Covered today, empty once the expiring measures are gone."""
        return self.running > 0 and self.lasting == 0


def count_chain(
    measures: MeasureQuerySet, *, today: datetime.date, until: datetime.date
) -> dict[tuple[int, int], ChainCell]:
    """{(life phase id, target group id): ChainCell} over `measures` (planned and running).

    Cells without any measure are missing. One query: SELECT lifephase_id, targetgroup_id and
    three filtered COUNT(*) (running; planned; running and not ending or losing its funding
    by `until`) FROM measures ⋈ measure_life_phases ⋈ measure_target_groups GROUP BY 1, 2.
    Both link tables are unique per measure, so the joined rows are too.
    """
    running = Q(status=Status.RUNNING)
    rows = (
        scanned(measures)
        .with_expiry(today, until)
        .values_list("life_phases", "target_groups")
        .annotate(
            running=Count("pk", filter=running),
            planned=Count("pk", filter=Q(status=Status.PLANNED)),
            lasting=Count("pk", filter=running & Q(expires_on__isnull=True)),
        )
        .order_by()
    )
    return {
        (phase, group): ChainCell(r, p, lasting)
        for phase, group, r, p, lasting in rows
        if phase is not None and group is not None
    }


def count_phase_pairs(
    measures: MeasureQuerySet, target_group: TargetGroup
) -> dict[tuple[int, int], int]:
    """{(life phase id, life phase id): running measures of the target group in both phases}.

    Tells whether a measure carries the group across a transition (e.g. Kita → school).
    One query: SELECT a.lifephase_id, b.lifephase_id, COUNT(*) FROM measure_life_phases a ⋈
    measure ⋈ measure_life_phases b WHERE the measure is running and has the target group
    GROUP BY 1, 2 (one row per measure and pair).
    """
    running = measures.running().linked_to("target_groups", pk=target_group.pk)
    rows = (
        LifePhaseLink.objects.filter(measure_id__in=measure_ids(running))
        .values_list("lifephase_id", "measure__life_phases")
        .annotate(n=COUNT_ROWS)
        .order_by()
    )
    return {(a, b): n for a, b, n in rows}


def count_region_supply(measures: MeasureQuerySet) -> dict[str, tuple[int, int]]:
    """{Bezirksregion LOR number: (running, planned)} measures linked to the region or below.

    One query: SELECT the region prefix, two filtered COUNT(DISTINCT id) FROM measures ⋈
    social spaces GROUP BY 1 (Prognoseraum links have no region and are left out).
    """
    rows = (
        scanned(measures)
        .values_list(REGION)
        .annotate(
            running=Count("pk", distinct=True, filter=Q(status=Status.RUNNING)),
            planned=Count("pk", distinct=True, filter=Q(status=Status.PLANNED)),
        )
        .order_by()
    )
    return {region: (running, planned) for region, running, planned in rows if region}


def goals_without_measures(measures: MeasureQuerySet) -> list[StrategicGoal]:
    """Strategic goals (with their field of action) that none of `measures` pursues.

    One query: SELECT goal.*, field.* FROM strategic goal JOIN field of action WHERE NOT EXISTS
    (a link to one of the measures).
    """
    linked = StrategicGoalLink.objects.filter(
        strategicgoal=OuterRef("pk"), measure_id__in=measure_ids(measures)
    )
    return list(StrategicGoal.objects.select_related("field_of_action").filter(~Exists(linked)))


def expiring_measures(
    measures: MeasureQuerySet, *, today: datetime.date, until: datetime.date, limit: int
) -> tuple[int, list[Measure]]:
    """(total, the first `limit` measures) of `measures` ending or losing funding by `until`.

    Each measure carries `expires_on` (the earlier of the two dates in the window) and the
    filter's `lead_name`. Two queries: a COUNT and the first `limit` rows by `expires_on`.
    """
    soon = scanned(measures).ending_between(today, until)
    return soon.count(), list(soon.order_by(F("expires_on").asc(), "title")[:limit])
