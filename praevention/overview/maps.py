"""The district map: social spaces coloured by need, the running measures drawn on top.

Two layers: child poverty (S4, a choropleth in fixed classes of 10 percentage points, the top
class being "high need", `monitoring.POVERTY_HIGH`) and the MSS status class. Each layer shows
its newest year and says which. Bezirksregionen are named on the map, every area on hover and
focus; the district's outline is drawn on top.

The server draws the SVG from the stored outlines (`SocialSpaceGeometry`, WGS84): no tile
server, no request to anyone else, nothing inline that the Content-Security-Policy forbids
(presentation attributes only, no `style`). Outlines are projected and simplified once per
level and kept in the cache until they change; a request then only joins them with the counts.

Projection: equirectangular with the longitude scaled by cos(mean latitude), which at the scale
of one district differs from Web Mercator by less than a line's width.
"""

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.db.models.functions import Length, Substr
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from praevention.catalog import districts, monitoring
from praevention.catalog.models import SocialSpace, SocialSpaceGeometry
from praevention.measures.models import Measure
from praevention.overview.scope import Scope

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

Level = SocialSpace.Level
WIDTH = 800  # viewBox units; the SVG scales to its container and to A4 in print
PADDING = 8
TOLERANCE = 0.6  # Douglas–Peucker tolerance in viewBox units (< 0.2 mm on A4)
CIRCLE_UNIT = 7.0  # radius of a circle for one measure; area grows with the number
CACHE_TIMEOUT = 24 * 60 * 60
LEVELS = {"planungsraeume": Level.PLANUNGSRAUM, "bezirksregionen": Level.BEZIRKSREGION}
LEVEL_NAMES: "dict[str, StrPromise]" = {
    Level.PLANUNGSRAUM: gettext_lazy("Planungsräume"),
    Level.BEZIRKSREGION: gettext_lazy("Bezirksregionen"),
}
POVERTY, STATUS = "kinderarmut", "status"
LAYERS = {POVERTY: gettext_lazy("Kinderarmut (S4)"), STATUS: gettext_lazy("Status (MSS)")}
# Child poverty in fixed classes of 10 points: 1 under 10 %, … 5 at least 40 % (high need).
POVERTY_BREAKS = (10.0, 20.0, 30.0, monitoring.POVERTY_HIGH)
POVERTY_FILLS = {0: "#ffffff", 1: "#fef0d9", 2: "#fdcc8a", 3: "#fc8d59", 4: "#e34a33", 5: "#b30000"}
POVERTY_PATTERNS = {
    0: "p-unknown",
    1: None,
    2: None,
    3: "p-pov-dots",
    4: "p-pov-lines",
    5: "p-pov-cross",
}
LABEL_SIZE = 12  # viewBox units; map.css enlarges the labels on narrow screens
# Sequential blues, lighter = higher status (less need); each class also has its own pattern,
# so colour is never the only signal (WCAG 1.4.1). Index 0: no valid value.
FILLS = {0: "#ffffff", 1: "#eff3ff", 2: "#bdd7e7", 3: "#6baed6", 4: "#2171b5"}
PATTERNS = {0: "p-unknown", 1: None, 2: "p-dots", 3: "p-lines", 4: "p-cross"}


@dataclass(frozen=True)
class Outline:
    """A space drawn: its SVG path (`d`), the point for its circle and its area in units²."""

    path: str
    x: float
    y: float
    area: float


def poverty_class(value: float | None) -> int:
    """0 (no value), 1 (under 10 %) … 5 (at least 40 %, high need)."""
    if value is None:
        return 0
    return 1 + sum(1 for bound in POVERTY_BREAKS if value >= bound)


