"""`manage.py prepare`: what the app needs before gunicorn starts, in one Django process.

The Docker image runs it on every start (issue #29: three separate `manage.py` calls cost
4–5 s of start-up). All three steps are idempotent and keep the schema, the cache table
(`CACHE_URL=dbcache://…`) and the hashed static files in step with the code of the image.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Bereitet den Start vor: Migrationen, Cache-Tabelle und statische Dateien "
        "(in einem Prozess)."
    )

    def handle(self, *args, verbosity=1, **options):
        call_command("migrate", interactive=False, verbosity=verbosity)
        call_command("createcachetable", verbosity=verbosity)
        call_command("collectstatic", interactive=False, verbosity=max(verbosity - 1, 0))
