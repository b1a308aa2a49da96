""" "Gibt es das schon?": while a new measure's title is typed, similar titles are shown."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.urls import reverse

from praevention.accounts.models import User
from praevention.demo.management.commands.seed_demo import DEMO_KERNTEAM_EMAIL
from tests.factories import MeasureFactory, UserFactory

pytestmark = pytest.mark.django_db

SIMILAR = reverse("measures:similar")
CREATE = reverse("measures:create")


def hinted(client, title):
    response = client.get(SIMILAR, {"title": title}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return [measure.title for measure in response.context["measures"]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram similarity")
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class DemoNetworkDuplicateTests(TestCase):
    """The threshold (search.DUPLICATE_THRESHOLD) against the demo network's titles."""

    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", stdout=None)
        cls.member = User.objects.get(email=DEMO_KERNTEAM_EMAIL)

    def setUp(self):
        self.client.force_login(self.member)

    def test_copies_and_halfway_typed_titles_are_hinted(self):
        sprache = "Sprachförderung für Kinder ohne Kitaplatz"
        cases = {
            sprache: sprache,
            "sprachfoerderung fuer kinder ohne kita-platz": (
                "Sprachförderung für Kinder ohne Kitaplatz"
            ),
            "Kinder ohne Kitaplatz: Sprachförderung": "Sprachförderung für Kinder ohne Kitaplatz",
            "Sprachförderung für": "Sprachförderung für Kinder ohne Kitaplatz",
            "Familienhebammen und Kinderkrankenpflege": (
                "Familienhebammen und Familien-Kinderkrankenpflege"
            ),
            "Monitoring Kinderarmut": "Monitoring Kinderarmut und Sozialraumanalyse",
            "Elterncafe im Familienzentrum": "Elterncafés in Familienzentren",
            "Willkommensbesuche bei Neugeborenen": (
                "Willkommensbesuche für Familien mit Neugeborenen"
            ),
            "Zahnprophylaxe in Kitas": "Zahnputzprogramm und Zahnprophylaxe in Kitas",
        }
        for typed, existing in cases.items():
            with self.subTest(typed=typed):
                assert existing in hinted(self.client, typed)

    def test_different_measures_sharing_a_word_are_not_hinted(self):
        for typed in [
            "Inklusive Spielgruppen für Kinder",
            "Beratung in Familienzentren",
            "Spielgruppe in Familienzentren",
            "Ferienprogramm",
            "Lotsen für Kinderzuschlag",
        ]:
            with self.subTest(typed=typed):
                found = hinted(self.client, typed)
                assert "Sprachförderung für Kinder ohne Kitaplatz" not in found
                assert "Elterncafés in Familienzentren" not in found
                assert "Ferienprogramm mit kostenlosem Mittagessen" not in found

    def test_the_most_similar_comes_first_with_its_lead(self):
        response = self.client.get(SIMILAR, {"title": "Sprachförderung für Kinder ohne Kita"})
        content = response.content.decode()
        assert "Gibt es das schon?" in content
        assert response.context["measures"][0].title == "Sprachförderung für Kinder ohne Kitaplatz"
        assert "Jugendamt" in content

    def test_nonsense_gets_no_hint(self):
        response = self.client.get(SIMILAR, {"title": "Xylqwzrt Plomf"})
        assert list(response.context["measures"]) == []
        assert "Gibt es das schon?" not in response.content.decode()


@pytest.fixture
def member(client, kernteam_jug):
    client.force_login(kernteam_jug)
    return client


def test_the_create_form_asks_for_similar_titles_while_typing(member):
    content = member.get(CREATE).content.decode()
    assert f'hx-get="{SIMILAR}"' in content
    assert 'id="duplicate-hint"' in content
    assert 'aria-live="polite"' in content


def test_the_edit_form_does_not_ask(member, jugendamt):
    measure = MeasureFactory(lead=jugendamt)
    content = member.get(reverse("measures:edit", args=[measure.pk])).content.decode()
    assert "duplicate-hint" not in content


def test_an_exact_copy_is_hinted_on_every_database(member, jugendamt):
    MeasureFactory(title="Sprachförderung für Kinder ohne Kitaplatz", lead=jugendamt)
    MeasureFactory(title="Elterncafé", lead=jugendamt)
    assert hinted(member, "SPRACHFOERDERUNG für Kinder ohne Kitaplatz") == [
        "Sprachförderung für Kinder ohne Kitaplatz"
    ]
    assert hinted(member, "Sprachförderung für Kinder") == [
        "Sprachförderung für Kinder ohne Kitaplatz"
    ]


def test_archived_measures_are_hinted_and_marked(member, jugendamt):
    MeasureFactory(title="Elterncafé im Kiez", lead=jugendamt, is_archived=True)
    content = member.get(SIMILAR, {"title": "Elterncafé im Kiez"}).content.decode()
    assert "Elterncafé im Kiez" in content and "archiviert" in content


def test_short_or_empty_titles_get_no_hint(member, jugendamt):
    MeasureFactory(title="Kita", lead=jugendamt)
    assert hinted(member, "Ki") == []
    assert hinted(member, "") == []


def test_titles_are_escaped(member, jugendamt):
    MeasureFactory(title="<script>alert(1)</script> Kurs", lead=jugendamt)
    content = member.get(SIMILAR, {"title": "<script>alert(1)</script> Kurs"}).content.decode()
    assert "<script>" not in content
    assert "&lt;script&gt;" in content


def test_only_those_who_may_create_measures_are_answered(client, jugendamt):
    assert client.get(SIMILAR, {"title": "Kita"}).status_code == 302
    client.force_login(UserFactory())  # a login without a role
    assert client.get(SIMILAR, {"title": "Kita"}).status_code == 403
    assert client.post(SIMILAR, {"title": "Kita"}).status_code in (403, 405)


def test_the_hint_runs_the_same_queries_for_5_and_60_measures(
    member, jugendamt, django_assert_max_num_queries
):
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as queries:
            hinted(member, "Sprachförderung im Kiez")
        return len(queries)

    for n in range(5):
        MeasureFactory(title=f"Sprachförderung im Kiez {n}", lead=jugendamt)
    few = count()
    for n in range(5, 60):
        MeasureFactory(title=f"Sprachförderung im Kiez {n}", lead=jugendamt)
    with django_assert_max_num_queries(few):
        hinted(member, "Sprachförderung im Kiez")
    assert len(hinted(member, "Sprachförderung im Kiez")) == 5
