"""Charts as SVG drawn on the server: vector graphics in the PDF, the same picture on the page.

No JavaScript and no inline style: colours are SVG presentation attributes, which the strict
CSP allows. Every chart repeats numbers that stand in a table next to it.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 680
LABEL_WIDTH = 210
BAR_HEIGHT = 14
GAP = 6
TEXT = "#212529"
MUTED = "#595959"
FALLBACK_COLOUR = "#6c757d"
# The legend: six departments a row; a short name of up to 15 characters fits its 113 units
# (DejaVu Sans at 10 units: about 6 a character); a longer one ends in "…", whole in a tooltip.
LEGEND_COLUMNS, LEGEND_LABEL = 6, 15


def _number(value: int) -> str:
    """German thousands separator (a thin no-break space would not print everywhere)."""
    return f"{value:,}".replace(",", ".")


def _shorten(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def stacked_bars(chart: dict, *, title: str) -> SafeString:
    """A horizontal stacked bar chart from `Matrix.chart_data()` ({labels, datasets}).

    One bar per row, one coloured segment per department (its colour from the network), at the
    bar's end the row's total (`chart["totals"]`, each measure once; else the segments' sum) and
    a legend of the departments below. Returns safe SVG markup;
    every text is escaped here.
    """
    labels = chart["labels"]
    datasets = chart["datasets"]
    sums = [sum(ds["data"][i] for ds in datasets) for i in range(len(labels))]
    ends = chart.get("totals") or sums
    largest = max(sums, default=0) or 1
    plot = WIDTH - LABEL_WIDTH - 60
    legend_rows = -(-len(datasets) // LEGEND_COLUMNS)
    height = 24 + len(labels) * (BAR_HEIGHT + GAP) + 14 + legend_rows * 18
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'font-family="DejaVu Sans, Arial, sans-serif" font-size="10">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="12" font-size="11" fill="{MUTED}">{escape(chart.get("axis", ""))}</text>',
    ]
    y = 24
    for index, label in enumerate(labels):
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR_HEIGHT - 3}" text-anchor="end" '
            f'fill="{TEXT}">{escape(_shorten(str(label)))}</text>'
        )
        x = float(LABEL_WIDTH)
        for dataset in datasets:
            value = dataset["data"][index]
            if value <= 0:
                continue
            width = plot * value / largest
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{max(width, 0.5):.1f}" height="{BAR_HEIGHT}" '
                f'fill="{escape(dataset.get("colour") or FALLBACK_COLOUR)}">'
                f"<title>{escape(dataset['label'])}: {_number(value)}</title></rect>"
            )
            x += width
        parts.append(
            f'<text x="{x + 4:.1f}" y="{y + BAR_HEIGHT - 3}" fill="{TEXT}">'
            f"{_number(ends[index])}</text>"
        )
        y += BAR_HEIGHT + GAP
    y += 6
    for index, dataset in enumerate(datasets):
        column, row = index % LEGEND_COLUMNS, index // LEGEND_COLUMNS
        lx, ly = column * (WIDTH / LEGEND_COLUMNS), y + row * 18
        label = str(dataset["label"])
        parts.append(
            f'<rect x="{lx:.1f}" y="{ly}" width="10" height="10" '
            f'fill="{escape(dataset.get("colour") or FALLBACK_COLOUR)}"/>'
            f'<text x="{lx + 14:.1f}" y="{ly + 9}" fill="{TEXT}">'
            f"<title>{escape(label)}</title>{escape(_shorten(label, LEGEND_LABEL))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 – every text above went through escape()


def share_bars(rows, *, title: str, colour: str = "#1d4f6e") -> SafeString:
    """Horizontal bars of the budget share per row ([FundingRow]); the share in % at the end."""
    shown = [row for row in rows if row.budget]
    height = 10 + len(shown) * (BAR_HEIGHT + GAP)
    plot = WIDTH - LABEL_WIDTH - 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'font-family="DejaVu Sans, Arial, sans-serif" font-size="10">',
        f"<title>{escape(title)}</title>",
    ]
    y = 4
    for row in shown:
        share = row.share or 0
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR_HEIGHT - 3}" text-anchor="end" '
            f'fill="{TEXT}">{escape(_shorten(row.label or "–"))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{max(plot * share, 0.5):.1f}" '
            f'height="{BAR_HEIGHT}" fill="{colour}"/>'
            f'<text x="{LABEL_WIDTH + plot * share + 4:.1f}" y="{y + BAR_HEIGHT - 3}" '
            f'fill="{TEXT}">{round(share * 100)} %</text>'
        )
        y += BAR_HEIGHT + GAP
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 – every text above went through escape()
