"""Accounts in the admin: an e-mail login, its roles (groups) and its person profile in one page."""

from typing import Any, ClassVar

from django import forms
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from praevention.accounts import roles
from praevention.accounts.models import User


class _UniqueEmailMixin:
    """E-mail addresses are unique in their canonical form (accounts/addresses.py, a DB
    constraint); say so in German."""

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data.get("email"))
        others = User.objects.by_email(email)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if email and others.exists():
            raise forms.ValidationError(
                _("Es gibt bereits ein Konto mit dieser E-Mail-Adresse."), code="unique"
            )
        return email


class UserCreationForm(_UniqueEmailMixin, auth_forms.AdminUserCreationForm):
    class Meta(auth_forms.AdminUserCreationForm.Meta):
        model = User
        fields = ("email",)
        field_classes = {}


class UserChangeForm(_UniqueEmailMixin, auth_forms.UserChangeForm):
    class Meta(auth_forms.UserChangeForm.Meta):
        model = User
        fields = "__all__"
        field_classes = {}


class RoleFilter(admin.RelatedFieldListFilter):
    """The groups are the network's roles; the filter says so."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("Rolle")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    # network/admin.py adds the person profile (network sits above accounts).
    inlines: "ClassVar[tuple[type[InlineModelAdmin[Any, Any]], ...]]" = ()

    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Name"), {"fields": ("first_name", "last_name")}),
        (
            _("Rolle und Berechtigungen"),
            {
                "fields": ("is_active", "groups", "is_staff", "is_superuser", "user_permissions"),
                "description": _(
                    "Die Rolle ergibt sich aus den Gruppen (Kernteam, Koordination, Admin). "
                    "Zugang zur Verwaltung braucht zusätzlich den „Mitarbeiter-Status“."
                ),
            },
        ),
        (_("Wichtige Daten"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "first_name",
                    "last_name",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
        (_("Rolle"), {"fields": ("groups", "is_staff")}),
    )
    readonly_fields = ("last_login", "date_joined")

    list_display = (
        "email",
        "full_name",
        "role_list",
        "department",
        "is_active",
        "is_staff",
    )
    list_filter = (
        ("groups", RoleFilter),
        "person__department",
        "is_active",
        "is_staff",
        "is_superuser",
    )
    list_select_related = ("person__department",)
    search_fields = (
        "email",
        "first_name",
        "last_name",
        "person__function",
        "person__department__name",
        "person__department__short_name",
    )
    search_help_text = _("Suche nach E-Mail, Name, Funktion oder Fachbereich")
    ordering = ("last_name", "first_name", "email")

    def get_queryset(self, request):
        # Roles are shown per row; one prefetch instead of one query per account.
        return (
            super()
            .get_queryset(request)
            .select_related("person__department")
            .prefetch_related("groups")
        )

    @admin.display(description=_("Name"), ordering="last_name")
    def full_name(self, user):
        return user.get_full_name()

    @admin.display(description=_("Rollen"))
    def role_list(self, user):
        return ", ".join(
            str(roles.LABELS.get(group.name, group.name)) for group in user.groups.all()
        )

    @admin.display(description=_("Fachbereich"), ordering="person__department__name")
    def department(self, user):
        person = getattr(user, "person", None)
        return person.department.short_name if person else ""
