import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Every domain record knows when it was created and last changed."""

    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        abstract = True


class DataVersion(models.Model):
    """One row whose token changes with every write to the tables cached pages read.

    Database triggers set it (see `core.dataversion.install_triggers`). The token is random,
    not a counter: a rolled-back write or a restored backup can never bring back a token that
    stood for other data.
    """

    token = models.CharField(_("Stand"), max_length=36)
    # When the token was last replaced (the database's clock): the HSDS API's Last-Modified.
    changed_at = models.DateTimeField(_("geändert am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Datenstand")
        verbose_name_plural = _("Datenstände")

    def __str__(self) -> str:
        return self.token


class RateCounter(models.Model):
    """How many requests one key (a client machine, a hashed address) made in its current
    window; written only by `core.ratelimit.hit`, deleted by `core.ratelimit.purge_expired`."""

    key = models.CharField(_("Schlüssel"), max_length=200, unique=True)
    count = models.PositiveIntegerField(_("Anzahl"), default=0)
    expires_at = models.DateTimeField(_("Zeitfenster endet"), db_index=True)

    class Meta:
        verbose_name = _("Zähler einer Anfragegrenze")
        verbose_name_plural = _("Zähler der Anfragegrenzen")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class DownloadSlot(models.Model):
    """A heavy download in progress: a user may hold DOWNLOADS_PER_USER of them at once.

    A row, not a cache entry, so that no eviction can hand out more (issue #28, items 3 and
    6). `expires_at` frees a slot whose worker died without releasing it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="download_slots"
    )
    exporter = models.CharField(_("Download"), max_length=64)
    started_at = models.DateTimeField(_("begonnen am"), auto_now_add=True)
    expires_at = models.DateTimeField(_("läuft ab am"))

    class Meta:
        verbose_name = _("laufender Download")
        verbose_name_plural = _("laufende Downloads")
        indexes = [models.Index(fields=["user", "expires_at"], name="core_slot_user_expiry")]

    def __str__(self) -> str:
        return f"{self.exporter} ({self.user_id})"


class ExportJob(models.Model):
    """A download made in the background (`core.jobs`): its progress, then its file."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("wartet")
        RUNNING = "running", _("läuft")
        DONE = "done", _("fertig")
        FAILED = "failed", _("fehlgeschlagen")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    exporter = models.CharField(_("Download"), max_length=64)
    params = models.TextField(_("Auswahl"), blank=True)
    filename = models.CharField(_("Dateiname"), max_length=200)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    done = models.PositiveIntegerField(_("erledigt"), default=0)
    total = models.PositiveIntegerField(_("insgesamt"), null=True, blank=True)
    content = models.BinaryField(_("Datei"), null=True, blank=True)
    slot = models.ForeignKey(DownloadSlot, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    finished_at = models.DateTimeField(_("fertig am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Download im Hintergrund")
        verbose_name_plural = _("Downloads im Hintergrund")

    def __str__(self) -> str:
        return f"{self.exporter} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("core:export_job", args=[self.pk])

    @property
    def percent(self) -> int:
        """How far it is, 0–100; 0 while the size is not known yet."""
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, self.done * 100 // self.total)
