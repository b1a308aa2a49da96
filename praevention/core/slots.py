"""Slots: places in one app's page where other apps add their parts.

A lower app's page never names a higher app (core < accounts < … < meetings, editions; see
docs/ARCHITECTURE.md). Instead the page marks a place, `{% load slots %}{% slot "start.panels" %}`,
and the app that fills it registers a template for it in its `AppConfig.ready()`:

    slots.register(slots.START_PANELS, "meetings/_start_slot.html", order=10)

The page renders every registered template in its own context (as `{% include %}` would), in
the order of `order`, and nothing when none is registered. A slot must be declared below
(`SLOTS`), so a misspelt name fails at start-up instead of showing nothing.
"""

from dataclasses import dataclass

# Every slot a page offers: name -> where it is and what the context holds there.
NAV_ITEMS = "nav.items"
NAV_ACCOUNT = "nav.account"
START_PANELS = "start.panels"
MEASURE_PANELS = "measure.panels"
REPORT_ACTIONS = "report.actions"
REPORT_SECTIONS = "report.sections"

SLOTS = {
    NAV_ITEMS: "base.html: items of the main navigation after the overview's (`<li>` each)",
    NAV_ACCOUNT: "base.html: the account's link in the navigation's right part (one `<li>`)",
    START_PANELS: "overview/start.html: panels under the start page's heading",
    MEASURE_PANELS: "measures/measure_detail.html: panels under a measure (context: `measure`)",
    REPORT_ACTIONS: "overview/report.html: forms next to the report's quantity switch",
    REPORT_SECTIONS: "overview/_report_body.html: sections after the overlaps (page, PDF)",
}


@dataclass(frozen=True)
class Part:
    """One template registered for a slot; lower `order` comes first."""

    template: str
    order: int


_PARTS: dict[str, list[Part]] = {}


def register(slot: str, template: str, *, order: int = 100) -> None:
    """Add `template` to `slot` (call it in `AppConfig.ready()`); registering the same template
    twice keeps one. An undeclared slot raises ValueError naming the declared ones."""
    if slot not in SLOTS:
        raise ValueError(f"Unknown slot {slot!r}; declared: {', '.join(sorted(SLOTS))}.")
    parts = _PARTS.setdefault(slot, [])
    if any(part.template == template for part in parts):
        return
    parts.append(Part(template, order))
    parts.sort(key=lambda part: part.order)


def templates(slot: str) -> list[str]:
    """The templates registered for `slot`, in order (empty when none is)."""
    return [part.template for part in _PARTS.get(slot, [])]
