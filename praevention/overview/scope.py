"""Which measures an overview page looks at: the measure list's filters, applied the same way.

Every number on the overview, gap and report pages links to the measure list with the same
parameters plus the cell's own, so a cell and its drill-down list count the same measures.
"""

from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from praevention.measures.filters import MeasureFilter
from praevention.measures.models import Measure
from praevention.overview import quantities

CURRENT_STATUSES = [Measure.Status.PLANNED, Measure.Status.RUNNING]
# Overviews are always about the non-archived measures; sorting and paging mean nothing here.
# A second department cannot be combined with a matrix's department columns.
DROPPED = ("archived", "ordering", "page", "partner_department", quantities.PARAM)


class Scope:
    """The filtered measures of one request and the parameters that reproduce them.

    `fixed` parameters (e.g. the gap page's status) replace whatever the request says and are
    not shown in the form; `hidden` facets are the page's own dimensions and are dropped.
    """

    def __init__(self, data, *, fixed=None, hidden=()):
        params = QueryDict(mutable=True)
        for key, values in data.lists():
            if key not in DROPPED and key not in hidden and (fixed is None or key not in fixed):
                params.setlist(key, values)
        if "status" not in params and not (fixed and "status" in fixed):
            # The default of every overview: what the network does now or soon.
            params.setlist("status", CURRENT_STATUSES)
        for key, values in (fixed or {}).items():
            params.setlist(key, values)
        if not params.get("department"):
            # Without a department the role means nothing to the list, but a cell's
            # department=… link would suddenly apply it.
            params.pop("role", None)
        self.params = params
        # What the matrices add up is not a filter: kept apart, never part of a list link.
        self.quantity, self.quantity_error = quantities.quantity_of(data)
        self.fixed = set(fixed or ())
        self.hidden = set(DROPPED) | set(hidden) | self.fixed
        self.filterset = MeasureFilter(params, queryset=MeasureFilter.base_queryset())
        self._list_path = reverse("measures:list")
        self._encoded = {}

    @property
    def measures(self):
        return self.filterset.qs

    @property
    def errors(self):
        return self.filterset.errors

    @property
    def invalid(self):
        """True when a filter value or the quantity was not understood (the page answers 400)."""
        return bool(self.errors or self.quantity_error)

    @property
    def form(self):
        return self.filterset.form

    def value(self, name):
        """A cleaned filter value (a model instance for the facets), or None."""
        self.form.is_valid()  # invalid facets are missing from cleaned_data, as in the list
        return self.form.cleaned_data.get(name) or None

    @property
    def department(self):
        return self.value("department")

    def visible_fields(self):
        return [bound for bound in self.form if bound.name not in self.hidden]

    def query_string(self, **extra):
        """The scope's parameters with `extra` set (None removes a parameter)."""
        params = self.params.copy()
        if self.quantity is not quantities.MEASURES:
            params[quantities.PARAM] = self.quantity.slug
        for key, value in extra.items():
            if value is None:
                params.pop(key, None)
            elif isinstance(value, list | tuple):
                params.setlist(key, [str(v) for v in value])
            else:
                params[key] = str(value)
        return params.urlencode()

    def list_url(self, **extra):
        """The measure list showing exactly the measures of a cell.

        A matrix asks for hundreds of these with the same few keys: the scope's own parameters
        are encoded once per set of keys, the cell's values appended.
        """
        keys = frozenset(extra)
        if keys not in self._encoded:
            params = self.params.copy()
            for key in keys:
                params.pop(key, None)
            self._encoded[keys] = params.urlencode()
        base = self._encoded[keys]
        own = urlencode(
            [
                (key, str(v))
                for key, value in extra.items()
                if value is not None
                for v in (value if isinstance(value, list | tuple) else [value])
            ]
        )
        query = "&".join(part for part in (base, own) if part)
        return f"{self._list_path}?{query}"

    def department_params(self, department_id):
        """Parameters selecting the measures a department takes part in, within the scope.

        With a department filter in place, a column for another department must keep it and
        add the second department as partner.
        """
        selected = self.department
        if selected is None:
            return {"department": department_id}
        if selected.pk == department_id:
            return {}
        return {"partner_department": department_id}

    def describe(self):
        """[(label, value)] of the active filters, in German, for the report and the pages."""
        if not self.form.is_valid():
            return [(_("Filter"), _("ungültige Angaben wurden nicht angewendet"))]
        described = []
        for name, value in self.form.cleaned_data.items():
            if name in DROPPED or value in (None, "", [], ()):
                continue
            field = self.form.fields[name]
            if name == "status":
                labels = dict(Measure.Status.choices)
                text = ", ".join(str(labels[v]) for v in value)
            elif hasattr(field, "choices") and not hasattr(value, "pk"):
                text = str(dict(field.choices).get(value, value))
            elif name == "ends_within":
                text = _("%(months)d Monaten") % {"months": int(value)}
            elif name == "q":
                text = f"„{value}“"
            else:
                text = str(value)
            described.append((str(field.label), text))
        return described
