"""The accessibility statement and the staff privacy notice: public, linked from the login page
and the footer, with each district's own bodies and addresses (issue #25)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_both_statements_are_linked_from_the_login_page_and_readable_without_login(client):
    login = client.get(reverse("accounts:login")).content.decode()
    for name in ("accessibility", "privacy"):
        url = reverse(name)
        assert f'href="{url}"' in login
        response = client.get(url)
        assert response.status_code == 200


def test_the_footer_links_them_on_every_page(client, koordination):
    client.force_login(koordination)
    page = client.get(reverse("measures:list")).content.decode()
    assert 'href="/barrierefreiheit/"' in page and 'href="/datenschutz/"' in page


def test_the_accessibility_statement_follows_the_berlin_model(client, settings):
    settings.STATEMENTS = {
        **settings.STATEMENTS,
        "accessibility_status": "partial",
        "accessibility_checked_on": "2026-11-30",
        "feedback_email": "barrierefrei@ba-spandau.example",
        "feedback_phone": "030 90279-0",
        "accessibility_limitations": "Die Karte der Planungsräume hat keine Textalternative.",
    }
    page = client.get(reverse("accessibility")).content.decode()
    assert "teilweise erfüllt" in page
    assert "30. November 2026" in page
    assert "mailto:barrierefrei@ba-spandau.example" in page
    assert "030 90279-0" in page
    assert "Die Karte der Planungsräume hat keine Textalternative." in page
    assert "Landesbeauftragte für digitale Barrierefreiheit" in page
    assert "Schlichtungsstelle" in page


def test_the_privacy_notice_says_what_why_how_long_and_whom_to_ask(client, settings):
    settings.STATEMENTS = {
        **settings.STATEMENTS,
        "operator": "Bezirksamt Spandau von Berlin",
        "privacy_contact": "datenschutz@ba-spandau.example",
        "privacy_retention": "Konten werden sechs Monate nach dem Ausscheiden gelöscht.",
    }
    page = client.get(reverse("privacy")).content.decode()
    assert "Bezirksamt Spandau von Berlin" in page
    for heading in ("Was gespeichert wird", "Wozu", "Wie lange", "Ihre Rechte"):
        assert heading in page
    assert "Konten werden sechs Monate nach dem Ausscheiden gelöscht." in page
    assert "mailto:datenschutz@ba-spandau.example" in page
