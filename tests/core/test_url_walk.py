"""Every URL of the project, opened anonymously: nothing but login, reset, health check, the
public statements and the read-only HSDS API under /api/hsds/."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Sprachförderung im Geheimen"

PUBLIC = {
    "accounts:login",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "healthz",
    "admin:login",
    "set_language",
    "accessibility",
    "privacy",
    # Token pages: the secret in the address is the authority; a wrong one answers 404.
    "meetings:calendar_feed",
    "meetings:unsubscribe",
}
TOKEN_PAGES = {"meetings:calendar_feed", "meetings:unsubscribe"}
# The public HSDS API (issue #25): every route under this prefix answers anonymous GETs, and
# only those (tests/api/test_http.py: nothing but GET, HEAD and OPTIONS; only public measures).
PUBLIC_PREFIXES = ("api:",)


def is_public(name):
    return name in PUBLIC or name.startswith(PUBLIC_PREFIXES)


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


def sample_url(route, pk=1):
    """The route with sample values; integer parts (ids) are `pk`."""
    samples = {**SAMPLE, "int": str(pk)}
    route = route.lstrip("^").rstrip("$").replace("\\Z", "")
    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: samples[m.group(1) or "str"], route)
    # Regex routes (the admin's): fill groups with a plausible value.
    route = re.sub(r"\(\?P<\w+>[^)]*\)", str(pk), route)
    route = route.replace("\\", "")
    return "/" + route


ALL = sorted(set(walk(get_resolver().url_patterns)))


def test_the_walk_finds_the_projects_urls():
    names = {name for name, _ in ALL}
    assert {"measures:list", "measures:edit", "overview:start", "healthz"} <= names
    assert any(name.startswith("admin:") for name in names)


@pytest.fixture
def secret():
    """A measure whose id fills every id of the walk: its title must never reach anonymous users."""
    return MeasureFactory(title=SECRET_TITLE)


def test_the_walks_measure_is_shown_to_a_coordinator(client, koordination, secret):
    """The walk's content check looks for something a signed-in user would see."""
    client.force_login(koordination)
    response = client.get(sample_url(dict(ALL)["measures:detail"], secret.pk))
    assert response.status_code == 200
    assert SECRET_TITLE.encode() in response.content


@pytest.mark.parametrize(
    ("name", "route"), [p for p in ALL if not is_public(p[0])], ids=lambda v: v
)
def test_anonymous_users_get_the_login_redirect_everywhere_else(client, name, route, secret):
    url = sample_url(route, secret.pk)
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if response.status_code == 302:
            location = response["Location"]
            assert location.startswith(("/konto/anmelden/", "/admin/login/")), (url, location)
        else:
            assert response.status_code in (400, 403, 404, 405), (url, method, response.status_code)
        assert SECRET_TITLE.encode() not in response.content


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_pages_answer_anonymous_users(client, name, secret):
    route = dict(ALL)[name]
    response = client.get(sample_url(route))
    assert SECRET_TITLE.encode() not in response.content
    if name in TOKEN_PAGES:
        assert response.status_code == 404
        return
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        # The reset confirmation with a fake token redirects to its own form, not to login.
        assert not response["Location"].startswith("/konto/anmelden/")


API_ROUTES = [p for p in ALL if p[0].startswith(PUBLIC_PREFIXES)]


def test_the_api_prefix_is_the_only_open_prefix():
    assert {name for name, _ in API_ROUTES} >= {"api:info", "api:services", "api:service"}
    assert all(route.startswith("api/hsds/") for _, route in API_ROUTES)


@pytest.mark.parametrize(("name", "route"), API_ROUTES, ids=lambda v: v)
def test_the_api_answers_anonymous_reads_but_never_shows_a_measure_not_marked_public(
    client, name, route, secret
):
    url = sample_url(route, secret.pk)
    response = client.get(url)
    assert response.status_code in (200, 400, 404), (url, response.status_code)
    assert response["Content-Type"] == "application/json"
    assert SECRET_TITLE.encode() not in response.content
    assert client.post(url).status_code == 405
