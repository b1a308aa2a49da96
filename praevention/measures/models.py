import datetime
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Greatest, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from praevention.catalog.models import (
    ActionGoal,
    EvidenceLevel,
    FieldOfAction,
    GoodPracticeCriterion,
    LifePhase,
    SocialSpace,
    StrategicGoal,
    TargetGroup,
)
from praevention.core.models import TimeStampedModel
from praevention.core.periods import end_not_before_start
from praevention.core.text import normalize_line, normalize_text
from praevention.measures import rules
from praevention.network.models import Department, Person

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from praevention.accounts.models import User


def _window(start: datetime.date, end: datetime.date) -> tuple[Q, Q]:
    """(the end date within [start, end], the end of funding within [start, end])."""
    return Q(end_date__range=(start, end)), Q(funding_ends_on__range=(start, end))


# The longest free text a measure keeps (characters). The import refuses longer cells
# (exchange/reading.py MAX_CELL_CHARS), so the form must too: what one accepts, the other reads.
TEXT_MAX_LENGTH = 10_000
# Dates of the network's measures: the strategy started in the 2010s, plans reach a few
# decades ahead. A year outside is a typing slip ("0001", "20255"), not a plan.
FIRST_YEAR, LAST_YEAR = 1990, 2100


def validate_plausible_year(value: datetime.date | None) -> None:
    """A date of a measure lies in FIRST_YEAR … LAST_YEAR (four digits, plausible)."""
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            _(
                "Das Jahr %(year)s ist nicht plausibel. Bitte ein Datum zwischen %(first)s und "
                "%(last)s eingeben, das Jahr vierstellig (z. B. 31.12.2026)."
            ),
            params={"year": value.year, "first": FIRST_YEAR, "last": LAST_YEAR},
            code="implausible_year",
        )


def long_text(label: "StrOrPromise", **kwargs: Any) -> "models.TextField[str, str]":
    """A free text of a measure, at most TEXT_MAX_LENGTH characters (form, admin, import)."""
    return models.TextField(
        label,
        blank=True,
        max_length=TEXT_MAX_LENGTH,
        validators=[MaxLengthValidator(TEXT_MAX_LENGTH), *kwargs.pop("validators", [])],
        **kwargs,
    )


def validate_links(value: str) -> None:
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


def stale_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
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


