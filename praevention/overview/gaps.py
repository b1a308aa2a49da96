"""The gap radar as pages show it: the prevention chain, its breaks, need against supply.

Only presentation: numbers come from `selectors`, catalogue rows are passed in.
"""

from dataclasses import dataclass
from statistics import mean

from praevention.catalog import monitoring
from praevention.catalog.models import SocialSpace
from praevention.catalog.monitoring import Need
from praevention.measures.models import Measure
from praevention.overview.selectors import ChainCell

RUNNING = Measure.Status.RUNNING
PLANNED = Measure.Status.PLANNED
HORIZON_MONTHS = 6


def chain_phases(life_phases):
    """(chain, accompanying): the phases a child passes through in order, and the others.

    Ages rise along the chain; phases without ages before the first aged phase (pregnancy)
    start it, those after the last aged phase (parents) accompany the whole chain.
    """
    phases = sorted(life_phases, key=lambda phase: (phase.position, phase.name))
    aged = [p for p in phases if p.age_from is not None or p.age_to is not None]
    if not aged:
        return phases, []
    last = aged[-1].position
    return [p for p in phases if p.position <= last], [p for p in phases if p.position > last]


@dataclass
class ChainView:
    phase: object
    counts: ChainCell
    url: str = ""
    planned_url: str = ""
    expiring_url: str = ""
    applicable: bool = True  # the target group occurs in this life phase (TargetGroup.applies_to)

    @property
    def gap(self):
        """No running measure in a cell where the group occurs; other cells cannot have a gap."""
        return self.applicable and self.counts.running == 0

    @property
    def expires(self):
        return self.counts.expires

    @property
    def expiring(self):
        return self.counts.running - self.counts.lasting


@dataclass
class ChainRow:
    group: object
    cells: list

    @property
    def gaps(self):
        return [cell for cell in self.cells if cell.gap]

    @property
    def applicable_cells(self):
        return [cell for cell in self.cells if cell.applicable]


def chain_table(scope, counts, life_phases, target_groups, links=True):
    """Target group rows × life phase columns: running measures, planned ones, gaps.

    A cell whose life phase does not apply to the group (`TargetGroup.applies_to`) is marked
    `applicable=False` and is never a gap; prefetch the groups' `life_phases`.
    """
    rows = []
    for group in target_groups:
        cells = []
        for phase in life_phases:
            cell = ChainView(
                phase=phase,
                counts=counts.get((phase.pk, group.pk), ChainCell()),
                applicable=group.applies_to(phase),
            )
            if links:
                where = {"life_phase": phase.pk, "target_group": group.pk}
                if cell.counts.running:
                    cell.url = scope.list_url(status=RUNNING, **where)
                if cell.counts.planned:
                    cell.planned_url = scope.list_url(status=PLANNED, **where)
                if cell.expiring:
                    cell.expiring_url = scope.list_url(
                        status=RUNNING, ends_within=HORIZON_MONTHS, **where
                    )
            cells.append(cell)
        rows.append(ChainRow(group=group, cells=cells))
    return rows


@dataclass
class Transition:
    before: ChainView
    after: ChainView
    bridge: int

    @property
    def holds(self):
        return not (self.before.gap or self.after.gap)

    @property
    def state(self):
        if not self.holds:
            return "break"
        return "bridged" if self.bridge else "weak"


def chain_of(row, chain, pair_counts):
    """The transitions between consecutive phases of the chain for one target group; phases
    that do not apply to the group are left out of its chain."""
    by_phase = {cell.phase.pk: cell for cell in row.cells}
    cells = [by_phase[phase.pk] for phase in chain if by_phase[phase.pk].applicable]
    return [
        Transition(before=a, after=b, bridge=pair_counts.get((a.phase.pk, b.phase.pk), 0))
        for a, b in zip(cells, cells[1:], strict=False)
    ]


def biggest_gaps(rows, chain, limit=3):
    """Phases of the chain without a running measure, where the chain around them holds best.

    A break between well-served neighbours is where families fall through; the score is the
    number of running measures the group has in the phases before and after. Only phases
    that apply to the group count, as gaps and as neighbours.
    """
    found = []
    for row in rows:
        by_phase = {cell.phase.pk: cell for cell in row.cells}
        order = [phase.pk for phase in chain if by_phase[phase.pk].applicable]
        for index, phase_pk in enumerate(order):
            cell = by_phase[phase_pk]
            if not cell.gap:
                continue
            before = by_phase[order[index - 1]] if index > 0 else None
            after = by_phase[order[index + 1]] if index + 1 < len(order) else None
            score = sum(n.counts.running for n in (before, after) if n is not None)
            found.append(
                {"group": row.group, "cell": cell, "before": before, "after": after, "score": score}
            )
    found.sort(key=lambda gap: (-gap["score"], gap["group"].position, gap["cell"].phase.position))
    return found[:limit]


def expiring_cells(rows):
    """Cells covered today only by measures that end or lose their funding soon."""
    return [(row.group, cell) for row in rows for cell in row.cells if cell.expires]


@dataclass
class RegionRow:
    region: object
    running: int
    planned: int
    url: str = ""
    ratio: float | None = None
    mss: Need = Need()
    typical: float = 0.0

    @property
    def need(self):
        """The region's MSS status class derived from its Planungsräume (monitoring.NEED_RULE)."""
        return self.mss.status_class

    @property
    def poverty(self):
        """The region's newest derived child-poverty share (monitoring.share_rule), or None."""
        return self.mss.poverty_now

    def poverty_in(self, year):
        return self.mss.poverty.get(year)

    @property
    def high_need(self):
        return monitoring.is_high_need(self.mss)

    @property
    def underserved(self):
        return monitoring.underserved(self.mss, self.running, self.typical)


def region_table(scope, spaces, supply, links=True, needs=None):
    """Bezirksregionen, high need first (monitoring.is_high_need), then by child poverty, status
    class, and the fewest measures first.

    `needs` is {LOR number: Need} from `catalog.monitoring.needs`.

    `ratio` compares a region's running measures with the average region's: below 1 means less
    supply than usual; with high need that is a gap.
    """
    selected = scope.value("social_space")
    regions = [
        space
        for space in spaces
        if space.level == SocialSpace.Level.BEZIRKSREGION
        and (selected is None or space.lor_number.startswith(selected.lor_number))
    ]
    rows = []
    for region in regions:
        running, planned = supply.get(region.lor_number, (0, 0))
        row = RegionRow(
            region=region,
            running=running,
            planned=planned,
            mss=(needs or {}).get(region.lor_number, Need()),
        )
        if links and running:
            row.url = scope.list_url(status=RUNNING, social_space=region.pk)
        rows.append(row)
    typical = mean([row.running for row in rows]) if rows else 0
    for row in rows:
        row.ratio = row.running / typical if typical else None
        row.typical = typical
    rows.sort(
        key=lambda row: (
            -row.high_need,
            -(row.poverty.value or 0) if row.poverty else 0,
            -(row.need or 0),
            row.running,
            row.region.lor_number,
        )
    )
    return rows