@dataclass
class MapArea:
    """One space on the map with what it shows and what a screen reader says about it."""

    space: SocialSpace
    need: monitoring.Need
    running: int
    url: str
    outline: Outline | None = None
    layer: str = STATUS
    level_label: str = ""

    @property
    def level_name(self) -> str:
        return self.level_label or str(self.space.get_level_display())

    @property
    def poverty(self) -> monitoring.Share | None:
        return self.need.poverty_now

    @property
    def status_text(self) -> str:
        if self.need.year is None:
            return ""
        text = _("Status %(label)s (MSS %(year)d)") % {
            "label": self.need.class_label,
            "year": self.need.year,
        }
        if self.need.derived and self.need.status_class is not None:
            text += " " + _("(abgeleitet)")
        return text

    @property
    def poverty_text(self) -> str:
        share = self.poverty
        if share is None:
            return ""
        text = _("Kinderarmut %(value)s (%(year)d)") % {"value": share.label, "year": share.year}
        if share.derived:
            text += " " + _("(abgeleitet)")
        return text

    @property
    def supply_text(self) -> str:
        return ngettext("%(n)d laufende Maßnahme", "%(n)d laufende Maßnahmen", self.running) % {
            "n": self.running
        }

    @property
    def accessible_name(self) -> str:
        """ "Planungsraum Paul-Hertz-Siedlung: Kinderarmut 45,5 % (2023), Status sehr niedrig
        (MSS 2021), 2 laufende Maßnahmen"."""
        parts = [self.poverty_text, self.status_text]
        if self.layer == STATUS:
            parts.reverse()
        facts = ", ".join(part for part in [*parts, self.supply_text] if part)
        return f"{self.level_name} {self.space.name}: {facts}"

    @property
    def fill_class(self) -> int:
        if self.layer == POVERTY:
            share = self.poverty
            return poverty_class(share.value if share else None)
        return self.need.status_class or 0

    @property
    def fill(self) -> str:
        if self.layer == POVERTY:
            pattern = POVERTY_PATTERNS[self.fill_class]
            return f"url(#{pattern})" if pattern else POVERTY_FILLS[self.fill_class]
        return fill_of(self.fill_class)

    @property
    def radius(self) -> float:
        """Circle area proportional to the number of running measures."""
        return CIRCLE_UNIT * math.sqrt(self.running)


@dataclass
class DistrictMap:
    level: str
    year: int | None
    areas: list[MapArea]
    width: float = WIDTH
    height: float = 0
    legend: list = field(default_factory=list)
    layer: str = STATUS
    years: monitoring.Years = field(default_factory=monitoring.Years)
    labels: list = field(default_factory=list)  # [(name, x, y)] of the Bezirksregionen
    border: str = ""  # the district's outline as one SVG path
    regions_border: str = ""  # the Bezirksregionen's outlines under Planungsräume
    level_label: str = ""
    source_lines: list = field(default_factory=list)
    share_rule: str = ""

    @property
    def level_name(self) -> str:
        """The level in the plural ("Planungsräume")."""
        return self.level_label or str(LEVEL_NAMES[self.level])

    @property
    def layer_year(self) -> int | None:
        """The year the coloured layer shows."""
        return self.years.poverty_newest if self.layer == POVERTY else self.years.status

    @property
    def layer_title(self) -> str:
        if self.layer == POVERTY:
            return _("Kinderarmut (S4) %(year)s") % {"year": self.layer_year or "–"}
        return _("Status nach MSS %(year)s") % {"year": self.layer_year or "–"}

    @property
    def typical(self) -> float:
        """Running measures of the average area shown."""
        return sum(a.running for a in self.areas) / len(self.areas) if self.areas else 0.0

    @property
    def underserved(self) -> list[MapArea]:
        """Areas of high need with little supply (monitoring.underserved)."""
        typical = self.typical
        return [a for a in self.areas if monitoring.underserved(a.need, a.running, typical)]

    @property
    def with_supply(self) -> int:
        """Areas with at least one running measure."""
        return sum(1 for area in self.areas if area.running)

    @property
    def credits(self) -> list[str]:
        return [districts.space_credit(), *self.source_lines]

    drawn: str = ""  # the SVG, drawn once when the map is built (and cached with it)

    @property
    def svg(self) -> SafeString:
        return mark_safe(self.drawn) if self.drawn else render_svg(self)


