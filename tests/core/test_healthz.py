import socket
import threading
import time

import pytest
from django.db import connection, connections

from praevention.core import views

pytestmark = pytest.mark.django_db


def test_health_check_answers_anonymously_with_database_status(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_check_reports_503_when_the_database_fails(client, monkeypatch):
    monkeypatch.setattr(views, "_database_answers", lambda: False)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_health_check_answers_503_in_time_when_the_check_hangs(client, monkeypatch, settings):
    """Whatever blocks the check, the answer comes within HEALTHZ_TIMEOUT_S."""
    settings.HEALTHZ_TIMEOUT_S = 0.5
    release = threading.Event()
    monkeypatch.setattr(views, "_database_answers", lambda: release.wait(10))
    try:
        started = time.monotonic()
        first = client.get("/healthz")
        second = client.get("/healthz")  # the first check still hangs: no second thread
        elapsed = time.monotonic() - started
    finally:
        release.set()
        views._running_check.thread.join(5)
    assert (first.status_code, second.status_code) == (503, 503)
    assert elapsed < 2


@pytest.fixture
def silent_database(monkeypatch):
    """A TCP socket that accepts connections and never says a word, as the database."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    silent = {
        **connections.settings["default"],
        "HOST": "127.0.0.1",
        "PORT": str(server.getsockname()[1]),
    }
    monkeypatch.setitem(connections.settings, "default", silent)
    yield accepted
    if views._running_check is not None:
        views._running_check.thread.join(10)  # the next test's check starts afresh
    stop.set()
    thread.join(2)
    for conn in accepted:
        conn.close()
    server.close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="libpq's connect timeout")
def test_health_check_answers_503_within_5_s_when_the_database_stops_answering(
    client, silent_database
):
    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert elapsed < 5
    assert silent_database, "the check did connect to the silent database"


def env_example():
    from django.conf import settings

    values = {}
    for line in (settings.BASE_DIR / ".env.example").read_text().splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def test_the_compose_health_check_passes_with_the_example_configuration(client, settings):
    """docker-compose asks http://localhost:8000/healthz; .env.example allows only the
    public host name. The check must still be healthy (issue #12, fault 9)."""
    import re

    compose = (settings.BASE_DIR / "docker-compose.yml").read_text()
    url = re.search(r"urlopen\('(http://[^']+)'", compose).group(1)
    host, path = re.match(r"http://([^/]+)(/.*)", url).groups()
    settings.ALLOWED_HOSTS = env_example()["ALLOWED_HOSTS"].split(",")
    settings.SECURE_SSL_REDIRECT = True

    response = client.get(path, HTTP_HOST=host)

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_other_pages_still_refuse_hosts_that_are_not_allowed(client, settings):
    settings.ALLOWED_HOSTS = env_example()["ALLOWED_HOSTS"].split(",")
    assert client.get("/konto/anmelden/", HTTP_HOST="localhost:8000").status_code == 400
    assert client.post("/healthz", HTTP_HOST="localhost:8000").status_code == 400


@pytest.mark.skipif(connection.vendor != "postgresql", reason="libpq's connect timeout")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_pages_fail_fast_with_the_german_error_page_when_the_database_stops_answering(
    koordination, silent_database
):
    from django.test import Client

    browser = Client(raise_request_exception=False)
    browser.force_login(koordination)
    real = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=connections.settings["default"]["PORT"])
    try:
        started = time.monotonic()
        response = browser.get("/massnahmen/")
        elapsed = time.monotonic() - started
    finally:
        connection.close()
        connection.settings_dict.update(real)

    assert response.status_code == 500, response.content.decode()[:500]
    assert "Interner Fehler" in response.content.decode(), response.content.decode()[:500]
    assert elapsed < 5
