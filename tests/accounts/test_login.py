import pytest
from django.core import mail
from django.urls import reverse

from praevention.accounts.reset import wait_for_mails
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def test_login_page_is_german_and_open_to_anonymous_users(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Anmelden" in content
    assert "E-Mail-Adresse" in content
    assert 'lang="de"' in content


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get(reverse("overview:start"))
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/"


def test_member_logs_in_with_e_mail_in_any_case(client, kernteam_jug):
    response = client.post(
        LOGIN, {"username": "KERNTEAM.JUG@ba-cw.berlin.de", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("overview:start")


def test_wrong_password_gives_a_german_message(client, kernteam_jug):
    response = client.post(LOGIN, {"username": kernteam_jug.email, "password": "falsch"})
    assert response.status_code == 200
    assert "E-Mail-Adresse oder Passwort sind falsch" in response.content.decode()


def test_five_failures_lock_the_login_with_a_german_message(client, kernteam_jug):
    for _ in range(5):
        client.post(LOGIN, {"username": kernteam_jug.email, "password": "falsch"})
    response = client.post(LOGIN, {"username": kernteam_jug.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_needs_a_post_and_ends_the_session(client, kernteam_jug):
    client.force_login(kernteam_jug)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("overview:start")).status_code == 302


def test_password_reset_sends_a_german_mail_with_a_link(client, kernteam_jug):
    response = client.post(reverse("accounts:password_reset"), {"email": kernteam_jug.email})
    assert response.status_code == 302
    wait_for_mails()
    assert len(mail.outbox) == 1
    assert "neues Passwort" in mail.outbox[0].subject
    assert "/konto/passwort/neu/" in mail.outbox[0].body


def test_password_reset_page_is_open_to_anonymous_users(client):
    assert client.get(reverse("accounts:password_reset")).status_code == 200


def test_password_change_works_for_a_logged_in_member(client, kernteam_jug):
    client.force_login(kernteam_jug)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Ein-neues-Passwort-2026",
            "new_password2": "Ein-neues-Passwort-2026",
        },
    )
    assert response.status_code == 302
    kernteam_jug.refresh_from_db()
    assert kernteam_jug.check_password("Ein-neues-Passwort-2026")


def test_start_page_lists_measures_after_login(client, koordination):
    from tests.factories import MeasureFactory

    MeasureFactory(title="Sprachförderung für Kinder ohne Kitaplatz")
    client.force_login(koordination)
    response = client.get(reverse("overview:start"))
    assert response.status_code == 200
    assert "Sprachförderung für Kinder ohne Kitaplatz" in response.content.decode()
