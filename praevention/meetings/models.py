"""Core-team meetings, what was agreed there (decisions), who follows up by when, comments on
measures, and the bookkeeping of the weekly digest.

Nothing here is deleted by users: meetings, decisions and follow-ups are archived, comments
are withdrawn or hidden; simple-history keeps every version.
"""

import datetime
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from praevention.core.models import TimeStampedModel
from praevention.core.periods import end_not_before_start
from praevention.measures.models import Measure
from praevention.network.models import Department, Person

if TYPE_CHECKING:
    from praevention.accounts.models import User


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def active(self) -> Self:
        return self.filter(is_archived=False)

    def for_list(self) -> Self:
        """A page of meetings with their participants and the number of open follow-ups:
        three queries whatever the number of meetings."""
        return self.annotate(
            decision_count=models.Count(
                "decisions", filter=Q(decisions__is_archived=False), distinct=True
            ),
            open_follow_up_count=models.Count(
                "follow_ups",
                filter=Q(follow_ups__is_archived=False, follow_ups__status=FollowUp.Status.OPEN),
                distinct=True,
            ),
        ).prefetch_related(
            models.Prefetch(
                "participants", queryset=Person.objects.select_related("user", "department")
            )
        )


class Meeting(TimeStampedModel):
    """A meeting of the core team (Kernteamsitzung): when, where, who, and what about."""

    # Who made the change: simple-history records it with the version (set by the services).
    _history_user: "User | None"

    title = models.CharField(_("Titel"), max_length=200)
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"), null=True, blank=True)
    place = models.CharField(_("Ort"), max_length=200, blank=True)
    online_link = models.URLField(_("Online-Link"), blank=True, max_length=500)
    participants = models.ManyToManyField(
        Person, related_name="meetings", blank=True, verbose_name=_("Teilnehmende")
    )
    agenda = models.TextField(
        _("Tagesordnung"), blank=True, help_text=_("ein Tagesordnungspunkt pro Zeile")
    )
    notes = models.TextField(_("Protokollnotizen"), blank=True)
    is_archived = models.BooleanField(_("archiviert"), default=False)
    # iCalendar's SEQUENCE (RFC 5545, 3.8.7.4): raised by `save` with every change of time or
    # place and on archiving or restoring, so calendars replace the entry they hold.
    sequence = models.PositiveIntegerField(_("Terminfassung"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("angelegt von"),
    )

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[participants])

    class Meta:
        verbose_name = _("Sitzung")
        verbose_name_plural = _("Sitzungen")
        ordering = ["-starts_at"]
        constraints = [
            end_not_before_start(
                start="starts_at",
                end="ends_at",
                name="meeting_end_not_before_start",
                start_optional=False,
            ),
            models.CheckConstraint(condition=~Q(title=""), name="meeting_title_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({timezone.localtime(self.starts_at):%d.%m.%Y})"

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    # What a calendar entry says: a change of one of these raises `sequence`.
    SCHEDULE_FIELDS = ("starts_at", "ends_at", "place", "online_link", "is_archived")

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save; a changed time, place or archived state raises `sequence` by one.

        Here rather than in a service, so the form, the admin and its archive actions all
        count: a calendar ignores an update whose SEQUENCE is not higher than the one it holds.
        """
        if self.pk is not None and not self._state.adding:
            before = Meeting.objects.filter(pk=self.pk).values_list(*self.SCHEDULE_FIELDS).first()
            now = tuple(getattr(self, name) for name in self.SCHEDULE_FIELDS)
            if before is not None and tuple(before) != now:
                self.sequence += 1
                update_fields = kwargs.get("update_fields")
                if update_fields is not None:
                    kwargs["update_fields"] = {*update_fields, "sequence"}
        super().save(*args, **kwargs)

    def agenda_items(self) -> list[str]:
        return [line.strip() for line in self.agenda.splitlines() if line.strip()]

    @property
    def is_past(self) -> bool:
        return self.starts_at < timezone.now()


class Decision(TimeStampedModel):
    """A Beschluss of a meeting, linked to the measures and departments it concerns."""

    # Who made the change: simple-history records it with the version (set by the services).
    _history_user: "User | None"

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("Sitzung")
    )
    text = models.TextField(_("Beschluss"))
    measures = models.ManyToManyField(
        Measure, related_name="decisions", blank=True, verbose_name=_("Maßnahmen")
    )
    departments = models.ManyToManyField(
        Department, related_name="decisions", blank=True, verbose_name=_("Fachbereiche")
    )
    is_archived = models.BooleanField(_("archiviert"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("angelegt von"),
    )

    history = HistoricalRecords(m2m_fields=[measures, departments])

    class Meta:
        verbose_name = _("Beschluss")
        verbose_name_plural = _("Beschlüsse")
        ordering = ["meeting__starts_at", "created_at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="decision_not_empty")]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def active(self) -> Self:
        return self.filter(is_archived=False)

    def open(self) -> Self:
        return self.filter(is_archived=False, status=FollowUp.Status.OPEN)

    def overdue(self, today: datetime.date | None = None) -> Self:
        """Open and past their due date (due today is not overdue yet)."""
        return self.open().filter(due_on__lt=today or timezone.localdate())

    def for_person(self, person: Person | None) -> Self:
        return self.filter(responsible=person)

    def for_department(self, department: Department | int | None) -> Self:
        return self.filter(department=department)

    def with_relations(self) -> Self:
        """What a list of follow-ups shows, in one query."""
        return self.select_related(
            "responsible__user", "department", "measure", "meeting", "decision"
        ).order_by("due_on", "pk")


class FollowUp(TimeStampedModel):
    """An Aufgabe: what, who is responsible (and their department), by when, open or done."""

    # Who made the change: simple-history records it with the version (set by the services).
    _history_user: "User | None"

    # A follow-up due within this many days counts as "due" on the start page and in the digest.
    DUE_SOON_DAYS = 7

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        DONE = "done", _("erledigt")

    title = models.CharField(_("Was ist zu tun?"), max_length=300)
    responsible = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("Verantwortlich"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("Fachbereich"),
        help_text=_("der Fachbereich der verantwortlichen Person"),
    )
    due_on = models.DateField(_("fällig am"))
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    done_at = models.DateTimeField(_("erledigt am"), null=True, blank=True)
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("Sitzung"),
    )
    decision = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("Beschluss"),
    )
    # Measures are archived, not deleted; should an admin delete one, its tasks stay.
    measure = models.ForeignKey(
        Measure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("Maßnahme"),
    )
    is_archived = models.BooleanField(_("archiviert"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("angelegt von"),
    )

    objects = FollowUpQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Aufgabe")
        verbose_name_plural = _("Aufgaben")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="follow_up_title_not_empty"),
            models.CheckConstraint(
                condition=Q(status="open", done_at__isnull=True)
                | Q(status="done", done_at__isnull=False),
                name="follow_up_done_at_matches_status",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"], name="follow_up_status_due"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.is_open and self.due_on < (today or timezone.localdate())

    def is_due_soon(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        limit = today + datetime.timedelta(days=self.DUE_SOON_DAYS)
        return self.is_open and today <= self.due_on <= limit

    @property
    def urgency(self) -> str:
        """ "overdue", "due" (within DUE_SOON_DAYS), "later" or "done": for badges."""
        if not self.is_open:
            return "done"
        if self.is_overdue():
            return "overdue"
        return "due" if self.is_due_soon() else "later"


class CommentQuerySet(models.QuerySet["Comment"]):
    def shown(self) -> Self:
        """Neither withdrawn by the author nor hidden by a coordinator."""
        return self.filter(is_withdrawn=False, is_hidden=False)

    def with_authors(self) -> Self:
        return self.select_related("author__person__department").order_by("created_at", "pk")


class Comment(TimeStampedModel):
    """A core-team member's comment or question on a measure."""

    # Who made the change: simple-history records it with the version (set by the services).
    _history_user: "User | None"

    # Authors may change or withdraw their own comment only this long after writing it.
    EDIT_WINDOW = datetime.timedelta(minutes=15)

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="comments", verbose_name=_("Maßnahme")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="measure_comments",
        verbose_name=_("verfasst von"),
    )
    text = models.TextField(_("Kommentar"), max_length=4000)
    is_withdrawn = models.BooleanField(_("zurückgezogen"), default=False)
    is_hidden = models.BooleanField(_("ausgeblendet"), default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ausgeblendet von"),
    )

    objects = CommentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Kommentar")
        verbose_name_plural = _("Kommentare")
        ordering = ["created_at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="comment_not_empty")]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 60 else self.text[:59] + "…"

    def editable_until(self) -> datetime.datetime:
        return self.created_at + self.EDIT_WINDOW


class DigestSetting(models.Model):
    """A person's choice about the weekly digest; without a row the digest is on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="digest_setting",
        verbose_name=_("Benutzerkonto"),
    )
    weekly_digest = models.BooleanField(
        _("Wöchentliche Zusammenfassung per E-Mail"),
        default=True,
        help_text=_(
            "Einmal pro Woche: meine offenen Aufgaben, Änderungen an Maßnahmen meines "
            "Fachbereichs, bald auslaufende Maßnahmen und Einträge, die ich bestätigen sollte."
        ),
    )
    _history_user: "User | None"  # who made a change: set before save for simple-history
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("E-Mail-Einstellung")
        verbose_name_plural = _("E-Mail-Einstellungen")

    def __str__(self) -> str:
        return str(self.user)


class DigestDelivery(models.Model):
    """One weekly digest sent to one person: at most one per ISO week (the unique key)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="digest_deliveries",
        verbose_name=_("Benutzerkonto"),
    )
    week_start = models.DateField(_("Woche ab"), help_text=_("der Montag der Woche"))
    sent_at = models.DateTimeField(_("gesendet am"), default=timezone.now)

    class Meta:
        verbose_name = _("Versandte Zusammenfassung")
        verbose_name_plural = _("Versandte Zusammenfassungen")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "week_start"], name="digest_once_per_person_and_week"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.week_start:%d.%m.%Y}"


class CalendarSubscription(models.Model):
    """A person's secret calendar address (their meetings and due follow-ups, `calendar.py`).

    The key is the only secret in the address; renewing it (`services.calendar_key_renew`)
    makes the old address answer 404 at once, deleting the row switches the feed off.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_subscription",
        verbose_name=_("Benutzerkonto"),
    )
    key = models.CharField(_("Schlüssel"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)

    class Meta:
        verbose_name = _("Kalender-Abonnement")
        verbose_name_plural = _("Kalender-Abonnements")

    def __str__(self) -> str:
        return str(self.user)

    def get_absolute_url(self) -> str:
        return reverse("meetings:calendar_feed", args=[self.key])
