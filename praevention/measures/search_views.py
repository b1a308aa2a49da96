"""Search helpers the pages ask for while people type (htmx): the header's suggestions and the
create form's "Gibt es das schon?". Both answer with HTML fragments and run a fixed number of
queries, however many measures there are."""

from django import forms
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from praevention.accounts.policy import require
from praevention.measures import policy, search
from praevention.measures.models import Measure

MAX_QUERY = 200


@require_GET
def suggestions(request):
    """The options of the header's search combobox: best matches with their lead department."""
    require(policy.can_view(request.user))
    query = request.GET.get("q", "")[:MAX_QUERY]
    measures = search.suggestions(Measure.objects.active(), query)
    return render(
        request,
        "measures/_suggestions.html",
        {
            "measures": measures,
            "query": query,
            "searched": search.wants_suggestions(query),
        },
    )


@require_GET
def similar(request):
    """Existing measures whose title looks like the one being typed into the create form."""
    require(policy.can_create(request.user))
    title = request.GET.get("title", "")[:MAX_QUERY]
    measures = search.similar_titles(Measure.objects.with_lead_name(), title)
    return render(request, "measures/_similar_measures.html", {"measures": list(measures)})


class DuplicateHintTitleInput(forms.TextInput):
    """The title input, followed by the place where similar existing measures are shown
    (a live region: screen readers announce the hint when it appears)."""

    def render(self, name, value, attrs=None, renderer=None):
        field = super().render(name, value, attrs, renderer)
        hint = '<div id="duplicate-hint" class="duplicate-hint" aria-live="polite"></div>'
        return mark_safe(f"{field}\n{hint}")


def offer_duplicate_hint(form):
    """Make the form's title field ask for similar measures while it is typed (create only)."""
    field = form.fields["title"]
    field.widget = DuplicateHintTitleInput(
        attrs={
            **field.widget.attrs,
            "autocomplete": "off",
            "hx-get": reverse("measures:similar"),
            "hx-trigger": "input changed delay:400ms",
            "hx-target": "#duplicate-hint",
            "hx-sync": "this:replace",
        }
    )