# Geometry ---------------------------------------------------------------------------------


def _simplify(points, tolerance):
    """Douglas–Peucker on a list of (x, y); keeps the first and last point."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        start, end = stack.pop()
        (x1, y1), (x2, y2) = points[start], points[end]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        worst, index = 0.0, None
        for i in range(start + 1, end):
            px, py = points[i]
            if length:
                distance = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / length
            else:
                distance = math.hypot(px - x1, py - y1)
            if distance > worst:
                worst, index = distance, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack.append((start, index))
            stack.append((index, end))
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _polygons(geojson):
    if geojson["type"] == "Polygon":
        return [geojson["coordinates"]]
    return geojson["coordinates"]


def _ring_area_centroid(ring):
    """Signed area and centroid of a closed ring of (x, y) (shoelace formula)."""
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    area /= 2
    if not area:
        xs, ys = zip(*ring, strict=True)
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return area, cx / (6 * area), cy / (6 * area)


def _inside(x, y, rings):
    """Even-odd rule: is (x, y) inside the polygon made of `rings` (outer ring and holes)?"""
    inside = False
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def _edge_distance(x, y, rings):
    """Distance from (x, y) to the nearest edge of `rings`."""
    best = math.inf
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
            dx, dy = x2 - x1, y2 - y1
            length = dx * dx + dy * dy
            t = 0.0 if not length else max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / length))
            best = min(best, math.hypot(x - x1 - t * dx, y - y1 - t * dy))
    return best


def label_point(rings, centroid):
    """A point well inside the polygon for the circle: the centroid if it lies inside with
    room around it, else the best of a grid search refined twice (an approximate "pole of
    inaccessibility", the point farthest from every edge). `rings` are coarsely simplified, so
    this stays a few milliseconds per area."""
    xs = [x for ring in rings[:1] for x, _y in ring]
    ys = [y for ring in rings[:1] for _x, y in ring]
    west, east, north, south = min(xs), max(xs), min(ys), max(ys)
    best = centroid
    best_room = _edge_distance(*centroid, rings) if _inside(*centroid, rings) else -1.0
    if best_room >= min(east - west, south - north) / 4:
        return centroid
    step_x, step_y = (east - west) / 8, (south - north) / 8
    cx, cy = (west + east) / 2, (north + south) / 2
    for _round in range(3):
        for i in range(-4, 5):
            for j in range(-4, 5):
                x, y = cx + i * step_x, cy + j * step_y
                if _inside(x, y, rings):
                    room = _edge_distance(x, y, rings)
                    if room > best_room:
                        best, best_room = (x, y), room
        cx, cy = best
        step_x, step_y = step_x / 3, step_y / 3
    return best


def project(shapes):
    """(width, height, {LOR number: Outline}) for {LOR number: GeoJSON geometry}.

    All shapes share one frame, fitted into WIDTH with PADDING; y grows downwards (north up).
    """
    points = [
        point
        for geojson in shapes.values()
        for polygon in _polygons(geojson)
        for ring in polygon
        for point in ring
    ]
    if not points:
        return WIDTH, 0, {}
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    stretch = math.cos(math.radians((south + north) / 2))
    span_x = (east - west) * stretch or 1e-9
    span_y = (north - south) or 1e-9
    scale = (WIDTH - 2 * PADDING) / span_x
    height = round(span_y * scale + 2 * PADDING, 1)

    def xy(point):
        return (
            PADDING + (point[0] - west) * stretch * scale,
            PADDING + (north - point[1]) * scale,
        )

    outlines = {}
    for number, geojson in shapes.items():
        parts, best, coarse = [], (0.0, 0.0, 0.0), []
        total = 0.0
        for polygon in _polygons(geojson):
            for ring_index, ring in enumerate(polygon):
                projected = _simplify([xy(p) for p in ring], TOLERANCE)
                if len(projected) < 3:
                    continue
                area, cx, cy = _ring_area_centroid(projected)
                if ring_index == 0:
                    total += abs(area)
                    if abs(area) > abs(best[0]):
                        # The circle goes into the largest part; holes are left aside.
                        best = (area, cx, cy)
                        coarse = [_simplify(projected, 4 * TOLERANCE)]
                head, *rest = projected
                parts.append(
                    f"M{head[0]:.1f} {head[1]:.1f}"
                    + "".join(f"L{x:.1f} {y:.1f}" for x, y in rest[:-1])
                    + "Z"
                )
        x, y = label_point(coarse, (best[1], best[2])) if coarse else (best[1], best[2])
        outlines[number] = Outline(path="".join(parts), x=x, y=y, area=total)
    return WIDTH, height, outlines


def outlines():
    """The projected outlines of every stored space, all levels in one frame fitted to the
    whole district: (width, height, {LOR number: Outline}).

    Cached under a fingerprint of the stored outlines (their number and newest change), not
    under the data version: editing a measure must not redraw the district. Called inside the
    pages' cached figures (`core.cache`), so it runs only when those are rebuilt: one
    query (the fingerprint) when the outlines are cached, two when they changed.
    """
    stored = SocialSpaceGeometry.objects.all()
    fingerprint = stored.aggregate(n=Count("pk"), changed=Max("updated_at"))
    changed = fingerprint["changed"].timestamp() if fingerprint["changed"] else 0
    key = f"map-outlines:{fingerprint['n']}:{changed:.6f}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    result = project(dict(stored.values_list("space__lor_number", "geojson")))
    cache.set(key, result, CACHE_TIMEOUT)
    return result


# Figures ----------------------------------------------------------------------------------


def running_supply(measures, level) -> dict[str, int]:
    """{LOR number of `level`: running measures linked to the space or below it}.

    Counts exactly what the measure list's social-space filter (a LOR prefix match) shows for
    the space. Cached with the overview's other figures (`core.cache`, per data version). One
    query: SELECT substr(lor_number, 1, n), COUNT(DISTINCT measure) FROM the
    links of the filtered running measures WHERE the linked space is at or below `level`
    GROUP BY 1.
    """
    digits = SocialSpace.LOR_LENGTH[level]
    running = measures.filter(status=Measure.Status.RUNNING).order_by().values("pk")
    rows = (
        Measure.social_spaces.through.objects.filter(measure__in=running)
        .annotate(length=Length("socialspace__lor_number"))
        .filter(Q(length__gte=digits))
        .values_list(Substr("socialspace__lor_number", 1, digits))
        .annotate(n=Count("measure", distinct=True))
        .order_by()
    )
    return dict(rows)


def map_scope(data):
    """The list's filters for the map; the map shows running measures, so status is fixed and
    the level switch (`ebene`) is the page's own parameter."""
    return Scope(data, fixed={"status": [Measure.Status.RUNNING]}, hidden=("ebene", "schicht"))


def district_map(scope, level, *, links=True, layer: str = "") -> DistrictMap:
    """The map of `level` for the scope's measures, coloured by `layer` (POVERTY, the default
    when child-poverty values are loaded, or STATUS): six queries, whatever the numbers.

    Spaces, the monitoring values (every year), the running supply, the outlines (cached),
    the indicators' sources, the district's facts (cached).
    """
    spaces = list(SocialSpace.objects.order_by("lor_number"))
    shown = [space for space in spaces if space.level == level]
    years, needs = monitoring.needs_and_years(
        shown + [s for s in spaces if s.level == Level.BEZIRKSREGION]
    )
    if layer not in LAYERS:
        layer = POVERTY if years.poverty else STATUS
    supply = running_supply(scope.measures, level)
    width, height, shapes = outlines()
    level_label = districts.level_name(level)
    areas = [
        MapArea(
            space=space,
            need=needs[space.lor_number],
            running=supply.get(space.lor_number, 0),
            url=scope.list_url(status=Measure.Status.RUNNING, social_space=space.pk)
            if links
            else "",
            outline=shapes.get(space.lor_number),
            layer=layer,
            level_label=level_label,
        )
        for space in shown
    ]
    top = min((len(s.lor_number) for s in spaces if s.lor_number in shapes), default=0)
    border = "".join(
        shapes[s.lor_number].path
        for s in spaces
        if len(s.lor_number) == top and s.lor_number in shapes
    )
    regions = [s for s in spaces if s.level == Level.BEZIRKSREGION and s.lor_number in shapes]
    result = DistrictMap(
        level=level,
        year=years.status,
        areas=areas,
        width=width,
        height=height,
        legend=legend(layer),
        layer=layer,
        years=years,
        labels=[(r.name, shapes[r.lor_number].x, shapes[r.lor_number].y) for r in regions],
        border=border,
        regions_border="".join(shapes[r.lor_number].path for r in regions)
        if level == Level.PLANUNGSRAUM
        else "",
        level_label=districts.level_name(level, plural=True),
        source_lines=monitoring.sources(years.shown),
        share_rule=monitoring.share_rule(years.weights),
    )
    result.drawn = str(render_svg(result))
    return result


def legend(layer: str = STATUS):
    """[(class, fill, pattern id, label)] of the layer's classes, highest need last, and
    "no value" at the end."""
    if layer == POVERTY:
        bounds = (0, *[int(b) for b in POVERTY_BREAKS])
        rows = [
            (
                c,
                POVERTY_FILLS[c],
                POVERTY_PATTERNS[c],
                _("%(low)d bis unter %(high)d %%") % {"low": bounds[c - 1], "high": bounds[c]}
                if c < 5
                else _("%(low)d %% und mehr (hoher Bedarf)") % {"low": bounds[4]},
            )
            for c in (1, 2, 3, 4, 5)
        ]
        rows.append((0, POVERTY_FILLS[0], POVERTY_PATTERNS[0], _("ungültig oder kein Wert")))
        return rows
    labels = dict(monitoring.StatusClass.choices)
    rows = [(c, FILLS[c], PATTERNS[c], f"{c} – {labels[c]}") for c in (1, 2, 3, 4)]
    rows.append((0, FILLS[0], PATTERNS[0], _("ungültig oder unbekannt")))
    return rows


# Drawing ----------------------------------------------------------------------------------

PATTERN_DEFS = (
    "<defs>"
    '<pattern id="p-dots" width="6" height="6" patternUnits="userSpaceOnUse">'
    '<rect width="6" height="6" fill="#bdd7e7"/><circle cx="3" cy="3" r="0.9" fill="#08306b"/>'
    "</pattern>"
    '<pattern id="p-lines" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)">'
    '<rect width="6" height="6" fill="#6baed6"/>'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#08306b" stroke-width="1.4"/></pattern>'
    '<pattern id="p-cross" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)">'
    '<rect width="6" height="6" fill="#2171b5"/>'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="1.2"/>'
    '<line x1="0" y1="0" x2="6" y2="0" stroke="#ffffff" stroke-width="1.2"/></pattern>'
    '<pattern id="p-unknown" width="8" height="8" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(-45)">'
    '<rect width="8" height="8" fill="#ffffff"/>'
    '<line x1="0" y1="0" x2="0" y2="8" stroke="#767676" stroke-width="0.8"/></pattern>'
    '<pattern id="p-pov-dots" width="6" height="6" patternUnits="userSpaceOnUse">'
    '<rect width="6" height="6" fill="#fc8d59"/><circle cx="3" cy="3" r="0.9" fill="#4a0d00"/>'
    "</pattern>"
    '<pattern id="p-pov-lines" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)">'
    '<rect width="6" height="6" fill="#e34a33"/>'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#4a0d00" stroke-width="1.4"/></pattern>'
    '<pattern id="p-pov-cross" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)">'
    '<rect width="6" height="6" fill="#b30000"/>'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="1.2"/>'
    '<line x1="0" y1="0" x2="6" y2="0" stroke="#ffffff" stroke-width="1.2"/></pattern>'
    "</defs>"
)


def fill_of(status_class: int) -> str:
    pattern = PATTERNS[status_class]
    return f"url(#{pattern})" if pattern else FILLS[status_class]


def render_svg(district: DistrictMap, *, title_id: str = "map-title") -> SafeString:
    """The map as one <svg>: a focusable link per area (its accessible name as aria-label and
    a <title> tooltip), the outlines filled by class and pattern, circles with numbers on top.

    Circles are drawn after all areas, so no area hides another's circle; they ignore the
    pointer, so a click on a circle reaches the area's link below it.
    """
    title = _("Karte der %(level)s: %(layer)s und laufende Maßnahmen") % {
        "level": district.level_name,
        "layer": district.layer_title,
    }
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="district-map" '
        f'viewBox="0 0 {district.width:.0f} {district.height:.0f}" role="group" '
        f'aria-labelledby="{title_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        PATTERN_DEFS,
    ]
    shapes, circles = [], []
    for area in district.areas:
        if area.outline is None:
            continue
        name = escape(area.accessible_name)
        shape = (
            f'<path class="area" d="{area.outline.path}" fill="{area.fill}" '
            'fill-rule="evenodd" stroke="#1b1b1b" stroke-width="0.8"/>'
        )
        circle = ""
        if area.running:
            r = area.radius
            circle = (
                f'<g class="supply" aria-hidden="true" pointer-events="none">'
                f'<circle cx="{area.outline.x:.1f}" cy="{area.outline.y:.1f}" r="{r:.1f}" '
                'fill="#ffffff" fill-opacity="0.92" stroke="#b3261e" stroke-width="2"/>'
                f'<text x="{area.outline.x:.1f}" y="{area.outline.y:.1f}" '
                'text-anchor="middle" dominant-baseline="central" font-size="11" '
                f'font-weight="700" fill="#1b1b1b">{area.running}</text></g>'
            )
        if area.url:
            shapes.append(
                f'<a href="{escape(area.url)}" aria-label="{name}"><title>{name}</title>{shape}</a>'
            )
        else:
            shapes.append(f'<g role="img" aria-label="{name}"><title>{name}</title>{shape}</g>')
        circles.append(circle)
    parts.extend(shapes)
    if district.regions_border:
        parts.append(
            f'<path d="{district.regions_border}" fill="none" stroke="#1b1b1b" '
            'stroke-width="1.8" pointer-events="none" aria-hidden="true"/>'
        )
    if district.border:
        parts.append(
            f'<path class="district-border" d="{district.border}" fill="none" '
            'stroke="#000000" stroke-width="3" pointer-events="none" aria-hidden="true"/>'
        )
    parts.extend(circles)
    parts.append('<g class="map-labels" aria-hidden="true" pointer-events="none">')
    halo = 'stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"'
    for key, (name, x, y) in enumerate(district.labels, start=1):
        lines = _wrap(name)
        top = y - (len(lines) - 1) * LABEL_SIZE * 0.55
        spans = "".join(
            f'<tspan x="{x:.1f}" y="{top + i * LABEL_SIZE * 1.1:.1f}">{escape(line)}</tspan>'
            for i, line in enumerate(lines)
        )
        # The name on wide screens and in print; on narrow screens map.css shows the number,
        # which the key under the map resolves.
        parts.append(
            f'<text class="map-label" text-anchor="middle" dominant-baseline="central" '
            f'font-size="{LABEL_SIZE}" font-weight="600" fill="#1b1b1b" {halo}>{spans}</text>'
            f'<text class="map-label-key" display="none" x="{x:.1f}" y="{y:.1f}" '
            'text-anchor="middle" dominant-baseline="central" font-size="26" '
            f'font-weight="700" fill="#1b1b1b" {halo}>{key}</text>'
        )
    parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped; paths are numbers


def _wrap(name: str, width: int = 13) -> list[str]:
    """A label in lines of about `width` characters, broken at blanks and hyphens."""
    words = name.replace("-", "- ").split()
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + len(word) < width:
            joint = "" if lines[-1].endswith("-") else " "
            lines[-1] += joint + word
        else:
            lines.append(word)
    return lines or [name]
