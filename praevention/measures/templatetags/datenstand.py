"""The report's "Datenstand": how many current entries nobody confirmed for 12 months."""

from django import template
from django.db.models import Count, Exists, OuterRef, Q

from praevention.core.cache import remember
from praevention.measures.models import Measure, Participation, stale_cutoff

register = template.Library()


def stale_figures(department_id: int | None = None) -> dict[str, int]:
    """{"total": non-archived measures, "stale": those not confirmed for 12 months,
    "own_stale": those of them led by `department_id`}.

    Two queries (one without a department), cached per data version and day through the
    app's one cache (`core.cache.remember`; `stale_cutoff` moves once a day).
    """
    cutoff = stale_cutoff()

    def compute() -> dict[str, int]:
        stale = Q(confirmed_at__lt=cutoff)
        figures = Measure.objects.active().aggregate(
            total=Count("pk"), stale=Count("pk", filter=stale)
        )
        # Few entries are stale: start from them (index on confirmed_at), not from every lead.
        figures["own_stale"] = (
            Measure.objects.active()
            .filter(stale)
            .filter(
                Exists(
                    Participation.objects.filter(
                        measure=OuterRef("pk"),
                        role=Participation.Role.LEAD,
                        department_id=department_id,
                    )
                )
            )
            .count()
            if department_id
            else 0
        )
        return figures

    return remember(("datenstand", cutoff.date().isoformat(), department_id), compute)


@register.inclusion_tag("measures/_datenstand.html")
def datenstand() -> dict:
    """The report's section: current entries, stale ones, the share confirmed in 12 months."""
    figures = stale_figures()
    total, stale = figures["total"], figures["stale"]
    return {
        "total": total,
        "stale": stale,
        "current": total - stale,
        "share": round(100 * (total - stale) / total) if total else 100,
    }
