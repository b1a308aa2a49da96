"""The measure list's facets; the overview pages reuse them, so a matrix cell and its
drill-down list always count the same measures."""

import django_filters
from dateutil.relativedelta import relativedelta
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from praevention.catalog.models import (
    EvidenceLevel,
    FieldOfAction,
    LifePhase,
    SocialSpace,
    StrategicGoal,
    TargetGroup,
)
from praevention.measures import search
from praevention.measures.models import Measure, Participation
from praevention.network.models import Department


class CatalogueChoiceIterator(django_filters.fields.ModelChoiceIterator):
    """Reads the field's queryset as a list, which caches the rows on it.

    Django's iterator() would open a server-side cursor on PostgreSQL (DECLARE, FETCH, CLOSE:
    three round trips) for a dozen catalogue rows, for every select on every page.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in self.queryset:
            yield self.choice(obj)


class CatalogueChoiceField(django_filters.fields.ModelChoiceField):
    iterator = CatalogueChoiceIterator


class CatalogueFilter(django_filters.ModelChoiceFilter):
    """A choice among catalogue entries or departments: a few rows, read with one query."""

    field_class = CatalogueChoiceField


class SocialSpaceChoiceField(CatalogueChoiceField):
    def label_from_instance(self, space):
        indent = {"bez": "", "pgr": "", "bzr": "\u2003", "plr": "\u2003\u2003"}[space.level]
        return f"{indent}{space.shown_number} {space.name}"


class SocialSpaceFilter(CatalogueFilter):
    field_class = SocialSpaceChoiceField


class MeasureFilter(django_filters.FilterSet):
    # The catalogue facets and the measure's links they test (`filter_linked`).
    LINKS = {
        "target_group": "target_groups",
        "life_phase": "life_phases",
        "field_of_action": "fields_of_action",
        "strategic_goal": "strategic_goals",
    }
    ARCHIVED_CHOICES = [("only", _("nur archivierte")), ("all", _("alle, auch archivierte"))]
    FOCUS_CHOICES = [
        (Measure.PovertyFocus.MITIGATE, _("Folgen mildern")),
        (Measure.PovertyFocus.PREVENT, _("Vorbeugen")),
    ]

    q = django_filters.CharFilter(
        label=_("Suche"),
        method="filter_search",
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Titel, Beschreibung …")}),
    )
    department = CatalogueFilter(
        label=_("Fachbereich"),
        queryset=Department.objects.all(),
        method="filter_department",
        empty_label=_("alle Fachbereiche"),
    )
    partner_department = CatalogueFilter(
        label=_("gemeinsam mit Fachbereich"),
        queryset=Department.objects.all(),
        method="filter_partner_department",
        empty_label=_("mit beliebigem Fachbereich"),
    )
    role = django_filters.ChoiceFilter(
        label=_("Rolle des Fachbereichs"),
        choices=Participation.Role.choices,
        method="filter_noop",
        empty_label=_("jede Rolle"),
    )
    target_group = CatalogueFilter(
        label=_("Zielgruppe"),
        queryset=TargetGroup.objects.all(),
        method="filter_linked",
        empty_label=_("alle Zielgruppen"),
    )
    life_phase = CatalogueFilter(
        label=_("Lebensphase"),
        queryset=LifePhase.objects.all(),
        method="filter_linked",
        empty_label=_("alle Lebensphasen"),
    )
    social_space = SocialSpaceFilter(
        label=_("Sozialraum"),
        queryset=SocialSpace.objects.order_by("lor_number"),
        method="filter_social_space",
        empty_label=_("alle Sozialräume"),
    )
    field_of_action = CatalogueFilter(
        label=_("Handlungsfeld"),
        queryset=FieldOfAction.objects.all(),
        method="filter_linked",
        empty_label=_("alle Handlungsfelder"),
    )
    strategic_goal = CatalogueFilter(
        label=_("Strategisches Ziel"),
        queryset=StrategicGoal.objects.select_related("field_of_action"),
        method="filter_linked",
        empty_label=_("alle Ziele"),
    )
    # A column of the measure itself: nothing to de-duplicate (DISTINCT would only cost a sort).
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=Measure.Status.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    poverty_focus = django_filters.ChoiceFilter(
        label=_("Armutsbezug"),
        choices=FOCUS_CHOICES,
        method="filter_poverty_focus",
        empty_label=_("beides"),
    )
    evidence_level = CatalogueFilter(
        label=_("Evidenzstufe"),
        queryset=EvidenceLevel.objects.all(),
        empty_label=_("alle Stufen"),
    )
    ends_within = django_filters.NumberFilter(
        label=_("Endet oder Finanzierung endet in … Monaten"),
        method="filter_ends_within",
        min_value=1,
        max_value=120,
    )
    stale = django_filters.ChoiceFilter(
        label=_("Datenstand"),
        choices=[("1", _("seit über 12 Monaten nicht bestätigt"))],
        method="filter_stale",
        empty_label=_("alle Einträge"),
    )
    archived = django_filters.ChoiceFilter(
        label=_("Archiv"),
        choices=ARCHIVED_CHOICES,
        method="filter_noop",
        empty_label=_("ohne archivierte"),
    )
    ordering = django_filters.OrderingFilter(
        label=_("Sortierung"),
        fields=(
            ("title", "title"),
            ("start_date", "start"),
            ("end_date", "end"),
            ("lead_name", "lead"),
        ),
        field_labels={
            "title": _("Titel"),
            "start_date": _("Beginn"),
            "end_date": _("Ende"),
            "lead_name": _("Federführung"),
            # Given here because OrderingFilter would format its own "(descending)" labels
            # once, at import, in the language active then.
            "-title": _("Titel (absteigend)"),
            "-start": _("Beginn (absteigend)"),
            "-end": _("Ende (absteigend)"),
            "-lead": _("Federführung (absteigend)"),
        },
        empty_label=_("Relevanz / Titel"),
    )

    class Meta:
        model = Measure
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select form-select-sm"
            else:
                widget.attrs["class"] = "form-control form-control-sm"

    def filter_noop(self, queryset, name, value):
        """Read by other filters (role with department) or by filter_queryset (archived)."""
        return queryset

    def filter_search(self, queryset, name, value):
        return search.search(queryset, value)

    def filter_department(self, queryset, name, department):
        return queryset.for_department(department, self.form.cleaned_data.get("role"))

    def filter_partner_department(self, queryset, name, department):
        """A second department in any role: the overview's drill-down for measures run jointly."""
        return queryset.for_department(department)

    def filter_linked(self, queryset, name, value):
        """A catalogue facet: measures linked to the chosen entry."""
        return queryset.linked_to(self.LINKS[name], pk=value.pk)

    def filter_social_space(self, queryset, name, space):
        """A space includes everything below it (LOR numbers nest by prefix)."""
        return queryset.linked_to("social_spaces", lor_number__startswith=space.lor_number)

    def filter_poverty_focus(self, queryset, name, value):
        return queryset.filter(poverty_focus__in=[value, Measure.PovertyFocus.BOTH])

    def filter_ends_within(self, queryset, name, months):
        today = timezone.localdate()
        return queryset.ending_between(today, today + relativedelta(months=int(months)))

    def filter_stale(self, queryset, name, value):
        return queryset.stale()

    def filter_queryset(self, queryset):
        archived = self.form.cleaned_data.get("archived")
        if archived == "only":
            queryset = queryset.archived()
        elif archived != "all":
            queryset = queryset.active()
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("ordering"):
            queryset = (
                queryset.order_by("-rank", "title")
                if search.is_ranked(self.form.cleaned_data.get("q"))
                else queryset.order_by("title")
            )
        return queryset

    @classmethod
    def base_queryset(cls):
        """Measures with the lead's name for sorting, ready for the list's relations."""
        return Measure.objects.with_lead_name()
