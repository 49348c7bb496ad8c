"""The build at several scales: times, memory, size, and the bytes a phone downloads (issue #9).

    .venv/bin/python benchmarks/bench.py                      # make bench: 1×, 1,000 and 4,000 listings
    .venv/bin/python benchmarks/bench.py --scales 1x,4000,15000 --out benchmarks/RESULTS-national.md

A scale is `1x` (the real data as it is) or a number of synthetic listings added to it, with synthetic
municipalities in proportion up to the national 1,741 (benchmarks/synthetic.py; a temporary project
copy, never the real data/). For each scale, each stage runs as its own process, timed by the wall
clock, its peak memory read from the kernel (wait4):

- validate: `python -m generator validate` (load + models + cross-file checks)
- generate: `python -m generator pages DIR` (validate + index + render + maps + search, no MkDocs)
- build:    `mkdocs build --strict` with the hook (everything, as `make build` does)
- bare:     `mkdocs build` of the same Markdown (docs/ + the generated pages) with no hooks: the floor
            that MkDocs and the theme cost whatever our generator does

Transferred bytes are measured in Debian's chromium (never a downloaded browser): each page is opened in
a fresh phone-sized context, and every request it makes on open (HTML, CSS, JS, fonts, images, and the
data its scripts fetch) is summed as the file gzip-compressed (what a static host sends). /map/ is also
measured after pressing 「地図を表示」, with the tile requests to other hosts refused (tiles excluded).

Lighthouse (benchmarks/lighthouse.py: npm lighthouse 12.2.3 on Debian chromium, mobile, median of 3 runs)
scores the 1× site's home, a town and a list page; `--no-lighthouse` skips it.
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lighthouse  # noqa: E402  (puts the project root on sys.path)
from synthetic import make_project  # noqa: E402

from generator.engine.audit import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402
from generator.registry.kinds import KINDS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    seconds: float
    peak_mb: float


@dataclass
class Result:
    scale: str
    towns: int = 0
    listings: int = 0
    runs: dict[str, Run] = field(default_factory=dict)
    pages: int = 0
    site_mb: float = 0.0
    transfer_kb: dict[str, float] = field(default_factory=dict)
    scores: list[lighthouse.PageScore] = field(default_factory=list)  # Lighthouse, 1× only
    pairs: list[tuple[Run, Run]] = field(default_factory=list)  # (full build, bare build), run in turn
    scores_failed: str = ""


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> Run:
    """Run one stage in its own process; its wall time and its own peak resident memory."""
    started = time.perf_counter()
    with open(cwd / ".bench.log", "w") as log:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        sys.exit(f"{' '.join(cmd)} failed:\n" + (cwd / ".bench.log").read_text(encoding="utf-8")[-4000:])
    return Run(seconds, usage.ru_maxrss / 1024)


BARE_HOOK = """from generator.registry import urls


def on_env(env, config, files):
    env.globals["urls"] = urls
    return env
