"""Page assembly: what the start, overview, gap and report pages show, from counts and tables.

`selectors` count, `tables` and `gaps` lay the counts out as rows and cells, and the builders
here put one page together. Each loads the matrices' dimensions once and runs a fixed set of
queries, so a page costs the same number of queries for ten measures as for twenty thousand.
The `*_page` functions the views call cache what they build under the data version
(`cache.remember`, one lookup per page); the plain builders compute.
"""

from dateutil.relativedelta import relativedelta
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from praevention.catalog import districts, monitoring
from praevention.catalog.models import LifePhase, SocialSpace, TargetGroup
from praevention.core import cache
from praevention.measures.models import Measure
from praevention.network.models import Department
from praevention.overview import charts, gaps, maps, quantities, selectors, tables
from praevention.overview.scope import CURRENT_STATUSES, Scope

EXPIRING_LIMIT = 25
REPORT_EXPIRING_LIMIT = 100


def gap_scope(data):
    """The gap radar looks at planned and running measures; its dimensions are not filters."""
    return Scope(
        data,
        fixed={"status": CURRENT_STATUSES},
        hidden=("target_group", "life_phase", "ends_within"),
    )


def horizon(today=None):
    """Today and the end of the six-month window, as the list's `ends_within=6` sees it."""
    today = today or timezone.localdate()
    return today, today + relativedelta(months=gaps.HORIZON_MONTHS)


class Dimensions:
    """The rows and columns of every matrix (departments and the dimensions), read once per request.

    Not to be confused with the app `catalog` (the entries themselves) or `exchange.Catalog`
    (the dimensions as the import matches names against it).
    """

    def __init__(self):
        self._cache = {}

    def _get(self, key, load):
        if key not in self._cache:
            self._cache[key] = list(load())
        return self._cache[key]

    @property
    def departments(self):
        return self._get("departments", lambda: Department.objects.order_by("name"))

    @property
    def target_groups(self):
        return self._get(
            "target_groups", lambda: TargetGroup.objects.prefetch_related("life_phases")
        )

    @property
    def life_phases(self):
        return self._get("life_phases", LifePhase.objects.all)

    @property
    def social_spaces(self):
        return self._get("social_spaces", lambda: SocialSpace.objects.order_by("lor_number"))


def _page_key(page, scope, *choices):
    """`cache.page_key` for a page over `scope`: its filters and what it adds up."""
    return cache.page_key(page, scope.params.urlencode(), scope.quantity.slug, *choices)


def start_page():
    """The start page: status per department, the top overlaps, the biggest gaps, recent changes.

    Eight queries whatever the data size; all but the recent changes cached (`start_figures`).
    """
    numbers = cache.remember(cache.page_key("start", ""), start_figures)
    return {**numbers, "measures": selectors.recent_changes(limit=20)}


def start_figures():
    """What the start page counts: statuses, departments, top overlaps, biggest gaps."""
    scope = Scope(QueryDict())
    dimensions = Dimensions()
    departments = dimensions.departments
    by_department = selectors.count_by_department_and_status()
    statuses = Measure.Status.choices
    department_rows = [
        {
            "department": department,
            "cells": [
                (by_department.get((department.pk, status), 0), status) for status, _l in statuses
            ],
        }
        for department in departments
    ]
    group_counts, phase_counts = selectors.count_overlaps(scope.measures)
    overlap_matrices = [
        tables.target_group_table(scope, group_counts, dimensions.target_groups, departments),
        tables.life_phase_table(scope, phase_counts, dimensions.life_phases, departments),
    ]
    radar_scope = gap_scope(QueryDict())
    today, until = horizon()
    chain, _accompanying = gaps.chain_phases(dimensions.life_phases)
    rows = gaps.chain_table(
        radar_scope,
        selectors.count_chain(radar_scope.measures, today=today, until=until),
        dimensions.life_phases,
        dimensions.target_groups,
    )
    return {
        "status_counts": selectors.count_by_status(),
        "statuses": statuses,
        "department_rows": department_rows,
        "top_overlaps": tables.top_overlaps(overlap_matrices, limit=5),
        "biggest_gaps": gaps.biggest_gaps(rows, chain),
    }


