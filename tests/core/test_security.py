import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_reports_no_warnings_with_production_settings():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "praevention.example.berlin.de",
        "EMAIL_HOST": "mail.example.berlin.de",
        "CACHE_URL": "dbcache://praevention_cache",  # as .env.example
        "SITE_URL": "https://praevention.example.berlin.de",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_pages_send_security_headers_and_a_strict_csp(client, koordination):
    client.force_login(koordination)
    response = client.get(reverse("measures:list"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in policy


def test_pages_have_no_inline_scripts_styles_or_external_origins(client, koordination):
    from tests.factories import MeasureFactory

    measure = MeasureFactory()
    client.force_login(koordination)
    for url in [
        reverse("overview:start"),
        reverse("measures:list"),
        reverse("measures:detail", args=[measure.pk]),
        reverse("measures:edit", args=[measure.pk]),
        reverse("measures:history", args=[measure.pk]),
    ]:
        html = client.get(url).content.decode()
        assert ' style="' not in html, url
        assert "<style" not in html, url
        assert " onclick=" not in html and " onchange=" not in html, url
        for tag in html.split("<script")[1:]:
            head = tag.split(">", 1)[0]
            assert "src=" in head or 'type="application/json"' in head, (url, head)
        # Resources load from the app itself (random CSRF tokens may spell "cdn": look at URLs).
        resources = re.findall(r'<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)="([^"]*)"', html)
        assert resources, url
        for resource in resources:
            assert resource.startswith("/") and not resource.startswith("//"), (url, resource)


def test_department_colours_come_from_a_stylesheet(client, koordination, jugendamt):
    client.force_login(koordination)
    response = client.get(reverse("department_colours"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert f".dept-{jugendamt.pk}{{--dept-colour:#2e7d32}}" in response.content.decode()


def test_department_colours_need_a_login(client):
    assert client.get(reverse("department_colours")).status_code == 302


def run_deploy_check(**extra):
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "praevention.example.berlin.de",
        **extra,
    }
    if "EMAIL_HOST" not in extra:
        env.pop("EMAIL_HOST", None)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_warns_when_no_mail_server_is_configured():
    result = run_deploy_check()
    assert "praevention.W001" in result.stdout + result.stderr
    assert "No mail server is configured" in result.stdout + result.stderr


def test_check_deploy_warns_when_mails_only_go_to_the_console():
    result = run_deploy_check(
        EMAIL_HOST="mail.example.berlin.de",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
    )
    assert "praevention.W001" in result.stdout + result.stderr


def test_check_deploy_is_quiet_with_a_mail_server():
    result = run_deploy_check(EMAIL_HOST="mail.example.berlin.de")
    assert "praevention.W001" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "url",
    [
        reverse("overview:start"),
        reverse("measures:list"),
        reverse("exchange:export", args=["xlsx"]),
        reverse("exchange:export", args=["csv"]),
        reverse("overview:report_xlsx"),
    ],
)
def test_logged_in_pages_and_exports_are_not_cached(client, koordination, url):
    client.force_login(koordination)
    response = client.get(url)
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control
    assert "private" in cache_control


def test_the_readme_states_the_security_defaults_of_the_code():
    readme = (ROOT / "README.md").read_text()
    rows = {
        line.split("|")[1].strip(): line.split("|")[-2].strip()
        for line in readme.splitlines()
        if line.startswith("| `")
    }
    assert rows["`SECURE_SSL_REDIRECT`"] == "`1` ohne `DEBUG`, `0` mit"
    assert rows["`SECURE_HSTS_SECONDS`"] == "`31536000` ohne `DEBUG`, `0` mit"
    mail = next(value for key, value in rows.items() if key.startswith("`EMAIL_BACKEND`"))
    assert mail == "SMTP `localhost:25` ohne `DEBUG`, Konsole mit"
    settings_py = (ROOT / "praevention" / "settings.py").read_text()
    assert 'env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)' in settings_py
    assert 'env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)' in settings_py
    assert '("console.EmailBackend" if DEBUG else "smtp.EmailBackend")' in settings_py
    assert 'env("EMAIL_HOST", default="localhost")' in settings_py
    assert 'env.int("EMAIL_PORT", default=25)' in settings_py


def test_check_deploy_warns_when_each_worker_keeps_its_own_cache(monkeypatch):
    monkeypatch.delenv("CACHE_URL", raising=False)
    private = run_deploy_check()
    assert "praevention.W002" in private.stdout + private.stderr
    shared = run_deploy_check(CACHE_URL="dbcache://praevention_cache")
    assert "praevention.W002" not in shared.stdout + shared.stderr
