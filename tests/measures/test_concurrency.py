"""Two people save the same measure at the same moment: one wins, nothing is lost."""

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from praevention.measures.models import Measure
from tests.factories import MeasureFactory
from tests.measures.forms_data import existing_participations, measure_post_data

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_concurrent_edits_one_wins_the_other_is_told(
    client, koordination, kernteam_jug, jugendamt
):
    from django.test import Client

    measure = MeasureFactory(title="Familienzentrum", lead=jugendamt, status="planned")
    url = reverse("measures:edit", args=[measure.pk])
    base = existing_participations(measure)
    edits = {
        "koordination": (
            koordination,
            measure_post_data(measure, base, summary="Von der Koordination"),
        ),
        "kernteam": (kernteam_jug, measure_post_data(measure, base, summary="Vom Kernteam")),
    }
    start = threading.Barrier(len(edits))
    results = {}

    def submit(name):
        user, data = edits[name]
        browser = Client()
        browser.force_login(user)
        try:
            start.wait()
            results[name] = browser.post(url, data)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(name,)) for name in edits]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    codes = sorted(response.status_code for response in results.values())
    assert codes == [302, 409]
    winner = next(name for name, response in results.items() if response.status_code == 302)
    loser = next(name for name, response in results.items() if response.status_code == 409)
    assert "Ihre Änderungen wurden nicht gespeichert" in results[loser].content.decode()
    saved = Measure.objects.get(pk=measure.pk)
    assert saved.version == 2
    assert saved.summary == edits[winner][1]["summary"]
    assert saved.participations.count() == 1
