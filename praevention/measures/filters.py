"""The measure list's facets; the overview pages reuse them, so a matrix cell and its
drill-down list always count the same measures."""

import datetime

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
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
from praevention.measures.widgets import Select
from praevention.network.models import Department


def add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    # Clamp to the month's last day (31 Jan + 1 month = 28/29 Feb).
    for candidate in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


def linked(through, field, **lookup):
    """EXISTS over an M2M through table: no join, so no duplicate rows and no DISTINCT."""
    return Exists(
        through.objects.filter(
            measure=OuterRef("pk"), **{f"{field}__{k}": v for k, v in lookup.items()}
        )
    )


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
    widget = Select


class CatalogueFilter(django_filters.ModelChoiceFilter):
    """A choice among catalogue entries or departments: a few rows, read with one query."""

    field_class = CatalogueChoiceField


class SocialSpaceChoiceField(CatalogueChoiceField):
    def label_from_instance(self, space):
        indent = {"pgr": "", "bzr": "\u2003", "plr": "\u2003\u2003"}[space.level]
        return f"{indent}{space.lor_number} {space.name}"


class SocialSpaceFilter(CatalogueFilter):
    field_class = SocialSpaceChoiceField


class MeasureFilter(django_filters.FilterSet):
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
        widget=Select,
    )
    target_group = CatalogueFilter(
        label=_("Zielgruppe"),
        queryset=TargetGroup.objects.all(),
        method="filter_target_group",
        empty_label=_("alle Zielgruppen"),
    )
    life_phase = CatalogueFilter(
        label=_("Lebensphase"),
        queryset=LifePhase.objects.all(),
        method="filter_life_phase",
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
        method="filter_field_of_action",
        empty_label=_("alle Handlungsfelder"),
    )
    strategic_goal = CatalogueFilter(
        label=_("Strategisches Ziel"),
        queryset=StrategicGoal.objects.select_related("field_of_action"),
        method="filter_strategic_goal",
        empty_label=_("alle Ziele"),
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=Measure.Status.choices, widget=forms.CheckboxSelectMultiple
    )
    poverty_focus = django_filters.ChoiceFilter(
        label=_("Armutsbezug"),
        choices=FOCUS_CHOICES,
        method="filter_poverty_focus",
        empty_label=_("beides"),
        widget=Select,
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
        widget=Select,
    )
    archived = django_filters.ChoiceFilter(
        label=_("Archiv"),
        choices=ARCHIVED_CHOICES,
        method="filter_noop",
        empty_label=_("ohne archivierte"),
        widget=Select,
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
        widget=Select,
    )

    class Meta:
        model = Measure
        fields = []

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
        lookup = {"measure": OuterRef("pk"), "department": department}
        role = self.form.cleaned_data.get("role")
        if role:
            lookup["role"] = role
        return queryset.filter(Exists(Participation.objects.filter(**lookup)))

    def filter_partner_department(self, queryset, name, department):
        """A second department in any role: the overview's drill-down for measures run jointly."""
        return queryset.filter(
            Exists(Participation.objects.filter(measure=OuterRef("pk"), department=department))
        )

    def filter_target_group(self, queryset, name, value):
        return queryset.filter(linked(Measure.target_groups.through, "targetgroup", pk=value.pk))

    def filter_life_phase(self, queryset, name, value):
        return queryset.filter(linked(Measure.life_phases.through, "lifephase", pk=value.pk))

    def filter_field_of_action(self, queryset, name, value):
        return queryset.filter(
            linked(Measure.fields_of_action.through, "fieldofaction", pk=value.pk)
        )

    def filter_strategic_goal(self, queryset, name, value):
        return queryset.filter(
            linked(Measure.strategic_goals.through, "strategicgoal", pk=value.pk)
        )

    def filter_social_space(self, queryset, name, space):
        """A space includes everything below it (LOR numbers nest by prefix)."""
        return queryset.filter(
            linked(
                Measure.social_spaces.through,
                "socialspace",
                lor_number__startswith=space.lor_number,
            )
        )

    def filter_poverty_focus(self, queryset, name, value):
        return queryset.filter(poverty_focus__in=[value, Measure.PovertyFocus.BOTH])

    def filter_ends_within(self, queryset, name, months):
        today = timezone.localdate()
        until = add_months(today, int(months))
        return queryset.filter(
            Q(end_date__range=(today, until)) | Q(funding_ends_on__range=(today, until))
        )

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
