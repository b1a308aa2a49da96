"""Do known and unknown addresses answer the password-reset form equally fast?

Issue #28, fault 9: the median answer differed by 3.5 ms, enough to tell over many requests
which addresses have an account. Run on PostgreSQL (throwaway cluster):

    SECRET_KEY=x DEBUG=0 .ci/with-postgres bash -c \\
      '.venv/bin/python manage.py migrate -v0 && .venv/bin/python bench/reset_timing.py'

Sends BENCH_REQUESTS (default 300) reset requests alternating between a known and an unknown
address through django.test.Client (whole middleware stack, mails to the locmem outbox), and
prints the median and the 90th percentile of each and their difference.
"""

import logging
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

from django.test import Client  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from praevention.accounts.models import User  # noqa: E402
from praevention.accounts.reset import wait_for_mails  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))


def main():
    logging.getLogger("django.request").setLevel(logging.ERROR)
    setup_test_environment()
    with override_settings(
        ALLOWED_HOSTS=["testserver"],
        SECURE_SSL_REDIRECT=False,
        RESET_LIMIT_PER_ADDRESS=100_000,
        RESET_LIMIT_PER_IP=100_000,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        known = "bekannt@ba-cw.berlin.de"
        if not User.objects.by_email(known).exists():
            User.objects.create_user(known, "Ein-langes-Passwort-2026")
        client = Client()
        url = reverse("accounts:password_reset")
        times = {"known": [], "unknown": []}
        for n in range(REQUESTS):
            kind = "known" if n % 2 else "unknown"
            address = known if kind == "known" else f"niemand{n}@ba-cw.berlin.de"
            started = time.perf_counter()
            client.post(url, {"email": address})
            times[kind].append((time.perf_counter() - started) * 1000)
            time.sleep(0.25)  # let the previous mail go out, as between real requests
        wait_for_mails()
        for kind, values in times.items():
            values.sort()
            print(
                f"{kind:8} median {statistics.median(values):6.2f} ms   "
                f"p90 {values[int(len(values) * 0.9)]:6.2f} ms"
            )
        difference = statistics.median(times["known"]) - statistics.median(times["unknown"])
        print(f"median difference known − unknown: {difference:+.2f} ms")


if __name__ == "__main__":
    main()