class MeasureQuerySet(models.QuerySet["Measure"]):
    def stale(self, now: datetime.datetime | None = None) -> "MeasureQuerySet":
        """Measures whose entry nobody confirmed for 12 months (see `stale_cutoff`)."""
        return self.filter(confirmed_at__lt=stale_cutoff(now))

    def public(self) -> "MeasureQuerySet":
        """Marked "öffentlich" by a coordinator and not archived: what the public API shows."""
        return self.filter(is_public=True, is_archived=False)

    def changed_since(self, moment: datetime.datetime) -> "MeasureQuerySet":
        """Measures whose own fields, catalogue links or participations changed at or after
        `moment` (aware), or whose publication changed then.

        Read from the history (every save and every link change writes a record of the
        measure, every participation change one of the participation, deletions too), so a
        removed partner counts. EXISTS subqueries: one row per measure.
        """
        own = Measure.history.model.objects.filter(
            id=models.OuterRef("pk"), history_date__gte=moment
        )
        partners = Participation.history.model.objects.filter(
            measure_id=models.OuterRef("pk"), history_date__gte=moment
        )
        return self.filter(
            Q(updated_at__gte=moment)
            | Q(public_changed_at__gte=moment)
            | models.Exists(own)
            | models.Exists(partners)
        )

    def with_changed_at(self) -> "MeasureQuerySet":
        """Annotate `changed_at`: the last change `changed_since` sees (fields, links,
        participations, publication); a subquery per returned row."""
        own = (
            Measure.history.model.objects.filter(id=models.OuterRef("pk"))
            .order_by()
            .values("id")
            .annotate(last=models.Max("history_date"))
            .values("last")
        )
        partners = (
            Participation.history.model.objects.filter(measure_id=models.OuterRef("pk"))
            .order_by()
            .values("measure_id")
            .annotate(last=models.Max("history_date"))
            .values("last")
        )
        return self.annotate(
            changed_at=Greatest(
                F("updated_at"),
                Coalesce(F("public_changed_at"), F("updated_at")),
                Coalesce(models.Subquery(own), F("updated_at")),
                Coalesce(models.Subquery(partners), F("updated_at")),
            )
        )

    def active(self) -> "MeasureQuerySet":
        """Not archived: what the network currently works with."""
        return self.filter(is_archived=False)

    def archived(self) -> "MeasureQuerySet":
        return self.filter(is_archived=True)

    def running(self) -> "MeasureQuerySet":
        return self.filter(status=Measure.Status.RUNNING)

    def for_department(self, department: Department, role: str | None = None) -> "MeasureQuerySet":
        """Measures in which the department takes part (in `role`, if given).

        An EXISTS subquery: no join, so one row per measure and no DISTINCT, and aggregates can
        count the rows of the result.
        """
        lookup = {"measure": models.OuterRef("pk"), "department": department}
        if role:
            lookup["role"] = role
        return self.filter(models.Exists(Participation.objects.filter(**lookup)))

    def linked_to(self, relation: str, **lookup: Any) -> "MeasureQuerySet":
        """Measures with a catalogue link in `relation` (one of `Measure.M2M_FIELDS`) whose
        entry matches `lookup` (e.g. `pk=3`, `lor_number__startswith="0430"`); any link without.

        EXISTS over the link table: no join, so one row per measure and no DISTINCT.
        """
        entry_model = Measure._meta.get_field(relation).related_model
        if not isinstance(entry_model, type):
            raise ValueError(f"{relation!r} is not a link to a catalogue.")
        entry = entry_model._meta.model_name
        links = getattr(Measure, relation).through.objects.filter(
            measure=models.OuterRef("pk"), **{f"{entry}__{key}": v for key, v in lookup.items()}
        )
        return self.filter(models.Exists(links))

    def with_expiry(self, start: datetime.date, end: datetime.date) -> "MeasureQuerySet":
        """Annotate `expires_on`: the earlier of the end date and the end of funding that falls
        within [start, end] (both inclusive), NULL when neither does.

        The rule "ends or loses its funding within the window" lives here and in
        `ending_between`, for the list's "ends within n months" filter and the gap radar.
        """
        ends, funding_ends = _window(start, end)
        return self.annotate(
            expires_on=models.Case(
                models.When(
                    ends & ~(funding_ends & Q(funding_ends_on__lt=F("end_date"))), then="end_date"
                ),
                models.When(funding_ends, then="funding_ends_on"),
                default=None,
                output_field=models.DateField(),
            )
        )

    def ending_between(self, start: datetime.date, end: datetime.date) -> "MeasureQuerySet":
        """Measures that end or lose their funding within [start, end], with `expires_on`.

        The WHERE tests the two date columns directly (indexed), not the annotation.
        """
        ends, funding_ends = _window(start, end)
        return self.with_expiry(start, end).filter(ends | funding_ends)

    def with_lead_name(self) -> "MeasureQuerySet":
        """Annotate `lead_name`, the lead department's name, for sorting and lists."""
        lead = Participation.objects.filter(
            measure=models.OuterRef("pk"), role=Participation.Role.LEAD
        ).values("department__name")[:1]
        return self.annotate(lead_name=models.Subquery(lead))

    def with_relations(self) -> "MeasureQuerySet":
        """Every relation of a measure (exports, imports, editing), in a fixed number of queries."""
        return self.select_related("evidence_level", "contact_person__user").prefetch_related(
            Participation.lead_first_prefetch(), *Measure.M2M_FIELDS
        )

    def for_service_list(self) -> "MeasureQuerySet":
        """What a list of HSDS services shows of each measure (`hsds_service_summary`): the
        lead department, target groups and life phases, in three queries besides its own."""
        return self.prefetch_related(
            Participation.lead_first_prefetch(), "target_groups", "life_phases"
        )

    def for_detail(self) -> "MeasureQuerySet":
        """One measure's page: participations and catalogue links are read when shown.

        For a single measure, reading each link when shown runs the same queries as prefetching
        them, with less ORM work; and while the page's body comes from the cache, none runs.
        """
        return self.select_related("evidence_level", "contact_person__user")

    def for_table(self) -> "MeasureQuerySet":
        """Only what the measure table shows (title, status, departments, target groups).

        Three queries for a page, and no long texts or unused catalogue links to load.
        """
        return self.only("title", "status", "confirmed_at", "is_public").prefetch_related(
            Participation.lead_first_prefetch(), "target_groups"
        )


