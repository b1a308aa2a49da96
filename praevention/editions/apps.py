from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditionsConfig(AppConfig):
    name = "praevention.editions"
    verbose_name = _("Berichtsausgaben")

    def ready(self) -> None:
        from praevention.accounts.policy import register_ability
        from praevention.core import exporters, slots
        from praevention.editions import comparison, policy
        from praevention.editions.views import EXPORTERS
        from praevention.overview.extensions import register_report_extension

        register_ability("can_freeze", policy.can_freeze)
        register_ability("can_view_editions", policy.can_view)
        # The report's comparison with a frozen edition or a date, and its forms.
        register_report_extension(comparison.ReportComparison())
        slots.register(slots.NAV_ITEMS, "editions/_nav_items.html")
        slots.register(slots.REPORT_ACTIONS, "editions/_report_actions.html")
        slots.register(slots.REPORT_SECTIONS, "editions/_report_progress.html")
        for exporter in EXPORTERS:
            exporters.register(exporter)
