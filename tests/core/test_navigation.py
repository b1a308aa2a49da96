"""The main navigation leads to every page a role may open (issue #27): "Aufgaben" and the
frozen reports ("Berichte") for every member of the network, nothing for an account without
a role."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NAV_LINKS = {
    "Aufgaben": reverse("meetings:tasks"),
    "Berichte": reverse("editions:list"),
}


def nav_of(html):
    start = html.index('id="main-nav"')
    return html[start : html.index("</nav>", start)]


@pytest.mark.parametrize("persona", ["kernteam_ges", "kernteam_jug", "koordination", "admin_user"])
def test_every_member_finds_tasks_and_reports_in_the_navigation(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    nav = nav_of(client.get(reverse("overview:start")).content.decode())
    for label, url in NAV_LINKS.items():
        assert f'href="{url}">{label}</a>' in nav, (persona, label)
        # …and the link opens.
        assert client.get(url).status_code == 200, (persona, url)


def test_the_link_of_the_open_page_is_marked_current(client, kernteam_jug):
    client.force_login(kernteam_jug)
    for label, url in NAV_LINKS.items():
        nav = nav_of(client.get(url).content.decode())
        assert f'aria-current="page" href="{url}">{label}</a>' in nav


def test_an_account_without_a_role_is_offered_neither(client):
    client.force_login(UserFactory())
    response = client.get(reverse("meetings:profile"))
    html = response.content.decode()
    for url in NAV_LINKS.values():
        assert f'href="{url}"' not in html
        assert client.get(url).status_code == 403


def test_every_page_names_a_favicon_that_exists(client):
    from django.contrib.staticfiles import finders

    html = client.get(reverse("accounts:login")).content.decode()
    assert 'rel="icon"' in html and "img/favicon.svg" in html
    assert finders.find("img/favicon.svg")
