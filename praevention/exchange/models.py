"""What the import remembers between uploads: confirmed column and value mappings.

A department sends the same list every quarter; once a coordinator has said which column is
which and what "JugA" means, the next upload of that list maps itself (issue #13).
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from praevention.core.text import match_key


def headers_key(headers: list[str]) -> str:
    """SHA-256 (hex) of a file's header row, compared by `match_key` in file order: the same
    list with NFD umlauts or other letter case is the same set of headers."""
    joined = "\n".join(match_key(header) for header in headers)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


class ColumnMapping(models.Model):
    """The confirmed mapping of one header row: file column → app field (or ignored)."""

    headers_key = models.CharField(_("Schlüssel der Kopfzeile"), max_length=64, unique=True)
    headers = models.JSONField(_("Spaltenüberschriften"), default=list)
    # One entry per file column, in file order: a column key of the exchange format or "".
    fields = models.JSONField(_("Zuordnung"), default=list)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("geändert von"),
    )

    class Meta:
        verbose_name = _("Spaltenzuordnung")
        verbose_name_plural = _("Spaltenzuordnungen")

    def __str__(self) -> str:
        return " | ".join(self.headers)[:200]


class ValueMapping(models.Model):
    """A name the catalogue does not know, confirmed as meaning one of its entries."""

    kind = models.CharField(_("Art"), max_length=40)
    value_key = models.CharField(_("Wert (Vergleichsschlüssel)"), max_length=300)
    value = models.CharField(_("Wert in der Datei"), max_length=300)
    target_id = models.PositiveBigIntegerField(_("Eintrag im Katalog"))
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("geändert von"),
    )

    class Meta:
        verbose_name = _("Wertzuordnung")
        verbose_name_plural = _("Wertzuordnungen")
        constraints = [
            models.UniqueConstraint(fields=["kind", "value_key"], name="value_mapping_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"
