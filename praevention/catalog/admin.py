"""Master data of the prevention chain; coordinators keep it, history shows who changed what."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from praevention.catalog import usage
from praevention.catalog.models import (
    ActionGoal,
    EvidenceLevel,
    FieldOfAction,
    GoodPracticeCriterion,
    LifePhase,
    RiskFactor,
    SocialMonitoring,
    SocialSpace,
    StrategicGoal,
    TargetGroup,
)
from praevention.core.forms import NormalizedModelForm


class CatalogEntryAdmin(SimpleHistoryAdmin):
    """Entries in use are archived or merged, never deleted (catalog/usage.py).

    Deleting is refused while anything links to an entry: Django's delete pages list the
    links as protected objects. The actions archive, restore and merge (which moves the
    links and writes each measure's history) replace it.
    """

    form = NormalizedModelForm
    actions = ("archive", "restore", "merge")

    def get_list_display(self, request):
        return (*super().get_list_display(request), "measure_count", "is_archived")

    def get_list_filter(self, request):
        return (*super().get_list_filter(request), "is_archived")

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if "is_archived" in fields else (*fields, "is_archived")

    def has_merge_permission(self, request):
        # Offered only when an app registered how to move the links (measures does).
        return usage.merger() is not None

    def _measure_counts_of(self, entries):
        merger = usage.merger()
        return usage.link_counts(self.model, entries, merger.model) if merger else {}

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        # One query for the counts of the page's entries, not one per row.
        self._measure_counts = self._measure_counts_of(changelist.result_list)
        return changelist

    @admin.display(description=_("Maßnahmen"))
    def measure_count(self, entry):
        counts = getattr(self, "_measure_counts", None)
        if counts is None:
            return sum(usage.usage(entry).values())
        return counts.get(entry.pk, 0)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.GET.get("model_name") == "measure":
            # The measure form's autocomplete offers no archived entries for new choices.
            queryset = queryset.filter(is_archived=False)
        return queryset, may_have_duplicates

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        protected = list(protected)
        in_use = False
        for entry in objs:
            used = usage.usage(entry)
            if used:
                in_use = True
                protected.append(
                    _("%(entry)s – genutzt von: %(uses)s; bitte archivieren oder zusammenführen")
                    % {
                        "entry": entry,
                        "uses": ", ".join(f"{label} {count}" for label, count in used.items()),
                    }
                )
        if in_use:
            # Refused anyway: say "archive or merge" rather than name read-only rows that would
            # go with the entry (a space's MSS values, whose admin allows no deleting).
            perms_needed = set()
        return deleted, counts, perms_needed, protected

    def delete_queryset(self, request, queryset):
        # The confirmation page refused entries in use already; this guards a forged post.
        for entry in queryset:
            if usage.in_use(entry):
                raise ValidationError(_("Genutzte Einträge werden archiviert, nicht gelöscht."))
        super().delete_queryset(request, queryset)

    def delete_model(self, request, obj):
        if usage.in_use(obj):
            raise ValidationError(_("Genutzte Einträge werden archiviert, nicht gelöscht."))
        super().delete_model(request, obj)

    def _archive(self, request, queryset, archived):
        changed = usage.set_archived(queryset, archived, request.user)
        message = (
            ngettext(
                "%(count)d Eintrag wurde archiviert.",
                "%(count)d Einträge wurden archiviert.",
                changed,
            )
            if archived
            else ngettext(
                "%(count)d Eintrag wurde wiederhergestellt.",
                "%(count)d Einträge wurden wiederhergestellt.",
                changed,
            )
        )
        self.message_user(request, message % {"count": changed}, messages.SUCCESS)

    @admin.action(description=_("Ausgewählte Einträge archivieren"), permissions=["change"])
    def archive(self, request, queryset):
        self._archive(request, queryset, archived=True)

    @admin.action(description=_("Ausgewählte Einträge wiederherstellen"), permissions=["change"])
    def restore(self, request, queryset):
        self._archive(request, queryset, archived=False)

    @admin.action(
        description=_("Ausgewählte Einträge zusammenführen"),
        permissions=["change", "delete", "merge"],
    )
    def merge(self, request, queryset):
        entries = list(queryset)
        if len(entries) < 2:
            self.message_user(
                request,
                _("Zum Zusammenführen bitte mindestens zwei Einträge auswählen."),
                messages.WARNING,
            )
            return None
        if request.POST.get("post") == "yes":
            target = next((e for e in entries if str(e.pk) == request.POST.get("target")), None)
            if target is None:
                self.message_user(
                    request, _("Bitte den bleibenden Eintrag auswählen."), messages.ERROR
                )
                return None
            try:
                changed = usage.merger().merge(target=target, sources=entries, by=request.user)
            except ValidationError as busy:
                self.message_user(request, " ".join(busy.messages), messages.ERROR)
                return None
            except IntegrityError:
                self.message_user(
                    request,
                    _(
                        "Die Einträge lassen sich nicht zusammenführen: danach gäbe es "
                        "Doppelungen (z. B. zwei gleichnamige Ziele in einem Handlungsfeld). "
                        "Nichts wurde geändert."
                    ),
                    messages.ERROR,
                )
                return None
            self.message_user(
                request,
                ngettext(
                    "Zusammengeführt in „%(target)s“; %(count)d Maßnahme wurde angepasst.",
                    "Zusammengeführt in „%(target)s“; %(count)d Maßnahmen wurden angepasst.",
                    changed,
                )
                % {"target": target, "count": changed},
                messages.SUCCESS,
            )
            return None
        counts = self._measure_counts_of(entries)
        return TemplateResponse(
            request,
            "admin/catalog/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Einträge zusammenführen"),
                "opts": self.model._meta,
                "entries": [(entry, counts.get(entry.pk, 0)) for entry in entries],
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


class OrderedNameAdmin(CatalogEntryAdmin):
    """Shared by the catalogue lists that are ordered by `position`, then name."""

    list_display: tuple[str, ...] = ("name", "position", "updated_at")
    search_fields = ("name", "description")
    search_help_text = _("Suche nach Bezeichnung oder Beschreibung")
    ordering = ("position", "name")
    fields: tuple[str, ...] = ("name", "description", "position")


@admin.register(TargetGroup)
class TargetGroupAdmin(OrderedNameAdmin):
    formfield_overrides = {
        models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple},
    }
    fields = ("name", "description", "life_phases", "position")


@admin.register(RiskFactor)
class RiskFactorAdmin(OrderedNameAdmin):
    list_display = ("name", "target_group_list", "position", "updated_at")
    list_filter = ("target_groups",)
    filter_horizontal = ("target_groups",)
    fields = ("name", "description", "target_groups", "position")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("target_groups")

    @admin.display(description=_("Zielgruppen"))
    def target_group_list(self, risk_factor):
        return ", ".join(group.name for group in risk_factor.target_groups.all())


@admin.register(LifePhase)
class LifePhaseAdmin(OrderedNameAdmin):
    list_display = ("name", "position", "age_from", "age_to", "updated_at")
    fields = ("name", "description", "position", "age_from", "age_to")


@admin.register(FieldOfAction)
class FieldOfActionAdmin(OrderedNameAdmin):
    pass


@admin.register(GoodPracticeCriterion)
class GoodPracticeCriterionAdmin(OrderedNameAdmin):
    pass


@admin.register(StrategicGoal)
class StrategicGoalAdmin(CatalogEntryAdmin):
    list_display = ("title", "field_of_action", "updated_at")
    list_filter = ("field_of_action",)
    list_select_related = ("field_of_action",)
    search_fields = ("title", "description", "field_of_action__name")
    search_help_text = _("Suche nach Ziel, Beschreibung oder Handlungsfeld")
    autocomplete_fields = ("field_of_action",)
    ordering = ("field_of_action__position", "title")
    fields = ("field_of_action", "title", "description")


@admin.register(ActionGoal)
class ActionGoalAdmin(CatalogEntryAdmin):
    list_display = ("title", "strategic_goal", "updated_at")
    list_filter = ("strategic_goal__field_of_action", "strategic_goal")
    list_select_related = ("strategic_goal",)
    search_fields = ("title", "description", "strategic_goal__title")
    search_help_text = _("Suche nach Handlungsziel, Beschreibung oder strategischem Ziel")
    autocomplete_fields = ("strategic_goal",)
    ordering = ("strategic_goal__field_of_action__position", "strategic_goal__title", "title")
    fields = ("strategic_goal", "title", "description")

    def has_merge_permission(self, request):
        # Measures' Handlungsziel links are not yet written by the measures' one writer
        # (Measure.M2M_FIELDS), so a merge would drop them: offered once they are (#23).
        return False


@admin.register(EvidenceLevel)
class EvidenceLevelAdmin(CatalogEntryAdmin):
    list_display = ("level", "name", "updated_at")
    search_fields = ("name", "description")
    search_help_text = _("Suche nach Bezeichnung oder Beschreibung")
    ordering = ("level",)
    fields = ("level", "name", "description")


class SocialMonitoringInline(admin.TabularInline):
    """Official values, loaded by `manage.py load_social_monitoring`; shown, not typed."""

    model = SocialMonitoring
    fields = ("year", "is_valid", "status_class", "status_index", "inhabitants")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SocialSpace)
class SocialSpaceAdmin(CatalogEntryAdmin):
    list_display = (
        "lor_number",
        "name",
        "level",
        "parent",
    )
    list_filter = ("level",)
    list_select_related = ("parent",)
    search_fields = ("lor_number", "name", "parent__name")
    search_help_text = _("Suche nach LOR-Nummer oder Name")
    autocomplete_fields = ("parent",)
    ordering = ("lor_number",)
    fieldsets = (
        (None, {"fields": ("lor_number", "name", "level", "parent")}),
        (_("Verwaltung"), {"fields": ("is_archived",)}),
    )
    # The MSS values by year (read-only, loaded by `manage.py load_social_monitoring`).
    inlines = [SocialMonitoringInline]


@admin.register(SocialMonitoring)
class SocialMonitoringAdmin(admin.ModelAdmin):
    """The official MSS values by year; loaded by `manage.py load_social_monitoring`, read here."""

    list_display = ("space", "year", "status_class", "status_index", "inhabitants", "is_valid")
    list_filter = ("year", "status_class", "is_valid")
    list_select_related = ("space",)
    search_fields = ("space__lor_number", "space__name")
    search_help_text = _("Suche nach LOR-Nummer oder Name des Planungsraums")
    ordering = ("-year", "space__lor_number")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
