"""Delete what the app may no longer keep; run daily (the deployment's scheduler does)."""

from django.core.management.base import BaseCommand

from praevention.core.ratelimit import purge_expired


class Command(BaseCommand):
    help = "Löscht abgelaufene Daten: Zähler der Anfragegrenzen."

    def handle(self, *args, **options):
        counters = purge_expired()
        self.stdout.write(f"rate counters deleted: {counters}")
