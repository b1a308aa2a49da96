from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def grant_admin_role_every_permission(sender, using, **kwargs):
    """The Admin role may do everything, including on models added after its migration."""
    from django.contrib.auth.models import Group, Permission

    from praevention.accounts import roles

    group = Group.objects.using(using).filter(name=roles.ADMIN).first()
    if group is not None:
        group.permissions.set(Permission.objects.using(using).all())


class AccountsConfig(AppConfig):
    name = "praevention.accounts"
    verbose_name = _("Benutzerkonten")

    def ready(self):
        # Every app, not only this one: later apps create their permissions after us.
        post_migrate.connect(grant_admin_role_every_permission)
