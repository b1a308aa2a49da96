"""The network at a glance, its overlaps and gaps, and the report for the district's politics."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from praevention.accounts.policy import allowed_if
from praevention.catalog import districts
from praevention.core import cache, downloads, exporters
from praevention.overview import exports, extensions, maps, pages, pdf, policy, tables
from praevention.overview.scope import Scope


def _status(scope):
    """Invalid filter values are ignored, as in the list, but the answer says so."""
    return 400 if scope.invalid else 200


@allowed_if(policy.can_view_overview)
def start(request):
    """The network at a glance: status and departments, top overlaps, biggest gaps, changes."""
    return render(request, "overview/start.html", {"nav": "start", **pages.start_page()})


@allowed_if(policy.can_view_overview)
def overview(request, matrix="zielgruppen"):
    """One matrix per tab: departments against target groups, phases, spaces or each other."""
    if matrix not in tables.MATRIX_SLUGS:
        raise Http404
    scope = Scope(request.GET)
    (shown, extra), switch = pages.overview_page(matrix, scope)
    return render(
        request,
        "overview/overview.html",
        {
            "nav": "overview",
            "scope": scope,
            "matrix": shown,
            "chart": shown.chart_data(),
            "tabs": [(slug, tables.MATRIX_TITLES[slug]) for slug in tables.MATRIX_SLUGS],
            "query_string": scope.query_string(),
            "filters": scope.describe(),
            **switch,
            "lor_credit": districts.space_credit,
            **extra,
        },
        status=_status(scope),
    )


@allowed_if(policy.can_view_overview)
def funding(request):
    """Where the money goes: budget and reach by funding source and by lead department."""
    scope = Scope(request.GET)
    return render(
        request,
        "overview/funding.html",
        {
            "nav": "overview",
            "scope": scope,
            "filters": scope.describe(),
            "tabs": [(slug, tables.MATRIX_TITLES[slug]) for slug in tables.MATRIX_SLUGS],
            "query_string": scope.query_string(),
            **pages.funding_page(scope),
        },
        status=_status(scope),
    )


@allowed_if(policy.can_view_overview)
def gap_radar(request):
    """Where the prevention chain breaks and where need meets too little supply."""
    scope = pages.gap_scope(request.GET)
    try:
        chosen = int(request.GET.get("kette", ""))
    except ValueError:
        chosen = None
    dimensions = pages.Dimensions()
    radar = pages.gap_radar_page(scope, dimensions, chosen_group_id=chosen)
    return render(
        request,
        "overview/gaps.html",
        {
            "nav": "gaps",
            "scope": scope,
            "filters": scope.describe(),
            "target_groups": dimensions.target_groups,
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


@allowed_if(policy.can_view_overview)
def report(request):
    """Print-ready report (A4) for the Jugendhilfeausschuss and the district assembly.

    What other apps add (editions: `?seit=<edition>` or `?seit_datum=<JJJJ-MM-TT>` adds "Seit
    dem letzten Bericht") comes through `overview.extensions`.
    """
    context = pages.report_page(request.GET)
    invalid = extensions.prepare_report(request.GET, context)
    if not invalid:
        extensions.complete_report(context)
    return render(
        request,
        "overview/report.html",
        {
            "nav": "report",
            "now": timezone.localtime(),
            "query_string": context["scope"].query_string(),
            "unprintable": pdf.unprintable(context),
            **context,
        },
        status=400 if context["scope"].invalid or invalid else 200,
    )


@allowed_if(policy.can_view_overview)
def report_pdf(request):
    """The report as PDF (A4, cover, contents, page numbers); every member of the network.

    Cached like the figures: per data version, selection, comparison, language and day
    (setting 20 pages takes about 0.2 s, the figures behind them up to 0.5 s). Its "Stand" is
    then the time it was made, when the data were already as shown.
    """
    exporter = exporters.get("report.pdf")
    context = pages.report_page(request.GET)
    if extensions.prepare_report(request.GET, context) or context["scope"].invalid:
        return report(request)  # the page says what is wrong, with a 400

    def make():
        made = timezone.localtime()
        extensions.complete_report(context)
        return made, exporter.render(exports.ReportFile(context, now=made))

    made, content = cache.remember(cache.page_key("report.pdf", request.GET.urlencode()), make)
    return exporter.attachment(content, filename=f"praeventionsnetz-bericht-{made:%Y-%m-%d}")


@allowed_if(policy.can_export_report)
def report_xlsx(request):
    """The report's content as a spreadsheet, one sheet per matrix; coordinators only.

    A heavy download: it takes one of the user's download slots (`core.downloads`).
    """
    subject = exports.ReportFile(pages.report_page(request.GET), now=timezone.localtime())
    filename = f"praeventionsnetz-bericht-{subject.now:%Y-%m-%d}"
    return downloads.download(
        request.user, exporters.get("report.xlsx"), subject, filename=filename
    )


def _slug(level: str) -> str:
    return next(slug for slug, value in maps.LEVELS.items() if value == level)


@allowed_if(policy.can_view_overview)
def district_map(request):
    """The district's Planungsräume or Bezirksregionen: need (MSS) against running measures.

    The map and its figures are cached per data version, level and query (`cache.remember`,
    like every overview page): the map is only built (five queries) when they are not cached.
    """
    scope = maps.map_scope(request.GET)
    level = maps.LEVELS.get(request.GET.get("ebene", ""), maps.Level.PLANUNGSRAUM)
    layer = request.GET.get("schicht", "")
    district = cache.remember(
        cache.page_key("map", scope.params.urlencode(), level, layer),
        lambda: maps.district_map(scope, level, layer=layer),
    )
    return render(
        request,
        "overview/map.html",
        {
            "nav": "map",
            "scope": scope,
            "filters": scope.describe(),
            "district": district,
            "levels": [
                (
                    slug,
                    districts.level_name(value, plural=True),
                    value == level,
                    scope.query_string(ebene=slug, schicht=district.layer),
                )
                for slug, value in maps.LEVELS.items()
            ],
            "layers": [
                (
                    slug,
                    name,
                    slug == district.layer,
                    scope.query_string(ebene=_slug(level), schicht=slug),
                )
                for slug, name in maps.LAYERS.items()
            ],
            "level": level,
            "need_rule": maps.monitoring.NEED_RULE,
            "high_need_rule": maps.monitoring.HIGH_NEED_RULE,
        },
        status=_status(scope),
    )
