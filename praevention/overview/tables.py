"""The matrices as pages show them: rows, department columns, heat levels, overlaps and links.

Only presentation: the numbers come from `selectors`, the catalogue rows are passed in, and
nothing here queries the database.
"""

from dataclasses import dataclass, field

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from praevention.catalog.models import SocialSpace
from praevention.overview.quantities import MEASURES

HEAT_LEVELS = 5

MATRIX_TITLES = {
    "zielgruppen": gettext_lazy("Fachbereiche × Zielgruppen"),
    "lebensphasen": gettext_lazy("Fachbereiche × Lebensphasen"),
    "sozialraeume": gettext_lazy("Fachbereiche × Sozialräume"),
    "fachbereiche": gettext_lazy("Fachbereiche × Fachbereiche"),
}
MATRIX_SLUGS = list(MATRIX_TITLES)


def heat_scale(maximum, levels=HEAT_LEVELS, minimum=1):
    """Upper bounds of the colour levels: geometric from the smallest non-zero cell (`minimum`,
    1 for counts) to the largest, so 3 and 3,000 measures both show a spread, and so do
    budgets from 6.000 to 980.000 € (a scale from 1 put them all into the top two levels).

    The last bound is the maximum itself; small matrices get fewer, exact levels.
    """
    low = max(1, min(minimum, maximum))
    bounds = []
    for step in range(1, levels + 1):
        bound = max(1, round(low * (maximum / low) ** (step / levels))) if maximum > 0 else 0
        if bound > 0 and (not bounds or bound > bounds[-1]):
            bounds.append(bound)
    if bounds:
        bounds[-1] = maximum
    return bounds


def heat_level(value, bounds):
    """0 for nothing, else 1..HEAT_LEVELS; the highest bucket is always the darkest."""
    if value <= 0 or not bounds:
        return 0
    offset = HEAT_LEVELS - len(bounds)
    for index, bound in enumerate(bounds, start=1):
        if value <= bound:
            return index + offset
    return HEAT_LEVELS


def heat_legend(bounds):
    """[(level, label)] for the legend, starting with the empty cells."""
    legend = [(0, "0")]
    offset = HEAT_LEVELS - len(bounds)
    low = 1
    for index, bound in enumerate(bounds, start=1):
        # Budgets reach millions: group thousands as the cells do (intcomma).
        lower, upper = intcomma(low), intcomma(bound)
        label = lower if low == bound else f"{lower}–{upper}"
        legend.append((index + offset, label))
        low = bound + 1
    return legend


@dataclass
class Cell:
    value: int
    level: int
    url: str = ""
    overlap: bool = False
    diagonal: bool = False


@dataclass
class Row:
    key: object
    label: str
    cells: list
    total: int
    total_url: str = ""
    sublabel: str = ""
    strong: bool = False
    in_chart: bool = True
    overlap: bool = False

    @property
    def department_count(self):
        return sum(1 for cell in self.cells if cell.value and not cell.diagonal)


@dataclass
class RowSpec:
    """One row to show: its key in the counts, its label and the list parameters it adds."""

    key: object
    label: str
    params: dict
    sublabel: str = ""
    strong: bool = False
    in_chart: bool = True


@dataclass
class Matrix:
    slug: str
    title: str
    caption: str
    row_heading: str
    columns: list
    rows: list
    column_totals: list
    total: int
    total_label: str
    legend: list
    marks_overlaps: bool = True
    notes: list = field(default_factory=list)
    quantity: object = MEASURES  # what the numbers add up (`quantities`)

    @property
    def overlap_rows(self):
        return [row for row in self.rows if row.overlap]

    def chart_data(self):
        """Chart.js input: one stacked bar per row, one dataset per department with measures."""
        rows = [row for row in self.rows if row.in_chart]
        datasets = []
        for index, department in enumerate(self.columns):
            data = [0 if row.cells[index].diagonal else row.cells[index].value for row in rows]
            if any(data):
                datasets.append(
                    {
                        "label": department.short_name,
                        "name": department.name,
                        "colour": department.colour,
                        "data": data,
                    }
                )
        return {
            "title": str(self.title),
            "axis": _("%(unit)s je Fachbereich, gestapelt") % {"unit": self.quantity.unit},
            "labels": [row.label for row in rows],
            # The number at a bar's end: the row's total, each measure once (a measure of two
            # departments is in two segments). Department × department has no such total.
            "totals": None if self.slug == "fachbereiche" else [row.total for row in rows],
            "datasets": datasets,
        }


