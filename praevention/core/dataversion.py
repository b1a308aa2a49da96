"""The version of the network's data: one token that every write replaces.

Figures computed from the data are cached under this token (`core.cache`): after any change
the key is new and everything is computed afresh. Database triggers replace the token on every
statement that writes to a watched table (installed after every migrate), so bulk inserts,
imports, raw SQL and restores count as reliably as forms.

Every table of every app of the project is watched – a new app's tables too, without naming
them anywhere – unless its model is declared in `UNWATCHED` with the reason why no cached
figure reads it. tests/core/test_dataversion.py fails when a table is neither.
The token lives in the database: every worker process agrees on it, and a per-process cache
never serves stale pages. On PostgreSQL the token changes when the writing transaction commits:
a transaction that reads cached figures after its own writes still sees the old ones.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.apps import apps as django_apps
from django.db import connections
from django.db.models import Model

from praevention.core.models import DataVersion

# The project's package: its apps' tables are watched (`praevention.<app>`).
PROJECT_PACKAGE = __name__.split(".")[0]
# "app_label.ModelName" of the project's models whose writes must not renew the token, each
# with the reason no cached figure depends on it. Everything else is watched.
UNWATCHED = {
    "core.DataVersion": "the token itself",
    "core.RateCounter": "counts login and reset attempts; no figure shows them",
    "core.DownloadSlot": "a running heavy download of one person; no figure shows it",
    "core.ExportJob": "a background download's progress and file; no figure shows it",
    "accounts.User": "written at every login (last_login); figures show people through "
    "network.Person, whose writes are watched",
    "accounts.User_groups": "roles; no figure counts them",
    "accounts.User_user_permissions": "permissions; no figure counts them",
    "exchange.ColumnMapping": "the import's remembered column choices",
    "exchange.ValueMapping": "the import's remembered value choices",
    "meetings.DigestDelivery": "when a weekly digest was sent; written by the digest job",
}
TRIGGER = "data_version"


def current_token() -> str | None:
    """The token of the data as it is now; None when no write has set one (nothing is cached).

    Each page that caches its figures reads it once (`core.cache.remember`).
    """
    return DataVersion.objects.filter(pk=1).values_list("token", flat=True).first()


def current_version() -> tuple[str, datetime.datetime | None] | None:
    """(token, when it was set) of the data as it is now; None when no write has set one.

    One query. `changed_at` is the database's clock at the write (None for a token written
    before the column existed); the HSDS API sends it as Last-Modified and the token as ETag.
    """
    return DataVersion.objects.filter(pk=1).values_list("token", "changed_at").first()


def project_labels() -> list[str]:
    """The labels of the installed apps of the project (`praevention.*`, this package's)."""
    return [
        config.label
        for config in django_apps.get_app_configs()
        if config.name.startswith(f"{PROJECT_PACKAGE}.")
    ]


def project_models(apps: Any) -> list[type[Model]]:
    """Every concrete model of the project's apps in `apps` (the registry, or a migration's
    state, whose app configs know only their label), with the many-to-many tables, without
    history tables (simple-history writes them in the transaction of the model they record,
    which is watched)."""
    models = []
    for label in project_labels():
        try:
            config = apps.get_app_config(label)
        except LookupError:  # migrated to before the app existed
            continue
        models += [
            model
            for model in config.get_models(include_auto_created=True)
            if not model._meta.proxy and not model.__name__.startswith("Historical")
        ]
    return models


def watched_tables(apps: Any) -> list[str]:
    """The tables whose writes renew the token: the project's, except `UNWATCHED` models'."""
    return sorted(
        model._meta.db_table for model in project_models(apps) if model._meta.label not in UNWATCHED
    )


# Once per transaction, at its commit: deferred constraint triggers fire then, so the row lock
# on the version lasts milliseconds, and a long import does not make every other writer wait.
# The other rows' events of the same statement (the COMMIT) are a cheap test of a
# transaction-local setting. Set IMMEDIATE (tests, whose transactions never commit), the
# triggers renew the token once per statement.
POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION new_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('praevention.data_version_renewed', true), '')
            <> statement_timestamp()::text THEN
        PERFORM set_config('praevention.data_version_renewed', statement_timestamp()::text, true);
        INSERT INTO core_dataversion (id, token, changed_at)
        VALUES (1, gen_random_uuid()::text, clock_timestamp())
        ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token, changed_at = EXCLUDED.changed_at;
    END IF;
    RETURN NULL;
END
$$
"""
# No upsert: an outer INSERT OR IGNORE (Django's m2m add) would impose IGNORE on it.
SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
SQLITE_NEW_TOKEN = (
    f"UPDATE core_dataversion SET token = lower(hex(randomblob(16))), changed_at = {SQLITE_NOW} "
    "WHERE id = 1; "
    "INSERT INTO core_dataversion (id, token, changed_at) "
    f"SELECT 1, lower(hex(randomblob(16))), {SQLITE_NOW} "
    "WHERE NOT EXISTS (SELECT 1 FROM core_dataversion WHERE id = 1)"
)


def trigger_statements(vendor: str, tables: Iterable[str]) -> list[str]:
    """The SQL that makes every write to `tables` set a new data version, idempotently."""
    if vendor == "postgresql":
        statements = [POSTGRES_FUNCTION]
        for table in tables:
            statements += [
                f'DROP TRIGGER IF EXISTS {TRIGGER} ON "{table}"',
                f'DROP TRIGGER IF EXISTS {TRIGGER}_truncate ON "{table}"',
                f"CREATE CONSTRAINT TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE "
                f'ON "{table}" DEFERRABLE INITIALLY DEFERRED '
                "FOR EACH ROW EXECUTE FUNCTION new_data_version()",
                # TRUNCATE (flush) has no row events and no deferred form.
                f'CREATE TRIGGER {TRIGGER}_truncate AFTER TRUNCATE ON "{table}" '
                "FOR EACH STATEMENT EXECUTE FUNCTION new_data_version()",
            ]
        return statements
    if vendor == "sqlite":
        # SQLite has only row triggers; one per event.
        statements = []
        for table in tables:
            for event in ("INSERT", "UPDATE", "DELETE"):
                name = f"{TRIGGER}_{table}_{event.lower()}"
                statements += [
                    f'DROP TRIGGER IF EXISTS "{name}"',
                    f'CREATE TRIGGER "{name}" AFTER {event} ON "{table}" '
                    f"BEGIN {SQLITE_NEW_TOKEN}; END",
                ]
        return statements
    return []


def install_triggers(sender: Any, using: str, apps: Any = django_apps, **kwargs: Any) -> None:
    """post_migrate: (re)create the triggers on every watched table, new ones included.

    `flush` (a transactional test's teardown) sends post_migrate without `apps`: then the
    installed apps are meant.

    On other databases no trigger is made and `current_token()` stays None: no caching.
    """
    try:
        apps.get_model("core", "DataVersion")
    except LookupError:  # migrated back to before the version table: nothing to write to
        return
    target = connections[using]
    with target.cursor() as cursor:
        for statement in trigger_statements(target.vendor, watched_tables(apps)):
            cursor.execute(statement)
