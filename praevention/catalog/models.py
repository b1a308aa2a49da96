"""Master data of the prevention chain, seeded by a data migration and kept by coordinators."""

from collections.abc import Iterable
from typing import Self, TypeVar

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from praevention.core.models import TimeStampedModel

M = TypeVar("M", bound=models.Model)


class CatalogQuerySet(models.QuerySet[M]):
    def active(self) -> Self:
        """Entries offered for new choices: not archived."""
        return self.filter(is_archived=False)

    def choosable(self, keep: Iterable[int] = ()) -> Self:
        """What a measure's form offers: the active entries plus `keep` (ids the measure
        already links to), so an archived entry stays on the measures that have it."""
        return self.filter(Q(is_archived=False) | Q(pk__in=list(keep)))


class ArchivableEntry(TimeStampedModel):
    """A catalogue entry in use is archived instead of deleted (catalog/usage.py)."""

    is_archived = models.BooleanField(
        _("archiviert"),
        default=False,
        help_text=_(
            "Archivierte Einträge stehen für neue Maßnahmen nicht mehr zur Auswahl; "
            "Maßnahmen, die sie schon haben, behalten sie."
        ),
    )

    objects = CatalogQuerySet.as_manager()

    class Meta:
        abstract = True


class OrderedNameModel(ArchivableEntry):
    """Catalogue entries have a unique name and a position for lists and matrices."""

    name = models.CharField(_("Bezeichnung"), max_length=200, unique=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class LifePhase(OrderedNameModel):
    """A link in the prevention chain; `position` orders the chain from pregnancy onwards."""

    age_from = models.PositiveSmallIntegerField(_("Alter von"), null=True, blank=True)
    age_to = models.PositiveSmallIntegerField(_("Alter bis"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta(OrderedNameModel.Meta):
        verbose_name = _("Lebensphase")
        verbose_name_plural = _("Lebensphasen")
        constraints = [
            models.UniqueConstraint(fields=["position"], name="lifephase_position_unique"),
            models.CheckConstraint(
                condition=Q(age_from__isnull=True)
                | Q(age_to__isnull=True)
                | Q(age_to__gte=F("age_from")),
                name="lifephase_age_range_ordered",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="lifephase_name_not_empty"),
        ]


class TargetGroup(OrderedNameModel):
    """Whom a measure is for; `life_phases` says in which links of the chain the group can occur.

    A group without life phases applies to every phase (so data from before the field keeps
    its meaning); the gap radar counts only applicable cells (`applies_to`).
    """

    life_phases = models.ManyToManyField(
        LifePhase,
        related_name="target_groups",
        blank=True,
        verbose_name=_("Lebensphasen"),
        help_text=_(
            "In welchen Lebensphasen es diese Zielgruppe gibt. Leer lassen, wenn sie in allen "
            "vorkommt. Lebensphasen, die nicht passen, zählt der Lückenradar nicht als Lücke."
        ),
    )
    history = HistoricalRecords()

    class Meta(OrderedNameModel.Meta):
        verbose_name = _("Zielgruppe")
        verbose_name_plural = _("Zielgruppen")
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="targetgroup_name_not_empty"),
        ]

    def applies_to(self, phase: LifePhase) -> bool:
        """Whether the group occurs in life phase `phase` (a LifePhase); all phases when none set.

        Reads `life_phases.all()`, so prefetch it for lists (`Dimensions.target_groups`).
        """
        phases = self.life_phases.all()
        return not phases or any(p.pk == phase.pk for p in phases)


class RiskFactor(OrderedNameModel):
    target_groups = models.ManyToManyField(
        TargetGroup, related_name="risk_factors", blank=True, verbose_name=_("Zielgruppen")
    )
    history = HistoricalRecords()

    class Meta(OrderedNameModel.Meta):
        verbose_name = _("Risikofaktor")
        verbose_name_plural = _("Risikofaktoren")
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="riskfactor_name_not_empty"),
        ]


class FieldOfAction(OrderedNameModel):
    """A Handlungsfeld of the Berlin strategy (Teilhabe, Bildung, …)."""

    history = HistoricalRecords()

    class Meta(OrderedNameModel.Meta):
        verbose_name = _("Handlungsfeld")
        verbose_name_plural = _("Handlungsfelder")
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="fieldofaction_name_not_empty"),
        ]