def matrix_tab(slug, scope, dimensions, links=True, group_counts=None):
    """One matrix of the overview, plus what its tab shows beside it.

    The matrix adds up `scope.quantity` (measures, budget or reach). `group_counts` (target
    group × department, of the same quantity) is passed in when already computed. The shared
    target groups beside the department matrix always look at measures, not sums.
    """
    measures = scope.measures
    quantity = scope.quantity
    departments = dimensions.departments
    extra = {}
    if slug == "zielgruppen":
        counts = group_counts or selectors.count_target_groups(measures, quantity)
        matrix = tables.target_group_table(
            scope, counts, dimensions.target_groups, departments, links
        )
    elif slug == "lebensphasen":
        counts = selectors.count_life_phases(measures, quantity)
        matrix = tables.life_phase_table(scope, counts, dimensions.life_phases, departments, links)
    elif slug == "sozialraeume":
        counts = selectors.count_social_spaces(measures, quantity)
        matrix = tables.social_space_table(
            scope, counts, dimensions.social_spaces, departments, links
        )
    else:
        counts = selectors.count_department_pairs(measures, quantity)
        matrix = tables.department_table(scope, counts, departments, links)
        if scope.department is None:
            if quantity.counts_measures:
                joint = counts
                group_counts = group_counts or selectors.count_target_group_cells(measures)
            else:
                joint = selectors.count_department_pairs(measures)
                group_counts = selectors.count_target_group_cells(measures)
            extra["shared"] = tables.shared_target_groups(
                group_counts, joint, dimensions.target_groups, departments
            )
    matrix.quantity = quantity
    return matrix, extra


def overview_page(slug, scope):
    """The overview tab `slug`: (matrix, what its tab shows beside it and the quantity switch),
    cached per filters, quantity and tab."""
    return cache.remember(
        _page_key("overview", scope, slug),
        lambda: (matrix_tab(slug, scope, Dimensions()), quantity_switch(scope)),
    )


def quantity_switch(scope):
    """ "Zählen nach": the quantities with their links, and the measures the chosen one misses.

    `missing` = the first measures without the figure, `missing_text` names how many
    ("3 Maßnahmen ohne Budgetangabe"). No query for measures, two for a budget or reach.
    """
    quantity = scope.quantity
    missing_total, missing = selectors.count_missing(scope.measures, quantity)
    return {
        "quantity": quantity,
        "quantities": [
            (
                choice,
                scope.query_string(
                    **{quantities.PARAM: None if choice is quantities.MEASURES else choice.slug}
                ),
            )
            for choice in quantities.QUANTITIES.values()
        ],
        "missing_total": missing_total,
        "missing_text": quantity.missing_text(missing_total) if missing_total else "",
        "missing": missing,
    }


def funding_page(scope):
    """The funding overview, cached per filters (`funding`)."""
    return cache.remember(_page_key("funding", scope), lambda: funding(scope, Dimensions()))


def funding(scope, dimensions):
    """The funding overview: budget and reach in total, by funding source and by department.

    Three queries (`selectors.resource_totals`, `funding_by_source`, `funding_by_department`).
    """
    return {
        "totals": selectors.resource_totals(scope.measures),
        "funding_sources": selectors.funding_by_source(scope.measures),
        "funding_departments": selectors.funding_by_department(
            scope.measures, dimensions.departments
        ),
    }


def resources(scope, dimensions):
    """The quantity switch and the funding overview together, as the report shows them."""
    return {**quantity_switch(scope), **funding(scope, dimensions)}


def gap_radar_page(scope, dimensions, *, chosen_group_id=None):
    """The gap radar page (`gap_radar`), cached per filters and chosen chain."""
    return cache.remember(
        _page_key("gaps", scope, chosen_group_id),
        lambda: gap_radar(scope, dimensions, chosen_group_id=chosen_group_id),
    )


