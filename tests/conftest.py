"""Personas: the people who use the network, one fixture each, and `as_persona` to be one.

The browser fixtures (`browser`, `page`) come from tests/browser/fixtures.py for every test.
"""

from importlib.util import find_spec

import pytest

from praevention.accounts import roles
from tests.factories import DepartmentFactory, PersonFactory, UserFactory

pytest_plugins = ["tests.browser.fixtures"]

# The columns of every role × page table (tests/<app>/test_permissions.py), in this order:
# nobody signed in, a core-team member of a department not taking part, one of the department
# taking part (the Jugendamt), a coordinator, an admin.
PERSONAS = ["anonymous", "kernteam_other", "kernteam_own", "koordination", "admin"]
PERSONA_FIXTURES = {
    "anonymous": None,
    "kernteam_other": "kernteam_ges",
    "kernteam_own": "kernteam_jug",
    "koordination": "koordination",
    "admin": "admin_user",
}
# Django 6 ships the tasks framework; on Django 5.2 it is the django-tasks backport.
TASKS_PACKAGE = "django.tasks" if find_spec("django.tasks") else "django_tasks"


@pytest.fixture(scope="session", autouse=True)
def _plain_http_for_the_live_server():
    """The live server's SecurityMiddleware reads these once, when the server starts:
    set them before it does, for the whole session (tests speak plain HTTP)."""
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = 0


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Migrations carry no district (issue #24): the test database serves
    Charlottenburg-Wilmersdorf (04), set up once per session as `make run` does. Tests of
    other districts switch inside their own transaction."""
    from praevention.catalog import districts

    with django_db_blocker.unblock():
        districts.setup_district("04")


@pytest.fixture
def district_04_name_cache():
    """Tests that set up another district in their transaction leave the cached name behind."""
    from django.core.cache import cache

    from praevention.catalog import districts

    yield
    cache.delete(districts.NAME_CACHE_KEY)


@pytest.fixture(autouse=True)
def _data_version_per_statement(request):
    """A test's own transaction never commits: renew the data version per statement instead.

    On PostgreSQL the data-version triggers are deferred to the commit
    (praevention/core/dataversion.py); tests that commit (transaction=True) need nothing.
    """
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or "db" in request.fixturenames
    commits = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if not uses_db or commits:
        return
    request.getfixturevalue("db")
    from django.db import connection

    from praevention.core.dataversion import TRIGGER

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {TRIGGER} IMMEDIATE")


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Tests render templates without collectstatic, and hash passwords fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The test client is always 127.0.0.1: the reset limits are tested on their own.
    settings.RESET_LIMIT_PER_IP = 10_000
    settings.RESET_LIMIT_PER_ADDRESS = 10_000
    # The test client and live server speak plain HTTP.
    settings.SECURE_SSL_REDIRECT = False
    # Background jobs run at once, inside the request (tests/core/test_jobs.py runs the worker).
    settings.TASKS = {
        "default": {"BACKEND": f"{TASKS_PACKAGE}.backends.immediate.ImmediateBackend"}
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def jugendamt(db):
    return DepartmentFactory(name="Jugendamt", short_name="Jug", colour="#2e7d32")


@pytest.fixture
def gesundheitsamt(db):
    return DepartmentFactory(name="Gesundheitsamt", short_name="Ges", colour="#c62828")


@pytest.fixture
def qpk(db):
    return DepartmentFactory(
        name="OE Qualitätsentwicklung, Planung und Koordination", short_name="QPK"
    )


def _persona(department, role, **user_fields):
    user = UserFactory(role=role, **user_fields)
    PersonFactory(user=user, department=department)
    return user


@pytest.fixture
def kernteam_jug(jugendamt):
    return _persona(jugendamt, roles.KERNTEAM, email="kernteam.jug@ba-cw.berlin.de")


@pytest.fixture
def kernteam_ges(gesundheitsamt):
    return _persona(gesundheitsamt, roles.KERNTEAM, email="kernteam.ges@ba-cw.berlin.de")


@pytest.fixture
def koordination(qpk):
    return _persona(qpk, roles.KOORDINATION, email="koordination@ba-cw.berlin.de")


@pytest.fixture
def admin_user(qpk):
    return _persona(qpk, roles.ADMIN, email="admin@ba-cw.berlin.de", is_superuser=True)


@pytest.fixture
def anonymous(client):
    """A client nobody is logged in with."""
    return client


def role_page_cases(matrix):
    """pytest params (page, method, persona, expected) of a role × page table: {(page, method):
    [expected status per persona, in the order of PERSONAS]}."""
    return [
        pytest.param(page, method, persona, expected[i], id=f"{persona}-{method}-{page}")
        for (page, method), expected in matrix.items()
        for i, persona in enumerate(PERSONAS)
    ]


@pytest.fixture
def as_persona(client, request):
    """`as_persona("kernteam_own")`: the test client signed in as that persona (`PERSONAS`)."""

    def login(persona):
        fixture = PERSONA_FIXTURES[persona]
        if fixture:
            client.force_login(request.getfixturevalue(fixture))
        return client

    return login


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"database: {engine} ({settings.DATABASES['default'].get('NAME')})"
