"""Read-only aggregates for the overview pages; each function runs one query."""

from django.db.models import Count

from praevention.measures.models import Measure


def measure_counts_by_status():
    """[(status label, count)] of non-archived measures in the order of the status choices.

    One query: SELECT status, COUNT(*) FROM measure WHERE NOT archived GROUP BY status.
    """
    counts = dict(Measure.objects.active().values_list("status").annotate(n=Count("id")).order_by())
    return [(status, label, counts.get(status, 0)) for status, label in Measure.Status.choices]
