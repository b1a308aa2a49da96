"""The operator's promises of docker-compose.yml, the Dockerfile and .env.example (issue #29).

No container engine runs in the test suite: these tests read the files as Docker would and
run the commands the containers run (prepare, run_scheduler, check --deploy) directly.
"""

import ast
import ipaddress
import os
import re
import runpy
import secrets
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command, get_commands
from django.db import connection
from django.test import RequestFactory
from packaging.requirements import Requirement

from praevention.accounts.lockout import client_ip

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
DJANGO_SERVICES = ("app", "scheduler", "worker")
DOCKERFILE = (ROOT / "Dockerfile").read_text()
ENV_EXAMPLE = (ROOT / ".env.example").read_text()
OPERATIONS = (ROOT / "docs" / "OPERATIONS.md").read_text()

# The PostgreSQL major version each Debian release ships (packages.debian.org).
DEBIAN_POSTGRESQL = {"bookworm": 15, "trixie": 17}


def env_example_values():
    """The variables .env.example sets (not the commented optional ones), as compose reads
    them (unquoted values here)."""
    values = {}
    for line in ENV_EXAMPLE.splitlines():
        match = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line)
        if match:
            values[match[1]] = match[2]
    return values


def env_example_names():
    """Every variable .env.example names: set, or commented out as `# NAME=default`."""
    return set(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE, re.MULTILINE))


def dockerfile_instructions():
    """(instruction, arguments) per Dockerfile instruction, continuation lines joined."""
    joined = re.sub(r"\\\n", " ", DOCKERFILE)
    lines = [line.strip() for line in joined.splitlines()]
    return [tuple(line.split(None, 1)) for line in lines if line and not line.startswith("#")]


def clean_env(**values):
    """A process environment with only the system's basics and `values`."""
    keep = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    return {**keep, "PYTHONUNBUFFERED": "1", **values}


# --- Services, start order, signals ----------------------------------------------------------


