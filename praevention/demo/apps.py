from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The composition root: demo and benchmark data for every app (`seed_demo`,
    `seed_synthetic`). It may import every app of the project; no app imports it."""

    name = "praevention.demo"
    verbose_name = _("Demo-Daten")
