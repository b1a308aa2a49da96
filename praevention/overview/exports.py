"""The committee report as a spreadsheet: one sheet per matrix, plus the gap radar's lists.

Every cell is written through `praevention.core.spreadsheets`, so a measure titled
`=HYPERLINK(…)` stays text in a committee member's Excel (issue #12, fault 2).
"""

import datetime
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from praevention.core.exporters import Exporter, InvalidSelection
from praevention.core.spreadsheets import append_row, set_cell
from praevention.overview import pages, pdf, policy

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)
MAX_WIDTH = 60
SHEET_TITLES = {
    "zielgruppen": _lazy("Zielgruppen"),
    "lebensphasen": _lazy("Lebensphasen"),
    "sozialraeume": _lazy("Sozialräume"),
    "fachbereiche": _lazy("Gemeinsame Maßnahmen"),
}


def _sheet(workbook, title, header, rows, *, freeze="B2", footer=None):
    """A sheet with a bold, frozen header row and columns as wide as their content."""
    sheet = workbook.create_sheet(title=title[:31])
    append_row(sheet, header)
    for cell in sheet[1]:
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        append_row(sheet, row)
    if footer:
        append_row(sheet, footer)
        for cell in sheet[sheet.max_row]:
            cell.font = BOLD
    sheet.freeze_panes = freeze
    for index, column in enumerate(sheet.iter_cols(values_only=True), start=1):
        width = max((len(str(value)) for value in column if value is not None), default=8)
        sheet.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, max(8, width + 2))
    return sheet


def _map_sheet(workbook, district):
    """The report map's table: one row per space with its child poverty (S4, S2) per year,
    its MSS status and running measures, then the credit lines (spaces, each year's sources).
    Shares in percent as numbers (one decimal). Cells through core.spreadsheets."""
    sheet = workbook.create_sheet(title=str(_("Karte"))[:31])
    years = district.years
    append_row(
        sheet,
        [
            _("LOR-Nummer"),
            str(district.areas[0].level_name if district.areas else _("Sozialraum")),
            *[_("Kinderarmut (S4) %(year)s, %%") % {"year": y} for y in years.poverty],
            *[
                _("Kinder Alleinerziehender (S2) %(year)s, %%") % {"year": y}
                for y in years.single_parent
            ],
            _("Status (MSS %(year)s)") % {"year": district.year or "–"},
            _("Einwohner (%(year)s)") % {"year": years.weights or "–"},
            _("laufende Maßnahmen"),
        ],
    )
    for cell in sheet[1]:
        cell.font = BOLD

    def share(value):
        return round(value, 1) if value is not None else None

    for area in district.areas:
        append_row(
            sheet,
            [
                area.space.shown_number,
                area.space.name,
                *[share(area.need.poverty[y].value) for y in years.poverty],
                *[share(area.need.single_parent[y].value) for y in years.single_parent],
                area.need.label,
                area.need.inhabitants or None,
                area.running,
            ],
        )
    append_row(sheet, [None])
    for line in district.credits:
        append_row(sheet, [line])
    if district.level != "plr":
        append_row(sheet, [district.share_rule])
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 32
    return sheet


def _matrix_sheet(workbook, matrix):
    header = [
        str(matrix.row_heading),
        *[department.short_name for department in matrix.columns],
        _("Gesamt"),
    ]
    if matrix.marks_overlaps:
        header.append(_("Überschneidung (Fachbereiche)"))
    rows = []
    for row in matrix.rows:
        label = row.label
        if matrix.slug == "sozialraeume":
            label = f"{row.sublabel} {row.label}"
        values = [label, *[cell.value for cell in row.cells], row.total]
        if matrix.marks_overlaps:
            values.append(row.department_count if row.overlap else None)
        rows.append(values)
    footer = [_("Gesamt"), *matrix.column_totals, matrix.total]
    sheet = _sheet(workbook, str(SHEET_TITLES[matrix.slug]), header, rows, footer=footer)
    note_row = sheet.max_row + 2
    set_cell(sheet, note_row, 1, str(matrix.caption))
    set_cell(
        sheet,
        note_row + 1,
        1,
        _("Fachbereiche: %(names)s")
        % {"names": "; ".join(f"{d.short_name} = {d.name}" for d in matrix.columns)},
    )
    return sheet


def _cover(workbook, report, *, now, title):
    """The first sheet: what the report is, when it was made, what it counts and selects."""
    cover = workbook.active
    cover.title = _("Bericht")
    append_row(cover, [_("Präventionsnetz: Überschneidungen und Lücken")])
    cover["A1"].font = Font(bold=True, size=14)
    if title:
        append_row(cover, [_("Ausgabe"), title])
    as_of = _("%(date)s, %(time)s Uhr") % {
        "date": date_format(now, "DATE_FORMAT"),
        "time": time_format(now, "TIME_FORMAT"),
    }
    append_row(cover, [_("Stand"), as_of])
    append_row(cover, [_("Maßnahmen in der Auswahl"), report["measure_total"]])
    quantity = report["quantity"]
    append_row(cover, [_("Gezählt nach"), f"{quantity.label} ({quantity.unit})"])
    if report.get("missing_text"):
        append_row(cover, [_("Fehlende Angaben"), report["missing_text"]])
    for label, value in report["filters"]:
        append_row(cover, [label, value])
    cover.column_dimensions["A"].width = 40
    cover.column_dimensions["B"].width = 60
    return cover


