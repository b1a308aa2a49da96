from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from praevention.core import backup


class Command(BaseCommand):
    help = "Stellt die PostgreSQL-Datenbank aus einer Sicherung von `backup` wieder her."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", help="Sicherungsdatei von `manage.py backup`; „-“ liest die Standardeingabe"
        )
        parser.add_argument(
            "--yes", action="store_true", help="ohne Rückfrage: der heutige Stand wird ersetzt"
        )

    def handle(self, *args, path, yes=False, **options):
        if path == backup.STREAM and not yes:
            raise CommandError(
                _("Mit „-“ kommt die Sicherung von der Standardeingabe: bitte --yes angeben.")
            )
        if not yes:
            answer = input(
                "Der aktuelle Datenbestand wird vollständig ersetzt. Fortfahren? [ja/nein] "
            )
            if answer.strip().lower() not in {"ja", "j", "yes", "y"}:
                raise CommandError("Abgebrochen, nichts geändert.")
        backup.restore(path)
        self.stdout.write(self.style.SUCCESS(f"Wiederhergestellt aus: {path}"))
