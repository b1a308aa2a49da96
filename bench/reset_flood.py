"""A flood of password-reset requests against a small shared cache: do the limits hold?

Issue #28, fault 3: 330 requests with random addresses from one machine filled the cache until
it culled the counters; the per-machine limit let 80 through instead of 20. The counters now
live in the database (praevention/core/ratelimit.py). Run on PostgreSQL (throwaway cluster):

    SECRET_KEY=x DEBUG=0 .ci/with-postgres bash -c \\
      '.venv/bin/python manage.py migrate -v0 && .venv/bin/python bench/reset_flood.py'

It sends BENCH_FLOOD requests (default 10,000) with random addresses from one machine through
django.test.Client (whole middleware stack) with the production cache setting
(dbcache://praevention_cache) shrunk to 50 entries, then asks once more for a victim address
that used its 3 links before the flood. Prints how many flood requests were let through (the
limit is RESET_LIMIT_PER_IP, 20), whether the victim is still refused, requests per second and
the rows of the counters table (removed by `manage.py apply_retention` once expired).
"""

import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "praevention.settings")

import django  # noqa: E402

django.setup()

from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from praevention.accounts.reset import wait_for_mails  # noqa: E402
from praevention.core.models import RateCounter  # noqa: E402

FLOOD = int(os.environ.get("BENCH_FLOOD", "10000"))
SMALL_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "praevention_cache",
        "OPTIONS": {"MAX_ENTRIES": 50, "CULL_FREQUENCY": 2},
    }
}


def main():
    logging.getLogger("django.request").setLevel(logging.ERROR)  # one line per 429 otherwise
    setup_test_environment()  # locmem mail outbox, nothing leaves the machine
    with override_settings(
        CACHES=SMALL_CACHE,
        ALLOWED_HOSTS=["testserver"],
        SECURE_SSL_REDIRECT=False,
        RESET_LIMIT_PER_ADDRESS=3,
        RESET_LIMIT_PER_IP=20,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        call_command("createcachetable", verbosity=0)
        RateCounter.objects.all().delete()
        client = Client()
        url = reverse("accounts:password_reset")
        victim = "opfer@ba-cw.berlin.de"
        for _ in range(3):
            client.post(url, {"email": victim}, REMOTE_ADDR="192.0.2.1")
        started = time.monotonic()
        through = 0
        for n in range(FLOOD):
            answer = client.post(
                url, {"email": f"zufall{n}@example.org"}, REMOTE_ADDR="198.51.100.9"
            )
            through += answer.status_code == 302
        seconds = time.monotonic() - started
        again = client.post(url, {"email": victim}, REMOTE_ADDR="203.0.113.5")
        wait_for_mails()
        print(f"flood requests:            {FLOOD}")
        print(f"let through (limit 20):    {through}")
        print(f"victim refused afterwards: {again.status_code == 429} ({again.status_code})")
        print(f"requests per second:       {FLOOD / seconds:.0f} ({seconds:.1f} s)")
        print(f"counter rows:              {RateCounter.objects.count()}")
        print(f"mails sent:                {len(mail.outbox)}")


if __name__ == "__main__":
    main()
