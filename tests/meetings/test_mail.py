"""Mails as their readers' programs expect them: automatic, one-click unsubscribe (RFC 8058),
every link on SITE_URL. Tested on the sent messages (Django's locmem backend)."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from praevention.accounts.reset import wait_for_mails
from praevention.meetings.digest import unsubscribe_token
from praevention.meetings.models import DigestSetting
from tests.meetings.factories import FollowUpFactory

pytestmark = pytest.mark.django_db

SITE = "https://praevention.example.berlin.de"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE + "/"


@pytest.fixture
def digest_mail(kernteam_jug):
    FollowUpFactory(title="Flyer abstimmen", responsible=kernteam_jug.person)
    call_command("send_digest", stdout=None)
    (message,) = [m for m in mail.outbox if m.to == [kernteam_jug.email]]
    return message


def one_click_url(message):
    return message.extra_headers["List-Unsubscribe"].strip("<>")


def test_the_digest_is_marked_automatic_and_offers_one_click_unsubscribe(digest_mail):
    headers = digest_mail.message()
    assert headers["Auto-Submitted"] == "auto-generated"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(rf"<{re.escape(SITE)}/abmelden/[^/>]+/>", headers["List-Unsubscribe"])


def test_every_link_of_the_digest_starts_with_site_url(digest_mail):
    html = digest_mail.alternatives[0].content
    hrefs = re.findall(r'href="([^"]+)"', html)
    text_links = re.findall(r"\bhttps?://\S+", digest_mail.body)
    assert hrefs and text_links
    for link in hrefs + text_links:
        assert link.startswith(SITE + "/"), link
    assert not re.search(r"localhost|testserver|127\.0\.0\.1", html + digest_mail.body)


def test_one_click_post_unsubscribes_without_login_or_csrf_token(kernteam_jug, digest_mail):
    from django.test import Client

    mail_program = Client(enforce_csrf_checks=True)
    url = one_click_url(digest_mail).removeprefix(SITE)
    response = mail_program.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "keine wöchentliche Zusammenfassung mehr" in response.content.decode()
    assert DigestSetting.objects.get(user=kernteam_jug).weekly_digest is False
    assert DigestSetting.history.filter(history_user=kernteam_jug).exists()
    mail.outbox.clear()
    call_command("send_digest", stdout=None)
    assert not [m for m in mail.outbox if m.to == [kernteam_jug.email]]


def test_opening_the_link_only_asks(client, kernteam_jug, digest_mail):
    response = client.get(one_click_url(digest_mail).removeprefix(SITE))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ja, abbestellen" in page and kernteam_jug.email in page
    assert not DigestSetting.objects.filter(user=kernteam_jug, weekly_digest=False).exists()


@pytest.mark.parametrize("token", ["x", "1:abc", "Mw:1tampered:signature"])
def test_a_wrong_token_answers_404_and_changes_nothing(client, kernteam_jug, token):
    response = client.post(reverse("meetings:unsubscribe", args=[token]))
    assert response.status_code == 404
    assert not DigestSetting.objects.exists()


def test_a_token_made_for_another_purpose_does_not_unsubscribe(client, kernteam_jug):
    from django.core import signing

    forged = signing.dumps(kernteam_jug.pk)  # no salt: not the unsubscribe token
    assert client.post(reverse("meetings:unsubscribe", args=[forged])).status_code == 404
    real = unsubscribe_token(kernteam_jug)
    assert client.post(reverse("meetings:unsubscribe", args=[real])).status_code == 200


def test_the_password_reset_mail_is_automatic_and_links_to_site_url(client, kernteam_jug):
    client.post(reverse("accounts:password_reset"), {"email": kernteam_jug.email})
    wait_for_mails()
    (message,) = mail.outbox
    assert message.message()["Auto-Submitted"] == "auto-generated"
    links = re.findall(r"\bhttps?://\S+", message.body)
    assert links and all(link.startswith(SITE + "/konto/passwort/neu/") for link in links)
