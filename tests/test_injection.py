"""No text from data ever becomes markup: every text field of a listing is filled with hostile
strings, the pages are rendered and converted to HTML as MkDocs does, and no tag, attribute or
link from the data may appear."""

from __future__ import annotations

import copy
import re
import shutil
from html.parser import HTMLParser

import markdown
import yaml
from conftest import FIXTURES, ROOT, TODAY, copy_project, run_generator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from generator.registry.checks import load_registry
from generator.registry.index import build_index
from generator.registry.load import load_file
from generator.registry.models import Window
from generator.site.render import render_pages

FRAGMENTS = [
    "<script>zq()</script>",
    '"><img src=x onerror=zq()>',
    "'><svg onload=zq()>",
    '<a href="javascript:zq()">x</a>',
    "[zq](javascript:zq())",
    "![zq](javascript:zq())",
    "<zqtag>",
    "{: onclick=zq() }",
    "*zq*",
    "# zq",
    "`zq`",
    "&lt;zq&gt;",
    "<!--zq-->",
    "\n\n<div>zq</div>\n\n",
    "{{ zq }}",
    "{% zq %}",
    "{#zq}",
    "| zq |",
    "> zq",
    "---\nzq: 1\n---",
]
HOSTILE = st.lists(st.sampled_from(FRAGMENTS) | st.text(min_size=1, max_size=12), min_size=1, max_size=5).map("".join)
EXTENSIONS = ["attr_list", "md_in_html", "admonition", "tables", "toc"]


class MarkupFromData(HTMLParser):
    """Collects every tag, attribute and link that carries the marker `zq` (only data contains it)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if "zq" in tag:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            value = value or ""
            if "zq" in name or name.startswith("on") or value.lower().lstrip().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")


def hostile_window(base: dict, texts: list[str]) -> dict:
    data = copy.deepcopy(base)
    it = iter(texts * 20)
    data["name"] = next(it)
    data["operator"]["name"] = next(it)
    data["description"] = next(it)
    data["location"]["address"] = next(it)
    data["staff"] = [next(it)]
    data["accessibility"] = next(it)
    data["contacts"]["phones"][0]["label"] = next(it)
    data["contacts"]["phones"][0]["hours_note"] = next(it)
    data["contacts"]["line"] = [{"name": next(it), "note": next(it)}]
    data["schedule"]["note"] = next(it)
    data["schedule"]["slots"][0]["note"] = next(it)
    data["cost"]["note"] = next(it)
    data["source"] = [{"title": next(it), "note": next(it), "date": next(it)}]
    return data


BASE = load_file(FIXTURES / "valid/data/windows/test-iijima-soudanshitsu.yml").data


# No `explain` phase: tracing every line of a full render makes a failure take minutes to report.
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
)
@given(st.lists(HOSTILE, min_size=3, max_size=6))
def test_hostile_text_never_becomes_markup(tmp_path_factory, texts):
    texts = [t for t in texts if t.strip()] or ["zq"]
    root = tmp_path_factory.mktemp("inj")
    shutil.copytree(FIXTURES / "valid" / "data", root / "data", dirs_exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")  # flyers read site_url from it
    registry = load_registry(root, TODAY)
    window = Window.model_validate(hostile_window(BASE, texts))
    registry.listings["windows"][window.id] = window
    pages = render_pages(build_index(registry, TODAY))
    for path, text in pages.items():
        if not path.endswith(".md"):  # downloads and map data are checked in the real build below
            continue
        # front matter ends at a line that is only --- (as MkDocs reads it), not at --- inside a value
        body = re.sub(r"\A---\n.*?\n---\n", "", text, count=1, flags=re.S)
        parser = MarkupFromData()
        parser.feed(markdown.markdown(body, extensions=EXTENSIONS))
        assert parser.found == [], (path, parser.found)


def test_hostile_listing_survives_the_real_build(tmp_path):
    """Front matter titles, navigation, search index and every other file of a full MkDocs build."""
    data = tmp_path / "fixture-data"
    shutil.copytree(FIXTURES / "valid" / "data", data)
    nasty = hostile_window(BASE, FRAGMENTS)
    nasty["id"] = "test-hostile"
    (data / "windows" / "test-hostile.yml").write_text(yaml.safe_dump(nasty, allow_unicode=True), encoding="utf-8")
    root = copy_project(tmp_path / "project", data)
    result = run_generator(root, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    for page in (root / "site").rglob("*.html"):
        parser = MarkupFromData()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.found == [], (page, parser.found)
    listing = (root / "site/windows/test-hostile/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;zq()&lt;/script&gt;" in listing  # shown as text, not dropped
