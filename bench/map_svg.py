"""How long the district map's SVG takes to draw: the 53 Planungsräume and the 11 regions.

Run it on any migrated database (the data migration loads the outlines; seed_demo adds the
measures), e.g. SQLite:

    SECRET_KEY=x DEBUG=0 DATABASE_URL=sqlite:////tmp/bench-map.sqlite3 bash -c \\
      '.venv/bin/python manage.py migrate -v0 && .venv/bin/python manage.py seed_demo \\
       && .venv/bin/python bench/map_svg.py'

Per level, median of 50 runs:
- cold ms: outlines read from the database, projected, simplified and labelled, figures
  counted, SVG written (the cache emptied before every run: the first request after the
  outlines were loaded or changed);
- warm ms: the same with the outlines from the cache, as every other request gets them
  (five queries: spaces, MSS values, supply, the outlines' fingerprint; SVG written);
- svg ms: writing the SVG string alone from a built map;
- size: the SVG's kilobytes.
The target (issue #15): the 53-Planungsraum SVG under 100 ms warm.
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

from django.core.cache import cache  # noqa: E402
from django.http import QueryDict  # noqa: E402

from praevention.catalog.models import SocialSpace  # noqa: E402
from praevention.overview import maps  # noqa: E402

RUNS = int(os.environ.get("BENCH_REQUESTS", "50"))


def median_ms(work, *, before=None):
    times = []
    for _ in range(RUNS):
        if before:
            before()
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main():
    print(f"{'level':<16}{'areas':>6}{'cold ms':>10}{'warm ms':>10}{'svg ms':>9}{'size kB':>9}")
    for level in (SocialSpace.Level.PLANUNGSRAUM, SocialSpace.Level.BEZIRKSREGION):

        def draw(level=level):
            return str(maps.district_map(maps.map_scope(QueryDict()), level).svg)

        cold = median_ms(draw, before=cache.clear)
        draw()
        warm = median_ms(draw)
        built = maps.district_map(maps.map_scope(QueryDict()), level)
        svg = median_ms(lambda built=built: maps.render_svg(built))
        size = len(draw().encode()) / 1024
        print(
            f"{maps.LEVEL_NAMES[level]!s:<16}{len(built.areas):>6}{cold:>10.1f}{warm:>10.1f}"
            f"{svg:>9.1f}{size:>9.0f}"
        )


if __name__ == "__main__":
    main()
