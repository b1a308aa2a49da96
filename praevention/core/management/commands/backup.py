from django.core.management.base import BaseCommand
from django.utils import timezone

from praevention.core import backup


class Command(BaseCommand):
    help = "Sichert die PostgreSQL-Datenbank mit pg_dump (Custom-Format)."

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="Zieldatei (Vorgabe: praevention-JJJJMMTT-HHMM.dump im aktuellen Verzeichnis)",
        )

    def handle(self, *args, path=None, **options):
        path = path or f"praevention-{timezone.localtime():%Y%m%d-%H%M}.dump"
        backup.dump(path)
        self.stdout.write(self.style.SUCCESS(f"Sicherung geschrieben: {path}"))
