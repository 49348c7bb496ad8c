"""How big the search index gets, and how many bytes one query loads, on the real data and on a
synthetic site of about 4,000 pages (issue #3).

    .venv/bin/python benchmarks/search_scale.py [--listings 3800]

The synthetic listings (「テスト…」, example.org, valid against the models) are written into a
temporary copy of the project; the real data/ is never touched. Bytes per query are computed by
replaying the browser's steps: meta.json, the shards of the query's tokens, and the files of the
first page of results (search.js shows PAGE = 10 at a time). A monolithic index (Material's lunr,
or MiniSearch's loadJSON) must download at least the sum of all shards before the first result.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from generator.search import bucket, exact_key, query_terms  # noqa: E402

QUERIES = ["親の会", "家族会", "ひきこもり", "電話以外", "LINE", "無料", "居場所", "長野市", "いいじま", "飯島町",
           "24時間", "子ども", "テスト", "相", "オンライン", "匿名"]
PAGE = 10
KINDS = ["windows", "ibasho", "family-groups"]
METHODS = ["phone", "email", "line", "visit", "home-visit", "online", "letter"]


def synthetic_listing(kind: str, n: int, town: dict, rng: random.Random) -> dict:
    methods = sorted(set(rng.sample(METHODS, rng.randint(1, 3))) | {"email"})
    listing = {
        "id": f"test-{kind}-{n}", "name": f"テスト{town['name']}{['相談室', '居場所', '家族の会'][KINDS.index(kind)]}{n}",
        "name_kana": f"てすと{town['kana']}{n}", "operator": {"name": f"テスト法人{n}", "type": "npo"},
        "municipality": town["code"], "service_area": [town["code"]], "accepts_from": rng.choice(["own-municipality", "anywhere"]),
        "methods": methods, "contacts": {"emails": [f"test{n}@example.org"], "website": f"https://example.org/{kind}/{n}"},
        "schedule": {"slots": [{"days": rng.sample(["mon", "tue", "wed", "sat"], 2), "opens": "10:00", "closes": "16:00"}]},
        "cost": {"free": rng.random() < .7}, "anonymous_ok": rng.random() < .5, "audience": ["anyone"],
        "description": f"テスト用の掲載です ({n})。" + rng.choice(["ひきこもりの状態にある方の", "ご家族の", "どなたでも"]) +
                       "相談を受けています。" + rng.choice(["親の会も開いています。", "居場所もあります。", "LINEでも話せます。", ""]),
        "last_verified": dt.date(2026, 1, 1), "source": [{"title": "テスト", "url": "https://example.org/source"}],
    }
    if kind == "windows":
        listing["level"] = "private"
    return listing


def make_project(target: Path, listings: int) -> None:
    for name in ("mkdocs.yml", "docs", "overrides", "generator", "data"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, target / name)
    towns = yaml.safe_load((ROOT / "data/municipalities.yml").read_text(encoding="utf-8"))["municipalities"]
    rng = random.Random(3)
    for kind in KINDS:
        (target / "data" / kind).mkdir(exist_ok=True)
    for n in range(listings):
        kind = KINDS[n % 3]
        data = synthetic_listing(kind, n, towns[n % len(towns)], rng)
        (target / "data" / kind / f"{data['id']}.yml").write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def query_bytes(out: Path, query: str) -> tuple[int, int, int]:
    """(bytes, files, results) the browser loads for one query, replaying search.js."""
    base = out / "search"
    meta = json.loads((base / "meta.json").read_text(encoding="utf-8"))
    terms, exact = query_terms(query), exact_key(query)
    shards = {bucket(t, meta["buckets"]) for t, _ in terms} | ({bucket(exact, meta["buckets"])} if len(exact) > 1 else set())
    files = [base / "meta.json"] + [base / "t" / f"{b}.json" for b in shards if (base / "t" / f"{b}.json").exists()]
    loaded = {b: json.loads((base / "t" / f"{b}.json").read_text(encoding="utf-8")) for b in shards
              if (base / "t" / f"{b}.json").exists()}
    total, hits = {}, {}
    for token, prefix in terms:
        weights = {}
        for key, flat in loaded.get(bucket(token, meta["buckets"]), {}).items():
            if key == token or (prefix and not key.startswith("=") and key.startswith(token)):
                doc = 0
                for i in range(0, len(flat), 2):
                    doc += flat[i]
                    weights[doc] = max(weights.get(doc, 0), flat[i + 1])
        idf = math.log(1 + (meta["pages"] - len(weights) + .5) / (len(weights) + .5))
        for doc, w in weights.items():
            total[doc] = total.get(doc, 0) + idf * w / 10
            hits[doc] = hits.get(doc, 0) + 1
    every = [d for d in total if hits[d] == len(terms)] or list(total)
    every.sort(key=lambda d: (-total[d], d))
    files += [base / "d" / f"{d}.json" for d in every[:PAGE]]
    return sum(f.stat().st_size for f in files), len(files), len(every)


def measure(out: Path, label: str) -> None:
    search = out / "search"
    shards = list((search / "t").glob("*.json"))
    docs = list((search / "d").glob("*.json"))
    shard_bytes = sum(f.stat().st_size for f in shards)
    doc_bytes = sum(f.stat().st_size for f in docs)
    js = (ROOT / "docs/assets/javascripts/search.js").stat().st_size
    print(f"\n## {label}: {len(docs)} pages")
    print(f"index: {len(shards)} shards, {shard_bytes / 1024:.0f} KB postings; {doc_bytes / 1024:.0f} KB result files; "
          f"largest shard {max(f.stat().st_size for f in shards) / 1024:.1f} KB")
    print(f"before the first keystroke: 0 bytes of index (search.js itself: {js / 1024:.1f} KB, uncompressed)")
    print("query\tbytes\tfiles\tresults")
    sizes = []
    for query in QUERIES:
        size, count, results = query_bytes(out, query)
        sizes.append(size)
        print(f"{query}\t{size / 1024:.1f} KB\t{count}\t{results}")
    print(f"median {sorted(sizes)[len(sizes) // 2] / 1024:.1f} KB, max {max(sizes) / 1024:.1f} KB per query "
          f"(a monolithic index would load {shard_bytes / 1024:.0f} KB first)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=3800)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for label, listings in (("real data", 0), ("synthetic", args.listings)):
            project = Path(tmp) / label.replace(" ", "-")
            project.mkdir()
            make_project(project, listings)
            started = time.perf_counter()
            result = subprocess.run([sys.executable, "-m", "generator", "--root", str(project), "pages", str(project / "out")],
                           check=False, capture_output=True, text=True, env={"PYTHONPATH": str(project), "PATH": "/usr/bin"})
            if result.returncode:
                sys.exit(result.stdout[-3000:] + result.stderr[-3000:])
            print(f"\n(generated in {time.perf_counter() - started:.1f} s)")
            measure(project / "out", label)


if __name__ == "__main__":
    main()
