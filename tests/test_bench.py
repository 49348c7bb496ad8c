"""Smoke test of the benchmark (benchmarks/bench.py, issue #9) at a tiny scale, so that it cannot rot.

Asserts nothing about time: only that the synthetic data still validates against the models, stays
clearly synthetic, and that each measuring step (a timed stage, the bare MkDocs config, the bytes a
page transfers, the report) still works. The full runs are `make bench` and `make bench-national`.
"""

from __future__ import annotations

import os
import sys

import pytest
import yaml
from conftest import ROOT

from generator.registry.checks import load_registry
from generator.registry.kinds import FOLDERS

sys.path.insert(0, str(ROOT / "benchmarks"))
import bench  # noqa: E402
from synthetic import make_project, towns_for  # noqa: E402


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """30 synthetic listings and 8 synthetic towns (one synthetic region) over the real data."""
    project = tmp_path_factory.mktemp("bench-project")
    counts = make_project(project, listings=30, towns=85)
    return project, counts


def test_synthetic_data_is_valid_and_clearly_synthetic(tiny):
    project, counts = tiny
    registry = load_registry(project)
    assert registry.errors == []
    assert counts == {"towns": 85, "listings": len(list(registry.all_listings()))}
    added = [m for m in registry.municipalities.values() if m.code.startswith("99")]
    assert len(added) == 8 and all(m.name.startswith("テスト") and "example.org" in m.website for m in added)
    assert "test-region-001" in registry.regions
    synthetic = [listing for _kind, listing in registry.all_listings() if listing.id.startswith("test-")]
    assert len(synthetic) == 30
    for listing in synthetic:
        assert listing.name.startswith("テスト")
        assert not listing.contacts.phones, "no invented phone numbers"
        assert all("example.org" in url for url in (listing.contacts.website, *[s.url for s in listing.source]))
    assert {kind for kind, listing in registry.all_listings() if listing.id.startswith("test-")} == set(FOLDERS)
    # The real data/ is never touched.
    assert not list((ROOT / "data" / "windows").glob("test-*.yml"))


def test_towns_grow_in_proportion_to_the_national_edition():
    assert towns_for(15000) == 1741
    assert towns_for(1000) == 116
    assert towns_for(10) == 77


def test_a_stage_is_timed_in_its_own_process(tiny):
    project, _ = tiny
    env = dict(os.environ, PYTHONPATH=str(project))
    run = bench.timed([sys.executable, "-m", "generator", "--root", str(project), "validate"], project, env)
    assert run.seconds > 0 and run.peak_mb > 10
    assert "0 件のエラー" in (project / ".bench.log").read_text(encoding="utf-8")


def test_bare_config_has_not_our_hook_and_reads_the_generated_markdown(tiny, tmp_path):
    project, _ = tiny
    config = yaml.load(bench.bare_config(project, tmp_path).read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    # only the URL rule for the theme's 404 page: no generating, no ふりがな, no CSP
    assert config["hooks"] == ["bare_hook.py"]
    assert (project / "bare_hook.py").read_text(encoding="utf-8") == bench.BARE_HOOK
    assert "generator.registry import urls" in bench.BARE_HOOK and "engine" not in bench.BARE_HOOK
    assert config["docs_dir"] == str(tmp_path)
    assert config["nav"], "the same navigation as the real build"


@pytest.mark.browser
def test_transferred_bytes_of_a_page_include_its_css_and_js(built_site):
    sizes = bench.transferred(built_site, {"home": "/", "map+show": "/map/#show"})
    html = len(__import__("gzip").compress((built_site / "index.html").read_bytes()))
    assert sizes["home"] * 1024 > html + 10_000, "HTML alone would be far smaller than HTML + CSS + JS"
    assert sizes["map+show"] > sizes["home"], "showing the map loads Leaflet and the marker data"


def test_report_quotes_every_measure_and_the_growth_ratio():
    def result(scale, listings, seconds):
        runs = {key: bench.Run(seconds, 100.0) for key, _ in bench.STAGES}
        return bench.Result(
            scale,
            towns=77,
            listings=listings,
            runs=runs,
            pages=10,
            site_mb=1.0,
            transfer_kb={"home": 80.0, "town": 90.0},
        )

    text = bench.report([result("1x", 15, 1.0), result("1000", 1000, 10.0), result("4000", 4000, 42.0)], "test")
    assert "| full build time | 1.0 s | 10.0 s | 42.0 s |" in text
    assert "| transferred, town (gzip) | 90 KB | 90 KB | 90 KB |" in text
    assert "1,000 → 4,000 listings (×4.00): validate 4.20" in text
    assert "Machine: " in text


def test_builds_run_in_turn_are_reported_by_their_median():
    pairs = [(bench.Run(5.0, 1.0), bench.Run(4.0, 1.0)), (bench.Run(6.0, 1.0), bench.Run(4.0, 1.0))]
    pairs.append((bench.Run(4.4, 1.0), bench.Run(4.0, 1.0)))
    assert bench.median_run([ours for ours, _ in pairs]).seconds == 5.0
    runs = {key: bench.Run(1.0, 100.0) for key, _ in bench.STAGES} | {"build": pairs[0][0], "bare": pairs[0][1]}
    result = bench.Result("1x", towns=77, listings=48, runs=runs, pages=10, site_mb=1.0, pairs=pairs)
    assert "| full ÷ bare, each pair in turn | 1.25× (1.25, 1.50, 1.10) |" in bench.report([result], "test")
    assert "each pair in turn" not in bench.report([bench.Result("1x", runs=runs, pairs=pairs[:1])], "test")
