"""A large list XLSX is made in the background: progress page, then the file; its own user only."""

import io

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from praevention.core.models import DownloadSlot, ExportJob
from praevention.exchange import exporting
from tests.factories import MeasureFactory, UserFactory

pytestmark = pytest.mark.django_db


def export_url(fmt="xlsx"):
    return reverse("exchange:export", args=[fmt])


@pytest.fixture
def measures(jugendamt):
    return [MeasureFactory(lead=jugendamt, title=f"Maßnahme {n}") for n in range(5)]


@pytest.fixture
def in_background(settings):
    settings.EXPORT_XLSX_DIRECT_MAX = 2


@pytest.fixture
def member(client, kernteam_ges):
    client.force_login(kernteam_ges)
    return client


def cells(content):
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_a_small_xlsx_is_downloaded_at_once(member, measures, settings):
    settings.EXPORT_XLSX_DIRECT_MAX = 5
    response = member.get(export_url())
    assert response.status_code == 200
    assert len(cells(response.content)) == 6
    assert not ExportJob.objects.exists()


def test_a_large_xlsx_is_made_in_the_background_with_the_same_cells(
    member, measures, in_background
):
    response = member.get(export_url())
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("core:export_job", args=[job.pk])
    page = member.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Die Datei ist fertig." in html
    assert "massnahmen-" in html
    download = member.get(reverse("core:export_job_file", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith('.xlsx"')
    direct = exporting.xlsx_bytes(exporting.select_measures(QueryDict("")))
    assert cells(download.content) == cells(direct)
    assert len(cells(download.content)) == 6
    # The job's slot is free again, and its progress reached every row.
    assert not DownloadSlot.objects.exists()
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.percent) == ("done", 5, 5, 100)


def test_the_background_file_keeps_the_lists_filters(member, measures, settings, qpk):
    settings.EXPORT_XLSX_DIRECT_MAX = 0
    MeasureFactory(lead=qpk, title="Andere Federführung")
    member.get(export_url(), {"department": qpk.pk})
    job = ExportJob.objects.get()
    assert job.total == 1
    rows = cells(member.get(reverse("core:export_job_file", args=[job.pk])).content)
    assert [row[1] for row in rows[1:]] == ["Andere Federführung"]


def test_a_queued_job_shows_its_progress_and_reloads(member, kernteam_ges):
    job = ExportJob.objects.create(
        user=kernteam_ges, exporter="measures.xlsx", filename="massnahmen", total=4000, done=1000
    )
    html = member.get(job.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' in html
    assert 'value="25"' in html
    assert "1.000 von 4.000 Zeilen" in html
    assert member.get(reverse("core:export_job_file", args=[job.pk])).status_code == 404


def test_another_users_job_is_not_found(
    client, measures, in_background, kernteam_ges, kernteam_jug
):
    client.force_login(kernteam_ges)
    client.get(export_url())
    job = ExportJob.objects.get()
    other = Client()
    other.force_login(kernteam_jug)
    assert other.get(job.get_absolute_url()).status_code == 404
    assert other.get(reverse("core:export_job_file", args=[job.pk])).status_code == 404


def test_anonymous_is_sent_to_the_login(client, kernteam_ges):
    job = ExportJob.objects.create(user=kernteam_ges, exporter="measures.xlsx", filename="x")
    for url in (job.get_absolute_url(), reverse("core:export_job_file", args=[job.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert "/konto/" in response["Location"]


def test_a_user_who_lost_their_role_gets_no_file(client, measures, in_background):
    user = UserFactory(role=None)
    job = ExportJob.objects.create(
        user=user, exporter="measures.xlsx", filename="x", status="done", content=b"x"
    )
    client.force_login(user)
    assert client.get(reverse("core:export_job_file", args=[job.pk])).status_code == 403


def test_a_full_set_of_slots_refuses_a_background_job_with_a_429(
    member, measures, in_background, settings
):
    settings.DOWNLOADS_PER_USER = 1
    running = member.get(export_url("json"))
    response = member.get(export_url())
    assert response.status_code == 429
    assert not ExportJob.objects.exists()
    b"".join(running.streaming_content)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_backend_queues_the_job_and_the_worker_makes_it(
    client, jugendamt, kernteam_ges, settings
):
    settings.EXPORT_XLSX_DIRECT_MAX = 2
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    for number in range(4):
        MeasureFactory(lead=jugendamt, title=f"Maßnahme {number}")
    client.force_login(kernteam_ges)
    response = client.get(export_url())
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert job.status == ExportJob.Status.QUEUED
    assert "wartet auf den Start" in client.get(job.get_absolute_url()).content.decode()
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    rows = cells(client.get(reverse("core:export_job_file", args=[job.pk])).content)
    assert len(rows) == 5
    assert not DownloadSlot.objects.exists()
