from django.db import models
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """One row whose token changes with every write to the tables the overview's figures read.

    Database triggers set it (see `figures.install_triggers`), so bulk inserts, imports, raw
    SQL and restores change it as reliably as the forms do. The token is random, not a counter:
    a rolled-back write or a restored backup can never bring back a token that stood for other
    data.
    """

    token = models.CharField(_("Stand"), max_length=36)

    class Meta:
        verbose_name = _("Datenstand")
        verbose_name_plural = _("Datenstände")

    def __str__(self):
        return self.token
