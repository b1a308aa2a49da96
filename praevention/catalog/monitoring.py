"""Need per social space: the MSS status class and child poverty (S4), with year and source.

Values are published per Planungsraum (the lowest level) only. Everything above is derived,
each by one stated rule, and always said to be derived, not the official regional value:

- Status class (`NEED_RULE`): the lowest status class (the highest need) among the valid
  Planungsräume, so a small neighbourhood with very low status is not averaged away
  (Charlottenburg Nord: Paul-Hertz-Siedlung, class 4, beside Jungfernheide/Plötzensee, class
  2, gives class 4).
- Shares such as S4 Kinderarmut and S2 (`share_rule`): the mean of the valid Planungsräume's
  shares weighted by their inhabitants in the newest year that publishes inhabitants (MSS
  2021; MSS 2023 publishes none), the same weights for every year; without any inhabitants,
  the plain mean. S4 counts children under 15, which the files do not carry; weighting by all
  inhabitants differs from the Senate's own regional values of 2021 by median 0.2, at most 7.3
  percentage points (catalog/data/lor2021-berlin/README.md, "Need per Bezirksregion").

"High need" is decided in one place, `is_high_need`, and "high need, little supply" in one
place, `underserved`; `HIGH_NEED_RULE` states both on every page that uses them.

Source: Monitoring Soziale Stadtentwicklung, Senatsverwaltung für Stadtentwicklung, Bauen und
Wohnen Berlin, or a municipality's own indicator files; name, unit and source per year are in
`MonitoringIndicator` (`sources`).
"""

from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from praevention.catalog.models import MonitoringIndicator, SocialMonitoring, SocialSpace

StatusClass = SocialMonitoring.StatusClass
HIGH_NEED = StatusClass.LOW  # classes 3 (niedrig) and 4 (sehr niedrig) mean high need
# S4 from which need counts as high: about the top fifth of Berlin's Planungsräume in MSS 2021
# (75th percentile 37.2 %, 90th 48.8 %; class 3 "niedrig" starts at 37.2 %).
POVERTY_HIGH = 40.0

NEED_RULE = gettext_lazy(
    "Das MSS bewertet nur Planungsräume. Für eine Bezirksregion und einen Prognoseraum gilt "
    "die niedrigste Statusklasse (der höchste Bedarf) ihrer gültigen Planungsräume; "
    "Planungsräume mit weniger als 300 Einwohnerinnen und Einwohnern sind im MSS ungültig und "
    "zählen nicht. So verschwindet ein Planungsraum mit sehr niedrigem Status nicht im "
    "Durchschnitt seiner Region."
)
HIGH_NEED_RULE = gettext_lazy(
    "Hoher Bedarf: Kinderarmut (S4, Anteil der Kinder unter 15 Jahren in Haushalten mit "
    "Transferbezug) von mindestens 40 % im neuesten Jahr mit Werten, etwa jeder fünfte "
    "Berliner Planungsraum; wo kein Kinderarmuts-Wert vorliegt, die MSS-Statusklasse 3 "
    "(niedrig) oder 4 (sehr niedrig). Wenig Angebot: weniger laufende Maßnahmen als im "
    "Durchschnitt der gezeigten Räume."
)


def share_rule(weights_year: int | None) -> str:
    """The stated rule for derived shares, naming the year whose inhabitants weight them."""
    if weights_year is None:
        return _(
            "Werte der höheren Ebenen sind abgeleitet, nicht amtlich: das einfache Mittel der "
            "Anteile ihrer gültigen Räume der untersten Ebene (keine Einwohnerzahlen geladen)."
        )
    return _(
        "Werte für Bezirksregionen und Prognoseräume sind abgeleitet, nicht die amtlichen "
        "Regionalwerte: das Mittel der Anteile ihrer gültigen Planungsräume, gewichtet mit "
        "deren Einwohnerzahl von %(year)d (für alle Jahre; spätere Jahre veröffentlichen keine "
        "Einwohnerzahlen). Kinderarmut bezieht sich auf Kinder unter 15 Jahren; mit allen "
        "Einwohnern gewichtet weicht das Ergebnis von den Regionalwerten des Senats um bis zu "
        "7,3 Prozentpunkte ab."
    ) % {"year": weights_year}


