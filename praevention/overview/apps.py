from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    name = "praevention.overview"
    verbose_name = _("Überblick")

    def ready(self) -> None:
        from praevention.accounts.policy import register_ability
        from praevention.core import exporters
        from praevention.overview import policy
        from praevention.overview.exports import EXPORTERS

        register_ability("can_view_overview", policy.can_view_overview)
        register_ability("can_export_report", policy.can_export_report)
        for exporter in EXPORTERS:
            exporters.register(exporter)
