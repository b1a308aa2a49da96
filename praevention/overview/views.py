from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from praevention.measures import policy
from praevention.measures.models import Measure
from praevention.overview import selectors


def start(request):
    """The network at a glance: counts by status and the measures with their departments."""
    if not policy.is_network_member(request.user):
        raise PermissionDenied
    return render(
        request,
        "overview/start.html",
        {
            "nav": "start",
            "status_counts": selectors.measure_counts_by_status(),
            "measures": Measure.objects.active().with_relations().order_by("-updated_at")[:20],
        },
    )