def source_line(year: int | None) -> str:
    """The credit line for MSS values of `year` ("MSS 2021: Monitoring …"), or a note that
    none are loaded."""
    if year is None:
        return _("Keine Werte des Monitorings Soziale Stadtentwicklung (MSS) geladen.")
    found = sources([year])
    if found:
        return " ".join(found)
    return _(
        "MSS %(year)d: Monitoring Soziale Stadtentwicklung %(year)d, Senatsverwaltung für "
        "Stadtentwicklung, Bauen und Wohnen Berlin."
    ) % {"year": year}


def sources(years) -> list[str]:
    """One credit line per year in `years` (newest last): "2023: S4 Kinderarmut, S2 …:
    <source>." One query."""
    rows = MonitoringIndicator.objects.filter(year__in=list(years)).order_by("year", "key")
    by_year: dict[int, list] = {}
    for row in rows:
        by_year.setdefault(row.year, []).append(row)
    lines = []
    for year, indicators in sorted(by_year.items()):
        names = ", ".join(i.name for i in indicators)
        origins = sorted({i.source for i in indicators})
        lines.append(f"{year}: {names}: {'; '.join(origins)}.")
    return lines


def percent(value: float | None) -> str:
    """ "50,6 %" (one decimal, the locale's separator) or "–"."""
    if value is None:
        return "–"
    return f"{number_format(round(value, 1), 1)} %"


@dataclass(frozen=True)
class Share:
    """A share in percent of one space in one year; `derived` for the levels above the lowest
    (`share_rule`)."""

    year: int
    value: float | None
    derived: bool = False

    @property
    def label(self) -> str:
        return percent(self.value)


@dataclass(frozen=True)
class Need:
    """A space's need.

    `status_class` is 1 (hoch) … 4 (sehr niedrig) or None (unknown or ungültig) in MSS `year`;
    `derived` is True above the lowest level (NEED_RULE). `inhabitants` counts the valid
    Planungsräume below the space, `affected` those of them in the space's class.
    `poverty` and `single_parent` hold the shares per year ({year: Share}).
    """

    year: int | None = None
    status_class: int | None = None
    derived: bool = False
    is_valid: bool = True
    planungsraeume: int = 0
    inhabitants: int = 0
    affected: int = 0
    poverty: dict = field(default_factory=dict)
    single_parent: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        """ "4 – sehr niedrig", "ungültig" or "unbekannt"."""
        if self.status_class is not None:
            return f"{self.status_class} – {StatusClass(self.status_class).label}"
        if self.year is not None and not self.is_valid:
            return _("ungültig (unter 300 Einwohner)")
        return _("unbekannt")

    @property
    def class_label(self) -> str:
        """The class's German name alone ("sehr niedrig"), or as `label` when there is none."""
        if self.status_class is not None:
            return str(StatusClass(self.status_class).label)
        return self.label

    @property
    def poverty_now(self) -> Share | None:
        """The newest year's child-poverty share that has a value, or None."""
        for year in sorted(self.poverty, reverse=True):
            if self.poverty[year].value is not None:
                return self.poverty[year]
        return None

    @property
    def high(self) -> bool:
        return is_high_need(self)


def is_high_need(need: Need) -> bool:
    """High need (HIGH_NEED_RULE): child poverty (S4) of the newest year with a value at least
    POVERTY_HIGH percent; without one, MSS status class 3 or 4."""
    share = need.poverty_now
    if share is not None and share.value is not None:
        return share.value >= POVERTY_HIGH
    return (need.status_class or 0) >= HIGH_NEED


def underserved(need: Need, running: int, typical: float) -> bool:
    """ "High need, little supply" (HIGH_NEED_RULE): high need and fewer running measures
    than `typical`, the mean over the spaces shown side by side."""
    return is_high_need(need) and running < typical


