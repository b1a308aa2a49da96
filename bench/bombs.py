"""How long an uploaded decompression bomb holds a worker, and how much memory it costs.

Issue #28, fault 1: a 5.8 KB XLSX with a bzip2-packed worksheet cost +2 GB and 7.6 s. The
container is now checked before openpyxl opens it (praevention/exchange/reading.py,
`_inspect_archive`): only stored/deflate parts, the bytes really unpacked counted while
streaming. Run (no database needed):

    SECRET_KEY=x DEBUG=0 .venv/bin/python bench/bombs.py

Builds each bomb of tests/exchange/test_bombs.py with BENCH_BOMB_MB (default 2000, below
ZIP64) MB of unpacked data, then prints its file size, the time `read_xlsx` takes to refuse it
and the peak of traced Python memory (tracemalloc), with the German message.
"""

import os
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "praevention.settings")

import django  # noqa: E402

django.setup()

from django.utils import translation  # noqa: E402

from praevention.exchange.reading import FileRejected, read_xlsx  # noqa: E402
from tests.exchange import test_bombs  # noqa: E402

SIZE = int(os.environ.get("BENCH_BOMB_MB", "2000")) * 1024 * 1024


def main():
    test_bombs.UNPACKED = SIZE
    translation.activate("de")
    print(f"{'bomb':32} {'file':>10} {'refused in':>11} {'peak memory':>12}  message")
    for kind, build in test_bombs.BOMBS.items():
        data = build()
        tracemalloc.start()
        started = time.perf_counter()
        try:
            read_xlsx(data)
            message = "NOT REFUSED"
        except FileRejected as refused:
            message = refused.message
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"{kind:32} {len(data) / 1024:>8.1f} KB {seconds * 1000:>8.1f} ms "
            f"{peak / 1024 / 1024:>9.1f} MB  {message[:60]}"
        )


if __name__ == "__main__":
    main()