class StrategicGoal(ArchivableEntry):
    field_of_action = models.ForeignKey(
        FieldOfAction,
        on_delete=models.PROTECT,
        related_name="strategic_goals",
        verbose_name=_("Handlungsfeld"),
    )
    title = models.CharField(_("Ziel"), max_length=300)
    description = models.TextField(_("Beschreibung"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Strategisches Ziel")
        verbose_name_plural = _("Strategische Ziele")
        ordering = ["field_of_action__position", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["field_of_action", "title"], name="strategicgoal_unique_per_field"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="strategicgoal_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title


class ActionGoal(ArchivableEntry):
    """A Handlungsziel: the third level of the Berlin strategy (Handlungsfeld → strategisches
    Ziel → Handlungsziel; 4 fields, 15 goals, 69 Handlungsziele in the 2021 strategy).

    Master data like the goals above it, so it lives in the catalogue and is archived,
    merged and kept with history by the same machinery (catalog/usage.py, the admin).
    Measures link to it; indicators (outcomes) hang off it or its strategic goal.
    """

    strategic_goal = models.ForeignKey(
        StrategicGoal,
        on_delete=models.PROTECT,
        related_name="action_goals",
        verbose_name=_("Strategisches Ziel"),
    )
    title = models.CharField(_("Handlungsziel"), max_length=300)
    description = models.TextField(_("Beschreibung"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Handlungsziel")
        verbose_name_plural = _("Handlungsziele")
        ordering = ["strategic_goal__field_of_action__position", "strategic_goal__title", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategic_goal", "title"], name="actiongoal_unique_per_goal"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="actiongoal_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title


class EvidenceLevel(ArchivableEntry):
    """Grüne-Liste style evidence: 0 not evaluated … 3 proven effective."""

    level = models.PositiveSmallIntegerField(_("Stufe"), unique=True)
    name = models.CharField(_("Bezeichnung"), max_length=200, unique=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Evidenzstufe")
        verbose_name_plural = _("Evidenzstufen")
        ordering = ["level"]
        constraints = [
            models.CheckConstraint(condition=Q(level__lte=3), name="evidencelevel_level_range"),
        ]

    def __str__(self) -> str:
        return self.name


class GoodPracticeCriterion(OrderedNameModel):
    """A Good-Practice criterion of the Kooperationsverbund Gesundheitliche Chancengleichheit."""

    history = HistoricalRecords()

    class Meta(OrderedNameModel.Meta):
        verbose_name = _("Good-Practice-Kriterium")
        verbose_name_plural = _("Good-Practice-Kriterien")
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="goodpractice_name_not_empty"),
        ]


class SocialSpaceQuerySet(CatalogQuerySet["SocialSpace"]):
    def bezirke(self) -> Self:
        return self.filter(level=SocialSpace.Level.BEZIRK)

    def prognoseraeume(self) -> Self:
        return self.filter(level=SocialSpace.Level.PROGNOSERAUM)

    def bezirksregionen(self) -> Self:
        return self.filter(level=SocialSpace.Level.BEZIRKSREGION)

    def planungsraeume(self) -> Self:
        return self.filter(level=SocialSpace.Level.PLANUNGSRAUM)

    def within(self, space: "SocialSpace") -> Self:
        """The space itself and everything below it: LOR numbers nest by prefix."""
        return self.filter(lor_number__startswith=space.lor_number)


class SocialSpace(ArchivableEntry):
    """A social space of the district: in Berlin a Lebensweltlich orientierter Raum (LOR 2021).

    `lor_number` is the nesting key: Bezirk 2 digits, Prognoseraum 4, Bezirksregion 6,
    Planungsraum 8, each starting with its parent's key, so "everything inside" is a prefix
    match. In Berlin it is the LOR number; a municipality loading its own files
    (`catalog.spacefiles`) gets keys assigned and keeps its own identifier in `code`, shown to
    users. The lowest level carries the indicator values, its parent plays the Bezirksregion.
    """

    class Level(models.TextChoices):
        BEZIRK = "bez", _("Bezirk")
        PROGNOSERAUM = "pgr", _("Prognoseraum")
        BEZIRKSREGION = "bzr", _("Bezirksregion")
        PLANUNGSRAUM = "plr", _("Planungsraum")

    LOR_LENGTH: dict[str, int] = {
        Level.BEZIRK: 2,
        Level.PROGNOSERAUM: 4,
        Level.BEZIRKSREGION: 6,
        Level.PLANUNGSRAUM: 8,
    }
    PARENT_LEVEL: dict[str, str | None] = {
        Level.BEZIRK: None,
        Level.PROGNOSERAUM: Level.BEZIRK,
        Level.BEZIRKSREGION: Level.PROGNOSERAUM,
        Level.PLANUNGSRAUM: Level.BEZIRKSREGION,
    }

    lor_number = models.CharField(_("LOR-Nummer"), max_length=8, unique=True)
    code = models.CharField(
        _("Kennung"),
        max_length=100,
        blank=True,
        db_index=True,
        help_text=_("Die Kennung des Raums in den geladenen Dateien (in Berlin die LOR-Nummer)."),
    )
    name = models.CharField(_("Name"), max_length=200)
    level = models.CharField(_("Ebene"), max_length=3, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("übergeordneter Raum"),
    )
    history = HistoricalRecords()

    objects = SocialSpaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("Sozialraum")
        verbose_name_plural = _("Sozialräume")
        ordering = ["lor_number"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(level="bez", lor_number__regex=r"^[0-9]{2}$", parent__isnull=True)
                    | Q(level="pgr", lor_number__regex=r"^[0-9]{4}$")
                    | Q(level="bzr", lor_number__regex=r"^[0-9]{6}$", parent__isnull=False)
                    | Q(level="plr", lor_number__regex=r"^[0-9]{8}$", parent__isnull=False)
                ),
                name="socialspace_level_matches_number",
            ),
            models.UniqueConstraint(fields=["parent", "name"], name="socialspace_unique_name"),
            models.CheckConstraint(condition=~Q(name=""), name="socialspace_name_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.shown_number} {self.name}"

    @property
    def shown_number(self) -> str:
        """The identifier users know: the file's own (`code`), else the LOR number."""
        return self.code or self.lor_number

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        expected = self.PARENT_LEVEL.get(self.level)
        if self.parent_id is None and expected not in (None, self.Level.BEZIRK):
            raise ValidationError({"parent": _("Dieser Raum braucht einen übergeordneten Raum.")})
        if self.parent is not None:
            if self.parent.level != expected:
                raise ValidationError(
                    {"parent": _("Der übergeordnete Raum hat die falsche Ebene.")}
                )
            if not self.lor_number.startswith(self.parent.lor_number):
                raise ValidationError(
                    {
                        "lor_number": _(
                            "Die LOR-Nummer muss mit der des übergeordneten Raums beginnen."
                        )
                    }
                )


class SocialSpaceGeometry(models.Model):
    """The outline of a social space as a GeoJSON geometry (WGS84 longitude/latitude, RFC 7946).

    Kept apart from SocialSpace so that lists, filters, forms and the space's history never
    carry the polygons; only the map reads them. Source: LOR 2021, Amt für Statistik
    Berlin-Brandenburg (see `catalog/data/*/README.md`).
    """

    space = models.OneToOneField(
        SocialSpace,
        on_delete=models.CASCADE,
        related_name="geometry",
        verbose_name=_("Sozialraum"),
    )
    geojson = models.JSONField(_("Geometrie (GeoJSON, WGS84)"))
    # The map caches its drawing under the newest change (overview.maps.outlines).
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Umriss eines Sozialraums")
        verbose_name_plural = _("Umrisse der Sozialräume")

    def __str__(self) -> str:
        return str(self.space)


class SocialMonitoring(models.Model):
    """One year's social-monitoring values for one Planungsraum (the lowest level).

    In Berlin the Monitoring Soziale Stadtentwicklung (MSS) of the Senatsverwaltung für
    Stadtentwicklung, Bauen und Wohnen, per Planungsraum every two years (MSS 2021: data as of
    31.12.2020). The status index class runs from 1 high to 4 very low social status, i.e. 4
    means the highest need; MSS 2023 publishes indicator values without classes or
    inhabitants, so both may be empty on a valid row. A Planungsraum the MSS does not assess
    ("ungültig", e.g. fewer than 300 inhabitants) has `is_valid` False and no values.
    `child_poverty` is S4 (share of children under 15 in households receiving transfer
    benefits, %), `single_parent` S2 (children in single-parent households, %); name, unit and
    source of each year's indicators are in `MonitoringIndicator`.
    """

    class StatusClass(models.IntegerChoices):
        HIGH = 1, _("hoch")
        MEDIUM = 2, _("mittel")
        LOW = 3, _("niedrig")
        VERY_LOW = 4, _("sehr niedrig")

    space = models.ForeignKey(
        SocialSpace,
        on_delete=models.CASCADE,
        related_name="monitoring",
        verbose_name=_("Planungsraum"),
    )
    year = models.PositiveSmallIntegerField(_("MSS-Jahr"))
    is_valid = models.BooleanField(_("gültig"), default=True)
    status_class = models.PositiveSmallIntegerField(
        _("Statusindex (Klasse)"),
        choices=StatusClass.choices,
        null=True,
        blank=True,
        help_text=_("1 hoch … 4 sehr niedrig (höchster Bedarf)"),
    )
    status_index = models.DecimalField(
        _("Statusindex (Wert)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    inhabitants = models.PositiveIntegerField(
        _("Einwohnerinnen und Einwohner"), null=True, blank=True
    )
    child_poverty = models.DecimalField(
        _("Kinderarmut (S4, %)"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    single_parent = models.DecimalField(
        _("Kinder in Alleinerziehenden-Haushalten (S2, %)"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("MSS-Wert")
        verbose_name_plural = _("MSS-Werte")
        ordering = ["-year", "space__lor_number"]
        constraints = [
            models.UniqueConstraint(fields=["space", "year"], name="socialmonitoring_once_a_year"),
            models.CheckConstraint(
                condition=Q(is_valid=True) | Q(status_class__isnull=True),
                name="socialmonitoring_no_class_when_invalid",
            ),
            models.CheckConstraint(
                condition=Q(status_class__isnull=True)
                | Q(status_class__gte=1, status_class__lte=4),
                name="socialmonitoring_class_range",
            ),
            models.CheckConstraint(
                condition=Q(child_poverty__isnull=True)
                | Q(child_poverty__gte=0, child_poverty__lte=100),
                name="socialmonitoring_child_poverty_percent",
            ),
            models.CheckConstraint(
                condition=Q(single_parent__isnull=True)
                | Q(single_parent__gte=0, single_parent__lte=100),
                name="socialmonitoring_single_parent_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"MSS {self.year} {self.space}"


class MonitoringIndicator(models.Model):
    """Name, unit and source of one indicator in one year, shown wherever its values are."""

    class Key(models.TextChoices):
        STATUS = "status", _("Statusindex")
        CHILD_POVERTY = "kinderarmut", _("Kinderarmut")
        SINGLE_PARENT = "alleinerziehende", _("Kinder Alleinerziehender")

    year = models.PositiveSmallIntegerField(_("Jahr"))
    key = models.CharField(_("Indikator"), max_length=20, choices=Key.choices)
    name = models.CharField(_("Name"), max_length=200)
    unit = models.CharField(_("Einheit"), max_length=20, blank=True)
    source = models.CharField(_("Quelle"), max_length=500)

    class Meta:
        verbose_name = _("Indikator")
        verbose_name_plural = _("Indikatoren")
        ordering = ["key", "year"]
        constraints = [
            models.UniqueConstraint(fields=["year", "key"], name="monitoringindicator_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"


class District(models.Model):
    """The district (Bezirk) or municipality this database serves: one row, written only by
    `manage.py setup_district` (`catalog.districts`). The database is the source of truth;
    the DISTRICT environment variable only tells `make run` which demo district to set up."""

    class Profile(models.TextChoices):
        BERLIN = "berlin", _("Berlin (LOR 2021, MSS)")
        FILES = "dateien", _("eigene Dateien")

    singleton = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    number = models.CharField(_("Kennung"), max_length=20)
    name = models.CharField(_("Name"), max_length=200)
    profile = models.CharField(_("Profil"), max_length=10, choices=Profile.choices)
    # {"plr": ["Planungsraum", "Planungsräume"], …}: the level names as the files give them.
    level_names = models.JSONField(_("Namen der Ebenen"), default=dict)
    credits = models.JSONField(_("Quellenangaben der Räume und Umrisse"), default=list)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Bezirk")
        verbose_name_plural = _("Bezirke")
        constraints = [
            models.CheckConstraint(condition=Q(singleton=1), name="district_only_one"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def level_name(self, level: str, plural: bool = False) -> str:
        """The level's name in this district ("Planungsraum"; plural "Planungsräume")."""
        names = self.level_names.get(level)
        if names:
            return names[1 if plural else 0]
        return str(SocialSpace.Level(level).label)
