"""What a matrix adds up: measures, budget (€ per year) or reach (participants per year).

"Zählen nach: Maßnahmen | Budget | Teilnehmende": a matrix counts measures by default; it can
instead sum one of the measure's yearly figures over the same measures. A measure without the
figure adds nothing, and pages name those measures, so a sum is never silently too small.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

PARAM = "zaehlen"


@dataclass(frozen=True)
class Quantity:
    """One choice of what a matrix adds up.

    `field` is the Measure field summed (None: measures are counted); `unit` heads the numbers.
    """

    slug: str
    field: str | None
    label: Promise
    unit: Promise

    @property
    def counts_measures(self) -> bool:
        return self.field is None

    def missing_text(self, count: int) -> str:
        """ "3 Maßnahmen ohne Budgetangabe", in the quantity's words."""
        if self.field == "budget_eur":
            return ngettext(
                "%(count)d Maßnahme ohne Budgetangabe",
                "%(count)d Maßnahmen ohne Budgetangabe",
                count,
            ) % {"count": count}
        if self.field == "reach_planned":
            return ngettext(
                "%(count)d Maßnahme ohne Angabe geplanter Teilnehmender",
                "%(count)d Maßnahmen ohne Angabe geplanter Teilnehmender",
                count,
            ) % {"count": count}
        return ngettext(
            "%(count)d Maßnahme ohne Angabe erreichter Teilnehmender",
            "%(count)d Maßnahmen ohne Angabe erreichter Teilnehmender",
            count,
        ) % {"count": count}


MEASURES = Quantity("massnahmen", None, _("Maßnahmen"), _("Maßnahmen"))
BUDGET = Quantity("budget", "budget_eur", _("Budget"), _("Euro pro Jahr"))
REACH_PLANNED = Quantity(
    "teilnehmende",
    "reach_planned",
    _("Teilnehmende (geplant)"),
    _("geplante Teilnehmende pro Jahr"),
)
REACH_ACTUAL = Quantity(
    "erreicht", "reach_actual", _("Teilnehmende (erreicht)"), _("erreichte Teilnehmende pro Jahr")
)
QUANTITIES = {q.slug: q for q in (MEASURES, BUDGET, REACH_PLANNED, REACH_ACTUAL)}


def quantity_of(data) -> tuple[Quantity, str | None]:
    """(the quantity a request asks for, a German error message or None).

    `data` is a QueryDict; a missing `zaehlen` means measures; an unknown value falls back to
    measures and says so, naming the valid choices.
    """
    slug = data.get(PARAM) or MEASURES.slug
    if slug in QUANTITIES:
        return QUANTITIES[slug], None
    choices = ", ".join(QUANTITIES)
    return MEASURES, str(
        _(
            "„%(value)s“ kann nicht gezählt werden; möglich sind: %(choices)s. "
            "Gezählt werden Maßnahmen."
        )
    ) % {"value": slug[:40], "choices": choices}
