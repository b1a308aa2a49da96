"""Delete what the app may no longer keep; the deployment's scheduler runs it every night
(praevention/core/schedule.py)."""

from django.core.management.base import BaseCommand

from praevention.accounts.retention import purge_login_records
from praevention.core.ratelimit import purge_expired


class Command(BaseCommand):
    help = (
        "Löscht, was nicht mehr aufbewahrt werden darf: Anmeldeprotokolle nach "
        "LOGIN_RECORD_RETENTION_DAYS Tagen und abgelaufene Zähler der Anfragegrenzen."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"login records deleted: {purge_login_records()}")
        self.stdout.write(f"rate counters deleted: {purge_expired()}")
