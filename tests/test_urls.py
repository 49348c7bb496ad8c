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
from generator.registry.checks import load_registry
from generator.registry.index import build_index
from generator.registry.kinds import FOLDERS

# a route's fixed part at the start of an address (not inside another path such as api/v1/calendars/regions/)
ROUTE_WORDS = re.compile(r"(?<![\w/.-])(municipalities|regions|flyers|" + "|".join(FOLDERS) + r")/|contribute/towns")
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


# ---------------------------------------------------------------- the town page's sections (urls.TOWN_SECTIONS)

TOWN_TEMPLATE = ROOT / "generator/site/templates/town.md.j2"
# an anchor written into the town page's template: a heading's {#no-phone}, id="crisis", href="#own"
LITERAL_ANCHOR = re.compile(r'\{#([\w-]+)\}|\bid="([\w-]+)"|href="#([\w-]+)"')
# a fragment put after a town's address by hand in a template: {{ urls.town(town.code) }}#no-phone
TOWN_FRAGMENT = re.compile(r"urls\.town\([^)]*\) *\}\}#")
ONLY_JINJA_COMMENTS = re.compile(r"\{##.*?##\}", re.S)


def _town_fragments(path: Path) -> list[int]:
    """Lines of a module that spell a town-page anchor: "#no-phone", an anchor that is not also a section's name
    ("no-phone"), or urls.town(…) joined to a "#…" (f"{urls.town(code)}#{section}", urls.town(code) + "#own")."""
    anchors = set(urls.TOWN_SECTIONS.values())
    spelt = anchors - set(urls.TOWN_SECTIONS) | {"#" + a for a in anchors}
    found = [line for line, text in _strings(path) if text in spelt]

    def town_call(node: ast.AST) -> bool:
        return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "town"

    def fragment(node: ast.AST) -> bool:
        return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("#")

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.JoinedStr):
            parts = [v.value if isinstance(v, ast.FormattedValue) else v for v in node.values]
            joined = any(town_call(a) and fragment(b) for a, b in zip(parts, parts[1:]))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            joined = town_call(node.left) and fragment(node.right)
        else:
            continue
        if joined:
            found.append(node.lineno)
    return sorted(set(found))


def test_every_town_page_has_the_sections_of_the_table_in_its_order(built_site):
    """Each anchor in urls.TOWN_SECTIONS is a heading's id on every town page, and every heading's id is in it."""
    pages = sorted((built_site / urls.towns()).glob("[0-9]*/index.html"))
    assert len(pages) == 77
    for page in pages:
        ids = re.findall(r'<h[12]\b[^>]*\bid="([^"]+)"', page.read_text(encoding="utf-8"))
        assert ids == list(urls.TOWN_SECTIONS.values()), page


def test_every_section_the_index_names_has_an_anchor():
    """What TownView sorts (`shown`, `totals`) is a section of the table, so a page can link to it."""
    view = next(iter(build_index(load_registry(ROOT)).towns.values()))
    assert set(view.shown) | set(view.totals) <= set(urls.TOWN_SECTIONS)


def test_the_town_sections_stay_as_printed():
    """Permanent like the addresses: the finder's answers and links point at them."""
    assert urls.town_section("203840", "no_phone") == "municipalities/203840/#no-phone"
    assert urls.TOWN_SECTIONS == {
        "town": "town",
        "own": "own",
        "no_phone": "no-phone",
        "crisis": "crisis",
        "ibasho": "ibasho",
        "family-groups": "family-groups",
        "elsewhere": "elsewhere",
        "wide": "wide",
        "map": "map",
        "national": "national",
    }


@pytest.mark.parametrize("path", PYTHON, ids=lambda p: str(p.relative_to(ROOT)))
def test_python_writes_no_town_anchor_by_hand(path):
    assert _town_fragments(path) == [], "use urls.town_section(code, section)"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_write_no_town_anchor_by_hand(path):
    text = ONLY_JINJA_COMMENTS.sub("", path.read_text(encoding="utf-8"))
    found = TOWN_FRAGMENT.findall(text) + (LITERAL_ANCHOR.findall(text) if path == TOWN_TEMPLATE else [])
    assert found == [], 'use {{ urls.town_section(town.code, "no_phone") }} or {{ urls.town_anchor("no_phone") }}'


def test_the_town_anchor_search_finds_what_it_looks_for(tmp_path):
    """The shapes this project used to write are caught (so the two tests above can fail)."""
    module = tmp_path / "m.py"
    module.write_text(
        'section = "no-phone"\nurl = f"{urls.town(code)}#{section}"\nown = urls.town(code) + "#own"\nkey = "own"\n'
    )
    assert _town_fragments(module) == [1, 2, 3]
    assert TOWN_FRAGMENT.findall('<a href="{{ root }}{{ urls.town(town.code) }}#no-phone">')
    for written in ("## 地図 {#map}", '<a href="#no-phone">', '<h2 id="crisis">'):
        assert LITERAL_ANCHOR.findall(written)
    assert not LITERAL_ANCHOR.findall('## 地図 {#{{ urls.town_anchor("map") }}}')


@pytest.mark.parametrize("path", ["index.md", "about.md", "windows/index.md", "municipalities/203840.md"])
def test_page_path_and_url_are_inverse(path):
    url = urls.page_url(path)
    assert urls.depth(path) == url.count("/")
    assert urls.page_url(urls.page_path(url)) == url
