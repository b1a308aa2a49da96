"""The meetings pages speak English when English is chosen, German otherwise."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from praevention.measures.models import Measure
from praevention.meetings.models import FollowUp, Meeting
from tests.core.test_translations import (
    GERMAN_DATE,
    data_strings,
    english_words,
    german_words,
    ui_chunks,
    ui_text,
    use_language,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(client, koordination):
    call_command("seed_demo", stdout=None)
    client.force_login(koordination)
    return client


def pages():
    meeting = Meeting.objects.order_by("pk").first()
    measure = Measure.objects.get(title="Sprachförderung für Kinder ohne Kitaplatz")
    return [
        reverse("overview:start"),
        reverse("meetings:list"),
        reverse("meetings:create"),
        reverse("meetings:detail", args=[meeting.pk]),
        reverse("meetings:edit", args=[meeting.pk]),
        reverse("meetings:minutes", args=[meeting.pk]),
        reverse("meetings:archive", args=[meeting.pk]),
        reverse("meetings:tasks"),
        reverse("meetings:profile"),
        reverse("measures:detail", args=[measure.pk]),
        reverse("measures:list") + "?stale=1",
        reverse("overview:report"),
    ]


def test_meetings_pages_show_no_english_by_default(demo):
    data = data_strings()
    for url in pages():
        text = ui_text(demo.get(url), data)
        assert not english_words(text), (url, english_words(text))


def test_meetings_pages_show_no_german_labels_in_english(demo):
    use_language(demo, "en")
    data = data_strings()
    for url in pages():
        response = demo.get(url)
        assert response.content.decode().count('<html lang="en">') == 1, url
        text = ui_text(response, data)
        assert not german_words(text), (url, german_words(text))
        assert not GERMAN_DATE.findall("\n".join(ui_chunks(response, data))), url


def test_the_digest_is_german_even_for_english_users(demo):
    from django.core import mail

    from praevention.meetings.digest import send_weekly_digests

    use_language(demo, "en")
    assert FollowUp.objects.overdue().exists()
    send_weekly_digests()
    assert mail.outbox
    assert all("Guten Tag" in message.body for message in mail.outbox)
