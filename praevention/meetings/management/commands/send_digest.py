"""`manage.py send_digest`: this week's digest to everyone who has not had it yet.

Safe to run as often as you like (cron, a systemd timer, the `scheduler` service of
docker-compose.yml, praevention/core/schedule.py): each person gets at most one digest per
ISO week.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from praevention.meetings.digest import send_weekly_digests


class Command(BaseCommand):
    help = "Versendet die wöchentliche Zusammenfassung (höchstens einmal pro Person und Woche)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Nur zählen, wer eine Zusammenfassung bekäme; nichts versenden.",
        )

    def handle(self, *args, dry_run=False, **options):
        counts = send_weekly_digests(dry_run=dry_run)
        message = _(
            "Wöchentliche Zusammenfassung: %(sent)d versendet, %(already)d hatten sie diese "
            "Woche schon, %(empty)d ohne Neuigkeiten."
        )
        if dry_run:
            message = _("Probelauf (nichts versendet). ") + message
        self.stdout.write(message % counts)
