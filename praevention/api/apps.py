from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The public, read-only HSDS 3.0 API (issue #25): the top layer, it reads the others."""

    name = "praevention.api"
    verbose_name = _("Offene Daten (HSDS-Schnittstelle)")
