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
from tests.meetings.factories import MeetingFactory

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


def test_every_table_of_every_project_app_is_watched_or_declared_unwatched():
    """A new app's tables are watched without naming them; opting out needs a declared reason."""
    watched = set(dataversion.watched_tables(apps))
    for config in apps.get_app_configs():
        if not config.name.startswith("praevention."):
            continue
        for model in config.get_models(include_auto_created=True):
            if model._meta.proxy or model.__name__.startswith("Historical"):
                continue
            label, table = model._meta.label, model._meta.db_table
            assert (table in watched) != (label in dataversion.UNWATCHED), (label, table)
    assert {"measures_measure", "catalog_socialspace", "network_person"} <= watched
    assert {"meetings_comment", "editions_edition", "measures_measure_target_groups"} <= watched
    assert "auth_group_permissions" not in watched
    assert not any("historical" in table for table in watched)


def test_every_declared_exception_names_a_model_and_a_reason():
    for label, reason in dataversion.UNWATCHED.items():
        apps.get_model(label)  # LookupError for a model that no longer exists
        assert reason.strip(), label


def test_every_watched_table_has_the_trigger():
    tables = dataversion.watched_tables(apps)
    triggers = data_version_triggers()
    assert {table: triggers[table] for table in tables} == {
        table: TRIGGERS_PER_TABLE[connection.vendor] for table in tables
    }
    assert not set(triggers) & {
        apps.get_model(label)._meta.db_table for label in dataversion.UNWATCHED
    }


def test_the_migration_state_knows_the_same_tables():
    """post_migrate passes the migrations' state, whose app configs know only their labels."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    state = executor.loader.project_state()
    assert dataversion.watched_tables(state.apps) == dataversion.watched_tables(apps)


def test_a_write_replaces_the_token_and_a_read_does_not(jugendamt):
    MeasureFactory(lead=jugendamt)
    token = current_token()
    assert token
    list(TargetGroup.objects.all())
    assert current_token() == token
    TargetGroup.objects.create(name="Neu", position=99)
    assert current_token() not in (None, token)


def test_a_write_to_an_app_added_later_replaces_the_token(jugendamt):
    """meetings was never named in the rule: its tables are watched as a project app's."""
    MeasureFactory(lead=jugendamt)
    token = current_token()
    MeetingFactory()
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
