"""The data version: database triggers replace its token on every write to a watched table."""

import threading
from collections import Counter

import pytest
from django.apps import apps
from django.db import connection, connections, transaction

from praevention.catalog.models import TargetGroup
from praevention.core import dataversion
from praevention.core.dataversion import current_token
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db


# PostgreSQL: the deferred row trigger and one for TRUNCATE; SQLite knows only row triggers,
# one per event (insert, update, delete).
TRIGGERS_PER_TABLE = {"postgresql": 2, "sqlite": 3}


def data_version_triggers():
    """{table: number of data-version triggers on it}."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname LIKE %s",
                [f"{dataversion.TRIGGER}%"],
            )
        else:
            cursor.execute(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [f"{dataversion.TRIGGER}%"],
            )
        return Counter(name for (name,) in cursor.fetchall())


def test_every_table_of_measures_catalogue_and_network_has_the_trigger():
    tables = dataversion.watched_tables(apps)
    assert {"measures_measure", "measures_participation", "catalog_socialspace"} <= set(tables)
    assert {"measures_measure_target_groups", "network_person"} <= set(tables)
    assert "auth_group_permissions" not in tables
    assert not any("historical" in table for table in tables)
    assert set(tables) <= set(data_version_triggers())


def test_a_write_replaces_the_token_and_a_read_does_not(jugendamt):
    MeasureFactory(lead=jugendamt)
    token = current_token()
    assert token
    list(TargetGroup.objects.all())
    assert current_token() == token
    TargetGroup.objects.create(name="Neu", position=99)
    assert current_token() not in (None, token)


def test_a_write_that_is_rolled_back_leaves_the_token(jugendamt):
    MeasureFactory(lead=jugendamt)
    token = current_token()
    with pytest.raises(RuntimeError), transaction.atomic():
        TargetGroup.objects.create(name="Vorübergehend", position=99)
        raise RuntimeError
    assert current_token() == token


def test_installing_the_triggers_twice_keeps_one_per_table():
    dataversion.install_triggers(sender=None, apps=apps, using="default")
    assert data_version_triggers()["measures_measure"] == TRIGGERS_PER_TABLE[connection.vendor]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_long_import_does_not_hold_up_other_writers():
    """The token is renewed at commit: an open import holds no lock others need."""
    opened, finish = threading.Event(), threading.Event()

    def long_import():
        try:
            with transaction.atomic():
                TargetGroup.objects.create(name="Aus dem Import", position=98)
                opened.set()
                finish.wait(10)
        finally:
            connections.close_all()

    importer = threading.Thread(target=long_import)
    importer.start()
    try:
        assert opened.wait(10)
        token = current_token()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")  # an error, not a hang
            TargetGroup.objects.create(name="Nebenbei bearbeitet", position=97)
        assert current_token() not in (None, token)
    finally:
        finish.set()
        importer.join(10)
    assert TargetGroup.objects.filter(name="Aus dem Import").exists()
