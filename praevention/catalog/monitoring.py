"""Need per social space from the Monitoring Soziale Stadtentwicklung (MSS).

MSS is published per Planungsraum only. A Bezirksregion's or Prognoseraum's need is derived by
one rule (`NEED_RULE`, shown wherever a derived need is shown): the lowest status class (the
highest need) among its valid Planungsräume. Why the worst and not a population-weighted mean:
a small neighbourhood with very low status is exactly where the network must act, and an average
over a mostly well-off region would hide it (Charlottenburg Nord: Paul-Hertz-Siedlung, class 4,
beside Jungfernheide/Plötzensee, class 2, gives class 4). Planungsräume with fewer than 300
inhabitants are "ungültig" in MSS (no class) and do not count.

Source: Monitoring Soziale Stadtentwicklung, Senatsverwaltung für Stadtentwicklung, Bauen und
Wohnen Berlin; the year is always shown with the values (`source_line`).
"""

from dataclasses import dataclass

from django.db.models import Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from praevention.catalog.models import SocialMonitoring, SocialSpace

StatusClass = SocialMonitoring.StatusClass
HIGH_NEED = StatusClass.LOW  # classes 3 (niedrig) and 4 (sehr niedrig) mean high need

NEED_RULE = gettext_lazy(
    "Das MSS bewertet nur Planungsräume. Für eine Bezirksregion und einen Prognoseraum gilt "
    "die niedrigste Statusklasse (der höchste Bedarf) ihrer gültigen Planungsräume; "
    "Planungsräume mit weniger als 300 Einwohnerinnen und Einwohnern sind im MSS ungültig und "
    "zählen nicht. So verschwindet ein Planungsraum mit sehr niedrigem Status nicht im "
    "Durchschnitt seiner Region."
)
LOR_CREDIT = gettext_lazy(
    "Sozialräume und Umrisse: Lebensweltlich orientierte Räume (LOR) 01.01.2021, Amt für "
    "Statistik Berlin-Brandenburg, CC BY 3.0 DE; Prognoseräume umgewandelt vom Projekt "
    "open-data-product-berlin-lor-geodata, CC BY 4.0."
)


def source_line(year: int | None) -> str:
    """The credit line for MSS values of `year` ("MSS 2021: Monitoring …"), or a note that
    none are loaded."""
    if year is None:
        return _("Keine Werte des Monitorings Soziale Stadtentwicklung (MSS) geladen.")
    return _(
        "MSS %(year)d: Monitoring Soziale Stadtentwicklung %(year)d, Senatsverwaltung für "
        "Stadtentwicklung, Bauen und Wohnen Berlin."
    ) % {"year": year}


@dataclass(frozen=True)
class Need:
    """A space's need in one MSS year.

    `status_class` is 1 (hoch) … 4 (sehr niedrig) or None (unknown or ungültig); `derived` is
    True for Bezirksregionen and Prognoseräume (NEED_RULE). `inhabitants` counts the valid
    Planungsräume below the space, `affected` those of them in the space's class.
    """

    year: int | None = None
    status_class: int | None = None
    derived: bool = False
    is_valid: bool = True
    planungsraeume: int = 0
    inhabitants: int = 0
    affected: int = 0

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
    def high(self) -> bool:
        return (self.status_class or 0) >= HIGH_NEED


def needs(spaces, year: int | None = None) -> tuple[int | None, dict[str, Need]]:
    """(year, {LOR number: Need}) for `spaces` (SocialSpace rows of any level).

    `year` defaults to the newest loaded MSS year. One query: the year's values (LOR number,
    class, inhabitants, validity) WHERE year = (SELECT the newest year). Spaces without values
    get an empty Need (class None).
    """
    rows = SocialMonitoring.objects.all()
    if year is None:
        newest = SocialMonitoring.objects.order_by("-year").values("year")[:1]
        rows = rows.filter(year=Subquery(newest))
    else:
        rows = rows.filter(year=year)
    found = list(
        rows.values_list("year", "space__lor_number", "status_class", "inhabitants", "is_valid")
    )
    if not found:
        return year, {space.lor_number: Need(year=year) for space in spaces}
    year = found[0][0]
    values = [row[1:] for row in found]
    by_number = {v[0]: v for v in values}
    result = {}
    for space in spaces:
        number = space.lor_number
        if space.level == SocialSpace.Level.PLANUNGSRAUM:
            own = by_number.get(number)
            if own is None:
                result[number] = Need(year=year)
            else:
                _n, status_class, inhabitants, valid = own
                result[number] = Need(
                    year=year,
                    status_class=status_class,
                    is_valid=valid,
                    planungsraeume=1 if valid else 0,
                    inhabitants=inhabitants,
                    affected=inhabitants if valid else 0,
                )
            continue
        below = [v for v in values if v[0].startswith(number) and v[3]]
        worst = max((v[1] for v in below if v[1] is not None), default=None)
        result[number] = Need(
            year=year,
            status_class=worst,
            derived=True,
            planungsraeume=len(below),
            inhabitants=sum(v[2] for v in below),
            affected=sum(v[2] for v in below if v[1] == worst),
        )
    return year, result
