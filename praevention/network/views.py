from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition

from praevention.network.models import Department


def _last_change(request):
    return Department.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()


@cache_control(private=True, max_age=300)
@condition(last_modified_func=_last_change)
def department_colours(request):
    """Department colours as CSS classes: the CSP forbids inline style attributes."""
    rules = [
        f".dept-{pk}{{--dept-colour:{colour}}}"
        for pk, colour in Department.objects.values_list("pk", "colour")
    ]
    return HttpResponse("\n".join(rules), content_type="text/css; charset=utf-8")
