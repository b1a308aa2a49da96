"""Row locks on PostgreSQL, with two real connections (issue #12, faults 5 and 6).

Fault 5: two simultaneous admin saves of one measure: one wins, the other is told, no two
history rows share a version, and a post without `loaded_version` is refused.
Fault 6: a save that finds the measure locked by a running import ends quickly with a German
"please try again" instead of a 500 after the statement timeout.
"""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse

from praevention.measures.models import Measure, Participation
from tests.factories import MeasureFactory
from tests.measures.forms_data import existing_participations, measure_post_data
from tests.measures.test_admin import change_url, existing_rows, measure_data

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BUSY = "wird gerade von einem Import geändert, bitte gleich erneut versuchen"


def run_together(jobs):
    """Run the callables at the same moment, each in its own thread (own DB connection)."""
    start = threading.Barrier(len(jobs))
    results = {}

    def run(name, job):
        try:
            start.wait()
            results[name] = job()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=item) for item in jobs.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_simultaneous_admin_saves_one_wins_the_other_is_told(
    admin_user, koordination, jugendamt
):
    measure = MeasureFactory(title="Familienzentrum", lead=jugendamt)
    rows = existing_rows(measure)
    posts = {
        "admin": (admin_user, measure_data(rows, measure, summary="Vom Admin")),
        "koordination": (koordination, measure_data(rows, measure, summary="Von der Koordination")),
    }

    def saver(user, data):
        def save():
            browser = Client()
            browser.force_login(user)
            return browser.post(change_url(measure), data)

        return save

    results = run_together({name: saver(*post) for name, post in posts.items()})

    codes = sorted(response.status_code for response in results.values())
    assert codes == [200, 302]
    loser = next(r for r in results.values() if r.status_code == 200)
    assert "Ihre Änderungen wurden nicht gespeichert" in loser.text
    saved = Measure.objects.get(pk=measure.pk)
    assert saved.version == 2
    versions = list(saved.history.values_list("version", flat=True))
    assert len(versions) == len(set(versions))


def test_admin_post_without_loaded_version_is_refused(client, admin_user, jugendamt):
    measure = MeasureFactory(title="Familienzentrum", lead=jugendamt)
    client.force_login(admin_user)
    data = measure_data(existing_rows(measure), measure, summary="Ohne Version")
    del data["loaded_version"]

    response = client.post(change_url(measure), data)

    assert response.status_code == 200
    assert "die geladene Version fehlt" in response.text
    measure.refresh_from_db()
    assert measure.summary != "Ohne Version"
    assert measure.version == 1


class RunningImport:
    """Holds the measure's row lock in another connection, as a running import does."""

    def __init__(self, measure):
        self.measure = measure
        self.locked = threading.Event()
        self.release = threading.Event()
        self.thread = threading.Thread(target=self._hold)

    def _hold(self):
        try:
            with transaction.atomic():
                Measure.objects.select_for_update().get(pk=self.measure.pk)
                self.locked.set()
                self.release.wait(timeout=30)
        finally:
            connections.close_all()

    def __enter__(self):
        self.thread.start()
        assert self.locked.wait(timeout=10)
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(timeout=30)


@pytest.fixture
def quick_lock_timeout(settings):
    settings.DB_LOCK_TIMEOUT_MS = 500


def test_edit_behind_a_running_import_ends_quickly_in_german(
    client, kernteam_jug, jugendamt, quick_lock_timeout
):
    measure = MeasureFactory(title="Familienzentrum", lead=jugendamt)
    client.force_login(kernteam_jug)
    data = measure_post_data(measure, existing_participations(measure), summary="Neu")

    with RunningImport(measure):
        started = time.monotonic()
        response = client.post(reverse("measures:edit", args=[measure.pk]), data)
        waited = time.monotonic() - started

    assert response.status_code == 400
    assert BUSY in response.content.decode()
    assert waited < 5
    measure.refresh_from_db()
    assert measure.summary != "Neu"
    # Once the import is done, the same post goes through.
    assert client.post(reverse("measures:edit", args=[measure.pk]), data).status_code == 302


def test_admin_save_behind_a_running_import_ends_quickly_in_german(
    client, admin_user, jugendamt, quick_lock_timeout
):
    measure = MeasureFactory(title="Familienzentrum", lead=jugendamt)
    client.force_login(admin_user)
    data = measure_data(existing_rows(measure), measure, summary="Neu")

    with RunningImport(measure):
        response = client.post(change_url(measure), data)

    assert response.status_code == 200
    assert BUSY in response.text
    measure.refresh_from_db()
    assert measure.summary != "Neu"


def test_archiving_behind_a_running_import_ends_in_german(
    client, kernteam_jug, jugendamt, quick_lock_timeout
):
    measure = MeasureFactory(title="Familienzentrum", lead=jugendamt)
    client.force_login(kernteam_jug)

    with RunningImport(measure):
        response = client.post(reverse("measures:archive", args=[measure.pk]), follow=True)

    assert response.status_code == 200
    assert BUSY in response.content.decode()
    assert not Measure.objects.get(pk=measure.pk).is_archived
    assert Participation.objects.filter(measure=measure).count() == 1
