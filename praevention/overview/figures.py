"""The overview's figures, cached until the network's data changes.

An aggregate over twenty thousand measures costs tens of milliseconds and the committee report
needs a dozen of them, yet the measures change a few times a day. Every statement that writes
to a table of the measures, the catalogue or the network replaces the token in `DataVersion`
(database triggers, installed after every migrate, so tables added later are covered too). A
figure is cached under its SQL, its parameters and that token: after any change the key is new
and the figure is computed afresh. The token lives in the database, so every worker process
agrees on it and a per-process cache never serves stale numbers.
"""

import hashlib
from contextvars import ContextVar

from django.core.cache import cache
from django.db import connections

from praevention.overview.models import DataVersion

# Apps whose tables the figures read (directly or through the list's filters).
WATCHED_APPS = ("measures", "catalog", "network")
TRIGGER = "overview_data_version"
TIMEOUT = 24 * 60 * 60  # a day: figures of today's date; old tokens simply age out
_MISSING = object()
_UNREAD = object()
# The token of the current read-only request once read; _MISSING outside such a request.
_request_token = ContextVar("figures_request_token", default=_MISSING)


def current_token():
    """The token of the data as this request sees it; None when no write has set one."""
    token = _request_token.get()
    if token is _MISSING or token is _UNREAD:
        token = DataVersion.objects.filter(pk=1).values_list("token", flat=True).first()
        if _request_token.get() is _UNREAD:
            _request_token.set(token)
    return token


class DataVersionMiddleware:
    """Reads the data version once per GET/HEAD request instead of once per figure.

    Only for requests that do not write: a POST must see the token its own writes set.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reading = request.method in ("GET", "HEAD")
        reset = _request_token.set(_UNREAD if reading else _MISSING)
        try:
            return self.get_response(request)
        finally:
            _request_token.reset(reset)


def remember(queryset, compute, label=""):
    """`compute()`, or its result from the cache while the data behind `queryset` is unchanged.

    The key is the queryset's compiled SQL and parameters (dates such as "today" are among
    them) plus `label` for different results of the same query (rows, a count).
    """
    token = current_token()
    if token is None:
        return compute()
    sql, params = queryset.query.sql_with_params()
    digest = hashlib.sha256(repr((label, sql, params)).encode()).hexdigest()
    key = f"figures:{token}:{digest}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def rows(queryset):
    """The rows of an aggregate `values()`/`values_list()` queryset, cached."""
    return remember(queryset, lambda: list(queryset), "rows")


def watched_tables(apps):
    """The tables of the watched apps, with their many-to-many tables, without history tables."""
    tables = set()
    for label in WATCHED_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:  # migrated to before the app existed
            continue
        for model in config.get_models(include_auto_created=True):
            if model.__name__.startswith("Historical") or model._meta.proxy:
                continue
            tables.add(model._meta.db_table)
    return sorted(tables)


POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION overview_new_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO overview_dataversion (id, token) VALUES (1, gen_random_uuid()::text)
    ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
    RETURN NULL;
END
$$
"""
# No upsert: an outer INSERT OR IGNORE (Django's m2m add) would impose IGNORE on it.
SQLITE_NEW_TOKEN = (
    "UPDATE overview_dataversion SET token = lower(hex(randomblob(16))) WHERE id = 1; "
    "INSERT INTO overview_dataversion (id, token) SELECT 1, lower(hex(randomblob(16))) "
    "WHERE NOT EXISTS (SELECT 1 FROM overview_dataversion WHERE id = 1)"
)


def trigger_statements(vendor, tables):
    """The SQL that makes every write to `tables` set a new data version, idempotently."""
    if vendor == "postgresql":
        statements = [POSTGRES_FUNCTION]
        for table in tables:
            statements += [
                f'DROP TRIGGER IF EXISTS {TRIGGER} ON "{table}"',
                f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f'ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION overview_new_data_version()',
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


def install_triggers(sender, apps, using, **kwargs):
    """post_migrate: (re)create the triggers on every watched table, new ones included.

    On other databases no trigger is made and `current_token()` stays None: no caching.
    """
    target = connections[using]
    with target.cursor() as cursor:
        for statement in trigger_statements(target.vendor, watched_tables(apps)):
            cursor.execute(statement)
