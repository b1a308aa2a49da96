"""pg_dump / pg_restore with the connection settings of the running app (PostgreSQL only)."""

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


def dump(path, alias="default"):
    """Write the whole database in pg_dump's custom format (compressed, restorable)."""
    args, database, env = _connection_args(alias)
    command = [
        _tool("pg_dump"),
        *args,
        "--format=custom",
        "--no-owner",
        "--file",
        str(path),
        database,
    ]
    _run(command, env)


def restore(path, alias="default"):
    """Replace the database's contents with a dump made by `dump`, in one transaction."""
    if not os.path.isfile(path):
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
        str(path),
    ]
    _run(command, env)


def _run(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise CommandError(result.stderr.strip() or result.stdout.strip())
