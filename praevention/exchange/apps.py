from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "praevention.exchange"
    verbose_name = _("Import und Export")

    def ready(self):
        from praevention.core import exporters
        from praevention.exchange.exporting import EXPORTERS

        for exporter in EXPORTERS:
            exporters.register(exporter)
