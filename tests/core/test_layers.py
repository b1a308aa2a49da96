"""One way down, for templates too: a page of a lower app never names a higher one.

The Python imports are held by import-linter's contract (pyproject.toml, run by `make lint`);
templates are not Python, so this test applies the same layer order to them: a template under
`templates/<app>/` (and the project's frame, `base.html`, `includes/`, the error pages, counted
with `core`) loads no template tags of, and includes or extends no template of, an app above
its own or of its own layer. What a higher app adds to a lower page comes through a slot
(`praevention/core/slots.py`). Links by URL name (`{% url "overview:start" %}`) are not
dependencies of the template's code and stay allowed; a missing route fails the URL walk
(tests/core/test_url_walk.py).
"""

import re
import tomllib
from pathlib import Path

import pytest

from praevention.core import slots

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
PROJECT_FRAME = "core"  # base.html, includes/, 400–500.html

LOAD = re.compile(r"{%\s*load\s+([^%]+?)\s*%}")
INCLUDE = re.compile(r"""{%\s*(?:include|extends)\s+["']([\w-]+)/""")


def layer_ranks() -> dict[str, int]:
    """{app label: rank} from the contract in pyproject.toml; higher rank = higher layer."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    ranks = {}
    for rank, layer in enumerate(reversed(contract["layers"])):
        for module in re.split(r"[|:]", layer):
            ranks[module.strip().strip("()").removeprefix("praevention.")] = rank
    return ranks


def tag_libraries() -> dict[str, str]:
    """{template tag library: the app defining it}."""
    return {
        path.stem: path.parent.parent.name
        for path in (ROOT / "praevention").glob("*/templatetags/*.py")
        if path.stem != "__init__"
    }


def owner(template: Path) -> str:
    top = template.relative_to(TEMPLATES).parts[0]
    return top if top in layer_ranks() else PROJECT_FRAME


def named_apps(text: str) -> set[tuple[str, str]]:
    """{(what, app)} every app the template's code depends on: tag libraries and templates."""
    libraries, ranks = tag_libraries(), layer_ranks()
    named = set()
    for group in LOAD.findall(text):
        for library in group.split():
            if library in libraries:
                named.add((f"{{% load {library} %}}", libraries[library]))
    named |= {(f"template {d}/…", d) for d in INCLUDE.findall(text) if d in ranks}
    return named


def app_templates() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*.html") if not p.is_relative_to(TEMPLATES / "admin"))


@pytest.mark.parametrize("template", app_templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_names_no_app_above_its_own(template):
    ranks = layer_ranks()
    app = owner(template)
    named = named_apps(template.read_text(encoding="utf-8"))
    # Apps of one layer ("a | b" in the contract) are independent: neither names the other.
    higher = sorted(
        f"{what} ({other})" for what, other in named if other != app and ranks[other] >= ranks[app]
    )
    assert not higher, f"{template.name} ({app}) names apps above or beside it: {', '.join(higher)}"


def test_the_rule_finds_a_higher_app_in_a_template():
    text = (
        '{% load i18n meetings %}{% include "editions/_progress.html" %}{% url "exchange:import" %}'
    )
    named = named_apps(text)
    assert ("{% load meetings %}", "meetings") in named
    assert ("template editions/…", "editions") in named
    assert len(named) == 2  # i18n is Django's


def test_every_registered_slot_part_is_a_template_of_the_registering_app():
    for slot in slots.SLOTS:
        for template in slots.templates(slot):
            assert (TEMPLATES / template).is_file(), (slot, template)


def test_an_undeclared_slot_cannot_be_filled():
    with pytest.raises(ValueError, match="Unknown slot"):
        slots.register("nav.itmes", "meetings/_nav_items.html")