def test_scheduler_and_worker_start_after_the_app_is_healthy():
    assert SERVICES["app"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    for name in ("scheduler", "worker"):
        depends = SERVICES[name]["depends_on"]
        assert depends["app"] == {"condition": "service_healthy"}, name
        assert depends["db"] == {"condition": "service_healthy"}, name


def test_the_scheduler_replaces_the_digest_loop_and_the_worker_runs_db_worker():
    assert "digest" not in SERVICES
    assert SERVICES["scheduler"]["command"] == ["python", "manage.py", "run_scheduler"]
    assert SERVICES["worker"]["command"] == ["python", "manage.py", "db_worker"]
    for service in SERVICES.values():
        assert "sleep" not in str(service.get("command", ""))


def test_every_django_service_runs_under_an_init_process():
    for name in DJANGO_SERVICES:
        assert SERVICES[name]["init"] is True, name


def test_app_scheduler_and_worker_run_one_image_built_once():
    images = {SERVICES[name]["image"] for name in DJANGO_SERVICES}
    assert len(images) == 1
    built = [name for name, service in SERVICES.items() if "build" in service]
    assert built == ["app"]
    for name in ("scheduler", "worker"):
        assert SERVICES[name]["pull_policy"] == "never", name


def test_the_app_health_check_has_a_start_period_and_asks_often_meanwhile():
    check = SERVICES["app"]["healthcheck"]
    assert "/healthz" in " ".join(check["test"])
    assert check["start_period"]
    assert int(check["start_interval"].rstrip("s")) <= 5


def test_every_container_log_rotates():
    for name, service in SERVICES.items():
        logging = service["logging"]
        assert logging["driver"] == "json-file", name
        assert logging["options"]["max-size"] and int(logging["options"]["max-file"]) >= 2, name


# --- Network, port, proxy, lockout ------------------------------------------------------------


def test_the_app_port_is_published_on_loopback_only():
    assert SERVICES["app"]["ports"] == ["127.0.0.1:${APP_PORT:-8000}:8000"]
    for name, service in SERVICES.items():
        if name != "app":
            assert "ports" not in service, name


def test_the_network_is_pinned_and_trusted_proxies_names_its_gateway():
    (pool,) = COMPOSE["networks"]["default"]["ipam"]["config"]
    subnet = ipaddress.ip_network(pool["subnet"])
    gateway = ipaddress.ip_address(pool["gateway"])
    assert gateway in subnet
    assert env_example_values()["TRUSTED_PROXIES"] == str(gateway)
    assert f"TRUSTED_PROXIES={gateway}" in OPERATIONS


def test_behind_the_proxy_the_lockout_counts_the_client_not_the_gateway(settings):
    settings.TRUSTED_PROXIES = env_example_values()["TRUSTED_PROXIES"].split(",")
    gateway = COMPOSE["networks"]["default"]["ipam"]["config"][0]["gateway"]
    via_proxy = RequestFactory().post(
        "/anmelden/", REMOTE_ADDR=gateway, HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    assert client_ip(via_proxy) == "203.0.113.7"
    # Another container on the network cannot pass itself off as someone else.
    forged = RequestFactory().post(
        "/anmelden/", REMOTE_ADDR="172.30.29.5", HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    assert client_ip(forged) == "172.30.29.5"


# --- Image: base, client, layers, read-only code, one start process ----------------------------


def test_the_app_image_has_pg_dump_of_at_least_the_servers_major_version():
    server = int(re.fullmatch(r"postgres:(\d+)", SERVICES["db"]["image"])[1])
    client = int(re.search(r"postgresql-client-(\d+)", DOCKERFILE)[1])
    assert client >= server
    base = next(args for op, args in dockerfile_instructions() if op == "FROM")
    release = re.search(r"-(bookworm|trixie)$", base)[1]
    assert DEBIAN_POSTGRESQL[release] == client  # the package exists in the base's release


def test_dependencies_are_installed_from_the_constraints_before_the_code_is_copied():
    steps = dockerfile_instructions()
    position = {}
    for index, (op, args) in enumerate(steps):
        if op == "COPY" and "constraints.txt" in args:
            position["copy constraints"] = index
        if op == "RUN" and "pip install" in args:
            assert "--constraint constraints.txt" in args
            position["install"] = index
        if op == "COPY" and args.split()[0] == "praevention":
            position["copy code"] = index
    assert position["copy constraints"] < position["install"] < position["copy code"]
    assert sum("pip install" in args for op, args in steps if op == "RUN") == 1


def test_the_constraints_pin_every_runtime_dependency():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower().replace("_", "-")] = version
    python = re.search(r"FROM python:(\d+\.\d+)", DOCKERFILE)[1]
    marker_env = {"python_version": python, "python_full_version": f"{python}.0"}
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for line in dependencies["dependencies"]:
        requirement = Requirement(line)
        if requirement.marker and not requirement.marker.evaluate(marker_env):
            continue
        name = requirement.name.lower().replace("_", "-")
        assert name in pins, f"{name} is not in constraints.txt: run `make constraints`"
        assert requirement.specifier.contains(pins[name]), (name, pins[name])


def test_the_runtime_user_cannot_write_the_code():
    steps = dockerfile_instructions()
    user_at = next(i for i, (op, args) in enumerate(steps) if op == "USER")
    assert steps[user_at][1] == "app"
    assert all(op != "COPY" for op, _args in steps[user_at:])
    for _op, args in steps:
        assert "--chown" not in args and "chmod" not in args
        if "chown" in args:
            assert re.search(r"chown app /app/staticfiles(\s|$)", args), args
            assert "-R" not in args.split("chown", 1)[1].split("&&")[0]


def test_the_build_context_leaves_out_history_secrets_and_local_state():
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    for entry in (".git", ".env", ".venv", "db.sqlite3"):
        assert entry in ignored, entry


def test_the_image_prepares_in_one_django_process_then_execs_gunicorn():
    (cmd,) = [args for op, args in dockerfile_instructions() if op == "CMD"]
    assert cmd.count("manage.py") == 1
    assert "manage.py prepare &&" in cmd
    assert "exec gunicorn --config deploy/gunicorn.conf.py" in cmd


def test_prepare_migrates_creates_the_cache_table_and_collects_static_files(settings, tmp_path):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "deployment_test_cache",
        }
    }
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("prepare", verbosity=0)
    assert "deployment_test_cache" in connection.introspection.table_names()
    assert (tmp_path / "static" / "css").is_dir()
    assert any((tmp_path / "static" / "admin").iterdir())


