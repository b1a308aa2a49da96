"""The list's exports at full size: first byte, total time and the worker's memory growth.

Run on a database that holds the synthetic data set, e.g. with the throwaway cluster:

    SECRET_KEY=bench DEBUG=0 .ci/with-postgres bash -c '
        .venv/bin/python manage.py migrate -v0 &&
        .venv/bin/python manage.py seed_demo &&
        .venv/bin/python manage.py seed_synthetic --measures 20000 &&
        .venv/bin/python bench/exports.py'

Each format runs in a fresh process (as a gunicorn worker would be), through the whole
middleware stack with `django.test.Client` as the demo coordinator, over every measure
(`?archived=all`). Printed per format: measures, bytes, seconds to the first byte, seconds in
all, and the process's growth in memory (peak resident set size, VmHWM, minus the resident
set size before the request); the worker's CPU seconds and the machine's load average
(on a shared machine the wall clock grows with the load, the CPU time does not). The XLSX
is made as the background job makes it (`EXPORT_XLSX_DIRECT_MAX` raised so the request
makes it directly).
Targets (issue #28): JSON first byte < 1 s, total < 5 s, growth < 100 MB; XLSX < 15 s.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "praevention.settings")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
FORMATS = ("json", "csv", "xlsx")


def memory_kb(field):
    """VmRSS or VmHWM of this process in kB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise SystemExit(f"{field} not in /proc/self/status")


def one(fmt):
    """Export once in this process; print one tab-separated line of figures."""
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from praevention.accounts.models import User
    from praevention.measures.models import Measure

    settings.ALLOWED_HOSTS = ["*"]
    settings.EXPORT_XLSX_DIRECT_MAX = 10**9
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = Client()
    client.force_login(User.objects.get(email="koordination@demo.praeventionsnetz.de"))
    client.get(reverse("measures:list"))  # warm: templates, translations, connection
    count = Measure.objects.count()
    before = memory_kb("VmRSS")
    cpu = time.process_time()
    started = time.perf_counter()
    response = client.get(reverse("exchange:export", args=[fmt]), {"archived": "all"})
    assert response.status_code == 200, response.status_code
    size = 0
    first = None
    chunks = response.streaming_content if response.streaming else [response.content]
    for chunk in chunks:
        if first is None:
            first = time.perf_counter() - started
        size += len(chunk)
    total = time.perf_counter() - started
    cpu = time.process_time() - cpu
    growth = (memory_kb("VmHWM") - before) / 1024
    load = os.getloadavg()[0]
    print(
        f"{fmt}\t{count}\t{size}\t{first:.2f}\t{total:.2f}\t{cpu:.2f}\t{growth:.0f}\t{load:.1f}",
        flush=True,
    )


def main():
    if len(sys.argv) > 1:
        one(sys.argv[1])
        return
    print("format\tmeasures\tbytes\tfirst byte s\ttotal s\tCPU s\tgrowth MB\tload", flush=True)
    for fmt in FORMATS:
        subprocess.run([sys.executable, __file__, fmt], check=True)


if __name__ == "__main__":
    main()