class Measure(TimeStampedModel):
    """A Maßnahme of the network, run by one lead department with partners."""

    # Annotated by `MeasureQuerySet.with_changed_at` (the public API's Last-Modified).
    changed_at: "datetime.datetime | None"

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

    title = models.CharField(_("Titel"), max_length=200)
    summary = models.CharField(_("Kurzbeschreibung"), max_length=500, blank=True)
    description = long_text(_("Beschreibung"))
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    start_date = models.DateField(
        _("Beginn"), null=True, blank=True, validators=[validate_plausible_year]
    )
    end_date = models.DateField(
        _("Ende"), null=True, blank=True, validators=[validate_plausible_year]
    )

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
    action_goals = models.ManyToManyField(
        ActionGoal, related_name="measures", blank=True, verbose_name=_("Handlungsziele")
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
    funding_ends_on = models.DateField(
        _("Finanzierung endet am"), null=True, blank=True, validators=[validate_plausible_year]
    )

    contact_person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_for",
        verbose_name=_("Ansprechperson"),
    )
    external_partners = long_text(
        _("Externe Partner"), help_text=_("freie Träger, Vereine, Schulen …")
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
    evaluation_notes = long_text(_("Evidenz und Evaluation"))
    links = long_text(
        _("Links"), validators=[validate_links], help_text=_("eine Adresse pro Zeile")
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
    # Who confirmed last (the button or a real edit). The button writes both fields with a
    # QuerySet update (`services.measure_confirm`): no version, so an open edit saves anyway.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("zuletzt bestätigt von"),
    )
    # Opt-in for the public HSDS API (issue #25). Written only by `services.measures_set_public`
    # (a QuerySet update): never part of an edit, so it raises no version and an open edit
    # cannot overwrite it (see `save`). Who and when: `PublicationChange`.
    is_public = models.BooleanField(
        _("öffentlich"),
        default=False,
        editable=False,
        help_text=_(
            "in der öffentlichen HSDS-Schnittstelle sichtbar (von der Koordination gesetzt)"
        ),
    )
    public_changed_at = models.DateTimeField(
        _("öffentlich geändert am"), null=True, blank=True, editable=False
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
    _history_user: "User | None"  # who made a change: set by the services for simple-history
    history = HistoricalRecords(m2m_fields=M2M_FIELDS)

    class Meta:
        verbose_name = _("Maßnahme")
        verbose_name_plural = _("Maßnahmen")
        ordering = ["title"]
        constraints = [
            end_not_before_start(
                start="start_date", end="end_date", name="measure_end_not_before_start"
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
            # Titles that differ only in letter case look like one measure: one of them.
            models.UniqueConstraint(
                Lower("title"),
                name="measure_title_unique_ci",
                violation_error_code="title_taken",
                violation_error_message=_(
                    "Eine Maßnahme mit diesem Titel gibt es schon (Groß- und Kleinschreibung "
                    "zählt nicht). Bitte einen unterscheidbaren Titel wählen."
                ),
            ),
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
            # The public API pages through the public measures by id.
            models.Index(
                fields=["id"], condition=Q(is_public=True, is_archived=False), name="measure_public"
            ),
        ]

    @property
    def shown_contact(self) -> Person | None:
        """The contact person as pages, exports and the HSDS API show them: None when they
        have left (their account is inactive, e.g. pseudonymised; issue #28, fault 8)."""
        person = self.contact_person
        return person if person is not None and person.user.is_active else None

    @property
    def contact_missing(self) -> bool:
        """A contact person is set but has left: the department must name a new one."""
        return self.contact_person_id is not None and self.shown_contact is None

    def __str__(self) -> str:
        return self.title

    CATALOG_CHOICE_FIELDS = (*M2M_FIELDS, "evidence_level")

    def limit_catalog_choices(self, fields: Mapping[str, Any]) -> None:
        """Offer archived catalogue entries only where this measure has them already.

        `fields` are a form's fields by name (the edit form's or the admin's); fields not in
        it are left alone. Prefetched relations (`with_relations`) cost no query.
        """
        for name in self.CATALOG_CHOICE_FIELDS:
            field = fields.get(name)
            if field is None:
                continue
            keep = []
            if self.pk:
                if name == "evidence_level":
                    keep = [self.evidence_level_id] if self.evidence_level_id else []
                else:
                    keep = [obj.pk for obj in getattr(self, name).all()]
            field.queryset = field.queryset.choosable(keep)

    # Single-line texts and free texts, normalised (core/text.py) before they are validated.
    LINE_FIELDS = ("title", "funding_source")
    TEXT_FIELDS = ("summary", "description", "external_partners", "evaluation_notes", "links")

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        """Normalise the texts first (NFC, invisible characters removed, trimmed), so a title
        of zero-width spaces is empty and "Café" in NFD is the same title as in NFC."""
        for name in self.LINE_FIELDS:
            if isinstance(getattr(self, name), str):
                setattr(self, name, normalize_line(getattr(self, name)))
        for name in self.TEXT_FIELDS:
            if isinstance(getattr(self, name), str):
                setattr(self, name, normalize_text(getattr(self, name)))
        super().clean_fields(exclude)

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        """The case-insensitive title rule names the title field, not the whole form."""
        try:
            super().validate_constraints(exclude)
        except ValidationError as error:
            errors = error.update_error_dict({})
            general = errors.get(NON_FIELD_ERRORS, [])
            taken = [e for e in general if getattr(e, "code", None) == "title_taken"]
            if taken:
                errors[NON_FIELD_ERRORS] = [e for e in general if e not in taken]
                if not errors[NON_FIELD_ERRORS]:
                    del errors[NON_FIELD_ERRORS]
                errors.setdefault("title", []).extend(taken)
            raise ValidationError(errors) from None

    # Set only by `services.measures_set_public`; a save of the measure never writes them.
    PUBLICATION_FIELDS = ("is_public", "public_changed_at")

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Every saved change is a new version: stale edits are recognised by it.

        A save of an existing measure writes every field but the publication fields, so an
        edit opened before a coordinator published the measure cannot unpublish it.
        """
        if not self._state.adding:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version", "updated_at"}
            else:
                kwargs["update_fields"] = [
                    f.name
                    for f in self._meta.concrete_fields
                    if not f.primary_key and f.name not in self.PUBLICATION_FIELDS
                ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("measures:detail", args=[self.pk])

    @property
    def is_stale(self) -> bool:
        """Not confirmed for 12 months: the same rule as `MeasureQuerySet.stale`."""
        return self.confirmed_at < stale_cutoff()

    @property
    def lead_participation(self) -> "Participation | None":
        """The lead, read from prefetched participations when they are there."""
        for participation in self.participations.all():
            if participation.role == Participation.Role.LEAD:
                return participation
        return None

    @property
    def lead_department(self) -> Department | None:
        lead = self.lead_participation
        return lead.department if lead else None

    @property
    def departments(self) -> list[Department]:
        return [p.department for p in self.participations.all()]

    def participations_lead_first(self) -> "models.QuerySet[Participation]":
        """The participations with their departments, the lead first, then by name.

        Read once, when first asked for; lists have them prefetched already.
        """
        models.prefetch_related_objects([self], Participation.lead_first_prefetch())
        return self.participations.all()

    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]


class Participation(TimeStampedModel):
    """A department's part in a measure. Exactly one participation per measure is the lead."""

    class Role(models.TextChoices):
        LEAD = rules.LEAD, _("Federführung")
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
    _history_user: "User | None"  # who made a change: set by the services for simple-history
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
                condition=Q(role=rules.LEAD),
                name="participation_one_lead_per_measure",
                violation_error_message=_("Eine Maßnahme hat genau eine Federführung."),
            ),
        ]
        indexes = [models.Index(fields=["department", "role"], name="participation_dept_role")]

    def __str__(self) -> str:
        return f"{self.department} – {self.get_role_display()}"

    @classmethod
    def lead_first_prefetch(cls) -> models.Prefetch:
        """A measure's participations with their departments, the lead first, then by name."""
        return models.Prefetch(
            "participations",
            queryset=cls.objects.select_related("department").order_by(
                models.Case(models.When(role=cls.Role.LEAD, then=0), default=1),
                "department__name",
            ),
        )


class PublicationChange(models.Model):
    """Who marked a measure "öffentlich" or took the mark back, and when (its history)."""

    measure = models.ForeignKey(
        Measure,
        on_delete=models.CASCADE,
        related_name="publication_changes",
        verbose_name=_("Maßnahme"),
    )
    is_public = models.BooleanField(_("öffentlich"))
    changed_at = models.DateTimeField(_("geändert am"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("geändert von"),
    )

    class Meta:
        verbose_name = _("Veröffentlichung")
        verbose_name_plural = _("Veröffentlichungen")
        ordering = ["changed_at", "pk"]
        indexes = [models.Index(fields=["measure", "changed_at"], name="publication_measure_time")]

    def __str__(self) -> str:
        return f"{self.measure_id}: {self.is_public}"


class SearchSynonym(TimeStampedModel):
    """Words and abbreviations the measure search treats as one (`measures.search`): a query
    for any of them finds measures that use another ("Kita" finds "Kindertagesstätte").

    Coordinators keep the list in the admin; a data migration seeds the common ones.
    """

    terms = models.TextField(
        _("Gleichbedeutende Begriffe"),
        help_text=_(
            "Ein Begriff pro Zeile, z. B. Kita, Kindertagesstätte und Kindertageseinrichtung. "
            "Die Suche nach einem davon findet alle."
        ),
    )

    class Meta:
        verbose_name = _("Suchbegriff mit Synonymen")
        verbose_name_plural = _("Synonyme und Abkürzungen der Suche")
        ordering = ["terms"]

    def __str__(self) -> str:
        return " = ".join(self.term_list())

    def term_list(self) -> list[str]:
        """The terms, normalised, each once, in the order written."""
        return list(
            dict.fromkeys(
                term for term in (normalize_line(line) for line in self.terms.splitlines()) if term
            )
        )

    def clean(self) -> None:
        terms = self.term_list()
        if len(terms) < 2:
            raise ValidationError(
                {
                    "terms": _(
                        "Bitte mindestens zwei Begriffe nennen, einen pro Zeile: den Begriff "
                        "und was dasselbe meint."
                    )
                }
            )
        self.terms = "\n".join(terms)