def build_table(
    *,
    slug,
    caption,
    row_heading,
    specs,
    counts,
    departments,
    scope,
    total_label,
    links=True,
    diagonal=False,
    marks_overlaps=True,
    cell_params=None,
):
    """Rows of department cells with heat levels, overlap marks and drill-down links."""
    if cell_params is None:

        def cell_params(spec, department):
            return {**spec.params, **scope.department_params(department.pk)}

    keys = {spec.key for spec in specs}
    shown = [
        n for (row, col), n in counts.cells.items() if row in keys and not (diagonal and row == col)
    ]
    bounds = heat_scale(max(shown, default=0), minimum=min((n for n in shown if n > 0), default=1))
    rows = []
    for spec in specs:
        cells = []
        for department in departments:
            value = counts.cell(spec.key, department.pk)
            is_diagonal = diagonal and spec.key == department.pk
            url = ""
            if links and value:
                url = scope.list_url(**cell_params(spec, department))
            level = 0 if is_diagonal else heat_level(value, bounds)
            cells.append(Cell(value=value, level=level, url=url, diagonal=is_diagonal))
        row = Row(
            key=spec.key,
            label=spec.label,
            sublabel=spec.sublabel,
            cells=cells,
            total=counts.rows.get(spec.key, 0),
            strong=spec.strong,
            in_chart=spec.in_chart,
        )
        if links and row.total and not diagonal:
            row.total_url = scope.list_url(**spec.params)
        if marks_overlaps and row.department_count >= 2:
            row.overlap = True
            for cell in cells:
                cell.overlap = bool(cell.value)
        rows.append(row)
    return Matrix(
        slug=slug,
        title=MATRIX_TITLES[slug],
        caption=caption,
        row_heading=row_heading,
        columns=departments,
        rows=rows,
        column_totals=[counts.columns.get(d.pk, 0) for d in departments],
        total=counts.total,
        total_label=total_label,
        legend=heat_legend(bounds),
        marks_overlaps=marks_overlaps,
    )


def catalogue_rows(scope, facet, entries):
    """One row per catalogue entry; only the chosen one when the list's `facet` is set."""
    selected = scope.value(facet)
    return [
        RowSpec(key=entry.pk, label=entry.name, params={facet: entry.pk})
        for entry in entries
        if selected is None or entry.pk == selected.pk
    ]


def target_group_table(scope, counts, target_groups, departments, links=True):
    specs = catalogue_rows(scope, "target_group", target_groups)
    return build_table(
        slug="zielgruppen",
        caption=_("Maßnahmen je Zielgruppe und Fachbereich"),
        row_heading=_("Zielgruppe"),
        specs=specs,
        counts=counts,
        departments=departments,
        scope=scope,
        total_label=_("Maßnahmen mit Zielgruppe"),
        links=links,
    )


def life_phase_table(scope, counts, life_phases, departments, links=True):
    specs = catalogue_rows(scope, "life_phase", life_phases)
    return build_table(
        slug="lebensphasen",
        caption=_("Maßnahmen je Lebensphase der Präventionskette und Fachbereich"),
        row_heading=_("Lebensphase"),
        specs=specs,
        counts=counts,
        departments=departments,
        scope=scope,
        total_label=_("Maßnahmen mit Lebensphase"),
        links=links,
    )


