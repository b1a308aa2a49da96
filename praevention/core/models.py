from django.db import models
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
