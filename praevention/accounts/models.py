from typing import Any

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from praevention.accounts import roles
from praevention.accounts.addresses import canonical_email


class UserManager(BaseUserManager["User"]):
    """Users log in with their e-mail address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields: Any) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields: Any) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def by_email(self, address: str | None) -> "models.QuerySet[User]":
        """The accounts (zero or one) whose address has the canonical form of `address`: the
        one lookup by e-mail address (login, reset, admin, seeding)."""
        return self.filter(email_canonical=canonical_email(address))

    def get_by_natural_key(self, email: str | None) -> "User":
        return self.by_email(email).get()


class User(AbstractUser):
    username = None
    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    # What an address is, for every comparison (accounts/addresses.py); set on every save.
    email_canonical = models.CharField(
        _("E-Mail-Adresse (Vergleichsform)"), max_length=254, unique=True, editable=False
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("Benutzer*in")
        verbose_name_plural = _("Benutzer*innen")
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def clean(self) -> None:
        super().clean()
        self.email_canonical = canonical_email(self.email)
        others = User.objects.filter(email_canonical=self.email_canonical).exclude(pk=self.pk)
        if self.email and others.exists():
            raise ValidationError(
                {"email": _("Es gibt bereits ein Konto mit dieser E-Mail-Adresse.")},
                code="unique",
            )

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email_canonical = canonical_email(self.email)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "email" in update_fields:
            kwargs["update_fields"] = {*update_fields, "email_canonical"}
        super().save(*args, **kwargs)

    @cached_property
    def role_names(self) -> frozenset[str]:
        """Roles are groups; read once per request, the names live in `roles`."""
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, role: str) -> bool:
        return role in self.role_names

    @property
    def is_coordinator(self) -> bool:
        return self.is_superuser or self.has_role(roles.KOORDINATION) or self.has_role(roles.ADMIN)
