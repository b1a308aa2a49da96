"""`manage.py setup_district 07`: record the district and load its spaces, outlines and MSS."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from praevention.catalog import districts, spacefiles
from praevention.catalog.spacedata import LoadError


class Command(BaseCommand):
    help = (
        "Richtet den Bezirk dieser Datenbank ein: Name, Sozialräume aller Ebenen mit Umrissen "
        "und die Werte des Monitorings aller mitgelieferten Jahre. Berliner Bezirke mit ihrer "
        "Nummer (01–12), andere Kommunen mit --dateien VERZEICHNIS --name NAME (Format: "
        "docs/DISTRICTS.md). Mehrfach ausführbar; ändert nur, was sich unterscheidet."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "number", nargs="?", default="", metavar="NUMMER", help=_("Bezirksnummer, z. B. 07")
        )
        parser.add_argument(
            "--name", default="", help=_("Name des Bezirks (überschreibt den Namen der Daten)")
        )
        parser.add_argument(
            "--dateien", default="", metavar="VERZEICHNIS", help=_("Dateien einer Kommune")
        )

    def handle(self, *args, number="", name="", dateien="", **options):
        try:
            if dateien:
                if not name:
                    raise CommandError(_("Bitte mit --name den Namen der Kommune angeben."))
                files = spacefiles.read_district(
                    dateien, number=number or slugify(name)[:20], name=name
                )
                results = districts.install(files)
            elif number:
                results = districts.setup_district(number, name=name)
            else:
                raise CommandError(
                    _("Bitte die Bezirksnummer (z. B. 04) oder --dateien VERZEICHNIS angeben.")
                )
        except LoadError as error:
            raise CommandError(_("Nichts geladen. %(error)s") % {"error": error}) from error
        district = districts.current()
        self.stdout.write(
            _("Bezirk %(number)s %(name)s eingerichtet.")
            % {"number": district.number, "name": district.name}
        )
        for label, result in results.items():
            self.stdout.write(
                _(
                    "%(label)s: %(total)d, %(created)d neu, %(changed)d geändert, "
                    "%(unchanged)d unverändert, %(removed)d entfernt, %(archived)d archiviert."
                )
                % {
                    "label": _("Räume") if label == "spaces" else label,
                    "total": result.total,
                    "created": result.created,
                    "changed": result.changed,
                    "unchanged": result.unchanged,
                    "removed": result.removed,
                    "archived": result.archived,
                }
            )