def test_gunicorn_replaces_workers_after_a_bounded_number_of_requests(monkeypatch):
    path = str(ROOT / "deploy" / "gunicorn.conf.py")
    monkeypatch.setenv("GUNICORN_MAX_REQUESTS", "")  # blank: the default
    config = runpy.run_path(path)
    assert config["max_requests"] == 1000
    assert 0 < config["max_requests_jitter"] < config["max_requests"]
    assert config["bind"] == "0.0.0.0:8000"
    monkeypatch.setenv("GUNICORN_WORKERS", "5")
    assert runpy.run_path(path)["workers"] == 5


# --- Configuration: every variable, secrets, blanks, SITE_URL ----------------------------------


def variables_read_by(path):
    """Names of the variables `path` reads: env("X"), env.int("X", …), os.environ.get("X")."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        func = node.func
        reads_env = (isinstance(func, ast.Name) and func.id in ("env", "_number")) or (
            isinstance(func, ast.Attribute)
            and (
                (isinstance(func.value, ast.Name) and func.value.id == "env")
                or ast.unparse(func.value) == "os.environ"
            )
        )
        if reads_env and re.fullmatch(r"[A-Z][A-Z0-9_]*", first.value):
            names.add(first.value)
    return names


def test_every_variable_the_app_reads_is_in_env_example():
    read = variables_read_by(ROOT / "praevention" / "settings.py")
    read |= variables_read_by(ROOT / "deploy" / "gunicorn.conf.py")
    read |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", (ROOT / "docker-compose.yml").read_text()))
    assert {"SECRET_KEY", "SITE_URL", "DATABASE_PASSWORD", "GUNICORN_MAX_REQUESTS"} <= read
    missing = sorted(read - env_example_names())
    assert not missing, f"add to .env.example (optional ones as '# NAME=default'): {missing}"


def test_secure_cookies_are_documented_for_a_plain_http_trial():
    assert "# SESSION_COOKIE_SECURE=1" in ENV_EXAMPLE
    assert "# CSRF_COOKIE_SECURE=1" in ENV_EXAMPLE
    trial = OPERATIONS.split("## Probebetrieb ohne TLS", 1)[1].split("\n## ", 1)[0]
    for line in ("SESSION_COOKIE_SECURE=0", "CSRF_COOKIE_SECURE=0", "SECURE_SSL_REDIRECT=0"):
        assert line in trial


def settings_in_a_process(**values):
    """DATABASES and SECRET_KEY as Django reads them from exactly these variables."""
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps({'db': settings.DATABASES['default'], 'key': settings.SECRET_KEY, "
        "'cache': settings.CACHES['default']['BACKEND']}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=clean_env(DJANGO_SETTINGS_MODULE="praevention.settings", **values),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    import json

    return json.loads(result.stdout)


def test_a_password_and_a_secret_key_survive_any_character():
    password = "p/@:%?#&=+ $x'\"\\ü"
    key = "$" + secrets.token_urlsafe(40) + "$HOME"
    read = settings_in_a_process(
        DEBUG="0",
        SECRET_KEY=key,
        DATABASE_HOST="db",
        DATABASE_NAME="praevention",
        DATABASE_USER="praevention",
        DATABASE_PASSWORD=password,
    )
    assert read["db"]["PASSWORD"] == password
    assert read["db"]["HOST"] == "db"
    assert read["db"]["ENGINE"] == "django.db.backends.postgresql"
    assert read["key"] == key


def test_compose_hands_the_password_over_on_its_own_not_in_a_url():
    compose_text = (ROOT / "docker-compose.yml").read_text()
    assert "DATABASE_URL" not in compose_text
    for name in DJANGO_SERVICES:
        environment = SERVICES[name]["environment"]
        assert environment["DATABASE_PASSWORD"].startswith("${POSTGRES_PASSWORD")
        assert environment["DATABASE_HOST"] == "db"


def test_a_blank_cache_url_counts_as_unset():
    read = settings_in_a_process(DEBUG="0", SECRET_KEY="x" * 50, CACHE_URL="")
    assert read["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_every_variable_of_env_example_may_be_blank():
    blank = dict.fromkeys(env_example_names(), "")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean_env(**{**blank, "SECRET_KEY": secrets.token_urlsafe(50)}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def deploy_check_with_env_example(**changes):
    values = {
        **env_example_values(),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "POSTGRES_PASSWORD": secrets.token_urlsafe(24),
        **changes,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean_env(**values),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_with_env_example_reports_no_issue():
    result = deploy_check_with_env_example()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("site_url", ["", None])
def test_check_deploy_without_site_url_reports_an_error(site_url):
    values = env_example_values()
    del values["SITE_URL"]
    changes = {} if site_url is None else {"SITE_URL": site_url}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=clean_env(**{**values, "SECRET_KEY": secrets.token_urlsafe(50), **changes}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "ERRORS:" in output
    assert "praevention.E001" in output and "SITE_URL is not set" in output


def test_check_deploy_refuses_a_site_url_without_scheme():
    result = deploy_check_with_env_example(SITE_URL="praevention.example.berlin.de")
    assert result.returncode == 1
    assert "praevention.E002" in result.stdout + result.stderr


# --- The scheduler ---------------------------------------------------------------------------


def test_the_scheduler_stops_within_two_seconds_of_sigterm(tmp_path):
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_scheduler"],
        cwd=ROOT,
        env=clean_env(
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            DATABASE_URL=f"sqlite:///{tmp_path / 'leer.sqlite3'}",
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for line in process.stdout:  # "… übersprungen" lines for jobs not in this version
            if "Zeitplan läuft" in line:
                break
        time.sleep(0.5)  # a job due now (on an empty database) fails and it waits
        process.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        process.wait(timeout=2)
        assert time.monotonic() - sent < 2
    finally:
        process.kill()
    assert process.returncode == 0, process.stderr.read()
    assert "Zeitplan beendet." in process.stdout.read()


def test_every_scheduled_job_that_exists_in_this_version_is_run():
    from praevention.core.schedule import JOBS, available

    present, missing = available(JOBS, get_commands())
    assert "send_digest" in [job.command for job in present]
    assert all(job.command not in get_commands() for job in missing)


def test_a_job_is_due_in_its_hours_once_per_period():
    from datetime import datetime, timedelta

    from praevention.core.schedule import Job, due

    digest = Job("send_digest", every=timedelta(hours=1), hours=range(7, 19), why="")
    nightly = Job("apply_retention", every=timedelta(days=1), hours=range(3, 4), why="")
    monday = datetime(2026, 12, 7, 6, 59)
    assert due([digest, nightly], monday, {}) == []
    assert due([digest, nightly], monday.replace(hour=7), {}) == [digest]
    started = {"send_digest": monday.replace(hour=7)}
    assert due([digest], monday.replace(hour=7, minute=59), started) == []
    assert due([digest], monday.replace(hour=8), started) == [digest]
    assert due([digest], monday.replace(hour=19), started) == []
    night = monday.replace(hour=3, minute=1)
    assert due([nightly], night, {}) == [nightly]
    assert due([nightly], night + timedelta(minutes=30), {"apply_retention": night}) == []
    assert due([nightly], night + timedelta(days=1), {"apply_retention": night}) == [nightly]


def test_the_readme_links_the_operators_guide_which_covers_what_an_operator_does():
    assert "(docs/OPERATIONS.md)" in (ROOT / "README.md").read_text()
    headings = re.findall(r"^##+ (.+)$", OPERATIONS, re.MULTILINE)
    for heading in ("Erster Start", "TLS-Proxy (nginx) und `TRUSTED_PROXIES`", "Update", "Logs"):
        assert heading in headings
    assert "proxy_pass http://127.0.0.1:8000;" in OPERATIONS
    assert "docker compose exec -T app python manage.py backup - >" in OPERATIONS
    assert "docker compose exec -T app python manage.py restore --yes - <" in OPERATIONS
    assert "docker compose exec -T db pg_dump" in OPERATIONS
    assert "docker compose exec -T db pg_restore" in OPERATIONS
