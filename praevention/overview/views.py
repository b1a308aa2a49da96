"""The network at a glance, its overlaps and gaps, and the report for the district's politics."""

from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from praevention.core.dataversion import fragment_context
from praevention.measures.models import Measure
from praevention.measures.policy import require
from praevention.overview import exports, gaps, maps, matrices, policy, report, selectors
from praevention.overview.scope import Scope


def _status(scope):
    """Invalid filter values are ignored, as in the list, but the answer says so."""
    return 400 if scope.errors else 200


def start(request):
    """The network at a glance: status and departments, top overlaps, biggest gaps, changes."""
    require(policy.can_view_overview(request.user))
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
    return render(
        request,
        "overview/start.html",
        {
            "nav": "start",
            "status_counts": selectors.measure_counts_by_status(),
            "statuses": statuses,
            "department_rows": department_rows,
            "top_overlaps": matrices.top_overlaps(overlap_matrices, limit=5),
            "biggest_gaps": gaps.biggest_gaps(rows, chain),
            "measures": selectors.recent_changes(limit=20),
        },
    )


def overview(request, matrix="zielgruppen"):
    """One matrix per tab: departments against target groups, phases, spaces or each other."""
    require(policy.can_view_overview(request.user))
    if matrix not in matrices.MATRIX_SLUGS:
        raise Http404
    scope = Scope(request.GET)
    catalogue = report.Catalogue()
    shown, extra = report.overview_matrix(matrix, scope, catalogue)
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
            "lor_credit": maps.monitoring.LOR_CREDIT,
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
    radar = report.gap_radar(scope, catalogue, chosen_group_id=chosen)
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
            **radar,
        },
        status=_status(scope),
    )


def committee_report(request):
    """Print-ready report (A4) for the Jugendhilfeausschuss and the district assembly."""
    require(policy.can_view_overview(request.user))
    context = report.committee_report(request.GET)
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
    content = exports.report_workbook(report.committee_report(request.GET), now=now)
    response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    filename = f"praeventionsnetz-bericht-{now:%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def district_map(request):
    """The district's Planungsräume or Bezirksregionen: need (MSS) against running measures.

    The map and its table are a cached fragment per data version, level and query: the map is
    only built (five queries) when the fragment is not cached.
    """
    require(policy.can_view_overview(request.user))
    scope = maps.map_scope(request.GET)
    level = maps.LEVELS.get(request.GET.get("ebene", ""), maps.Level.PLANUNGSRAUM)
    return render(
        request,
        "overview/map.html",
        {
            "nav": "map",
            "scope": scope,
            "filters": scope.describe(),
            "district": SimpleLazyObject(lambda: maps.district_map(scope, level)),
            "levels": [
                (slug, maps.LEVEL_NAMES[value], value == level, scope.query_string(ebene=slug))
                for slug, value in maps.LEVELS.items()
            ],
            "level": level,
            "need_rule": maps.monitoring.NEED_RULE,
            **fragment_context(),
        },
        status=_status(scope),
    )
