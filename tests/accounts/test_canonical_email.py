"""One canonical form of an e-mail address (NFKC, then casefold), stored with the account and
used for login, lockout and password reset alike (issue #28, fault 2). Look-alike spellings
that share the canonical form count against the same lock; a spelling with another canonical
form (the dotless ı) is another, unknown address and never logs in."""

import unicodedata

import pytest
from django.core import mail
from django.urls import reverse

from praevention.accounts import roles
from praevention.accounts.addresses import canonical_email
from praevention.accounts.models import User
from praevention.accounts.reset import wait_for_mails
from tests.factories import PASSWORD, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
ADMIN_LOGIN = reverse("admin:login")
RESET = reverse("accounts:password_reset")
LOCKED = "Zu viele fehlgeschlagene Anmeldeversuche"
ADDRESS = "kristin.kaiser@köpenick.berlin.de"

FULLWIDTH = "".join(chr(ord(c) + 0xFEE0) if "a" <= c <= "z" else c for c in "kristin") + (
    ".kaiser@köpenick.berlin.de"
)
SAME = {
    "long s": "kriſtin.kaiſer@köpenick.berlin.de",
    "Kelvin sign": "\u212aristin.\u212aaiser@köpenick.berlin.de",
    "full-width letters": FULLWIDTH,
    "NFD": unicodedata.normalize("NFD", ADDRESS),
    "capitals": ADDRESS.upper(),
}
DOTLESS_I = "krıstin.kaiser@köpenick.berlin.de"


@pytest.fixture
def kristin(jugendamt):
    user = UserFactory(email=ADDRESS, role=roles.KOORDINATION)
    PersonFactory(user=user, department=jugendamt)
    return user


def login(client, url, username, password=PASSWORD):
    return client.post(url, {"username": username, "password": password})


def test_look_alike_spellings_share_the_canonical_form_the_dotless_i_does_not():
    assert {canonical_email(spelling) for spelling in SAME.values()} == {canonical_email(ADDRESS)}
    assert canonical_email(DOTLESS_I) != canonical_email(ADDRESS)
    assert canonical_email(canonical_email(FULLWIDTH)) == canonical_email(FULLWIDTH)


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
def test_every_look_alike_spelling_counts_against_the_same_lock(client, kristin, url):
    for spelling in SAME.values():
        response = login(client, url, spelling, "falsch")
        assert response.status_code in (200, 429)  # the fifth failure answers "locked"
    # Five failures in five spellings: the account is locked, whichever spelling comes next.
    for spelling in [ADDRESS, *SAME.values()]:
        response = login(client, url, spelling)
        assert response.status_code == 429, spelling
        assert LOCKED in response.content.decode()
        assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
def test_the_dotless_i_is_another_unknown_address(client, kristin, url):
    response = login(client, url, DOTLESS_I)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert login(client, url, ADDRESS).status_code == 302
    assert client.session["_auth_user_id"] == str(kristin.pk)


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
def test_a_locked_account_is_not_reached_through_the_dotless_i(client, kristin, url):
    for _ in range(5):
        login(client, url, ADDRESS, "falsch")
    response = login(client, url, DOTLESS_I)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert login(client, url, ADDRESS).status_code == 429


def test_a_reset_for_the_dotless_i_sends_nothing_a_look_alike_reaches_the_stored_address(
    client, kristin
):
    client.post(RESET, {"email": DOTLESS_I})
    client.post(RESET, {"email": SAME["long s"]})
    wait_for_mails()
    assert [message.to for message in mail.outbox] == [[ADDRESS]]


def test_look_alike_spellings_share_one_reset_limit(client, settings, kristin):
    settings.RESET_LIMIT_PER_ADDRESS = 3
    codes = [client.post(RESET, {"email": s}).status_code for s in SAME.values()]
    assert codes == [302, 302, 302, 429, 429]


def test_the_stored_canonical_form_finds_the_account_by_exact_match(kristin):
    assert User.objects.get(email_canonical=canonical_email(SAME["Kelvin sign"])) == kristin
    assert User.objects.by_email(SAME["full-width letters"]).get() == kristin
    assert not User.objects.by_email(DOTLESS_I).exists()


def test_the_admin_refuses_a_second_account_under_a_look_alike_spelling(
    client, admin_user, kristin
):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": SAME["Kelvin sign"],
            "password1": "Ein-langes-Passwort-2026",
            "password2": "Ein-langes-Passwort-2026",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert "Es gibt bereits ein Konto mit dieser E-Mail-Adresse." in response.content.decode()
    assert User.objects.count() == 2


def _migration():
    import importlib

    return importlib.import_module("praevention.accounts.migrations.0003_email_canonical")


def test_the_migration_canonicalises_existing_addresses(kristin):
    from django.apps import apps

    User.objects.filter(pk=kristin.pk).update(email_canonical="alt")
    _migration().canonicalise(apps, None)
    kristin.refresh_from_db()
    assert kristin.email_canonical == canonical_email(ADDRESS)


def test_the_migration_refuses_two_accounts_with_one_canonical_address_and_names_them(kristin):
    from django.apps import apps

    other = UserFactory(email="andere@ba-cw.berlin.de")
    User.objects.filter(pk=other.pk).update(email=SAME["full-width letters"])
    with pytest.raises(RuntimeError) as refused:
        _migration().canonicalise(apps, None)
    assert f"#{kristin.pk}" in str(refused.value)
    assert f"#{other.pk}" in str(refused.value)