def social_space_rows(spaces, selected=None):
    """Prognoseräume, each followed by its Bezirksregionen; within a selected space only (the
    Bezirk is the whole table, not a row)."""
    shown = [
        space
        for space in spaces
        if space.level not in (SocialSpace.Level.PLANUNGSRAUM, SocialSpace.Level.BEZIRK)
        and (selected is None or space.lor_number.startswith(selected.lor_number))
    ]
    return sorted(shown, key=lambda space: space.lor_number)


def social_space_table(scope, counts, spaces, departments, links=True):
    specs = [
        RowSpec(
            key=space.lor_number,
            label=space.name,
            sublabel=space.lor_number,
            params={"social_space": space.pk},
            strong=space.level == SocialSpace.Level.PROGNOSERAUM,
            in_chart=space.level == SocialSpace.Level.BEZIRKSREGION,
        )
        for space in social_space_rows(spaces, scope.value("social_space"))
    ]
    return build_table(
        slug="sozialraeume",
        caption=_(
            "Maßnahmen je Sozialraum und Fachbereich; Prognoseräume (fett) fassen ihre "
            "Bezirksregionen zusammen und zählen jede Maßnahme einmal"
        ),
        row_heading=_("Sozialraum"),
        specs=specs,
        counts=counts,
        departments=departments,
        scope=scope,
        total_label=_("Maßnahmen mit Sozialraum"),
        links=links,
    )


def department_table(scope, counts, departments, links=True):
    selected = scope.department

    def cell_params(spec, department):
        """Row department as `department`, column department as `partner_department`."""
        if selected is not None:
            return scope.department_params(department.pk)
        if department.pk == spec.key:
            return {"department": spec.key}
        return {"department": spec.key, "partner_department": department.pk}

    specs = [
        RowSpec(
            key=department.pk,
            label=department.name,
            sublabel=department.short_name,
            params={} if selected else {"department": department.pk},
        )
        for department in departments
        if selected is None or department.pk == selected.pk
    ]
    return build_table(
        slug="fachbereiche",
        caption=_(
            "Gemeinsam durchgeführte Maßnahmen je Paar von Fachbereichen; die Diagonale "
            "zeigt alle Maßnahmen des Fachbereichs"
        ),
        row_heading=_("Fachbereich"),
        specs=specs,
        counts=counts,
        departments=departments,
        scope=scope,
        total_label=_("Maßnahmen mit mehreren Fachbereichen"),
        links=links,
        diagonal=True,
        marks_overlaps=False,
        cell_params=cell_params,
    )


def shared_target_groups(group_counts, joint_counts, target_groups, departments):
    """Pairs of departments that work on the same target groups but run no measure together.

    [(department a, department b, [target groups])], most shared groups first: where the
    network should talk before it plans twice.
    """
    pairs = []
    for i, a in enumerate(departments):
        for b in departments[i + 1 :]:
            if joint_counts.cell(a.pk, b.pk):
                continue
            shared = [
                group
                for group in target_groups
                if group_counts.cell(group.pk, a.pk) and group_counts.cell(group.pk, b.pk)
            ]
            if shared:
                pairs.append((a, b, shared))
    pairs.sort(key=lambda pair: (-len(pair[2]), pair[0].name, pair[1].name))
    return pairs


def top_overlaps(matrices, limit=5):
    """The rows where the most departments work side by side, across the given matrices.

    Prognoseräume are left out: they repeat their Bezirksregionen.
    """
    rows = [
        (matrix, row)
        for matrix in matrices
        for row in matrix.rows
        if row.overlap and not row.strong
    ]
    rows.sort(key=lambda item: (-item[1].department_count, -item[1].total, item[1].label))
    return [
        {
            "matrix": matrix,
            "row": row,
            "departments": [
                (department, cell)
                for department, cell in zip(matrix.columns, row.cells, strict=True)
                if cell.value
            ],
        }
        for matrix, row in rows[:limit]
    ]
