from django.core.management.base import BaseCommand
from django.utils import timezone

from praevention.core import backup


class Command(BaseCommand):
    help = "Sichert die PostgreSQL-Datenbank mit pg_dump (Custom-Format)."

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help=(
                "Zieldatei (Vorgabe: praevention-JJJJMMTT-HHMM.dump im aktuellen Verzeichnis); "
                "„-“ schreibt auf die Standardausgabe"
            ),
        )

    def handle(self, *args, path=None, **options):
        path = path or f"praevention-{timezone.localtime():%Y%m%d-%H%M}.dump"
        backup.dump(path)
        # With "-" the dump is the standard output: the note goes to standard error.
        out = self.stderr if path == backup.STREAM else self.stdout
        out.write(self.style.SUCCESS(f"Sicherung geschrieben: {path}"))
