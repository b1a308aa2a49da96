from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "praevention.exchange"
    verbose_name = _("Import und Export")

    def ready(self) -> None:
        from praevention.accounts.policy import register_ability
        from praevention.core import exporters
        from praevention.exchange import policy
        from praevention.exchange.exporting import EXPORTERS

        register_ability("can_import", policy.can_import)
        register_ability("can_export", policy.can_export)
        for exporter in EXPORTERS:
            exporters.register(exporter)
