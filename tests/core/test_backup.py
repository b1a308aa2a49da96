import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from praevention.measures.models import Measure
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL")
def test_backup_and_restore_round_trip(tmp_path, jugendamt, gesundheitsamt):
    kept = MeasureFactory(
        title="Sprachförderung für Kinder ohne Kitaplatz", lead=jugendamt, partners=[gesundheitsamt]
    )
    dump = tmp_path / "praevention.dump"
    call_command("backup", str(dump))
    assert dump.stat().st_size > 0

    Measure.objects.filter(pk=kept.pk).update(title="Versehentlich geändert")
    MeasureFactory(title="Nach der Sicherung angelegt")

    call_command("restore", str(dump), yes=True)
    titles = set(Measure.objects.values_list("title", flat=True))
    assert titles == {"Sprachförderung für Kinder ohne Kitaplatz"}
    restored = Measure.objects.get()
    assert restored.lead_department == jugendamt
    assert {p.department for p in restored.participations.all()} == {jugendamt, gesundheitsamt}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the message is for SQLite runs")
def test_backup_explains_that_it_needs_postgresql(tmp_path):
    with pytest.raises(CommandError, match="nur für PostgreSQL"):
        call_command("backup", str(tmp_path / "x.dump"))


def test_restore_of_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "fehlt.dump"), yes=True)


def manage_py(*args, stdin=None):
    """`manage.py` in its own process against the test database, connected through the
    separate DATABASE_* variables as in docker-compose.yml."""
    params = connection.get_connection_params()
    env = {
        **os.environ,
        "DATABASE_URL": "",
        "DATABASE_HOST": params.get("host") or "localhost",  # a socket directory in CI
        "DATABASE_PORT": str(params.get("port") or 5432),
        "DATABASE_NAME": params.get("database") or params["dbname"],
        "DATABASE_USER": params.get("user") or "",
        "DATABASE_PASSWORD": params.get("password") or "",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        input=stdin,
        capture_output=True,
        timeout=120,
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL")
def test_backup_to_standard_output_and_restore_from_standard_input(jugendamt):
    """`docker compose exec -T app python manage.py backup - > x.dump` and back (OPERATIONS.md)."""
    kept = MeasureFactory(title="Familienzentrum am Klausenerplatz", lead=jugendamt)
    backup = manage_py("backup", "-")
    assert backup.returncode == 0, backup.stderr.decode()
    assert backup.stdout.startswith(b"PGDMP")  # the custom format's magic, nothing before it
    assert "Sicherung geschrieben" in backup.stderr.decode()

    Measure.objects.filter(pk=kept.pk).update(title="Versehentlich geändert")
    restore = manage_py("restore", "--yes", "-", stdin=backup.stdout)
    assert restore.returncode == 0, restore.stderr.decode()
    assert list(Measure.objects.values_list("title", flat=True)) == [
        "Familienzentrum am Klausenerplatz"
    ]


def test_restore_from_standard_input_needs_yes():
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", "-")
