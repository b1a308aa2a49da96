import io
import logging

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_unknown_page_gets_the_german_404(client, koordination):
    client.force_login(koordination)
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


def test_forbidden_page_is_german(client, kernteam_ges, jugendamt):
    from tests.factories import MeasureFactory

    measure = MeasureFactory(lead=jugendamt)
    client.force_login(kernteam_ges)
    response = client.get(reverse("measures:edit", args=[measure.pk]))
    assert response.status_code == 403
    assert "Keine Berechtigung" in response.content.decode()


def test_oversized_post_gets_a_clear_german_400(client, kernteam_jug, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    client.force_login(kernteam_jug)
    response = client.post(reverse("measures:create"), {"title": "x", "description": "y" * 200_000})
    assert response.status_code == 400
    assert "Die gesendeten Daten sind zu groß" in response.content.decode()
    from praevention.measures.models import Measure

    assert not Measure.objects.exists()


def test_server_error_page_is_german(client, koordination, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("kaputt")

    monkeypatch.setattr("praevention.overview.views.render", boom)
    client.raise_request_exception = False
    client.force_login(koordination)
    response = client.get(reverse("overview:start"))
    assert response.status_code == 500
    assert "Interner Fehler" in response.content.decode()


@pytest.fixture
def console():
    """What the operator reads: the console handler LOGGING configures, into a buffer."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


def test_a_refused_request_is_one_log_line_and_a_server_error_keeps_its_traceback(
    client, kernteam_ges, koordination, monkeypatch, console
):
    client.force_login(kernteam_ges)
    assert client.get(reverse("overview:report_xlsx")).status_code == 403
    assert client.get("/", HTTP_HOST="evil.example").status_code == 400  # DisallowedHost
    log = console.getvalue()
    assert "Forbidden (Permission denied): /bericht/bericht.xlsx" in log
    assert "Invalid HTTP_HOST header: 'evil.example'" in log
    assert "Traceback" not in log

    monkeypatch.setattr("praevention.overview.views.render", lambda *a, **k: 1 / 0)
    client.raise_request_exception = False
    client.force_login(koordination)
    assert client.get(reverse("overview:report")).status_code == 500
    log = console.getvalue()
    assert "Internal Server Error: /bericht/" in log and "Traceback" in log
