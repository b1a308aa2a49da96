"""The committee report as PDF: A4, cover, table of contents, page numbers, vector charts.

The body is the same template the page shows (`_report_body.html`, inside
`overview/report_pdf.html`), so the PDF says exactly what the page says; charts and the map
are the page's SVG. Typst sets it (`typeset.py`): about 0.2 s for the 20 pages of the demo
report, where WeasyPrint needed 3 s.
"""

from datetime import datetime
from typing import Any

from django.template.loader import render_to_string

from praevention.catalog import districts
from praevention.overview import typeset

PDF_CONTENT_TYPE = "application/pdf"


def render_html(
    report: dict[str, Any], *, now: datetime, title: str = "", edition: Any = None
) -> str:
    """The print HTML: cover (title, date, filters, sources), contents, body."""
    return render_to_string(
        "overview/report_pdf.html",
        {
            **report,
            "now": now,
            "title": title,
            "edition": edition,
            "district_name": districts.current_name(),
        },
    )


def report_pdf(
    report: dict[str, Any], *, now: datetime, title: str = "", edition: Any = None
) -> bytes:
    """The report as PDF bytes; `now` is its "Stand" and the PDF's creation date.

    `report` is `overview.pages.report_page(...)` (with "progress" for "Seit dem letzten
    Bericht"); `title` and `edition` come from a frozen edition.
    """
    html = render_html(report, now=now, title=title, edition=edition)
    return typeset.typeset(typeset.html_to_typst(html), made=now)


def unprintable(report: dict[str, Any]) -> list[dict[str, str]]:
    """What the report's PDF cannot set for want of a font, to warn on the report page.

    [{"kind": "Maßnahme", "name": <title>, "scripts": "Thai, CJK"}, …] for the measures the
    report lists (those that run out) and the names of the matrices' rows and columns, each
    name once. The PDF shows "[Schrift fehlt: …]" there (`typeset.without_missing_glyphs`).
    """
    from django.utils.translation import gettext as _

    texts: dict[tuple[str, str], None] = {}
    for measure in report.get("radar", {}).get("expiring", []) or []:
        texts[(_("Maßnahme"), measure.title)] = None
    for matrix in report.get("matrices", []):
        for department in matrix.columns:
            texts[(_("Fachbereich"), department.name)] = None
            texts[(_("Fachbereich"), department.short_name)] = None
        for row in matrix.rows:
            texts[(_("Zeile"), str(row.label))] = None
    found = []
    for kind, name in texts:
        scripts = typeset.missing_scripts(name)
        if scripts:
            found.append({"kind": kind, "name": name, "scripts": ", ".join(scripts)})
    return found