def gap_radar(
    scope, dimensions, *, chosen_group_id=None, links=True, expiring_limit=None, follow_chain=True
):
    """Everything the gap radar shows; `chosen_group_id` picks the chain to follow.

    The report does not follow one group's chain (`follow_chain=False`) and saves its query.
    """
    today, until = horizon()
    measures = scope.measures
    phases = dimensions.life_phases
    groups = dimensions.target_groups
    chain, accompanying = gaps.chain_phases(phases)
    rows = gaps.chain_table(
        scope, selectors.count_chain(measures, today=today, until=until), phases, groups, links
    )
    biggest = gaps.biggest_gaps(rows, chain)
    # By default follow the group with the biggest break: the page opens on a problem.
    wanted = chosen_group_id or (biggest[0]["group"].pk if biggest else None)
    chosen = next((row for row in rows if row.group.pk == wanted), rows[0] if rows else None)
    transitions, chain_cells, side_cells = [], [], []
    if chosen is not None and follow_chain:
        pairs = selectors.count_phase_pairs(measures, chosen.group)
        transitions = gaps.chain_of(chosen, chain, pairs)
        by_phase = {cell.phase.pk: cell for cell in chosen.cells}
        chain_cells = [by_phase[p.pk] for p in chain if by_phase[p.pk].applicable]
        side_cells = [by_phase[p.pk] for p in accompanying if by_phase[p.pk].applicable]
    years, needs = monitoring.needs_and_years(dimensions.social_spaces)
    mss_year = years.status
    sources = monitoring.sources(years.shown)
    total, expiring = selectors.expiring_measures(
        measures.running(),
        today=today,
        until=until,
        limit=expiring_limit or EXPIRING_LIMIT,
    )
    return {
        "today": today,
        "until": until,
        "horizon_months": gaps.HORIZON_MONTHS,
        "phases": phases,
        "chain_phases": chain,
        "accompanying": accompanying,
        "rows": rows,
        "gap_count": sum(len(row.gaps) for row in rows),
        "biggest": biggest,
        "chosen": chosen,
        "chain_cells": chain_cells,
        "side_cells": side_cells,
        "transitions": transitions,
        "breaks": [t for t in transitions if t.state == "break"],
        "regions": gaps.region_table(
            scope, dimensions.social_spaces, selectors.count_region_supply(measures), links, needs
        ),
        "mss_year": mss_year,
        "mss_years": years,
        "mss_sources": sources,
        "mss_source": " ".join(sources) or monitoring.source_line(mss_year),
        "need_rule": monitoring.NEED_RULE,
        "high_need_rule": monitoring.HIGH_NEED_RULE,
        "share_rule": monitoring.share_rule(years.weights),
        "lor_credit": districts.space_credit(),
        "goals": selectors.goals_without_measures(measures),
        "expiring_total": total,
        "expiring": expiring,
        "expiring_url": scope.list_url(status=gaps.RUNNING, ends_within=gaps.HORIZON_MONTHS),
        "expiring_cells": gaps.expiring_cells(rows),
    }


def report_page(data):
    """The report for the Jugendhilfeausschuss with its `scope` and `gap_scope`; the figures
    (`report_figures`) cached per filters and quantity: the page, its PDF, its XLSX and a
    frozen edition share them.

    `data` is the request's QueryDict (filters and `zaehlen`).
    """
    scope, radar_scope = Scope(data), gap_scope(data)
    content = cache.remember(
        _page_key("report", scope, radar_scope.params.urlencode()),
        lambda: report_figures(scope, radar_scope),
    )
    return {**content, "scope": scope, "gap_scope": radar_scope}


def report_figures(scope, radar_scope):
    """The report for the Jugendhilfeausschuss: overlaps, gaps, expiring measures, money and reach.

    `scope` selects the measures of the matrices, `radar_scope` (`gap_scope`) those of the
    radar. Every matrix carries its chart as SVG (`chart_svg`) for the PDF and the page. A
    fixed number of queries whatever the data.
    """
    dimensions = Dimensions()
    group_counts = selectors.count_target_groups(scope.measures, scope.quantity)
    built = [
        matrix_tab(slug, scope, dimensions, links=False, group_counts=group_counts)
        for slug in tables.MATRIX_SLUGS
    ]
    matrix_list = [matrix for matrix, _extra in built]
    for matrix in matrix_list:
        matrix.chart_svg = charts.stacked_bars(matrix.chart_data(), title=str(matrix.title))
    funding = resources(scope, dimensions)
    funding["funding_svg"] = charts.share_bars(
        funding["funding_sources"], title=str(_("Anteil am Budget nach Finanzierungsquelle"))
    )
    return {
        "filters": scope.describe(),
        "matrices": matrix_list,
        "shared": built[-1][1].get("shared", []),
        "top_overlaps": tables.top_overlaps(matrix_list[:3], limit=8),
        "radar": gap_radar(
            radar_scope,
            dimensions,
            links=False,
            expiring_limit=REPORT_EXPIRING_LIMIT,
            follow_chain=False,
        ),
        "measure_total": selectors.count_measures(scope.measures),
        # The map of need (MSS) and running measures per Planungsraum, and its table.
        "district_map": maps.district_map(scope, SocialSpace.Level.PLANUNGSRAUM, links=False),
        **funding,
    }
