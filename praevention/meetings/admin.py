"""Admin for meetings, decisions, follow-ups and comments: archive and hide, never delete."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from praevention.meetings.models import (
    Comment,
    Decision,
    DigestDelivery,
    DigestSetting,
    FollowUp,
    Meeting,
)


class NoDeleteAdmin(SimpleHistoryAdmin):
    """Records of the network's work are archived, not deleted (issue #16)."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.action(description=_("Archivieren"))
def archive(modeladmin, request, queryset):
    for obj in queryset:
        obj.is_archived = True
        obj._history_user = request.user
        obj.save()


@admin.action(description=_("Wiederherstellen"))
def restore(modeladmin, request, queryset):
    for obj in queryset:
        obj.is_archived = False
        obj._history_user = request.user
        obj.save()


class DecisionInline(admin.StackedInline):
    model = Decision
    extra = 0
    filter_horizontal = ["measures", "departments"]
    can_delete = False


@admin.register(Meeting)
class MeetingAdmin(NoDeleteAdmin):
    list_display = ["title", "starts_at", "place", "is_archived"]
    list_filter = ["is_archived"]
    search_fields = ["title", "agenda", "notes"]
    date_hierarchy = "starts_at"
    filter_horizontal = ["participants"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [DecisionInline]
    actions = [archive, restore]


@admin.register(Decision)
class DecisionAdmin(NoDeleteAdmin):
    list_display = ["__str__", "meeting", "is_archived"]
    list_filter = ["is_archived"]
    list_select_related = ["meeting"]
    search_fields = ["text"]
    filter_horizontal = ["measures", "departments"]
    autocomplete_fields = ["meeting"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    actions = [archive, restore]


@admin.register(FollowUp)
class FollowUpAdmin(NoDeleteAdmin):
    list_display = ["title", "responsible", "department", "due_on", "status", "is_archived"]
    list_filter = ["status", "is_archived", "department"]
    list_select_related = ["responsible__user", "responsible__department", "department"]
    search_fields = ["title"]
    autocomplete_fields = ["meeting", "decision", "measure"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    actions = [archive, restore]


@admin.register(Comment)
class CommentAdmin(NoDeleteAdmin):
    list_display = ["__str__", "measure", "author", "created_at", "is_withdrawn", "is_hidden"]
    list_filter = ["is_hidden", "is_withdrawn"]
    list_select_related = ["measure", "author"]
    search_fields = ["text"]
    readonly_fields = ["measure", "author", "created_at", "updated_at", "hidden_by"]


@admin.register(DigestSetting)
class DigestSettingAdmin(SimpleHistoryAdmin):
    list_display = ["user", "weekly_digest"]
    list_select_related = ["user"]


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(admin.ModelAdmin):
    list_display = ["user", "week_start", "sent_at"]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
