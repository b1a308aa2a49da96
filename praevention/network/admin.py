"""Departments and the people in them; both keep their change history."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from praevention.accounts.admin import UserAdmin
from praevention.core.forms import NormalizedModelForm
from praevention.network.erasure import frozen_editions_note, person_pseudonymise
from praevention.network.models import Department, Person


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    form = NormalizedModelForm
    list_display = ("name", "short_name", "kind", "colour", "updated_at")
    list_filter = ("kind",)
    # Target of the autocompletes on participations, persons and accounts.
    search_fields = ("name", "short_name", "description")
    search_help_text = _("Suche nach Name, Kurzname oder Beschreibung")
    ordering = ("name",)
    fields = ("name", "short_name", "kind", "colour", "description", "public_email")


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "email",
        "department",
        "function",
        "is_core_team",
        "joined_on",
    )
    list_filter = ("department", "is_core_team")
    search_fields = (
        "user__email",
        "user__first_name",
        "user__last_name",
        "function",
        "department__name",
        "department__short_name",
    )
    search_help_text = _("Suche nach Name, E-Mail, Funktion oder Fachbereich")
    autocomplete_fields = ("user", "department")
    ordering = ("user__last_name", "user__first_name")
    fields = ("user", "department", "function", "phone", "is_core_team", "joined_on")

    actions = ["pseudonymise"]

    @admin.action(
        description=_("Pseudonymisieren: Name, E-Mail, Telefon und Funktion löschen"),
        permissions=["change"],
    )
    def pseudonymise(self, request, queryset):
        """The erasure path (GDPR Art. 17, network/erasure.py): what the people wrote stays,
        signed "ehemalige Person"; their accounts are deactivated."""
        people = list(queryset)
        for person in people:
            person_pseudonymise(person=person, by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d Person pseudonymisiert.",
                "%(count)d Personen pseudonymisiert.",
                len(people),
            )
            % {"count": len(people)}
            + " "
            + frozen_editions_note(),
            messages.SUCCESS,
        )

    def get_queryset(self, request):
        # __str__ shows user and department: the changelist and the autocomplete
        # (contact person of a measure) would otherwise query both per row.
        return super().get_queryset(request).select_related("user", "department")

    @admin.display(description=_("Name"), ordering="user__last_name")
    def name(self, person):
        return person.user.get_full_name() or person.user.email

    @admin.display(description=_("E-Mail-Adresse"), ordering="user__email")
    def email(self, person):
        return person.user.email


class PersonInline(admin.StackedInline):
    """The profile lives on the account's page so nobody has to create it separately."""

    model = Person
    can_delete = False
    extra = 1
    max_num = 1
    fields = ("department", "function", "phone", "is_core_team", "joined_on")
    autocomplete_fields = ("department",)
    verbose_name = _("Profil im Netzwerk")
    verbose_name_plural = _("Profil im Netzwerk")


# The profile on the account's page: accounts sits below network, so the inline is attached here.
UserAdmin.inlines = (*UserAdmin.inlines, PersonInline)
