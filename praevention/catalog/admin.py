"""Master data of the prevention chain; coordinators keep it, history shows who changed what."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from praevention.catalog.models import (
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


class OrderedNameAdmin(SimpleHistoryAdmin):
    """Shared by the catalogue lists that are ordered by `position`, then name."""

    list_display = ("name", "position", "updated_at")
    search_fields = ("name", "description")
    search_help_text = _("Suche nach Bezeichnung oder Beschreibung")
    ordering = ("position", "name")
    fields = ("name", "description", "position")


@admin.register(TargetGroup)
class TargetGroupAdmin(OrderedNameAdmin):
    pass


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
class StrategicGoalAdmin(SimpleHistoryAdmin):
    list_display = ("title", "field_of_action", "updated_at")
    list_filter = ("field_of_action",)
    list_select_related = ("field_of_action",)
    search_fields = ("title", "description", "field_of_action__name")
    search_help_text = _("Suche nach Ziel, Beschreibung oder Handlungsfeld")
    autocomplete_fields = ("field_of_action",)
    ordering = ("field_of_action__position", "title")
    fields = ("field_of_action", "title", "description")


@admin.register(EvidenceLevel)
class EvidenceLevelAdmin(SimpleHistoryAdmin):
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
class SocialSpaceAdmin(SimpleHistoryAdmin):
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
    fields = ("lor_number", "name", "level", "parent")
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
