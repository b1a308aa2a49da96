"""Server time of the meetings pages and of the start page with "Meine Aufgaben".

Run it on PostgreSQL with 20,000 synthetic measures (a throwaway cluster, nothing to set up):

    SECRET_KEY=x DEBUG=0 .ci/with-postgres bash -c \\
      '.venv/bin/python manage.py migrate -v0 && .venv/bin/python manage.py seed_demo \\
       && .venv/bin/python manage.py seed_synthetic --measures 20000 \\
       && .venv/bin/python bench/meetings.py'

It adds BENCH_MEETINGS meetings (default 200), each with 3 decisions linked to measures and 10
follow-ups spread over the demo persons (a third overdue), then times each page through
django.test.Client (whole middleware stack, production settings) as the demo member (Jugendamt)
and the demo coordinator: queries, median server time of BENCH_REQUESTS requests (default 20)
after 2 warm-up requests, and "cold" with the cache emptied before every request.
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "praevention.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.signals import request_started  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from praevention.accounts.models import User  # noqa: E402
from praevention.demo.management.commands.seed_demo import (  # noqa: E402
    DEMO_KERNTEAM_EMAIL,
    DEMO_KOORDINATION_EMAIL,
)
from praevention.measures.models import Measure  # noqa: E402
from praevention.meetings.models import Decision, FollowUp, Meeting  # noqa: E402
from praevention.network.models import Person  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "20"))
MEETINGS = int(os.environ.get("BENCH_MEETINGS", "200"))


def add_meetings():
    """BENCH_MEETINGS meetings with decisions and follow-ups, written in bulk (no history)."""
    persons = list(Person.objects.select_related("department"))
    measure_ids = list(Measure.objects.values_list("pk", flat=True)[:2000])
    now = timezone.now()
    today = timezone.localdate()
    meetings = Meeting.objects.bulk_create(
        Meeting(title=f"Bench-Sitzung {i}", starts_at=now - datetime.timedelta(days=i))
        for i in range(MEETINGS)
    )
    decisions = Decision.objects.bulk_create(
        Decision(meeting=m, text=f"Beschluss {m.pk}-{j}") for m in meetings for j in range(3)
    )
    through = Decision.measures.through
    through.objects.bulk_create(
        through(decision=d, measure_id=measure_ids[i % len(measure_ids)])
        for i, d in enumerate(decisions)
    )
    follow_ups = []
    for i, meeting in enumerate(meetings):
        for j in range(10):
            person = persons[(i + j) % len(persons)]
            follow_ups.append(
                FollowUp(
                    title=f"Aufgabe {i}-{j}",
                    responsible=person,
                    department=person.department,
                    due_on=today + datetime.timedelta(days=(i * 10 + j) % 90 - 30),
                    meeting=meeting,
                    measure_id=measure_ids[(i + j) % len(measure_ids)],
                )
            )
    FollowUp.objects.bulk_create(follow_ups)
    return meetings[0]


def bench(client, url):
    for _ in range(2):
        client.get(url, secure=True)
    with CaptureQueriesContext(connection) as queries:
        cache.clear()
        assert client.get(url, secure=True).status_code == 200, url
    samples, cold = [], []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        client.get(url, secure=True)
        samples.append((time.perf_counter() - start) * 1000)
    for _ in range(REQUESTS):
        cache.clear()
        start = time.perf_counter()
        client.get(url, secure=True)
        cold.append((time.perf_counter() - start) * 1000)
    return len(queries), statistics.median(samples), statistics.median(cold)


def main():
    # Every request would empty the query log that counts its queries.
    request_started.disconnect(reset_queries)
    measures = Measure.objects.count()
    # Without collectstatic the manifest storage cannot name the static files.
    static = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=static), transaction.atomic():
        if True:
            meeting = add_meetings()
            measure = Measure.objects.filter(decisions__meeting=meeting).first()
            load = os.getloadavg()[0]
            print(
                f"load {load:.1f}; {measures} measures, {Meeting.objects.count()} meetings, "
                f"{FollowUp.objects.count()} follow-ups, "
                f"{FollowUp.objects.overdue().count()} overdue; {REQUESTS} requests each"
            )
            print(f"{'page':<42} {'queries':>7} {'page ms':>8} {'cold ms':>8}")
            for who, email in [
                ("member", DEMO_KERNTEAM_EMAIL),
                ("coordinator", DEMO_KOORDINATION_EMAIL),
            ]:
                client = Client(HTTP_HOST="localhost")
                client.force_login(User.objects.get(email=email))
                for name, url in [
                    ("Start /", reverse("overview:start")),
                    ("Sitzungen /sitzungen/", reverse("meetings:list")),
                    ("Sitzung /sitzungen/<id>/", reverse("meetings:detail", args=[meeting.pk])),
                    ("Aufgaben /aufgaben/", reverse("meetings:tasks")),
                    ("Maßnahme /massnahmen/<id>/", measure.get_absolute_url()),
                    # What any page of the app costs at least: session, user, roles, layout.
                    ("Leere Seite (Vergleich)", reverse("accounts:password_change_done")),
                ]:
                    count, page, cold = bench(client, url)
                    label = f"{name} ({who})"
                    print(f"{label:<42} {count:>7} {page:>8.1f} {cold:>8.1f}")
            transaction.set_rollback(True)  # leave the database as it was


if __name__ == "__main__":
    main()
