"""Helpers for the public HSDS API's tests."""

import json

import pytest
from django.core.cache import cache

from praevention.measures.services import measures_set_public

API = "/api/hsds"


@pytest.fixture(autouse=True)
def _fresh_api(settings):
    """No rate limit unless a test sets one, and no body or counter from another test."""
    settings.HSDS_RATE_LIMIT = 1_000_000
    cache.clear()
    yield
    cache.clear()


def publish(*measures, by=None):
    """Mark measures "öffentlich" through the service a coordinator's click uses."""
    measures_set_public(measure_ids=[m.pk for m in measures], public=True, by=by)


def get_json(client, path, status=200, **params):
    response = client.get(f"{API}{path}", params)
    assert response.status_code == status, (path, params, response.content[:500])
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def all_services(client, per_page=100, **params):
    """Every page of /services, in order: [service, …]."""
    services, number = [], 1
    while True:
        body = get_json(client, "/services", page=number, per_page=per_page, **params)
        services += body["contents"]
        if body["last_page"]:
            return services
        number += 1
