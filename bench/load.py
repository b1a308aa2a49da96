"""Load test: gunicorn on PostgreSQL, logged-in clients for 30 s, loopback only.

Run on a database that holds the synthetic data set, e.g. with the throwaway cluster:

    SECRET_KEY=bench DEBUG=0 .ci/with-postgres bash -c '
        .venv/bin/python manage.py migrate -v0 &&
        .venv/bin/python manage.py seed_demo &&
        .venv/bin/python manage.py seed_synthetic --measures 20000 &&
        .venv/bin/python bench/load.py'

It starts gunicorn itself on 127.0.0.1, logs the clients in as the demo coordinator, and
requests list, detail and overview pages in a closed loop. Bounded in time and count; it
only ever talks to 127.0.0.1. Prints requests/s, p50/p95/p99 latency and the error count.

`--heavy` (issue #28: 20 clients, 30 s, 20,000 measures, 3 workers) also runs what costs the
most at once: the demo core-team account downloads the list's exports of every measure in a
loop (HSDS JSON, CSV, XLSX; the XLSX is made by a `manage.py db_worker` started here), and
an import of 5,000 rows (`bench/import.py`, previewed and confirmed) runs beside them. The
clients are the colleagues: printed are their slowest page, the 5xx count of everyone, and
how often the exporting account was told to wait (429).

    .venv/bin/python bench/load.py --clients 20 --workers 3 --heavy
"""

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "praevention.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp(prefix="praevention-static-"))

MAX_REQUESTS = 200_000  # hard bound besides the duration


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sessions(count, email="koordination@demo.praeventionsnetz.de"):
    """Session cookies for `count` logged-in browsers of the demo account `email`."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from praevention.accounts.models import User

    user = User.objects.get(email=email)
    cookies = []
    for _ in range(count):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={store.session_key}")
    return cookies


def measure_ids(sample=500):
    from praevention.measures.models import Measure

    ids = list(Measure.objects.active().values_list("pk", flat=True)[:20000])
    return random.Random(1).sample(ids, min(sample, len(ids)))


def wait_until_up(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not come up")


def heavy_downloads(port, cookie, stop_at, results, lock):
    """One account exports every measure again and again; records (format, seconds, status)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    formats = ["json", "csv", "xlsx"]
    turn = 0
    while time.monotonic() < stop_at:
        fmt = formats[turn % len(formats)]
        turn += 1
        started = time.perf_counter()
        try:
            conn.request(
                "GET",
                f"/austausch/export/{fmt}/?archived=all",
                headers={"Cookie": cookie, "Host": "localhost"},
            )
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status = 0
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        with lock:
            results.append((fmt, time.perf_counter() - started, status))
        if status == 429:
            time.sleep(1)
    conn.close()


def client(port, cookie, paths, stop_at, results, lock, think):
    rng = random.Random(cookie)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < stop_at:
        if think:
            # A person reads the page before the next click: exponential think time.
            time.sleep(min(rng.expovariate(1 / think), max(0.0, stop_at - time.monotonic())))
            if time.monotonic() >= stop_at:
                break
        kind, path = rng.choice(paths)()
        started = time.perf_counter()
        try:
            conn.request("GET", path, headers={"Cookie": cookie, "Host": "localhost"})
            response = conn.getresponse()
            response.read()
            ok = response.status
        except (OSError, http.client.HTTPException):
            ok = 0
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        elapsed = time.perf_counter() - started
        with lock:
            if len(results) >= MAX_REQUESTS:
                return
            results.append((kind, elapsed, ok))
    conn.close()


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--heavy", action="store_true", help="exports and an import run beside")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean think time between a client's requests in seconds (0: closed loop)",
    )
    args = parser.parse_args()
    if not 1 <= args.clients <= 200 or not 1 <= args.seconds <= 120:
        raise SystemExit("clients 1..200, seconds 1..120")

    python = sys.executable
    subprocess.run(
        [python, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, check=True
    )
    cookies = sessions(args.clients)
    heavy_cookie = sessions(1, email="kernteam@demo.praeventionsnetz.de")[0]
    ids = measure_ids()
    from django.db import connection

    vendor = connection.vendor
    connection.close()

    port = free_port()
    server = subprocess.Popen(
        [
            os.path.join(os.path.dirname(python), "gunicorn"),
            "praevention.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
            # As in production (deploy/gunicorn.conf.py): a streamed export of every measure
            # takes longer than gunicorn's default 30 s on a busy machine.
            "--timeout",
            "120",
        ],
        cwd=ROOT,
    )
    helpers = []
    if args.heavy:
        helpers.append(
            subprocess.Popen([python, "manage.py", "db_worker", "--no-reload"], cwd=ROOT)
        )
    try:
        wait_until_up(port)
        paths = [
            lambda: ("list", "/massnahmen/"),
            lambda: ("list", f"/massnahmen/?status=running&page={random.randint(1, 20)}"),
            lambda: ("detail", f"/massnahmen/{random.choice(ids)}/"),
            lambda: ("overview", "/ueberblick/"),
        ]
        results, lock = [], threading.Lock()
        stop_at = time.monotonic() + args.seconds
        threads = [
            threading.Thread(
                target=client, args=(port, c, paths, stop_at, results, lock, args.think)
            )
            for c in cookies
        ]
        heavy = []
        if args.heavy:
            threads.append(
                threading.Thread(
                    target=heavy_downloads, args=(port, heavy_cookie, stop_at, heavy, lock)
                )
            )
            # 5,000 rows previewed and confirmed while the others click (it writes measures).
            helpers.append(subprocess.Popen([python, "bench/import.py"], cwd=ROOT))
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        duration = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
        for helper in helpers:
            helper.terminate()
            helper.wait(timeout=30)

    times = [elapsed * 1000 for _, elapsed, _ in results]
    errors = sum(1 for *_, status in results if status != 200)
    server_errors = sum(1 for *_, status in results + heavy if status >= 500 or status == 0)
    print(
        f"database: {vendor}; gunicorn workers: {args.workers}; clients: {args.clients}; "
        f"think time: {args.think:.1f} s; "
        f"duration: {duration:.1f} s"
    )
    print(f"{'page':10} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for kind in ["list", "detail", "overview", "all"]:
        subset = times if kind == "all" else [e * 1000 for k, e, _ in results if k == kind]
        if subset:
            print(
                f"{kind:10} {len(subset):9d} {statistics.median(subset):8.1f} "
                f"{percentile(subset, 95):8.1f} {percentile(subset, 99):8.1f}"
            )
    print(f"requests/s: {len(results) / duration:.1f}; errors: {errors}")
    if args.heavy:
        for fmt in ("json", "csv", "xlsx"):
            done = [(e, st) for f, e, st in heavy if f == fmt]
            shown = ", ".join(f"{st} in {e:.1f} s" for e, st in done)
            print(f"export {fmt}: {shown or 'none started'}")
        print(
            f"colleagues' slowest page: {max(times) / 1000:.2f} s (target < 5 s); "
            f"5xx or no answer, all: {server_errors} (target 0); "
            f"exporter told to wait (429): {sum(1 for *_, st in heavy if st == 429)}"
        )


if __name__ == "__main__":
    main()