def _chain_sheets(workbook, radar):
    """The gap radar's prevention chain, need against supply, and goals without a measure."""
    _sheet(
        workbook,
        _("Präventionskette"),
        [_("Zielgruppe"), *[phase.name for phase in radar["phases"]], _("Lücken")],
        [
            [
                row.group.name,
                *[cell.counts.running for cell in row.cells],
                ", ".join(cell.phase.name for cell in row.gaps),
            ]
            for row in radar["rows"]
        ],
    )
    _sheet(
        workbook,
        _("Bedarf und Angebot"),
        [
            _("Bezirksregion"),
            _("LOR-Nummer"),
            _("MSS %(year)s: Status (abgeleitet)") % {"year": radar["mss_year"] or "–"},
            _("laufende Maßnahmen"),
            _("geplante Maßnahmen"),
            _("Angebot im Vergleich zum Durchschnitt"),
            _("hoher Bedarf, wenig Angebot"),
        ],
        [
            [
                row.region.name,
                row.region.lor_number,
                row.mss.label,
                row.running,
                row.planned,
                round(row.ratio, 2) if row.ratio is not None else None,
                _("ja") if row.underserved else "",
            ]
            for row in radar["regions"]
        ],
    )
    _sheet(
        workbook,
        _("Ziele ohne Maßnahme"),
        [_("Handlungsfeld"), _("Strategisches Ziel")],
        [[goal.field_of_action.name, goal.title] for goal in radar["goals"]],
    )


def _expiry_sheets(workbook, radar):
    """Measures running out, and the cells whose every running measure runs out."""
    _sheet(
        workbook,
        _("Auslaufende Maßnahmen"),
        [
            _("Maßnahme"),
            _("Federführung"),
            _("Ende"),
            _("Finanzierung endet am"),
            _("läuft aus am"),
        ],
        [
            [m.title, m.lead_name, m.end_date, m.funding_ends_on, m.expires_on]
            for m in radar["expiring"]
        ],
        footer=[
            _("%(shown)d von %(total)d auslaufenden Maßnahmen")
            % {"shown": len(radar["expiring"]), "total": radar["expiring_total"]}
        ],
    )
    _sheet(
        workbook,
        _("Drohende Lücken"),
        [_("Zielgruppe"), _("Lebensphase"), _("laufende Maßnahmen, alle auslaufend")],
        [
            [group.name, cell.phase.name, cell.counts.running]
            for group, cell in radar["expiring_cells"]
        ],
    )


def _funding_sheets(workbook, report):
    """Budgets by funding source and by lead department."""
    funding_header = [
        _("Maßnahmen"),
        _("Budget (€/Jahr)"),
        _("Anteil"),
        _("ohne Budgetangabe"),
    ]
    _sheet(
        workbook,
        _("Finanzierungsquellen"),
        [_("Finanzierungsquelle"), *funding_header],
        [
            [row.label or _("ohne Angabe"), row.measures, row.budget, row.share, row.without_budget]
            for row in report["funding_sources"]
        ],
    )
    _sheet(
        workbook,
        _("Budget nach Fachbereich"),
        [_("Federführender Fachbereich"), *funding_header],
        [
            [row.label, row.measures, row.budget, row.share, row.without_budget]
            for row in report["funding_departments"]
        ],
    )


def report_workbook(report, *, now, title=""):
    """The report's content as XLSX bytes; `title` names a frozen edition on the cover.

    Sheets: the cover, one per matrix, the gap radar's (chain, need, goals, expiring), the
    funding tables and the map's table.
    """
    workbook = Workbook()
    _cover(workbook, report, now=now, title=title)
    for matrix in report["matrices"]:
        _matrix_sheet(workbook, matrix)
    _chain_sheets(workbook, report["radar"])
    _expiry_sheets(workbook, report["radar"])
    _funding_sheets(workbook, report)
    _map_sheet(workbook, report["district_map"])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class ReportFile:
    """What a report download is made of: the page's figures (`pages.report_page`), the
    moment it is made, and an edition's title (empty for the live report)."""

    report: dict[str, Any]
    now: datetime.datetime
    title: str = ""


def select_report(params: QueryDict) -> ReportFile:
    """The live report for the selection in `params`, made now; InvalidSelection (German)
    when the selection is invalid."""
    report = pages.report_page(params)
    if report["scope"].invalid:
        raise InvalidSelection(_("Die Auswahl ist ungültig; bitte im Bericht prüfen."))
    return ReportFile(report, now=timezone.localtime())


def _workbook(subject: ReportFile) -> bytes:
    return report_workbook(subject.report, now=subject.now, title=subject.title)


def _pdf(subject: ReportFile) -> bytes:
    return pdf.report_pdf(subject.report, now=subject.now, title=subject.title)


# Registered in OverviewConfig.ready().
EXPORTERS = (
    Exporter(
        key="report.xlsx",
        label=_lazy("Bericht als Tabelle (XLSX)"),
        content_type=XLSX_CONTENT_TYPE,
        extension="xlsx",
        render=_workbook,
        allowed=policy.can_export_report,
        select=select_report,
        heavy=True,
    ),
    Exporter(
        key="report.pdf",
        label=_lazy("Bericht als PDF"),
        content_type=pdf.PDF_CONTENT_TYPE,
        extension="pdf",
        render=_pdf,
        allowed=policy.can_view_overview,
        select=select_report,
    ),
)
