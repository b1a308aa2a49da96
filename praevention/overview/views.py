"""The network at a glance, its overlaps and gaps, and the report for the district's politics."""

from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone

from praevention.measures.models import Measure
from praevention.measures.policy import require
from praevention.overview import exports, figures, gaps, matrices, policy, report, selectors
from praevention.overview.scope import Scope


def _status(scope):
    """Invalid filter values are ignored, as in the list, but the answer says so."""
    return 400 if scope.errors else 200


def start(request):
    """The network at a glance: status and departments, top overlaps, biggest gaps, changes."""
    require(policy.can_view_overview(request.user))
    numbers = figures.remember(figures.page_key("start", ""), _start_figures)
    return render(
        request,
        "overview/start.html",
        {"nav": "start", **numbers, "measures": selectors.recent_changes(limit=20)},
    )


def _start_figures():
    """What the start page counts: statuses, departments, top overlaps, biggest gaps."""
    scope = Scope(QueryDict())
    catalogue = report.Catalogue()
    departments = catalogue.departments
    by_department = selectors.department_status_counts()
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
    group_counts, phase_counts = selectors.overlap_counts(scope.measures)
    overlap_matrices = [
        matrices.target_group_matrix(scope, group_counts, catalogue.target_groups, departments),
        matrices.life_phase_matrix(scope, phase_counts, catalogue.life_phases, departments),
    ]
    radar_scope = report.gap_scope(QueryDict())
    today, until = report.horizon()
    chain, _accompanying = gaps.chain_phases(catalogue.life_phases)
    rows = gaps.chain_matrix(
        radar_scope,
        selectors.chain_counts(radar_scope.measures, today=today, until=until),
        catalogue.life_phases,
        catalogue.target_groups,
    )
    return {
        "status_counts": selectors.measure_counts_by_status(),
        "statuses": statuses,
        "department_rows": department_rows,
        "top_overlaps": matrices.top_overlaps(overlap_matrices, limit=5),
        "biggest_gaps": gaps.biggest_gaps(rows, chain),
    }


def overview(request, matrix="zielgruppen"):
    """One matrix per tab: departments against target groups, phases, spaces or each other."""
    require(policy.can_view_overview(request.user))
    if matrix not in matrices.MATRIX_SLUGS:
        raise Http404
    scope = Scope(request.GET)
    shown, extra = figures.remember(
        figures.page_key("overview", scope.params.urlencode(), matrix),
        lambda: report.overview_matrix(matrix, scope, report.Catalogue()),
    )
    return render(
        request,
        "overview/overview.html",
        {
            "nav": "overview",
            "scope": scope,
            "matrix": shown,
            "chart": shown.chart_data(),
            "tabs": [(slug, matrices.MATRIX_TITLES[slug]) for slug in matrices.MATRIX_SLUGS],
            "query_string": scope.query_string(),
            "filters": scope.describe(),
            **extra,
        },
        status=_status(scope),
    )


def gap_radar(request):
    """Where the prevention chain breaks and where need meets too little supply."""
    require(policy.can_view_overview(request.user))
    scope = report.gap_scope(request.GET)
    try:
        chosen = int(request.GET.get("kette", ""))
    except ValueError:
        chosen = None
    catalogue = report.Catalogue()
    radar = figures.remember(
        figures.page_key("gaps", scope.params.urlencode(), chosen),
        lambda: report.gap_radar(scope, catalogue, chosen_group_id=chosen),
    )
    return render(
        request,
        "overview/gaps.html",
        {
            "nav": "gaps",
            "scope": scope,
            "filters": scope.describe(),
            "target_groups": catalogue.target_groups,
            "hidden_params": [
                (key, value)
                for key, values in scope.params.lists()
                if key not in scope.fixed
                for value in values
            ],
            "need_labels": {row.region.pk: gaps.need_label(row.need) for row in radar["regions"]},
            **radar,
        },
        status=_status(scope),
    )


def committee_report(request):
    """Print-ready report (A4) for the Jugendhilfeausschuss and the district assembly."""
    require(policy.can_view_overview(request.user))
    context = _committee_report(request.GET)
    return render(
        request,
        "overview/report.html",
        {
            "nav": "report",
            "now": timezone.localtime(),
            "can_export": policy.can_export_report(request.user),
            "query_string": context["scope"].query_string(),
            **context,
        },
        status=_status(context["scope"]),
    )


def committee_report_xlsx(request):
    """The report's content as a spreadsheet, one sheet per matrix; coordinators only."""
    require(policy.can_export_report(request.user))
    now = timezone.localtime()
    content = exports.report_workbook(_committee_report(request.GET), now=now)
    response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    filename = f"praeventionsnetz-bericht-{now:%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _committee_report(data):
    """The report's content, its figures cached (the page and its XLSX share them)."""
    scope, radar_scope = Scope(data), report.gap_scope(data)
    content = figures.remember(
        figures.page_key("report", scope.params.urlencode()),
        lambda: report.committee_report(scope, radar_scope),
    )
    return {**content, "scope": scope, "gap_scope": radar_scope}
