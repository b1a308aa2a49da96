from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from praevention.core.models import TimeStampedModel

hex_colour = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Bitte eine Farbe im Format #RRGGBB angeben, z. B. #1f6f8b.")
)


class Department(TimeStampedModel):
    """An office or partner that takes part in the network (Amt, OE, freier Träger)."""

    class Kind(models.TextChoices):
        AMT = "amt", _("Amt")
        OE = "oe", _("Organisationseinheit (OE)")
        PARTNER = "partner", _("Externer Partner (freier Träger)")

    name = models.CharField(_("Name"), max_length=200, unique=True)
    short_name = models.CharField(
        _("Kurzname"), max_length=20, unique=True, help_text=_("z. B. QPK, Jug, Ges")
    )
    kind = models.CharField(_("Art"), max_length=10, choices=Kind.choices, default=Kind.AMT)
    colour = models.CharField(
        _("Farbe"),
        max_length=7,
        default="#1f6f8b",
        validators=[hex_colour],
        help_text=_("Farbe in Diagrammen, Format #RRGGBB"),
    )
    description = models.TextField(_("Beschreibung"), blank=True)
    # The only address the public HSDS API may show (issue #25): a function address such as
    # praevention@ba-cw.berlin.de, never a person's own.
    public_email = models.EmailField(
        _("öffentliche Funktionsadresse"),
        blank=True,
        help_text=_(
            "E-Mail-Adresse einer Funktion (z. B. praevention@…), die in der öffentlichen "
            "Schnittstelle erscheinen darf; keine persönliche Adresse."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Fachbereich")
        verbose_name_plural = _("Fachbereiche")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(colour__regex=r"^#[0-9a-fA-F]{6}$"),
                name="department_colour_hex",
            ),
            models.CheckConstraint(
                condition=~models.Q(name="") & ~models.Q(short_name=""),
                name="department_names_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PersonQuerySet(models.QuerySet["Person"]):
    def core_team(self) -> "PersonQuerySet":
        """The core team is whoever is flagged as a member: it is never stored twice."""
        return self.filter(is_core_team=True, user__is_active=True)


class Person(TimeStampedModel):
    """The profile of a user: where they work and what they do in the network."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="person",
        verbose_name=_("Benutzerkonto"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="persons",
        verbose_name=_("Fachbereich"),
    )
    function = models.CharField(
        _("Funktion"),
        max_length=200,
        blank=True,
        help_text=_("z. B. Koordinatorin für Gesundheitsförderung"),
    )
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    is_core_team = models.BooleanField(_("Mitglied im Kernteam"), default=False)
    joined_on = models.DateField(_("im Kernteam seit"), null=True, blank=True)

    objects = PersonQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        # A history row can outlive its account (the admin's history page of a deleted person
        # was a 500, issue #28 fault 8): it is then named as a former person.
        try:
            name = str(self.user)
        except ObjectDoesNotExist:
            name = gettext("ehemalige Person")
        try:
            return f"{name} ({self.department.short_name})"
        except ObjectDoesNotExist:
            return name
