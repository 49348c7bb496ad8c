"""The MkDocs adapter under `make serve` (`mkdocs serve --dirty`): an edit to one data file shows in the
preview, and only the pages the edit changed are rendered again; a theme edit renders everything again."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from conftest import copy_project, fixture_data
from mkdocs.commands.build import build
from mkdocs.config import load_config

from generator.engine.parallel import can_fork

SERVE_URL = "http://127.0.0.1:8000/hub/"
LISTING = Path("data/windows/test-iijima-soudanshitsu.yml")


def rebuild(root: Path, site: Path, first: bool = False):
    """One build as `mkdocs serve --dirty` runs it: a fresh config each time, the same site folder."""
    config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(site))
    config.site_url = SERVE_URL
    if first:
        config.plugins.on_startup(command="serve", dirty=True)
    build(config, serve_url=SERVE_URL, dirty=True)
    return config


def rendered(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*.html")}


def test_preview_renders_again_only_the_pages_an_edit_changed(tmp_path):
    root = copy_project(tmp_path / "project", data=fixture_data(tmp_path / "fixtures"))
    site = tmp_path / "preview"
    stop = threading.Event()  # serve runs its server in a thread: the hook must work as it does there
    server = threading.Thread(target=stop.wait, daemon=True)
    server.start()
    config = rebuild(root, site, first=True)
    try:
        before = rendered(site)
        listing = root / LISTING
        listing.write_text(
            listing.read_text(encoding="utf-8").replace(
                "テスト用の架空の相談室です。", "テスト用の架空の相談室です。編集したことばです。"
            ),
            encoding="utf-8",
        )
        time.sleep(0.01)
        rebuild(root, site)
        after = rendered(site)
        changed = {page for page, stamp in after.items() if before.get(page) != stamp}
        page = site / "windows" / "test-iijima-soudanshitsu" / "index.html"
        assert "編集したことばです。" in page.read_text(encoding="utf-8")
        assert "windows/test-iijima-soudanshitsu/index.html" in changed
        assert "privacy/index.html" not in changed and "about/index.html" not in changed
        assert len(changed) < len(after) // 4, sorted(changed)
        assert set(after) == set(before)

        theme = root / "overrides" / "main.html"
        later = time.time() + 5
        os.utime(theme, (later, later))
        rebuild(root, site)
        again = rendered(site)
        assert {page for page, stamp in again.items() if after[page] == stamp} == set()
    finally:
        stop.set()
        server.join()
        config.plugins.on_shutdown()
    assert can_fork(), "after `serve` ends, this process may use both cores again"


class _Upper:
    """Stands in for Furigana: what the other process did must be what lands in the site."""

    def html(self, page: str) -> str:
        if "テスト失敗" in page:
            raise ValueError("テスト: ふりがなを付けられないページ")
        return page.upper()


def test_ruby_added_elsewhere_lands_in_the_site_and_its_failure_fails_the_build(tmp_path, caplog):
    import logging

    from generator.engine.mkdocs_hook import RubyElsewhere

    site = tmp_path / "site"
    ruby = RubyElsewhere(_Upper(), site)
    site.mkdir()  # MkDocs empties (or makes) the folder before the first page
    assert ruby.put("about.md", "about/index.html", "<body>about</body>") == "", "MkDocs is left nothing to write"
    assert ruby.put("index.md", "index.html", "<body>home</body>") == ""
    build_log = logging.getLogger("mkdocs.commands.build")
    with caplog.at_level(logging.INFO, logger="mkdocs.commands.build"):
        build_log.info("Page skipped: 'index.md'. Generated empty output.")  # MkDocs' note for a handed page
        build_log.info("Page skipped: 'empty.md'. Generated empty output.")  # a page that really was empty
    assert [r.getMessage() for r in caplog.records] == ["Page skipped: 'empty.md'. Generated empty output."]
    ruby.finish()
    assert (site / "index.html").read_text(encoding="utf-8") == "<BODY>HOME</BODY>"
    assert (site / "about/index.html").read_text(encoding="utf-8") == "<BODY>ABOUT</BODY>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # nothing left beside the site
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="mkdocs.commands.build"):
        build_log.info("Page skipped: 'index.md'. Generated empty output.")
    assert len(caplog.records) == 1, "after the build, MkDocs' log is as it was"

    broken = RubyElsewhere(_Upper(), site)
    broken.put("index.md", "index.html", "<body>テスト失敗</body>")
    with pytest.raises(RuntimeError, match="ふりがなを付けられないページ"):
        broken.finish()
    broken.abandon()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert (site / "index.html").read_text(encoding="utf-8") == "<BODY>HOME</BODY>"
