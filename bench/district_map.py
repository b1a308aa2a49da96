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
  median of BENCH_REQUESTS (20) requests per layer and level:
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
from django.test import Client  # noqa: E402

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
    times = []
    for _ in range(RUNS):
        if before:
            before()
        times.append(timed(work))
    return statistics.median(times)


def touch():
    """A write to the measures: the data version changes, the figures' cache key with it."""
    Measure.objects.filter(pk=Measure.objects.order_by("pk").values("pk")[:1]).update(
        title=F("title")
    )


def main():
    settings.ALLOWED_HOSTS = ["*"]
    print(f"{'setup_district':<40}{'ms':>10}")
    for label, number in (
        (f"{DISTRICT} on the empty database", DISTRICT),
        (f"{DISTRICT} again (nothing to write)", DISTRICT),
        ("12 (switch, no measures)", "12"),
        (f"{DISTRICT} (switch back)", DISTRICT),
    ):
        print(f"{label:<40}{timed(lambda n=number: districts.setup_district(n)):>10.0f}")
    call_command("seed_demo", verbosity=0)
    call_command("seed_synthetic", "--measures", "20000", verbosity=0)
    plr = SocialSpace.objects.planungsraeume().count()
    print(f"\nDistrict {DISTRICT}: {plr} Planungsräume, 20,000 synthetic measures + demo")
    user = get_user_model().objects.get(email="koordination@demo.praeventionsnetz.de")
    client = Client()
    client.force_login(user)
    print(f"{'page':<44}{'warm ms':>9}{'figures ms':>12}{'cold ms':>9}")
    for query in ("", "?schicht=status", "?ebene=bezirksregionen"):
        url = "/karte/" + query

        def get(url=url):
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        get()
        warm = median_ms(get)
        figures = median_ms(get, before=touch)
        cold = median_ms(get, before=cache.clear)
        print(f"{url:<44}{warm:>9.1f}{figures:>12.1f}{cold:>9.1f}")


if __name__ == "__main__":
    main()
