"""Every write that waits for a locked row ends in a German "bitte gleich erneut versuchen"
(409), never a 500 (issue #28, fault 4); any other database error is not reported as one.

A second connection holds every row of the app's tables (SELECT … FOR UPDATE), as an import
holds the rows it writes; the lock timeout is shortened to 300 ms. Then the walk POSTs, as a
coordinator, to every URL of the project; chosen writes get valid data, so they really reach
the locked rows."""

import threading

import pytest
from django.apps import apps
from django.db import OperationalError, connection, connections, transaction
from django.test import RequestFactory
from django.urls import reverse

from praevention.core.locks import LockWaitMiddleware, is_lock_timeout
from praevention.measures.models import Measure
from tests.core.test_url_walk import ALL, is_public, sample_url
from tests.factories import MeasureFactory
from tests.meetings.factories import CommentFactory, DecisionFactory, FollowUpFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True, reset_sequences=True)

BUSY = "bitte gleich erneut versuchen"


@pytest.fixture
def network(koordination, jugendamt):
    measure = MeasureFactory(title="Gesperrte Maßnahme", lead=koordination.person.department)
    follow_up = FollowUpFactory(responsible=koordination.person)
    DecisionFactory(meeting=follow_up.meeting)
    CommentFactory(measure=measure, author=koordination)
    return {"measure": measure, "follow_up": follow_up, "meeting": follow_up.meeting}


@pytest.fixture
def rows_locked(network):
    """Another connection holds every row of the project's tables until the test ends."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    locked, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                for model in apps.get_models():
                    # Accounts stay free: logging in (last_login) is not what the walk tests.
                    if (
                        model.__module__.startswith("praevention.")
                        and model._meta.managed
                        and model._meta.app_label != "accounts"
                    ):
                        list(
                            model.objects.order_by()
                            .select_for_update()
                            .values_list("pk", flat=True)
                        )
                locked.set()
                release.wait(120)
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert locked.wait(30)
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '300ms'")
    yield network
    release.set()
    thread.join(30)
    with connection.cursor() as cursor:
        cursor.execute("RESET lock_timeout")


def assert_busy(response):
    assert response.status_code == 409, response.status_code
    assert BUSY in response.content.decode()


def test_chosen_writes_on_locked_rows_answer_409_in_german(client, koordination, rows_locked):
    client.force_login(koordination)
    measure, follow_up, meeting = (rows_locked[k] for k in ("measure", "follow_up", "meeting"))
    writes = [
        (reverse("measures:confirm", args=[measure.pk]), {}),
        (reverse("measures:archive", args=[measure.pk]), {}),
        (reverse("meetings:comment_create", args=[measure.pk]), {"comment-text": "Noch da?"}),
        (reverse("meetings:decision_create", args=[meeting.pk]), {"decision-text": "Beschluss"}),
        (reverse("meetings:follow_up_done", args=[follow_up.pk]), {"done": "1"}),
        (reverse("meetings:follow_up_reschedule", args=[follow_up.pk]), {"due_on": "2027-03-01"}),
    ]
    for url, data in writes:
        response = client.post(url, data, follow=True)
        # A 409 page, or (archive) the measure's page with the message in the banner.
        assert response.status_code in (200, 409), (url, response.status_code)
        assert BUSY in response.content.decode(), url
    assert not Measure.objects.filter(is_archived=True).exists()


def test_no_url_answers_a_post_on_locked_rows_with_a_500(client, admin_user, rows_locked):
    client.force_login(admin_user)
    pk = rows_locked["measure"].pk
    for name, route in ALL:
        if is_public(name) or name.startswith("api:"):
            continue
        url = sample_url(route, pk)
        response = client.post(url, {})
        assert response.status_code < 500, (name, url, response.status_code)
        if response.status_code == 409:
            assert BUSY in response.content.decode(), url


def test_another_database_error_is_not_reported_as_a_lock_wait():
    assert not is_lock_timeout(OperationalError("server closed the connection unexpectedly"))
    request = RequestFactory().post("/")
    middleware = LockWaitMiddleware(lambda r: None)
    assert middleware.process_exception(request, OperationalError("connection lost")) is None
