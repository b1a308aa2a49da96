"""Every URL of the project, opened anonymously: nothing but login, reset and health check."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

PUBLIC = {
    "accounts:login",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "healthz",
    "admin:login",
    "set_language",
}
SAMPLE = {
    "int": "1",
    "str": "x",
    "slug": "x",
    "path": "x/y",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, route, ns)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name or ''}", route


def sample_url(route):
    route = route.lstrip("^").rstrip("$").replace("\\Z", "")
    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE[m.group(1) or "str"], route)
    # Regex routes (the admin's): fill groups with a plausible value.
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    route = route.replace("\\", "")
    return "/" + route


ALL = sorted(set(walk(get_resolver().url_patterns)))


def test_the_walk_finds_the_projects_urls():
    names = {name for name, _ in ALL}
    assert {"measures:list", "measures:edit", "overview:start", "healthz"} <= names
    assert any(name.startswith("admin:") for name in names)


@pytest.mark.parametrize(("name", "route"), [p for p in ALL if p[0] not in PUBLIC], ids=lambda v: v)
def test_anonymous_users_get_the_login_redirect_everywhere_else(client, name, route):
    url = sample_url(route)
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if response.status_code == 302:
            location = response["Location"]
            assert location.startswith(("/konto/anmelden/", "/admin/login/")), (url, location)
        else:
            assert response.status_code in (400, 403, 404, 405), (url, method, response.status_code)
        assert b"Sprachf" not in response.content


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_pages_answer_anonymous_users(client, name):
    route = dict(ALL)[name]
    response = client.get(sample_url(route))
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        # The reset confirmation with a fake token redirects to its own form, not to login.
        assert not response["Location"].startswith("/konto/anmelden/")
