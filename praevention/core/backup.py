"""pg_dump / pg_restore with the connection settings of the running app (PostgreSQL only).

The path `-` means standard output (backup) or standard input (restore), so a container's
database is saved to and restored from a file on the host in one command
(`docker compose exec -T app python manage.py backup - > sicherung.dump`, docs/OPERATIONS.md).
pg_dump refuses a server of a newer major version: the Docker image installs the client of
the major version that docker-compose.yml pins for the server (a test compares them).
"""

import glob
import os
import shutil
import subprocess

from django.core.management import CommandError
from django.db import connections
from django.utils.translation import gettext as _


def _tool(name):
    """On PATH, else Debian's versioned server directories, newest first."""
    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    candidates.sort(key=lambda path: int(path.split("/")[4]), reverse=True)
    for candidate in [shutil.which(name), *candidates]:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise CommandError(
        _("%(tool)s wurde nicht gefunden (Paket postgresql-client).") % {"tool": name}
    )


def _connection_args(alias):
    connection = connections[alias]
    if connection.vendor != "postgresql":
        raise CommandError(
            _("Sicherung und Wiederherstellung gibt es nur für PostgreSQL, nicht für %(vendor)s.")
            % {"vendor": connection.vendor}
        )
    params = connection.get_connection_params()
    args = []
    if params.get("host"):
        args += ["--host", params["host"]]
    if params.get("port"):
        args += ["--port", str(params["port"])]
    if params.get("user"):
        args += ["--username", params["user"]]
    env = {**os.environ}
    if params.get("password"):
        env["PGPASSWORD"] = params["password"]
    return args, params.get("database") or params.get("dbname"), env


STREAM = "-"


def dump(path, alias="default"):
    """Write the whole database in pg_dump's custom format (compressed, restorable) to the
    file `path`, or to standard output for `-`."""
    args, database, env = _connection_args(alias)
    target = [] if str(path) == STREAM else ["--file", str(path)]
    command = [_tool("pg_dump"), *args, "--format=custom", "--no-owner", *target, database]
    _run(command, env)


def restore(path, alias="default"):
    """Replace the database's contents with a dump made by `dump`, in one transaction; from
    the file `path`, or from standard input for `-`."""
    if str(path) != STREAM and not os.path.isfile(path):
        raise CommandError(_("Die Sicherungsdatei %(path)s gibt es nicht.") % {"path": path})
    args, database, env = _connection_args(alias)
    connections[alias].close()
    command = [
        _tool("pg_restore"),
        *args,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        "--dbname",
        database,
        *([] if str(path) == STREAM else [str(path)]),
    ]
    _run(command, env)


def _run(command, env):
    """Run a client; standard input and output stay the caller's (the dump may go there),
    its messages are kept for the error."""
    result = subprocess.run(command, env=env, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise CommandError(
            result.stderr.strip()
            or _("%(tool)s ist fehlgeschlagen.") % {"tool": os.path.basename(command[0])}
        )
