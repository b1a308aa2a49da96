"""`manage.py load_social_monitoring FILE --year 2021`: MSS values per Planungsraum."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from praevention.catalog import lor


class Command(BaseCommand):
    help = (
        "Lädt die Werte des Monitorings Soziale Stadtentwicklung (MSS) eines Jahres je "
        "Planungsraum aus einer CSV-Datei (Spalten plr_id, einwohner, statusindex_klasse, "
        "statusindex_text, gueltigkeit, statusindex_wert). Mehrfach ausführbar."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help=_("CSV-Datei des MSS"))
        parser.add_argument("--year", type=int, required=True, help=_("Jahr des MSS, z. B. 2021"))

    def handle(self, *args, file, year, **options):
        try:
            result = lor.write_monitoring(lor.read_monitoring(file), year=year)
        except lor.LoadError as error:
            raise CommandError(_("Nichts geladen. %(error)s") % {"error": error}) from error
        self.stdout.write(
            _(
                "MSS %(year)d: %(total)d Planungsräume, %(created)d neu, %(changed)d geändert, "
                "%(unchanged)d unverändert."
            )
            % {
                "year": year,
                "total": result.total,
                "created": result.created,
                "changed": result.changed,
                "unchanged": result.unchanged,
            }
        )
