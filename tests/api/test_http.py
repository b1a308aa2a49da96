"""How the public API answers as a web citizen: anonymous reads only, bad input as 400 with a
small JSON error, ETag/Last-Modified, CORS, and a rate limit per address (issue #25)."""

import json

import pytest
from django.utils.http import http_date

from praevention.exchange.exporting import hsds_uuid
from tests.api.conftest import API, get_json, publish
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shown(jugendamt):
    measure = MeasureFactory(title="Offene Sprachförderung", lead=jugendamt)
    publish(measure)
    return measure


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/services?page=0", "page"),
        ("/services?page=-1", "page"),
        ("/services?page=eins", "page"),
        ("/services?per_page=100000", "per_page"),
        ("/services?per_page=0", "per_page"),
        ("/services?modified_after=yesterday", "modified_after"),
        ("/services?modified_after=2026-13-45", "modified_after"),
        ("/services?colour=blue", "colour"),
        ("/services?page=1&page=2", "page"),
        ("/services?taxonomy_term_id=kita", "taxonomy_term_id"),
        ("/services?organization_id=1", "organization_id"),
        ("/services?full=yes", "full"),
        ("/services?format=ndjson", "format"),
        ("/services/42", "id"),
        ("/services/not-a-uuid", "id"),
        ("/organizations/1", "id"),
        ("/organizations?per_page=101", "per_page"),
        ("/taxonomies/x", "id"),
        ("/taxonomy_terms/x", "id"),
        ("/taxonomy_terms?parent_id=x", "parent_id"),
        ("/?debug=1", "debug"),
    ],
)
def test_bad_input_is_a_400_with_a_json_error_naming_the_parameter(client, path, parameter):
    response = client.get(API + path)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    error = json.loads(response.content)
    assert error["status"] == 400
    assert error["error"] in ("invalid_parameter", "unknown_parameter")
    assert error["parameter"] == parameter
    assert parameter in error["message"]


def test_an_unknown_service_or_path_is_a_json_404(client):
    missing = get_json(client, "/services/00000000-0000-0000-0000-000000000000", status=404)
    assert missing == {
        "status": 404,
        "error": "not_found",
        "message": "Diese Maßnahme gibt es nicht oder sie ist nicht öffentlich.",
    }
    assert get_json(client, "/locations", status=404)["error"] == "not_found"


def test_only_reading_is_allowed(client, shown):
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(f"{API}/services")
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD, OPTIONS"
        assert json.loads(response.content)["error"] == "method_not_allowed"
    assert client.head(f"{API}/services").status_code == 200


def test_anonymous_and_signed_in_readers_get_the_same_services(client, shown, kernteam_jug):
    anonymous = client.get(f"{API}/services").content
    client.force_login(kernteam_jug)
    assert client.get(f"{API}/services").content == anonymous


def test_cors_allows_any_origin_to_read(client, shown):
    response = client.get(f"{API}/services", headers={"Origin": "https://familienportal.example"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        f"{API}/services",
        headers={
            "Origin": "https://familienportal.example",
            "Access-Control-Request-Method": "GET",
        },
    )
    assert preflight.status_code == 204
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert preflight["Access-Control-Allow-Origin"] == "*"


def test_etag_round_trip_gives_304_until_the_data_changes(client, shown):
    url = f"{API}/services/{hsds_uuid('measure', shown.pk)}"
    first = client.get(url)
    assert first.status_code == 200
    etag, last_modified = first["ETag"], first["Last-Modified"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    since = client.get(url, headers={"If-Modified-Since": last_modified})
    assert since.status_code == 304
    # Another page has another tag.
    assert client.get(f"{API}/services", headers={"If-None-Match": etag}).status_code == 200
    shown.summary = "Neu beschrieben"
    shown.save()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert json.loads(changed.content)["x_praeventionsnetz"]["summary"] == "Neu beschrieben"
    old = client.get(url, headers={"If-Modified-Since": http_date(0)})
    assert old.status_code == 200


def test_requests_over_the_limit_get_429_with_retry_after(client, shown, settings):
    settings.HSDS_RATE_LIMIT = 3
    settings.HSDS_RATE_WINDOW_S = 60
    for _ in range(3):
        assert client.get(f"{API}/services").status_code == 200
    refused = client.get(f"{API}/services")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert json.loads(refused.content)["error"] == "too_many_requests"
    # Counted per address: another client address is still served.
    assert client.get(f"{API}/services", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_the_info_tells_clients_how_to_notice_removals(client):
    info = get_json(client, "/")
    assert info["version"] == "3.0"
    assert info["openapi_url"] == "http://testserver/api/hsds/openapi.json"
    assert "vollständig" in info["x_praeventionsnetz"]["removals"]
    document = get_json(client, "/openapi.json")
    assert document["servers"] == [{"url": "http://testserver/api/hsds"}]
    assert "raw.githubusercontent.com" not in json.dumps(document)
    assert "/service_at_locations" not in document["paths"]
