"""What the overview, gap and report pages show, put together from selectors.

Each builder loads the catalogue once and runs a fixed set of queries, so a page costs the same
number of queries for ten measures as for twenty thousand.
"""

from django.utils import timezone

from praevention.catalog import monitoring
from praevention.catalog.models import LifePhase, SocialSpace, TargetGroup
from praevention.measures.filters import add_months
from praevention.network.models import Department
from praevention.overview import gaps, maps, matrices, selectors
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
    return today, add_months(today, gaps.HORIZON_MONTHS)


class Catalogue:
    """The rows and columns of every matrix, each read once per request."""

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
        return self._get("target_groups", TargetGroup.objects.all)

    @property
    def life_phases(self):
        return self._get("life_phases", LifePhase.objects.all)

    @property
    def social_spaces(self):
        return self._get("social_spaces", lambda: SocialSpace.objects.order_by("lor_number"))


def overview_matrix(slug, scope, catalogue, links=True, group_counts=None):
    """One matrix of the overview, plus what its tab shows beside it.

    `group_counts` (target group × department) is passed in when already computed.
    """
    measures = scope.measures
    departments = catalogue.departments
    extra = {}
    if slug == "zielgruppen":
        counts = group_counts or selectors.target_group_matrix(measures)
        matrix = matrices.target_group_matrix(
            scope, counts, catalogue.target_groups, departments, links
        )
    elif slug == "lebensphasen":
        counts = selectors.life_phase_matrix(measures)
        matrix = matrices.life_phase_matrix(
            scope, counts, catalogue.life_phases, departments, links
        )
    elif slug == "sozialraeume":
        counts = selectors.social_space_matrix(measures)
        matrix = matrices.social_space_matrix(
            scope, counts, catalogue.social_spaces, departments, links
        )
    else:
        counts = selectors.department_matrix(measures)
        matrix = matrices.department_matrix(scope, counts, departments, links)
        if scope.department is None:
            group_counts = group_counts or selectors.target_group_cells(measures)
            extra["shared"] = matrices.shared_target_groups(
                group_counts, counts, catalogue.target_groups, departments
            )
    return matrix, extra


def gap_radar(
    scope, catalogue, *, chosen_group_id=None, links=True, expiring_limit=None, follow_chain=True
):
    """Everything the gap radar shows; `chosen_group_id` picks the chain to follow.

    The report does not follow one group's chain (`follow_chain=False`) and saves its query.
    """
    today, until = horizon()
    measures = scope.measures
    phases = catalogue.life_phases
    groups = catalogue.target_groups
    chain, accompanying = gaps.chain_phases(phases)
    rows = gaps.chain_matrix(
        scope, selectors.chain_counts(measures, today=today, until=until), phases, groups, links
    )
    biggest = gaps.biggest_gaps(rows, chain)
    # By default follow the group with the biggest break: the page opens on a problem.
    wanted = chosen_group_id or (biggest[0]["group"].pk if biggest else None)
    chosen = next((row for row in rows if row.group.pk == wanted), rows[0] if rows else None)
    transitions, chain_cells, side_cells = [], [], []
    if chosen is not None and follow_chain:
        pairs = selectors.phase_pair_counts(measures, chosen.group)
        transitions = gaps.chain_of(chosen, chain, pairs)
        by_phase = {cell.phase.pk: cell for cell in chosen.cells}
        chain_cells = [by_phase[p.pk] for p in chain]
        side_cells = [by_phase[p.pk] for p in accompanying]
    mss_year, needs = monitoring.needs(catalogue.social_spaces)
    total, expiring = selectors.expiring_measures(
        measures.filter(status=gaps.RUNNING),
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
        "regions": gaps.region_ranking(
            scope, catalogue.social_spaces, selectors.region_supply(measures), links, needs
        ),
        "mss_year": mss_year,
        "mss_source": monitoring.source_line(mss_year),
        "need_rule": monitoring.NEED_RULE,
        "lor_credit": monitoring.LOR_CREDIT,
        "goals": selectors.goals_without_measures(measures),
        "expiring_total": total,
        "expiring": expiring,
        "expiring_url": scope.list_url(status=gaps.RUNNING, ends_within=gaps.HORIZON_MONTHS),
        "expiring_cells": gaps.expiring_cells(rows),
    }


def committee_report(data):
    """The report for the Jugendhilfeausschuss: overlaps, gaps and expiring measures."""
    scope = Scope(data)
    radar_scope = gap_scope(data)
    catalogue = Catalogue()
    group_counts = selectors.target_group_matrix(scope.measures)
    built = [
        overview_matrix(slug, scope, catalogue, links=False, group_counts=group_counts)
        for slug in matrices.MATRIX_SLUGS
    ]
    matrix_list = [matrix for matrix, _extra in built]
    return {
        "scope": scope,
        "gap_scope": radar_scope,
        "filters": scope.describe(),
        "matrices": matrix_list,
        "shared": built[-1][1].get("shared", []),
        "top_overlaps": matrices.top_overlaps(matrix_list[:3], limit=8),
        "radar": gap_radar(
            radar_scope,
            catalogue,
            links=False,
            expiring_limit=REPORT_EXPIRING_LIMIT,
            follow_chain=False,
        ),
        "measure_total": selectors.measure_count(scope.measures),
        # The map of need (MSS) and running measures per Planungsraum, and its table.
        "district_map": maps.district_map(scope, SocialSpace.Level.PLANUNGSRAUM, links=False),
    }
