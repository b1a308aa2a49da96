from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "praevention.meetings"
    verbose_name = _("Sitzungen und Aufgaben")

    def ready(self) -> None:
        from praevention.accounts.policy import register_ability
        from praevention.core import slots
        from praevention.meetings import policy

        register_ability("can_view_meetings", policy.can_view_meetings)
        # What meetings add to other apps' pages (their templates name no meetings).
        slots.register(slots.NAV_ITEMS, "meetings/_nav_items.html")
        slots.register(slots.NAV_ACCOUNT, "meetings/_nav_account.html")
        slots.register(slots.START_PANELS, "meetings/_start_slot.html")
        slots.register(slots.MEASURE_PANELS, "meetings/_measure_slot.html")
