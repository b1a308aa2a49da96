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


def test_a_refused_request_is_one_log_line_and_a_server_error_keeps_its_traceback(
    client, kernteam_ges, koordination, monkeypatch, caplog
):
    client.force_login(kernteam_ges)
    with caplog.at_level("WARNING", logger="django.request"):
        assert client.get(reverse("overview:report_xlsx")).status_code == 403
    refused = [r for r in caplog.records if r.name == "django.request"]
    assert refused and "Forbidden" in refused[0].getMessage()
    assert all(record.exc_info is None for record in refused)

    caplog.clear()
    monkeypatch.setattr("praevention.overview.views.render", lambda *a, **k: 1 / 0)
    client.raise_request_exception = False
    client.force_login(koordination)
    with caplog.at_level("ERROR", logger="django.request"):
        assert client.get(reverse("overview:report")).status_code == 500
    failed = [r for r in caplog.records if r.name == "django.request"]
    assert failed and failed[0].exc_info is not None
