"""The committee report as PDF: A4, cover, table of contents, page numbers, vector charts.

WeasyPrint lays out HTML and CSS for print (it needs Debian's pango, installed by the Makefile
and the Dockerfile). The body is the same template the page shows (`_report_body.html`), so
the PDF says exactly what the page says; charts are the SVG of `charts`.
"""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

PDF_CONTENT_TYPE = "application/pdf"
STYLESHEETS = ("css/overview.css", "css/map.css", "css/report-pdf.css")


def sections(report: dict) -> list[tuple[str, str]]:
    """[(anchor, heading)] of the report's sections in order: the table of contents."""
    found = [("report-summary-heading", _("Auf einen Blick"))]
    if report.get("progress"):
        found.append(("report-progress", _("Seit dem letzten Bericht")))
    found.append(("report-overlaps-heading", _("Größte Überschneidungen")))
    for matrix in report["matrices"]:
        prefix = f"{_('Überschneidungen')}: " if matrix.marks_overlaps else ""
        found.append((f"report-{matrix.slug}", f"{prefix}{matrix.title}"))
    months = report["radar"]["horizon_months"]
    found += [
        ("report-chain", _("Lücken in der Präventionskette")),
        ("report-regions", _("Bedarf und Angebot in den Bezirksregionen")),
        ("report-goals", _("Strategische Ziele ohne Maßnahme")),
        (
            "report-map",
            _("Karte: Bedarf (MSS %(year)s) und laufende Maßnahmen in den Planungsräumen")
            % {"year": report["district_map"].year or "–"},
        ),
        (
            "report-expiring",
            _("Was in den nächsten %(months)s Monaten ausläuft") % {"months": months},
        ),
        ("report-funding", _("Finanzierung und Reichweite")),
    ]
    return found


def render_html(report: dict, *, now, title: str = "", edition=None) -> str:
    """The HTML WeasyPrint prints: cover (title, date, filters, sources), contents, body."""
    return render_to_string(
        "overview/report_pdf.html",
        {
            **report,
            "now": now,
            "title": title,
            "edition": edition,
            "toc": sections(report),
            "district_name": settings.DISTRICT_NAME,
        },
    )


def render_pdf(html: str) -> bytes:
    """PDF bytes of `html` with the print stylesheets.

    Imported here, not at the top: the web process starts even where pango is missing, and
    only a PDF request then fails (a 500 with the library's message in the log).
    """
    from weasyprint import CSS, HTML

    stylesheets = [CSS(filename=finders.find(path)) for path in STYLESHEETS]
    return HTML(string=html, base_url="/").write_pdf(stylesheets=stylesheets)


def report_pdf(report: dict, *, now, title: str = "", edition=None) -> bytes:
    """The report as PDF bytes (see `render_html`)."""
    return render_pdf(render_html(report, now=now, title=title, edition=edition))
