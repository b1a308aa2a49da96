"""`setup_district` and the map page of the largest district (Pankow, 60 Planungsräume) with
20,000 measures (issue #24).

Run it on a fresh PostgreSQL (a throwaway cluster, nothing to set up):

    SECRET_KEY=x DEBUG=0 .ci/with-postgres bash -c \\
      '.venv/bin/python manage.py migrate -v0 && .venv/bin/python bench/district_map.py'

It prints:
- setup ms: `setup_district 03` on the empty database (every space, outline and MSS value
  written), then a second run (nothing to write), then switching the measure-free database to
  12 and back; target at most 10 s each;
- then it loads the demo network and 20,000 synthetic measures (seed_synthetic) and times
  /karte/ as the demo coordinator through django.test.Client (the whole middleware stack),
  median of BENCH_REQUESTS (20) requests per layer and level, wall time and this process's
  CPU time (the database's not in it; steadier than the wall clock on a shared machine):
  - warm ms: the page as every request gets it while the data is unchanged (figures and
    outlines from the cache); target at most 50 ms;
  - figures ms: after a write to the measures (cache key changed): supply counted, map built
    and drawn, outlines still cached;
  - cold ms: the cache emptied before every request: outlines read, projected, simplified and
    labelled, figures counted, SVG drawn; target at most 150 ms.
"""

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

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from praevention.catalog import districts  # noqa: E402
from praevention.catalog.models import SocialSpace  # noqa: E402
from praevention.measures.models import Measure  # noqa: E402

RUNS = int(os.environ.get("BENCH_REQUESTS", "20"))
DISTRICT = os.environ.get("BENCH_DISTRICT", "03")


def timed(work):
    started = time.perf_counter()
    work()
    return (time.perf_counter() - started) * 1000


def median_ms(work, *, before=None):
    """(median wall ms, median CPU ms of this process) over RUNS runs of `work`."""
    times, cpu = [], []
    for _ in range(RUNS):
        if before:
            before()
        started = time.process_time()
        times.append(timed(work))
        cpu.append((time.process_time() - started) * 1000)
    return statistics.median(times), statistics.median(cpu)


def touch():
    """A write to the measures: the data version changes, the figures' cache key with it."""
    Measure.objects.filter(pk=Measure.objects.order_by("pk").values("pk")[:1]).update(
        title=F("title")
    )


def main():
    # Without collectstatic the manifest storage cannot name the static files.
    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ):
        run()


def run():
    settings.ALLOWED_HOSTS = ["*"]
    print(f"{'setup_district':<40}{'ms':>10}{'CPU ms':>10}")
    for label, number in (
        (f"{DISTRICT} on the empty database", DISTRICT),
        (f"{DISTRICT} again (nothing to write)", DISTRICT),
        ("12 (switch, no measures)", "12"),
        (f"{DISTRICT} (switch back)", DISTRICT),
    ):
        started = time.process_time()
        wall = timed(lambda n=number: districts.setup_district(n))
        print(f"{label:<40}{wall:>10.0f}{(time.process_time() - started) * 1000:>10.0f}")
    call_command("seed_demo", verbosity=0)
    call_command("seed_synthetic", "--measures", "20000", verbosity=0)
    plr = SocialSpace.objects.planungsraeume().count()
    print(f"\nDistrict {DISTRICT}: {plr} Planungsräume, 20,000 synthetic measures + demo")
    user = get_user_model().objects.get(email="koordination@demo.praeventionsnetz.de")
    client = Client()
    client.force_login(user)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"{os.cpu_count()} CPUs, load {load}")
    header = f"{'warm ms':>9}{'CPU':>7}{'figures ms':>12}{'CPU':>7}{'cold ms':>9}{'CPU':>7}"
    print(f"{'page':<32}{header}")
    for query in ("", "?schicht=status", "?ebene=bezirksregionen"):
        url = "/karte/" + query

        def get(url=url):
            response = client.get(url, secure=True)
            assert response.status_code == 200, response.status_code

        get()
        warm = median_ms(get)
        figures = median_ms(get, before=touch)
        cold = median_ms(get, before=cache.clear)
        print(
            f"{url:<32}{warm[0]:>9.1f}{warm[1]:>7.1f}{figures[0]:>12.1f}{figures[1]:>7.1f}"
            f"{cold[0]:>9.1f}{cold[1]:>7.1f}"
        )


if __name__ == "__main__":
    main()
