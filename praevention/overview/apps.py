from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    name = "praevention.overview"
    verbose_name = _("Überblick")

    def ready(self):
        from praevention.core import exporters
        from praevention.overview.exports import EXPORTERS

        for exporter in EXPORTERS:
            exporters.register(exporter)
