"""Every download is a registered exporter; heavy ones are limited per user (German 429)."""

import datetime

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.urls import reverse
from django.utils import timezone

from praevention.core import downloads, exporters
from praevention.core.models import DownloadSlot
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db

EVERY_DOWNLOAD = {
    "measures.csv",
    "measures.xlsx",
    "measures.json",
    "measures.template",
    "report.xlsx",
    "report.pdf",
    "edition.pdf",
    "edition.xlsx",
}


def export_url(fmt):
    return reverse("exchange:export", args=[fmt])


def leave(response):
    """The client goes away before the end: the server closes the response. (As the test
    client closes responses: without closing the test's database connection.)"""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def test_every_download_of_the_app_is_a_registered_exporter():
    assert {exporter.key for exporter in exporters.all_exporters()} == EVERY_DOWNLOAD
    for exporter in exporters.all_exporters():
        assert exporter.label and exporter.content_type and exporter.extension


def test_a_second_exporter_under_a_taken_key_is_refused():
    taken = exporters.get("measures.csv")
    with pytest.raises(exporters.AlreadyRegistered):
        exporters.register(
            exporters.Exporter(
                key="measures.csv",
                label="Andere",
                content_type="text/plain",
                extension="txt",
                render=lambda subject: b"",
                allowed=lambda user: True,
            )
        )
    assert exporters.get("measures.csv") is taken


@pytest.fixture
def one_at_a_time(settings):
    settings.DOWNLOADS_PER_USER = 1


@pytest.fixture
def member(client, kernteam_ges, jugendamt):
    MeasureFactory(lead=jugendamt)
    client.force_login(kernteam_ges)
    return client


def test_a_second_heavy_download_while_one_streams_is_a_german_429(member, one_at_a_time):
    running = member.get(export_url("json"))
    assert running.status_code == 200
    refused = member.get(export_url("csv"))
    assert refused.status_code == 429
    assert "bereits 1 Downloads gleichzeitig" in refused.content.decode()
    assert "Bitte warten Sie" in refused.content.decode()
    assert refused["Retry-After"]
    b"".join(running.streaming_content)  # the first download ends: its slot is free again
    assert member.get(export_url("csv")).status_code == 200


def test_a_download_closed_before_its_first_byte_frees_its_slot(member, one_at_a_time):
    leave(member.get(export_url("json")))
    assert DownloadSlot.objects.count() == 0
    assert member.get(export_url("json")).status_code == 200


def test_the_limit_is_per_user(member, one_at_a_time, client, koordination):
    running = member.get(export_url("json"))
    assert running.status_code == 200
    from django.test import Client

    colleague = Client()
    colleague.force_login(koordination)
    assert colleague.get(reverse("overview:report_xlsx")).status_code == 200
    assert colleague.get(export_url("json")).status_code == 200
    leave(running)


def test_the_report_spreadsheet_counts_as_heavy(client, koordination, one_at_a_time):
    client.force_login(koordination)
    DownloadSlot.objects.create(
        user=koordination,
        exporter="measures.csv",
        expires_at=timezone.now() + datetime.timedelta(minutes=5),
    )
    response = client.get(reverse("overview:report_xlsx"))
    assert response.status_code == 429
    assert "Bitte warten Sie" in response.content.decode()


def test_a_slot_whose_worker_died_expires(member, kernteam_ges, one_at_a_time):
    DownloadSlot.objects.create(
        user=kernteam_ges,
        exporter="measures.xlsx",
        expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    assert member.get(export_url("xlsx")).status_code == 200
    # Freeing a slot also removes the expired ones.
    assert DownloadSlot.objects.count() == 0


def test_the_limit_cannot_be_erased_by_clearing_the_cache(member, one_at_a_time):
    from django.core.cache import cache

    running = member.get(export_url("json"))
    cache.clear()
    assert member.get(export_url("json")).status_code == 429
    leave(running)


def test_light_downloads_take_no_slot(client, koordination, one_at_a_time):
    client.force_login(koordination)
    DownloadSlot.objects.create(
        user=koordination,
        exporter="measures.csv",
        expires_at=timezone.now() + datetime.timedelta(minutes=5),
    )
    assert client.get(reverse("exchange:import_template")).status_code == 200
    assert not exporters.get("measures.template").heavy
    assert downloads.acquire(koordination, exporters.get("measures.csv")) is None
