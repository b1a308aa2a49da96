"""Frozen editions of the committee report: what a committee was shown, kept as it was."""

from collections.abc import Iterable
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EditionChangedError(Exception):
    """An edition's content was about to change: editions are never edited."""


class EditionQuerySet(models.QuerySet["Edition"]):
    def valid(self) -> Self:
        """Editions not withdrawn: the ones to compare with."""
        return self.filter(withdrawn_at__isnull=True)

    def listed(self) -> Self:
        """Everything but the stored files, newest first (a list need not read megabytes)."""
        return self.defer("figures", "page_html", "pdf", "xlsx").select_related(
            "created_by", "withdrawn_by"
        )


class Edition(models.Model):
    """The report as a coordinator "schrieb ihn fest": figures, page, PDF and XLSX as they were.

    Only the withdrawal fields ever change after creation (`save` refuses anything else);
    a withdrawn edition stays readable and is marked.
    """

    WITHDRAWAL_FIELDS = ("withdrawn_at", "withdrawn_by", "withdrawal_reason")

    title = models.CharField(_("Titel"), max_length=200)
    created_at = models.DateTimeField(_("festgeschrieben am"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("festgeschrieben von"),
    )
    created_by_name = models.CharField(_("Name beim Festschreiben"), max_length=200)
    params = models.CharField(_("Auswahl (Parameter)"), max_length=2000, blank=True)
    language = models.CharField(_("Sprache"), max_length=10)
    figures = models.JSONField(_("Zahlen"))
    page_html = models.TextField(_("Seite"))
    pdf = models.BinaryField(_("PDF"))
    xlsx = models.BinaryField(_("XLSX"))
    withdrawn_at = models.DateTimeField(_("zurückgezogen am"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("zurückgezogen von"),
    )
    withdrawal_reason = models.CharField(_("Grund"), max_length=500, blank=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Berichtsausgabe")
        verbose_name_plural = _("Berichtsausgaben")

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, update_fields: Iterable[str] | None = None, **kwargs: Any) -> None:
        if self.pk is not None and (
            update_fields is None or not set(update_fields) <= set(self.WITHDRAWAL_FIELDS)
        ):
            raise EditionChangedError("An edition is never edited; only its withdrawal is set.")
        super().save(*args, update_fields=update_fields, **kwargs)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
