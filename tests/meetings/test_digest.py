"""`manage.py send_digest` with Django's locmem mail backend: the right content per person,
nothing for whoever opted out, no second mail in the same week."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from praevention.measures.models import Measure
from praevention.meetings.digest import send_weekly_digests, week_start
from praevention.meetings.models import DigestDelivery, DigestSetting
from tests.factories import MeasureFactory
from tests.meetings.factories import FollowUpFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings):
    """Tests send through Django's locmem backend (mail.outbox), set by the test runner."""
    settings.SITE_URL = "https://praevention.example.berlin.de"


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def network(kernteam_jug, kernteam_ges, koordination, jugendamt, gesundheitsamt):
    """A Jugendamt measure the Gesundheitsamt edited, one ending soon, one stale, and tasks."""
    changed = MeasureFactory(title="Von Ges geändert", lead=jugendamt)
    changed.summary = "Neu vom Gesundheitsamt"
    changed._history_user = kernteam_ges
    changed.save()
    own_edit = MeasureFactory(title="Selbst geändert", lead=jugendamt)
    own_edit.summary = "Vom Jugendamt selbst"
    own_edit._history_user = kernteam_jug
    own_edit.save()
    MeasureFactory(title="Endet bald", lead=jugendamt, end_date=days(40))
    MeasureFactory(title="Endet später", lead=jugendamt, end_date=days(200))
    stale = MeasureFactory(title="Lange nicht bestätigt", lead=jugendamt)
    Measure.objects.filter(pk=stale.pk).update(
        confirmed_at=timezone.now() - datetime.timedelta(days=400)
    )
    meeting = MeetingFactory()
    FollowUpFactory(
        title="Überfällige Jug-Aufgabe",
        responsible=kernteam_jug.person,
        due_on=days(-2),
        meeting=meeting,
    )
    FollowUpFactory(
        title="Offene Jug-Aufgabe",
        responsible=kernteam_jug.person,
        due_on=days(10),
        meeting=meeting,
    )
    FollowUpFactory(
        title="Aufgabe im Gesundheitsamt", responsible=kernteam_ges.person, due_on=days(3),
        meeting=meeting,
    )  # fmt: skip


def mail_to(user):
    found = [m for m in mail.outbox if m.to == [user.email]]
    assert len(found) == 1, [m.to for m in mail.outbox]
    return found[0]


def test_each_person_gets_their_own_digest_in_german_text_and_html(
    network, kernteam_jug, kernteam_ges
):
    out = StringIO()
    call_command("send_digest", stdout=out)
    assert "versendet" in out.getvalue()

    message = mail_to(kernteam_jug)
    assert message.subject.startswith("Präventionsnetz: Ihre Woche – 2 offene Aufgaben")
    text = message.body
    assert "Überfällige Jug-Aufgabe – überfällig seit" in text
    assert "Offene Jug-Aufgabe – fällig am" in text
    assert "Aufgabe im Gesundheitsamt" not in text
    changed = text.split("VON ANDEREN FACHBEREICHEN GEÄNDERT")[1].split("ENDET")[0]
    assert "Von Ges geändert" in changed and "Selbst geändert" not in changed
    ending = text.split("ENDET IN DEN NÄCHSTEN 3 MONATEN")[1].split("BITTE")[0]
    assert "Endet bald" in ending and "Endet später" not in ending
    assert "Lange nicht bestätigt" in text.split("BITTE BESTÄTIGEN")[1]
    assert "https://praevention.example.berlin.de/profil/" in text
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<h2" in html and "Überfällige Jug-Aufgabe" in html

    other = mail_to(kernteam_ges).body
    assert "Aufgabe im Gesundheitsamt" in other and "Überfällige Jug-Aufgabe" not in other
    # The Gesundheitsamt takes no part in the Jugendamt's measures.
    assert "Von Ges geändert" not in other and "Endet bald" not in other


def test_nobody_gets_a_second_digest_in_the_same_week(network, kernteam_jug):
    call_command("send_digest", stdout=StringIO())
    sent = len(mail.outbox)
    assert sent >= 2
    call_command("send_digest", stdout=StringIO())
    assert len(mail.outbox) == sent
    assert DigestDelivery.objects.filter(user=kernteam_jug).count() == 1


def test_next_week_brings_a_new_digest_with_changes_since_the_last_one(
    network, kernteam_jug, kernteam_ges
):
    now = timezone.now()
    send_weekly_digests(now=now)
    mail.outbox.clear()
    next_week = now + datetime.timedelta(days=7)
    assert week_start(timezone.localdate(next_week)) != week_start(timezone.localdate(now))
    send_weekly_digests(now=next_week)
    body = mail_to(kernteam_jug).body
    # The Gesundheitsamt's edit was in last week's digest already.
    assert "Von Ges geändert" not in body.split("VON ANDEREN")[1].split("ENDET")[0]


def test_whoever_opts_out_on_the_profile_page_gets_nothing(client, network, kernteam_jug):
    client.force_login(kernteam_jug)
    response = client.post(reverse("meetings:profile"), {})  # checkbox unticked
    assert response.status_code == 302
    assert DigestSetting.objects.get(user=kernteam_jug).weekly_digest is False
    call_command("send_digest", stdout=StringIO())
    assert not [m for m in mail.outbox if m.to == [kernteam_jug.email]]
    assert mail.outbox  # the others still get theirs


def test_a_person_with_nothing_to_report_gets_no_mail(qpk, koordination):
    call_command("send_digest", stdout=StringIO())
    assert mail.outbox == []
    assert not DigestDelivery.objects.exists()


def test_dry_run_sends_nothing(network):
    out = StringIO()
    call_command("send_digest", "--dry-run", stdout=out)
    assert mail.outbox == [] and not DigestDelivery.objects.exists()
    assert "Probelauf" in out.getvalue()