@dataclass(frozen=True)
class Years:
    """Which years the values come from: the newest with status classes (`status`), every
    year with child poverty (`poverty`, oldest first), every year with S2 (`single_parent`),
    and the year whose inhabitants weight derived shares (`weights`)."""

    status: int | None = None
    poverty: tuple = ()
    single_parent: tuple = ()
    weights: int | None = None

    @property
    def poverty_newest(self) -> int | None:
        return self.poverty[-1] if self.poverty else None

    @property
    def shown(self) -> list[int]:
        """Every year a value on the page comes from."""
        found = {*self.poverty, *self.single_parent}
        if self.status is not None:
            found.add(self.status)
        return sorted(found)


def _weighted(pairs, weights) -> float | None:
    """The mean of `pairs` [(LOR number, value)] weighted by `weights` {LOR number: n}; the
    plain mean without weights; None without values."""
    if not pairs:
        return None
    if weights is None:
        return sum(value for _n, value in pairs) / len(pairs)
    total = sum(weights.get(number, 0) for number, _v in pairs)
    if not total:
        return None
    return sum(value * weights.get(number, 0) for number, value in pairs) / total


def _by_year(rows, column: int, years) -> dict[int, dict[str, float]]:
    return {
        year: {r[1]: float(r[column]) for r in rows if r[0] == year and r[column] is not None}
        for year in years
    }


def _derive(number: str, by_year, weights) -> dict[int, Share]:
    """{year: derived Share} of the space `number` from the Planungsräume below it."""
    return {
        year: Share(
            year,
            _weighted([(n, v) for n, v in values.items() if n.startswith(number)], weights),
            derived=True,
        )
        for year, values in by_year.items()
    }


def needs_and_years(spaces) -> tuple[Years, dict[str, Need]]:
    """(Years, {LOR number: Need}) for `spaces` (SocialSpace rows of any level). One query.

    Planungsräume get their own values; every other space those derived from the valid
    Planungsräume below it (NEED_RULE for the class, `share_rule` for shares). Spaces without
    values get an empty Need.
    """
    every = SocialMonitoring.objects.values_list(
        "year",
        "space__lor_number",
        "status_class",
        "inhabitants",
        "child_poverty",
        "single_parent",
        "is_valid",
    )
    rows, invalid = [], set()
    for row in every:
        if row[6]:
            rows.append(row)
        else:
            invalid.add((row[1], row[0]))
    status_year = max((r[0] for r in rows if r[2] is not None), default=None)
    poverty_years = tuple(sorted({r[0] for r in rows if r[4] is not None}))
    single_years = tuple(sorted({r[0] for r in rows if r[5] is not None}))
    weights_year = max((r[0] for r in rows if r[3]), default=None)
    weights = (
        {r[1]: r[3] for r in rows if r[0] == weights_year and r[3]}
        if weights_year is not None
        else None
    )
    years = Years(status_year, poverty_years, single_years, weights_year)
    status = {r[1]: (r[2], r[3] or 0) for r in rows if r[0] == status_year}
    poverty = _by_year(rows, 4, poverty_years)
    single = _by_year(rows, 5, single_years)
    result = {}
    for space in spaces:
        number = space.lor_number
        if space.level == SocialSpace.Level.PLANUNGSRAUM:
            own = status.get(number)
            result[number] = Need(
                year=status_year,
                status_class=own[0] if own else None,
                is_valid=(number, status_year) not in invalid,
                planungsraeume=1 if own else 0,
                inhabitants=own[1] if own else 0,
                affected=own[1] if own else 0,
                poverty={y: Share(y, values.get(number)) for y, values in poverty.items()},
                single_parent={y: Share(y, values.get(number)) for y, values in single.items()},
            )
            continue
        below = [(n, v) for n, v in status.items() if n.startswith(number)]
        worst = max((v[0] for _n, v in below if v[0] is not None), default=None)
        result[number] = Need(
            year=status_year,
            status_class=worst,
            derived=True,
            planungsraeume=len(below),
            inhabitants=sum(v[1] for _n, v in below),
            affected=sum(v[1] for _n, v in below if v[0] == worst and worst is not None),
            poverty=_derive(number, poverty, weights),
            single_parent=_derive(number, single, weights),
        )
    return years, result


def needs(spaces) -> tuple[int | None, dict[str, Need]]:
    """(newest MSS year with status classes, {LOR number: Need}) for `spaces`; see
    `needs_and_years`."""
    years, result = needs_and_years(spaces)
    return years.status, result
