"""`manage.py load_social_spaces FILE …`: official social spaces (LOR) from CSV or GeoJSON."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from praevention.catalog import lor


class Command(BaseCommand):
    help = (
        "Lädt Sozialräume (LOR) aus einer CSV-Hierarchie (level, lor_number, name, "
        "parent_lor_number), der amtlichen LOR-Tabelle oder einer GeoJSON-Datei mit Umrissen. "
        "Die LOR-Nummer ist die Identität; mehrfach ausführbar."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help=_("CSV- oder GeoJSON-Datei"))
        parser.add_argument(
            "--keep-names",
            action="store_true",
            help=_(
                "Namen vorhandener Räume nicht ändern (z. B. wenn die Datei nur Umrisse bringt)"
            ),
        )
        parser.add_argument(
            "--entfernen",
            action="store_true",
            help=_(
                "Die Dateien sind alle Räume: andere Räume werden gelöscht, wenn nichts sie "
                "nutzt, sonst archiviert"
            ),
        )

    def handle(self, *args, files, keep_names=False, entfernen=False, **options):
        try:
            with transaction.atomic():
                results = [
                    (path, lor.write_spaces(lor.read_spaces(path), keep_names=keep_names))
                    for path in files
                ]
                if entfernen:
                    keep = [r for path in files for r in lor.read_spaces(path)]
                    pruned = lor.write_spaces(keep, keep_names=True, prune=True)
                    results.append((_("nicht mehr in den Dateien"), pruned))
        except lor.LoadError as error:
            raise CommandError(_("Nichts geladen. %(error)s") % {"error": error}) from error
        for path, result in results:
            self.stdout.write(
                _(
                    "%(path)s: %(total)d Räume, %(created)d neu, %(changed)d geändert, "
                    "%(unchanged)d unverändert, %(removed)d entfernt, %(archived)d archiviert."
                )
                % {
                    "path": path,
                    "total": result.total,
                    "created": result.created,
                    "changed": result.changed,
                    "unchanged": result.unchanged,
                    "removed": result.removed,
                    "archived": result.archived,
                }
            )
