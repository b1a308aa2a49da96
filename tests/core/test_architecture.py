"""The map stays true: docs/ARCHITECTURE.md names every app and only paths that exist, and the
README's table names every environment variable that settings.py reads."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "praevention"
MAP = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")

APP_ROW = re.compile(r"^\| `(\w+)` \|", re.MULTILINE)
CODE = re.compile(r"`([^`\s]+)`")
FILE = re.compile(r"^[\w./+-]+\.(py|html|md|toml|json|txt|csv)$")
# env("X"), env.int("X", …), env.bool('X'), os.environ["X"], os.environ.get("X"), os.getenv("X")
ENV_READ = re.compile(
    r"""(?:\benv(?:\.\w+)?\(|environ(?:\.get)?[\[(]|getenv\()\s*["']([A-Z][A-Z0-9_]*)["']"""
)


def apps() -> list[str]:
    return sorted(path.parent.name for path in PACKAGE.glob("*/apps.py"))


def named_paths() -> list[tuple[str, Path]]:
    """(as written, candidates): every file the map names. In an app's row of the rooms table
    a file is relative to the app; elsewhere to the repository or to `praevention/`."""
    named = []
    for line in MAP.splitlines():
        row = APP_ROW.match(line)
        for token in CODE.findall(line):
            if not FILE.match(token) or (row is None and "/" not in token):
                continue
            bases = [ROOT, PACKAGE] + ([PACKAGE / row[1]] if row else [])
            named.append((token, [base / token for base in bases]))
    return named


def test_every_app_is_on_the_map():
    on_the_map = set(APP_ROW.findall(MAP))
    missing = [app for app in apps() if app not in on_the_map]
    assert not missing, f"docs/ARCHITECTURE.md lacks a row for: {', '.join(missing)}"


def test_every_path_on_the_map_exists():
    named = named_paths()
    assert len(named) > 50  # the rooms, rules and hooks tables name files
    missing = [token for token, candidates in named if not any(c.exists() for c in candidates)]
    assert not missing, f"docs/ARCHITECTURE.md names paths that do not exist: {missing}"


def test_the_map_check_finds_a_missing_path():
    global MAP
    kept = MAP
    try:
        MAP = "| `core` | `nowhere.py` |\nSee `overview/gone.py`."
        assert [token for token, _c in named_paths()] == ["nowhere.py", "overview/gone.py"]
    finally:
        MAP = kept


def environment_variables() -> set[str]:
    return set(ENV_READ.findall((PACKAGE / "settings.py").read_text(encoding="utf-8")))


def test_every_environment_variable_is_in_the_readme_table():
    table = "\n".join(line for line in README.splitlines() if line.startswith("|"))
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]*)`", table))
    variables = environment_variables()
    assert {"SECRET_KEY", "DATABASE_URL", "CACHE_URL", "RESET_LIMIT_PER_IP"} <= variables
    missing = sorted(variables - documented)
    assert not missing, f"README's table lacks: {', '.join(missing)}"


def test_the_readme_keeps_to_what_a_newcomer_needs():
    assert len(README.splitlines()) < 300
