"""One lockout counter per account whatever the letter case, also for the admin login;
counted per account and client machine, the machine read through a trusted proxy only
(issue #12, fault 3)."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
ADMIN_LOGIN = reverse("admin:login")
LOCKED = "Zu viele fehlgeschlagene Anmeldeversuche"


def fail(client, url, email, times=5, **extra):
    for _ in range(times):
        response = client.post(url, {"username": email, "password": "falsch"}, **extra)
        assert response.status_code in (200, 429)


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
def test_case_variant_with_the_right_password_is_locked_too(client, koordination, url):
    fail(client, url, koordination.email.lower())
    response = client.post(url, {"username": koordination.email.upper(), "password": PASSWORD})
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
def test_case_variants_share_one_counter(client, koordination, url):
    variants = [
        koordination.email.lower(),
        koordination.email.upper(),
        koordination.email.title(),
        " " + koordination.email.swapcase() + "\u200b",
        koordination.email.capitalize(),
    ]
    for variant in variants:
        client.post(url, {"username": variant, "password": "falsch"})
    response = client.post(url, {"username": koordination.email, "password": PASSWORD})
    assert response.status_code == 429


PROXY = "10.0.0.5"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY]


def test_a_colleague_behind_the_shared_proxy_is_not_locked_out(client, kernteam_jug, behind_proxy):
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "192.168.7.11"}
    colleague = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "192.168.7.42"}
    fail(client, LOGIN, kernteam_jug.email, **attacker)
    assert (
        client.post(
            LOGIN, {"username": kernteam_jug.email, "password": PASSWORD}, **attacker
        ).status_code
        == 429
    )
    response = client.post(
        LOGIN, {"username": kernteam_jug.email, "password": PASSWORD}, **colleague
    )
    assert response.status_code == 302


def test_a_forged_forwarded_header_from_outside_the_proxy_is_not_believed(
    client, kernteam_jug, behind_proxy
):
    """Without the trusted proxy in front, X-Forwarded-For is the client's own claim."""
    for n in range(5):
        client.post(
            LOGIN,
            {"username": kernteam_jug.email, "password": "falsch"},
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    response = client.post(
        LOGIN,
        {"username": kernteam_jug.email, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert response.status_code == 429


def test_spoofed_entries_left_of_the_proxy_entry_are_ignored(client, kernteam_jug, behind_proxy):
    for n in range(5):
        client.post(
            LOGIN,
            {"username": kernteam_jug.email, "password": "falsch"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 192.168.7.11",
        )
    response = client.post(
        LOGIN,
        {"username": kernteam_jug.email, "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.99, 192.168.7.11",
    )
    assert response.status_code == 429


def test_login_records_are_deleted_after_the_retention_period(client, kernteam_jug, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt, AccessLog
    from django.core.management import call_command
    from django.utils import timezone

    settings.LOGIN_RECORD_RETENTION_DAYS = 90
    client.post(LOGIN, {"username": kernteam_jug.email, "password": PASSWORD})
    client.logout()
    fail(client, LOGIN, kernteam_jug.email, times=1)
    assert AccessLog.objects.exists() and AccessAttempt.objects.exists()
    old = timezone.now() - timedelta(days=91)
    AccessLog.objects.update(attempt_time=old)
    AccessAttempt.objects.update(attempt_time=old)
    recent = AccessLog.objects.create(
        username="recent@ba-cw.berlin.de", ip_address="192.0.2.9", user_agent="x"
    )

    call_command("apply_retention")

    assert list(AccessLog.objects.all()) == [recent]
    assert not AccessAttempt.objects.exists()
