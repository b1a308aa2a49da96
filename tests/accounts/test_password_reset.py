"""Password reset tells nobody which addresses have an account, and cannot flood an inbox
(issue #12, fault 10)."""

import time

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.mail.backends import locmem
from django.urls import reverse

from praevention.accounts.reset import wait_for_mails

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:password_reset")
SLOW_SMTP_S = 0.6
TOO_MANY = "wurden zu viele Links angefordert"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    wait_for_mails()
    cache.clear()


@pytest.fixture
def slow_smtp(monkeypatch):
    """A mail server that takes its time, like the district's SMTP relay."""
    send = locmem.EmailBackend.send_messages

    def slow(self, messages):
        time.sleep(SLOW_SMTP_S)
        return send(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", slow)


def timed_post(client, email):
    started = time.monotonic()
    response = client.post(RESET, {"email": email})
    return response, time.monotonic() - started


def test_known_and_unknown_addresses_answer_alike_and_without_waiting_for_the_mail(
    client, kernteam_jug, slow_smtp
):
    known, known_s = timed_post(client, kernteam_jug.email)
    unknown, unknown_s = timed_post(client, "niemand@ba-cw.berlin.de")

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    # The known address does not wait for the slow mail server.
    assert known_s < SLOW_SMTP_S / 2, known_s
    assert abs(known_s - unknown_s) < SLOW_SMTP_S / 2
    wait_for_mails()
    assert [message.to for message in mail.outbox] == [[kernteam_jug.email]]
    assert "/konto/passwort/neu/" in mail.outbox[0].body


def test_the_mail_is_german(client, kernteam_jug):
    client.post(RESET, {"email": kernteam_jug.email})
    wait_for_mails()
    assert "neues Passwort" in mail.outbox[0].subject


def test_one_address_gets_at_most_three_links_an_hour(client, settings, kernteam_jug):
    settings.RESET_LIMIT_PER_ADDRESS = 3
    answers = [client.post(RESET, {"email": kernteam_jug.email}) for _ in range(5)]
    # Letter case does not make a new address.
    answers.append(client.post(RESET, {"email": kernteam_jug.email.upper()}))

    assert [a.status_code for a in answers] == [302, 302, 302, 429, 429, 429]
    assert TOO_MANY in answers[-1].content.decode()
    wait_for_mails()
    assert len(mail.outbox) == 3


def test_unknown_addresses_are_limited_the_same_way(client, settings):
    settings.RESET_LIMIT_PER_ADDRESS = 3
    codes = [client.post(RESET, {"email": "niemand@ba-cw.berlin.de"}).status_code for _ in range(4)]
    assert codes == [302, 302, 302, 429]


def test_one_machine_cannot_request_links_for_everybody(client, settings, kernteam_jug):
    settings.RESET_LIMIT_PER_IP = 5
    codes = [
        client.post(RESET, {"email": f"person{n}@ba-cw.berlin.de"}).status_code for n in range(5)
    ]
    codes.append(client.post(RESET, {"email": kernteam_jug.email}).status_code)
    assert codes == [302] * 5 + [429]
    wait_for_mails()
    assert mail.outbox == []
    # Another machine is not affected.
    other = client.post(RESET, {"email": kernteam_jug.email}, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 302


@pytest.fixture
def small_shared_cache(settings):
    """The production cache setting (CACHE_URL=dbcache://praevention_cache) with room for
    only a few entries, so a flood of requests makes it cull."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "praevention_cache",
            "OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 2},
        }
    }
    from django.core.management import call_command

    call_command("createcachetable", verbosity=0)
    cache.clear()


def test_a_flood_filling_the_cache_does_not_erase_the_limits(
    client, settings, kernteam_jug, small_shared_cache
):
    settings.RESET_LIMIT_PER_ADDRESS = 3
    settings.RESET_LIMIT_PER_IP = 20
    victim = [client.post(RESET, {"email": kernteam_jug.email}) for _ in range(3)]
    # The same machine floods with random addresses: more entries than the cache holds.
    flood = [client.post(RESET, {"email": f"zufall{n}@example.org"}) for n in range(60)]
    # Anything else cached (the overview's figures) fills it again.
    for n in range(40):
        cache.set(f"filler-{n}", "x")
    again = client.post(RESET, {"email": kernteam_jug.email}, REMOTE_ADDR="192.0.2.44")

    assert [a.status_code for a in victim] == [302, 302, 302]
    assert sum(a.status_code == 302 for a in flood) == 17  # 20 per machine, 3 used before
    assert again.status_code == 429
    wait_for_mails()
    assert len(mail.outbox) == 3


def test_an_account_created_without_a_password_sets_its_first_one_and_logs_in(client, jugendamt):
    """Issue #27: the admin creates an account without a password; the reset form answers as
    for any address, sends the link, and the link sets a password that logs in."""
    from tests.factories import UserFactory

    user = UserFactory(email="neu@ba-cw.berlin.de")
    user.set_unusable_password()
    user.save()
    answer = client.post(RESET, {"email": "neu@ba-cw.berlin.de"})
    unknown = client.post(RESET, {"email": "niemand@ba-cw.berlin.de"})
    assert answer.status_code == unknown.status_code == 302
    assert answer["Location"] == unknown["Location"]
    wait_for_mails()
    assert [message.to for message in mail.outbox] == [["neu@ba-cw.berlin.de"]]
    link = next(word for word in mail.outbox[0].body.split() if "/konto/passwort/neu/" in word)
    path = link[link.index("/konto/") :]
    form = client.get(path, follow=True)
    assert form.status_code == 200
    password = "Ein-langes-Passwort-2026"
    done = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else path,
        {"new_password1": password, "new_password2": password},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.has_usable_password() and user.check_password(password)
