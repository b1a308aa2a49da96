from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    name = "praevention.overview"
    verbose_name = _("Überblick")

    def ready(self):
        from praevention.overview.figures import install_triggers

        # Once per migrate (sender=self), after every app's tables exist.
        post_migrate.connect(install_triggers, sender=self)
