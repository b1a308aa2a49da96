"""`manage.py run_scheduler`: runs the jobs of `praevention/core/schedule.py` when due.

The `scheduler` service of docker-compose.yml (issue #29): it replaces the shell loop that
ran the digest, which ignored SIGTERM (every stop waited 10 s and was killed). Here SIGTERM
and SIGINT end the process at once while it waits, and after the running job while a job
runs, so a job is never cut off half-way by the scheduler itself.
"""

import contextlib
import logging
import signal
import time

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

from praevention.core.schedule import JOBS, available, due

logger = logging.getLogger(__name__)


class _Stop(Exception):
    """Raised by the signal handler while the scheduler waits."""


class Command(BaseCommand):
    help = "Führt die geplanten Aufgaben (wöchentliche Zusammenfassung, Löschfristen …) aus."

    def handle(self, *args, **options):
        self.stopping = False
        self.busy = False
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        jobs, missing = available(JOBS, get_commands())
        for job in missing:
            self.stdout.write(
                _("%(command)s übersprungen: diesen Befehl gibt es in dieser Version nicht.")
                % {"command": job.command}
            )
        self.stdout.write(
            _("Zeitplan läuft: %(jobs)s.") % {"jobs": ", ".join(j.command for j in jobs) or "–"}
        )
        with contextlib.suppress(_Stop):
            self._loop(jobs)
        self.stdout.write(_("Zeitplan beendet."))

    def _on_signal(self, signum, frame):
        self.stopping = True
        if not self.busy:
            raise _Stop

    def _loop(self, jobs):
        last_started = {}
        while not self.stopping:
            now = timezone.localtime()
            for job in due(jobs, now, last_started):
                if self.stopping:
                    return
                last_started[job.command] = now
                self._run(job.command)
            if self.stopping:
                return
            # Until the start of the next minute; a signal ends the wait at once.
            time.sleep(60 - time.time() % 60)

    def _run(self, command):
        started = time.monotonic()
        self.busy = True
        try:
            call_command(command)
        except Exception as error:
            logger.exception("Scheduled job %s failed", command)
            self.stderr.write(
                _("%(command)s fehlgeschlagen: %(error)s") % {"command": command, "error": error}
            )
        else:
            self.stdout.write(
                _("%(command)s fertig (%(seconds).1f s).")
                % {"command": command, "seconds": time.monotonic() - started}
            )
        finally:
            # Waiting an hour with an open connection would only hold a slot on the server.
            connections.close_all()
            self.busy = False
