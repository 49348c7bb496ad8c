"""How big the search index gets, and how many bytes one query loads, on the real data and at
national scale (issues #3 and #9).

    .venv/bin/python benchmarks/search_scale.py                      # real data, then 16,000 listings
    .venv/bin/python benchmarks/search_scale.py --listings 4000 --page

The synthetic project (benchmarks/synthetic.py: 「テスト…」 listings, example.org, municipalities in
proportion up to the national 1,741) is written into a temporary copy; the real data/ is never
touched. `python -m generator pages` makes the pages and the search files without MkDocs. Bytes per
query replay the browser's steps with generator.site.search.rank (search.js's own ranking): meta.json,
the shards of the query's keys, and the files of the first page of results (search.js shows
PAGE = 10 at a time), each counted gzip-compressed, as a static host sends it. `--page` adds what
the /search/ page itself loads (HTML, CSS, JS, fonts), measured in chromium on the real site: it
does not grow with the data, so a query's whole transfer is that plus the index bytes here.

Issue #9 (≤ 150 KB for the first query at national scale), 16,015 listings, 1,741 towns, 17,992
pages, /search/?q=ひきこもり in chromium: 168 KB with index version 1 (shards by a token's first
character: 79 KB of index), 105 KB with version 2 (shards by a hash of the key, compact postings:
16 KB of index); the page itself is 80 KB of it, the first 10 result files 9 KB.
Version 3 (issue #15: triples, a query's characters in order): 13.8 KB of index for ひきこもり at the same
scale, max 30 KB over the 16 queries (benchmarks/SEARCH-QUALITY.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from generator.registry.kinds import BY_FOLDER, FOLDERS  # noqa: E402
from generator.site.search import rank  # noqa: E402

QUERIES = [
    "親の会",
    "家族会",
    "ひきこもり",
    "電話以外",
    "LINE",
    "無料",
    "居場所",
    "長野市",
    "いいじま",
    "飯島町",
    "24時間",
    "子ども",
    "テスト",
    "相",
    "オンライン",
    "匿名",
]
PAGE = 10
KINDS = list(FOLDERS)
NAME_WORDS = {"windows": "相談室", "ibasho": "居場所", "family-groups": "家族の会"}  # any other kind: its short word
METHODS = ["phone", "email", "line", "visit", "home-visit", "online", "letter"]


def synthetic_listing(kind: str, n: int, town: dict, rng: random.Random) -> dict:
    methods = sorted(set(rng.sample(METHODS, rng.randint(1, 3))) | {"email"})
    listing = {
        "id": f"test-{kind}-{n}",
        "name": f"テスト{town['name']}{NAME_WORDS.get(kind, BY_FOLDER[kind].short)}{n}",
        "name_kana": f"てすと{town['kana']}{n}",
        "operator": {"name": f"テスト法人{n}", "type": "npo"},
        "municipality": town["code"],
        "service_area": [town["code"]],
        "accepts_from": rng.choice(["own-municipality", "anywhere"]),
        "methods": methods,
        "contacts": {"emails": [f"test{n}@example.org"], "website": f"https://example.org/{kind}/{n}"},
        "schedule": {
            "slots": [{"days": rng.sample(["mon", "tue", "wed", "sat"], 2), "opens": "10:00", "closes": "16:00"}]
        },
        "cost": {"free": rng.random() < 0.7},
        "anonymous_ok": rng.random() < 0.5,
        "audience": ["anyone"],
        "description": f"テスト用の掲載です ({n})。"
        + rng.choice(["ひきこもりの状態にある方の", "ご家族の", "どなたでも"])
        + "相談を受けています。"
        + rng.choice(["親の会も開いています。", "居場所もあります。", "LINEでも話せます。", ""]),
        "last_verified": dt.date(2026, 1, 1),
        "source": [{"title": "テスト", "url": "https://example.org/source"}],
    }
    if kind == "windows":
        listing["level"] = "private"
    return listing


def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def query_bytes(out: Path, query: str) -> tuple[int, int, int, int]:
    """(index bytes, result-file bytes, files, results) the browser loads for one query, gzip, replaying search.js."""
    base = out / "search"
    fetched: list[Path] = []

    def load(path: str) -> dict:
        file = base / path
        if not file.exists():  # search.js treats a missing shard as empty
            return {}
        fetched.append(file)
        return json.loads(file.read_text(encoding="utf-8"))

    results, _partial = rank(load, query)
    shown = [base / "d" / f"{doc}.json" for doc in results[:PAGE]]
    return (
        sum(gzip_size(f) for f in fetched),
        sum(gzip_size(f) for f in shown),
        len(fetched) + len(shown),
        len(results),
    )


def page_assets() -> float:
    """gzip KB the /search/ page loads before any query (the real site, built once, opened in chromium)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench import transferred  # noqa: E402  (imports lighthouse and synthetic: only when asked)
    from lighthouse import build_site  # noqa: E402

    with tempfile.TemporaryDirectory() as tmp:
        return transferred(build_site(Path(tmp)), {"search": "/search/"})["search"]


