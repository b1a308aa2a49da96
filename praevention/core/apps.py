from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "praevention.core"
    verbose_name = _("Grundlagen")

    def ready(self):
        from django.db.models import fields

        from praevention.core import checks  # noqa: F401 (registers the deploy checks)

        # Django 6.1's new blank choice label has no German translation yet: ours has both.
        fields.BLANK_CHOICE_LABEL = _("– bitte auswählen –")

        from praevention.core.dataversion import install_triggers

        # Once per migrate (sender=self); every app's tables exist by then.
        post_migrate.connect(install_triggers, sender=self)
