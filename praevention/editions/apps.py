from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditionsConfig(AppConfig):
    name = "praevention.editions"
    verbose_name = _("Berichtsausgaben")

    def ready(self):
        from praevention.core import exporters
        from praevention.editions.views import EXPORTERS

        for exporter in EXPORTERS:
            exporters.register(exporter)