def measure(out: Path, label: str, page_kb: float | None) -> None:
    search = out / "search"
    shards = list((search / "t").glob("*.json"))
    docs = list((search / "d").glob("*.json"))
    meta = json.loads((search / "meta.json").read_text(encoding="utf-8"))
    shard_bytes = sum(f.stat().st_size for f in shards)
    doc_bytes = sum(f.stat().st_size for f in docs)
    js = (ROOT / "docs/assets/javascripts/search.js").stat().st_size
    print(f"\n## {label}: {len(docs):,} pages (index version {meta['version']})")
    print(
        f"index on disk: {len(shards):,} shards, {shard_bytes / 1024:,.0f} KB postings; {doc_bytes / 1024:,.0f} KB "
        f"result files; largest shard {max(f.stat().st_size for f in shards) / 1024:.1f} KB"
    )
    print(f"before the first keystroke: 0 bytes of index (search.js itself: {js / 1024:.1f} KB, uncompressed)")
    page = f" + page {page_kb:.0f} KB" if page_kb is not None else ""
    print(f"\n| query | index (gzip) | first {PAGE} results (gzip) | total{page} | files | results |")
    print("|---|---|---|---|---|---|")
    totals = []
    for query in QUERIES:
        index, shown, count, results = query_bytes(out, query)
        total = (index + shown) / 1024 + (page_kb or 0)
        totals.append(total)
        print(f"| {query} | {index / 1024:.1f} KB | {shown / 1024:.1f} KB | {total:.1f} KB | {count} | {results:,} |")
    print(
        f"\nmedian {sorted(totals)[len(totals) // 2]:.1f} KB, max {max(totals):.1f} KB per query "
        f"(a monolithic index would load {shard_bytes / 1024:,.0f} KB first, uncompressed)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=16000, help="synthetic listings added to the real data")
    parser.add_argument("--page", action="store_true", help="also measure the /search/ page's own assets in chromium")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synthetic import make_project  # noqa: E402  (synthetic imports this module)

    page_kb = page_assets() if args.page else None
    with tempfile.TemporaryDirectory() as tmp:
        for label, listings in (("real data", 0), (f"{args.listings:,} synthetic listings", args.listings)):
            project = Path(tmp) / str(listings)
            project.mkdir()
            counts = make_project(project, listings)
            started = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "-m", "generator", "--root", str(project), "pages", str(project / "out")],
                check=False,
                capture_output=True,
                text=True,
                env={"PYTHONPATH": str(project), "PATH": "/usr/bin"},
            )
            if result.returncode:
                sys.exit(result.stdout[-3000:] + result.stderr[-3000:])
            print(f"\n(generated in {time.perf_counter() - started:.1f} s)")
            measure(project / "out", f"{label} ({counts['listings']:,} listings, {counts['towns']:,} towns)", page_kb)


if __name__ == "__main__":
    main()