"""


def bare_config(project: Path, docs: Path) -> Path:
    """mkdocs.yml without `hooks:` and with the generated Markdown as docs_dir."""
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    text = re.sub(r"^hooks:\n(?:  - .*\n)+", "", text, flags=re.M)
    text = re.sub(r"^docs_dir: .*$", f"docs_dir: {docs}", text, flags=re.M)
    assert "mkdocs_hook" not in text
    # the kinds' lists, which the hook adds to the navigation (generator/engine/mkdocs_hook.py, with_kinds)
    kinds = "".join(f"  - {k.label}: {k.folder}/index.md\n" for k in KINDS)
    text = text.replace("  - 地域 (広域圏): regions/index.md\n", "  - 地域 (広域圏): regions/index.md\n" + kinds)
    # The theme's 404 page makes its links with the one URL rule: the only thing of ours a bare build is given.
    (project / "bare_hook.py").write_text(BARE_HOOK, encoding="utf-8")
    text += "hooks:\n  - bare_hook.py\n"
    config = project / "mkdocs-bare.yml"
    config.write_text(text, encoding="utf-8")
    return config


def median_run(runs: list[Run]) -> Run:
    return sorted(runs, key=lambda run: run.seconds)[len(runs) // 2]


def measure_scale(scale: str, work: Path, browser: bool, scores: bool = False, pairs: int = 1) -> Result:
    project = work / scale
    project.mkdir()
    counts = make_project(project, 0 if scale == "1x" else int(scale))
    result = Result(scale, **counts)
    # Python's default: our modules are compiled by the first stage and reused (MkDocs and the theme come compiled
    # from their install), as in a developer's repeated builds or a deploy job.
    env = dict(os.environ, PYTHONPATH=str(project), NO_MKDOCS_2_WARNING="1")
    for name in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX"):
        env.pop(name, None)
    py = [sys.executable]
    result.runs["validate"] = timed(py + ["-m", "generator", "--root", str(project), "validate"], project, env)
    result.runs["generate"] = timed(
        py + ["-m", "generator", "--root", str(project), "pages", str(work / "gen")], project, env
    )
    build = py + ["-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"), "-d", str(project / "site")]
    # The same Markdown, without our hook: docs/ plus the pages written by `generator pages`.
    bare_docs = work / "bare-docs"
    shutil.copytree(project / "docs", bare_docs)
    shutil.copytree(work / "gen", bare_docs, dirs_exist_ok=True)
    bare = py + ["-m", "mkdocs", "build", "-f", str(bare_config(project, bare_docs)), "-d", str(work / "bare-site")]
    # Build and bare in turn, `pairs` times: on a shared machine one pair can land in a busy minute (our build
    # uses both cores, the bare one only one, so a neighbour's load weighs on ours more); the median tells.
    for _ in range(pairs):
        result.pairs.append((timed(build, project, env), timed(bare, project, env)))
    result.runs["build"] = median_run([ours for ours, _ in result.pairs])
    result.runs["bare"] = median_run([floor for _, floor in result.pairs])
    site = project / "site"
    result.pages = sum(1 for _ in site.rglob("*.html"))
    result.site_mb = sum(f.stat().st_size for f in site.rglob("*") if f.is_file()) / 1e6
    if browser:
        result.transfer_kb = transferred(site, page_urls(project))
    if scores:
        try:
            result.scores = lighthouse.measure(site)
        except lighthouse.LighthouseFailed as exc:  # keep the build figures of a long run
            result.scores_failed = str(exc)
            print(exc, file=sys.stderr)
    for leftover in (work / "gen", bare_docs, work / "bare-site"):
        shutil.rmtree(leftover)
    return result


def page_urls(project: Path) -> dict[str, str]:
    """One page of each type; the town and the listing are those with the most around them (長野市)."""
    windows = sorted((project / "data" / "windows").glob("*.yml"))
    first_window = next((p.stem for p in windows if not p.stem.startswith("test-")), windows[0].stem)
    return {
        "home": "/",
        "town": "/municipalities/202011/",
        "list": "/windows/",
        "listing": f"/windows/{first_window}/",
        "map": "/map/",
        "map+show": "/map/#show",
        "flyer": "/flyers/202011/",
        "search": "/search/?q=ひきこもり",
    }


def gzip_size(path: Path, cache: dict[Path, int]) -> int:
    if path not in cache:
        cache[path] = len(gzip.compress(path.read_bytes(), compresslevel=6))
    return cache[path]


def transferred(site: Path, urls: dict[str, str]) -> dict[str, float]:
    """gzip KB of everything each page requests from the site on open (tiles on other hosts refused)."""
    from playwright.sync_api import sync_playwright

    sizes: dict[Path, int] = {}
    out = {}
    with serve(site) as base, sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, url in urls.items():
            context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP", is_mobile=True)
            context.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
            page = context.new_page()
            requested: set[str] = set()
            page.on("request", lambda request, seen=requested: seen.add(request.url))
            # "load" first: a long page is still being parsed when the network first goes quiet (its scripts, at
            # the end, not yet asked for), so "networkidle" alone measured the 4,000 list without its scripts
            page.goto(base + url.removesuffix("#show"), wait_until="load")
            page.wait_for_load_state("networkidle")
            requested.add(page.url)  # the page itself, whose request event a fresh browser sometimes misses
            if url.endswith("#show"):
                page.click(".hub-map__show")
                page.wait_for_selector(".hub-map__canvas:not([hidden])", timeout=60_000)
                page.wait_for_load_state("networkidle")
            total = 0
            for address in requested:
                parts = urlparse(address)
                if parts.hostname != "127.0.0.1":
                    continue  # map tiles: refused, and excluded from the target
                path = site / unquote(parts.path).lstrip("/")
                path = path / "index.html" if path.is_dir() else path
                if path.is_file():
                    total += gzip_size(path, sizes)
            out[name] = total / 1024
            context.close()
        chromium.close()
    return out


# ---------------------------------------------------------------- the report

STAGES = (
    ("validate", "validate"),
    ("generate", "generate (no MkDocs)"),
    ("build", "full build"),
    ("bare", "bare `mkdocs build`"),
)


def table(results: list[Result]) -> str:
    head = ["", *[f"{r.scale} ({r.listings:,} listings, {r.towns:,} towns)" for r in results]]
    rows = []
    for key, label in STAGES:
        rows.append([f"{label} time", *[f"{r.runs[key].seconds:.1f} s" for r in results]])
    rows.append(
        [
            "build − bare (our share)",
            *[
                f"{r.runs['build'].seconds - r.runs['bare'].seconds:+.1f} s "
                f"({(r.runs['build'].seconds / r.runs['bare'].seconds - 1) * 100:+.0f}%)"
                for r in results
            ],
        ]
    )
    if any(len(r.pairs) > 1 for r in results):
        rows.append(["full ÷ bare, each pair in turn", *[_ratios(r) for r in results]])
    for key, label in STAGES:
        rows.append([f"peak memory, {label}", *[f"{r.runs[key].peak_mb:.0f} MB" for r in results]])
    rows.append(["pages (HTML files)", *[f"{r.pages:,}" for r in results]])
    rows.append(["site size", *[f"{r.site_mb:.1f} MB" for r in results]])
    for name in results[0].transfer_kb if results else {}:
        label = {"map+show": "/map/ after 「地図を表示」 (no tiles)", "search": "search, first query (ひきこもり)"}.get(
            name, name
        )
        rows.append([f"transferred, {label} (gzip)", *[f"{r.transfer_kb.get(name, 0):.0f} KB" for r in results]])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _ratios(result: Result) -> str:
    """「1.12× (1.10, 1.12, 1.19)」: the median of the pairs' ratios, then each."""
    ratios = [ours.seconds / floor.seconds for ours, floor in result.pairs]
    middle = sorted(ratios)[len(ratios) // 2]
    return f"{middle:.2f}× ({', '.join(f'{r:.2f}' for r in ratios)})"


def growth(results: list[Result]) -> list[str]:
    """time(4×)/time(1×) for each pair of synthetic scales about four times apart."""
    lines = []
    synthetic = [r for r in results if r.scale != "1x"]
    for small in synthetic:
        for large in synthetic:
            factor = large.listings / small.listings
            if 3 <= factor <= 5:
                ratios = ", ".join(
                    f"{label} {large.runs[key].seconds / small.runs[key].seconds:.2f}" for key, label in STAGES
                )
                lines.append(f"- {small.listings:,} → {large.listings:,} listings (×{factor:.2f}): {ratios}")
    return lines


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = next(
        (
            int(line.split()[1]) // 1024 // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem} GB RAM, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}; shared with other work, run under `nice -n 19`"
    )


def report(results: list[Result], command: str) -> str:
    return "\n".join(
        [
            "# Benchmark results",
            "",
            f"Written by `{command}` on {time.strftime('%Y-%m-%d %H:%M %Z')}.",
            "",
            f"Machine: {machine()}.",
            "",
            table(results),
            "",
            "Growth ratios time(large)/time(small) (target ≤ 4.4 for 4× the listings):",
            "",
            *(growth(results) or ["- (needs two synthetic scales about 4× apart)"]),
            "",
            "Times are wall-clock seconds of one run each (with `--pairs N`, full and bare builds run in turn N "
            "times and the median run of each is shown); memory is the peak resident set of that process. "
            "Transferred bytes: everything the page requests from the site on open, gzip-compressed "
            "(benchmarks/bench.py explains how). Synthetic listings: benchmarks/synthetic.py.",
            "",
            *[line for r in results for line in (lighthouse.section(r.scores) if r.scores else [])],
            *[f"Lighthouse could not run: {r.scores_failed}\n" for r in results if r.scores_failed],
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1x,1000,4000", help="comma-separated: 1x and/or numbers of listings")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    parser.add_argument("--no-browser", action="store_true", help="skip the transferred-bytes measurement")
    parser.add_argument("--no-lighthouse", action="store_true", help="skip Lighthouse on the 1x site")
    parser.add_argument("--pairs", type=int, default=1, help="full and bare builds run in turn this many times")
    args = parser.parse_args()
    scales = [scale.strip() for scale in args.scales.split(",")]
    scores = "1x" in scales and not args.no_browser and not args.no_lighthouse
    if scores:
        try:
            lighthouse.ensure_lighthouse()  # before the long builds, not after
        except lighthouse.LighthouseFailed as exc:
            sys.exit(f"{exc}; or pass --no-lighthouse")
    results = []
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as tmp:
        for scale in scales:
            started = time.perf_counter()
            results.append(
                measure_scale(scale, Path(tmp), not args.no_browser, scores and scale == "1x", max(1, args.pairs))
            )
            print(f"{scale}: measured in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    text = report(results, "python benchmarks/bench.py " + " ".join(sys.argv[1:]))
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
