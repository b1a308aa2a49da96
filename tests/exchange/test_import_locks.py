"""An import that meets a measure locked by someone else's save waits briefly, then says so in
German and saves nothing (issue #12, faults 6 and 7: never a 500)."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from praevention.measures.models import Measure
from tests.exchange.helpers import confirm, csv_bytes, row, upload
from tests.factories import MeasureFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_locked_measure_ends_the_import_quickly_in_german(
    client, koordination, jugendamt, settings
):
    settings.DB_LOCK_TIMEOUT_MS = 300
    measure = MeasureFactory(title="Elterncafé", lead=jugendamt, status="planned")
    client.force_login(koordination)
    preview = upload(
        client, "a.csv", csv_bytes([row(1, Titel="Elterncafé", Status="laufend"), row(2)])
    )
    assert preview.context["plan"].updated == 1

    locked, release = threading.Event(), threading.Event()

    def hold_lock():
        try:
            with transaction.atomic():
                Measure.objects.select_for_update().get(pk=measure.pk)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        assert locked.wait(10)
        start = time.perf_counter()
        response = confirm(client, preview)
        waited = time.perf_counter() - start
    finally:
        release.set()
        holder.join(10)
    assert response.status_code == 409
    assert "wird gerade von jemand anderem gespeichert" in response.content.decode()
    assert waited < 5
    assert Measure.objects.count() == 1
    measure.refresh_from_db()
    assert measure.status == "planned"
