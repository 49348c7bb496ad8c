"""One URL rule (generator/registry/urls.py): every page address is made there, and nowhere else spells one.

The addresses are permanent (printed QR codes point at them), so a second spelling that drifts is a broken link
on paper. This test reads the code, the templates and the scripts for hand-built addresses.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from conftest import ROOT

from generator.registry import urls

# a route's fixed part at the start of an address (not inside another path such as api/v1/calendars/regions/)
ROUTE_WORDS = re.compile(r"(?<![\w/.-])(municipalities|regions|flyers)/|contribute/towns")
# an address finished by hand after a value in a template: {{ town.code }}/, {{ kind }}/, {{ region.id }}/
HAND_FINISHED = re.compile(r"\{\{ *(kind|[\w.]*code|[\w.]*\.id) *\}\}/")
JINJA_COMMENT = re.compile(r"\{##.*?##\}|\{#-?.*?-?#\}", re.S)

PYTHON = sorted(p for p in (ROOT / "generator").rglob("*.py") if p != ROOT / "generator/registry/urls.py")
TEMPLATES = sorted((ROOT / "generator/site/templates").rglob("*.j2")) + sorted((ROOT / "overrides").rglob("*.html"))
SCRIPTS = sorted((ROOT / "docs/assets/javascripts").glob("*.js"))


def _strings(path: Path) -> list[tuple[int, str]]:
    """The string constants of a module (f-strings' fixed parts too), without docstrings: what the code writes."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


@pytest.mark.parametrize("path", PYTHON, ids=lambda p: str(p.relative_to(ROOT)))
def test_python_builds_no_address_by_hand(path):
    found = [(line, text) for line, text in _strings(path) if ROUTE_WORDS.search(text)]
    assert found == [], "use generator.registry.urls"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_build_no_address_by_hand(path):
    text = JINJA_COMMENT.sub("", path.read_text(encoding="utf-8"))
    found = ROUTE_WORDS.findall(text) + HAND_FINISHED.findall(text)
    assert found == [], "use the urls global: {{ root }}{{ urls.town(town.code) }}"


# a path put together in a script: kind + "/" + id + "/"
JOINED = re.compile(r'\+\s*"/"|"/"\s*\+')


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_scripts_build_no_address_by_hand(path):
    code = re.sub(r"^\s*//.*$", "", path.read_text(encoding="utf-8"), flags=re.M)
    assert ROUTE_WORDS.findall(code) + JOINED.findall(code) == [], "read the address from the data (urls.ROUTES)"


def test_the_search_finds_what_it_looks_for(tmp_path):
    """The patterns above catch the shapes this project used to write (so the tests above can fail)."""
    module = tmp_path / "m.py"
    module.write_text('"""municipalities/ in a docstring is fine."""\npage = f"{base}municipalities/{code}/"\n')
    assert [line for line, text in _strings(module) if ROUTE_WORDS.search(text)] == [2]
    for template in ('<a href="{{ root }}municipalities/{{ town.code }}/">', '<a href="{{ root }}{{ kind }}/">'):
        assert ROUTE_WORDS.findall(template) + HAND_FINISHED.findall(template)
    assert ROUTE_WORDS.findall('location.href = ROOT + "municipalities/" + t.code + "/";')
    assert JOINED.findall('url: kind[0] + "/" + row[1] + "/",')
    assert not ROUTE_WORDS.findall('f"{API}calendars/regions/{region.id}.ics"')


@pytest.mark.parametrize(
    ("made", "address"),
    [
        (urls.town("203840"), "municipalities/203840/"),
        (urls.region("kamiina"), "regions/kamiina/"),
        (urls.listing("windows", "iijima-soudan"), "windows/iijima-soudan/"),
        (urls.kind_list("ibasho"), "ibasho/"),
        (urls.town_flyer("203840"), "flyers/203840/"),
        (urls.region_flyer("kamiina"), "flyers/regions/kamiina/"),
        (urls.town_pack("203840"), "contribute/towns/203840/"),
        (urls.feed(urls.town("203840")), "municipalities/203840/feed.xml"),
        (urls.towns(), "municipalities/"),
    ],
)
def test_the_addresses_stay_as_printed(made, address):
    """The permanent addresses (../PRODUCT.md): changing one here needs a redirect first."""
    assert made == address


@pytest.mark.parametrize("path", ["index.md", "about.md", "windows/index.md", "municipalities/203840.md"])
def test_page_path_and_url_are_inverse(path):
    url = urls.page_url(path)
    assert urls.depth(path) == url.count("/")
    assert urls.page_url(urls.page_path(url)) == url
