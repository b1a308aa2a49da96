import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, URLValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from praevention.catalog.models import (
    EvidenceLevel,
    FieldOfAction,
    GoodPracticeCriterion,
    LifePhase,
    SocialSpace,
    StrategicGoal,
    TargetGroup,
)
from praevention.core.models import TimeStampedModel
from praevention.network.models import Department, Person


def validate_links(value):
    """One web address per line, each a valid http(s) URL."""
    check = URLValidator(schemes=["http", "https"])
    for number, line in enumerate(value.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        try:
            check(line)
        except ValidationError:
            raise ValidationError(
                _("Zeile %(number)s ist keine gültige Webadresse: %(line)s"),
                params={"number": number, "line": line[:80]},
                code="invalid_link",
            ) from None


# An entry nobody confirmed for this long is flagged as possibly outdated (issue #16:
# "Entries not confirmed for 12 months are flagged").
STALE_AFTER_MONTHS = 12


def stale_cutoff(now=None):
    """The moment before which a confirmation counts as stale: local midnight starting the
    same calendar day 12 months ago.

    `now` is an aware datetime (default: the current time); the result is aware, local time.
    Whole days, so that an entry confirmed on 30 Nov 2025 is flagged from 1 Dec 2026 on, the
    same all day long (and counts can be cached per day). 29 Feb goes back to 28 Feb.
    """
    today = timezone.localdate(now)
    year = today.year - STALE_AFTER_MONTHS // 12
    try:
        day = today.replace(year=year)
    except ValueError:  # 29 February
        day = today.replace(year=year, day=28)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class MeasureQuerySet(models.QuerySet):
    def stale(self, now=None):
        """Measures whose entry nobody confirmed for 12 months (see `stale_cutoff`)."""
        return self.filter(confirmed_at__lt=stale_cutoff(now))

    def active(self):
        """Not archived: what the network currently works with."""
        return self.filter(is_archived=False)

    def archived(self):
        return self.filter(is_archived=True)

    def running(self):
        return self.filter(status=Measure.Status.RUNNING)

    def current(self):
        """Planned or running: the default scope of overviews."""
        return self.filter(status__in=[Measure.Status.PLANNED, Measure.Status.RUNNING])

    def for_department(self, department):
        """Measures in which the department takes part, in any role."""
        return self.filter(participations__department=department).distinct()

    def led_by(self, department):
        return self.filter(
            participations__department=department,
            participations__role=Participation.Role.LEAD,
        )

    def with_lead_name(self):
        """Annotate `lead_name`, the lead department's name, for sorting and lists."""
        lead = Participation.objects.filter(
            measure=models.OuterRef("pk"), role=Participation.Role.LEAD
        ).values("department__name")[:1]
        return self.annotate(lead_name=models.Subquery(lead))

    def with_relations(self):
        """Every relation of a measure (exports, imports, editing), in a fixed number of queries."""
        return self.select_related("evidence_level", "contact_person__user").prefetch_related(
            Participation.lead_first_prefetch(), *Measure.M2M_FIELDS
        )

    def for_detail(self):
        """One measure's page: participations and catalogue links are read when shown.

        For a single measure, reading each link when shown runs the same queries as prefetching
        them, with less ORM work; and while the page's body comes from the cache, none runs.
        """
        return self.select_related("evidence_level", "contact_person__user")

    def for_table(self):
        """Only what the measure table shows (title, status, departments, target groups).

        Three queries for a page, and no long texts or unused catalogue links to load.
        """
        return self.only("title", "status", "confirmed_at").prefetch_related(
            Participation.lead_first_prefetch(), "target_groups"
        )


class Measure(TimeStampedModel):
    """A Maßnahme of the network, run by one lead department with partners."""

    class Status(models.TextChoices):
        IDEA = "idea", _("Idee")
        PLANNED = "planned", _("geplant")
        RUNNING = "running", _("laufend")
        PAUSED = "paused", _("pausiert")
        COMPLETED = "completed", _("abgeschlossen")

    class PovertyFocus(models.TextChoices):
        MITIGATE = "mitigate", _("Folgen mildern (bereits von Armut betroffene Kinder)")
        PREVENT = "prevent", _("Vorbeugen (Kinder mit Risikofaktoren)")
        BOTH = "both", _("Beides")

    title = models.CharField(_("Titel"), max_length=200, unique=True)
    summary = models.CharField(_("Kurzbeschreibung"), max_length=500, blank=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    start_date = models.DateField(_("Beginn"), null=True, blank=True)
    end_date = models.DateField(_("Ende"), null=True, blank=True)

    target_groups = models.ManyToManyField(
        TargetGroup, related_name="measures", blank=True, verbose_name=_("Zielgruppen")
    )
    life_phases = models.ManyToManyField(
        LifePhase, related_name="measures", blank=True, verbose_name=_("Lebensphasen")
    )
    social_spaces = models.ManyToManyField(
        SocialSpace, related_name="measures", blank=True, verbose_name=_("Sozialräume")
    )
    fields_of_action = models.ManyToManyField(
        FieldOfAction, related_name="measures", blank=True, verbose_name=_("Handlungsfelder")
    )
    strategic_goals = models.ManyToManyField(
        StrategicGoal, related_name="measures", blank=True, verbose_name=_("Strategische Ziele")
    )
    poverty_focus = models.CharField(
        _("Armutsbezug"), max_length=10, choices=PovertyFocus.choices, default=PovertyFocus.BOTH
    )

    reach_planned = models.PositiveIntegerField(
        _("geplante Teilnehmende pro Jahr"), null=True, blank=True
    )
    reach_actual = models.PositiveIntegerField(
        _("erreichte Teilnehmende pro Jahr"), null=True, blank=True
    )
    budget_eur = models.DecimalField(
        _("Budget (Euro pro Jahr)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    funding_source = models.CharField(_("Finanzierungsquelle"), max_length=300, blank=True)
    funding_ends_on = models.DateField(_("Finanzierung endet am"), null=True, blank=True)

    contact_person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_for",
        verbose_name=_("Ansprechperson"),
    )
    external_partners = models.TextField(
        _("Externe Partner"), blank=True, help_text=_("freie Träger, Vereine, Schulen …")
    )
    evidence_level = models.ForeignKey(
        EvidenceLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("Evidenzstufe"),
    )
    good_practice_criteria = models.ManyToManyField(
        GoodPracticeCriterion,
        related_name="measures",
        blank=True,
        verbose_name=_("Good-Practice-Kriterien"),
    )
    evaluation_notes = models.TextField(_("Evidenz und Evaluation"), blank=True)
    links = models.TextField(
        _("Links"), blank=True, validators=[validate_links], help_text=_("eine Adresse pro Zeile")
    )

    is_archived = models.BooleanField(_("archiviert"), default=False)
    version = models.PositiveIntegerField(
        _("Version"),
        default=1,
        editable=False,
        help_text=_("für die Erkennung paralleler Änderungen"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("angelegt von"),
    )
    confirmed_at = models.DateTimeField(
        _("zuletzt bestätigt am"),
        default=timezone.now,
        editable=False,
        help_text=_("wann die Federführung zuletzt bestätigt hat, dass der Eintrag stimmt"),
    )

    # The catalogue links edited with a measure; forms, services and history read them here.
    M2M_FIELDS = (
        "target_groups",
        "life_phases",
        "social_spaces",
        "fields_of_action",
        "strategic_goals",
        "good_practice_criteria",
    )

    objects = MeasureQuerySet.as_manager()
    history = HistoricalRecords(
        m2m_fields=[
            target_groups,
            life_phases,
            social_spaces,
            fields_of_action,
            strategic_goals,
            good_practice_criteria,
        ]
    )

    class Meta:
        verbose_name = _("Maßnahme")
        verbose_name_plural = _("Maßnahmen")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="measure_end_not_before_start",
                violation_error_message=_("Das Ende darf nicht vor dem Beginn liegen."),
            ),
            models.CheckConstraint(
                condition=Q(budget_eur__isnull=True) | Q(budget_eur__gte=0),
                name="measure_budget_not_negative",
                violation_error_message=_("Das Budget darf nicht negativ sein."),
            ),
            models.CheckConstraint(
                condition=Q(reach_planned__isnull=True) | Q(reach_planned__gte=0),
                name="measure_reach_planned_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(reach_actual__isnull=True) | Q(reach_actual__gte=0),
                name="measure_reach_actual_not_negative",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="measure_title_not_empty"),
            models.CheckConstraint(condition=Q(version__gte=1), name="measure_version_positive"),
        ]
        indexes = [
            models.Index(fields=["status", "is_archived"], name="measure_status_archived"),
            # The overview's aggregates start from the current measures' ids: an index-only
            # scan instead of reading the wide table (the cold report ~15 % faster).
            models.Index(
                fields=["status", "id"], condition=Q(is_archived=False), name="measure_active_ids"
            ),
            models.Index(fields=["end_date"], name="measure_end_date"),
            models.Index(fields=["funding_ends_on"], name="measure_funding_ends"),
            models.Index(fields=["confirmed_at"], name="measure_confirmed_at"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        """Every saved change is a new version: stale edits are recognised by it."""
        if not self._state.adding:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version", "updated_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("measures:detail", args=[self.pk])

    @property
    def is_stale(self):
        """Not confirmed for 12 months: the same rule as `MeasureQuerySet.stale`."""
        return self.confirmed_at < stale_cutoff()

    @property
    def lead_participation(self):
        """The lead, read from prefetched participations when they are there."""
        for participation in self.participations.all():
            if participation.role == Participation.Role.LEAD:
                return participation
        return None

    @property
    def lead_department(self):
        lead = self.lead_participation
        return lead.department if lead else None

    @property
    def departments(self):
        return [p.department for p in self.participations.all()]

    def participations_lead_first(self):
        """The participations with their departments, the lead first, then by name.

        Read once, when first asked for; lists have them prefetched already.
        """
        models.prefetch_related_objects([self], Participation.lead_first_prefetch())
        return self.participations.all()

    def link_list(self):
        return [line.strip() for line in self.links.splitlines() if line.strip()]


class Participation(TimeStampedModel):
    """A department's part in a measure. Exactly one participation per measure is the lead."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Federführung")
        PARTNER = "partner", _("Partner")
        FUNDING = "funding", _("Finanzierung")
        ADVISORY = "advisory", _("Beratung")

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="participations", verbose_name=_("Maßnahme")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name=_("Fachbereich"),
    )
    role = models.CharField(_("Rolle"), max_length=10, choices=Role.choices, default=Role.PARTNER)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Beteiligung")
        verbose_name_plural = _("Beteiligungen")
        ordering = ["department__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "department"],
                name="participation_department_once_per_measure",
                violation_error_message=_("Jeder Fachbereich kann nur einmal beteiligt sein."),
            ),
            models.UniqueConstraint(
                fields=["measure"],
                condition=Q(role="lead"),
                name="participation_one_lead_per_measure",
                violation_error_message=_("Eine Maßnahme hat genau eine Federführung."),
            ),
        ]
        indexes = [models.Index(fields=["department", "role"], name="participation_dept_role")]

    def __str__(self):
        return f"{self.department} – {self.get_role_display()}"

    @classmethod
    def lead_first_prefetch(cls):
        """A measure's participations with their departments, the lead first, then by name."""
        return models.Prefetch(
            "participations",
            queryset=cls.objects.select_related("department").order_by(
                models.Case(models.When(role=cls.Role.LEAD, then=0), default=1),
                "department__name",
            ),
        )
