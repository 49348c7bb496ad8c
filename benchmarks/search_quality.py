"""Search quality on the built site (issue #15): precision@5 and recall of our own query set.

    .venv/bin/python -m generator build && .venv/bin/python benchmarks/search_quality.py site/

Truth for a query is every page whose visible text (built HTML, as a reader sees it, normalised as
search normalises) holds the query's characters in order, side by side — 親の会 as one word, not
親…の…会 apart; a Latin query matches a word or a word's beginning. A result is relevant when its page
is in the truth. Ranking is generator.site.search.rank, which search.js mirrors (tests/test_search.py pins
them together). Also counted: how many of the first five results are town pages (市町村) for queries
that name no town — near-identical town pages should not crowd out the listings.

Before/after figures of issue #15 are in benchmarks/SEARCH-QUALITY.md.
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from generator.registry.furigana import strip_ruby  # noqa: E402
from generator.site.search import normalise, rank  # noqa: E402

# What residents type: topics, ways, people, places, and phrases whose characters also occur apart.
QUERIES = [
    "親の会",
    "家族会",
    "家族の会",
    "ひきこもり",
    "引きこもり",
    "電話以外",
    "LINE",
    "メール",
    "チャット",
    "匿名",
    "無料",
    "居場所",
    "長野市",
    "いいじま",
    "24時間",
    "子ども",
    "訪問",
    "手紙",
    "保健師",
    "オンライン",
    "名前を言わなくてよい",
    "社会福祉協議会",
    "まいさぽ",
    "予約",
    "ご家族だけ",
    "土日",
    "夜",
    "相談窓口",
    "いのちの電話",
    "生活就労",
    "年末年始",
    "フリーダイヤル",
    "精神保健",
    "話を聞いて",
    "若者",
    "不登校",
    "こころ",
    "松本",
    "自殺",
    "相談できる",
    # phrases of common characters: a page may hold every pair of them, but not the phrase
    "家族の相談",
    "電話相談",
    "県の窓口",
    "子どもの相談",
    "町の窓口",
    "本人の相談",
    "夜の電話",
    "こころの相談",
    "ひきこもりの相談",
    "話せる場所",
    "若者の居場所",
    "不登校の相談",
    "就労の相談",
    "オンラインの居場所",
    "女性の相談",
    "親の相談",
    "家族の集まり",
    "無料の電話",
    "名前を言わず",
    "電話をかけずに",
]
TOWN_NAMES = ("長野市", "いいじま", "松本")
SKIP = (
    "/search/",
    "/404",
    "/contribute/templates/",
    "/contribute/towns/",
    "/finder/",
    "/flyers/",
    "/open-data/",
)  # kept out of search on purpose (front matter `search: exclude`); /finder/ and /flyers/ themselves are searchable
SEARCHED = ("/finder/", "/flyers/")


def built_pages(site: Path) -> dict[str, tuple[str, str]]:
    """{url path: (title, normalised visible text)} from the built HTML."""
    pages = {}
    for path in site.rglob("index.html"):
        rel = path.relative_to(site).parent.as_posix()
        url = "/" if rel == "." else f"/{rel}/"
        if url.startswith(SKIP) and url not in SEARCHED:
            continue
        source = strip_ruby(path.read_text(encoding="utf-8"))  # ふりがな: <ruby> around each kanji word
        article = re.search(
            r'<article class="md-content__inner md-typeset">(.*)</article>', source, re.S
        )  # cards are articles too
        if not article:
            continue
        body = re.sub(r"<(script|style|noscript|form)\b.*?</\1>", " ", article.group(1), flags=re.S)
        body = html.unescape(re.sub(r"<[^>]+>", " ", body))
        title = html.unescape(
            re.sub(r"<[^>]+>", "", (re.search(r"<h1[^>]*>(.*?)</h1>", source, re.S) or re.match("()", "")).group(1))
        ).strip()
        pages[url] = (normalise(title), normalise(re.sub(r"\s+", " ", body)))
    return pages


def holds(query: str, text: str) -> bool:
    q = normalise(query).replace(" ", "")
    if re.fullmatch(r"[a-z0-9]+", q):
        return re.search(rf"(?<![a-z0-9]){re.escape(q)}", text) is not None
    return q in text


def measure(site: Path) -> tuple[list[tuple], dict]:
    pages = built_pages(site)

    def load(path: str) -> dict:
        file = site / "search" / path
        return json.loads(file.read_text(encoding="utf-8")) if file.exists() else {}

    urls = {}
    for n in range(load("meta.json")["pages"]):
        urls[n] = "/" + load(f"d/{n}.json")["url"]
    rows, p5s, recalls, crowd = [], [], [], []
    for query in QUERIES:
        truth = {url for url, (title, text) in pages.items() if holds(query, title + " " + text)}
        results, partial = rank(load, query)[:2]
        # What the site presents as matches; results it labels as partial (「一部を含むページ」,
        # 「ことばを分けて」) claim no match, so they count for neither precision nor recall.
        got = [] if partial else [urls[d] for d in results]
        top = got[:5]
        p5 = sum(url in truth for url in top) / len(top) if top else (1.0 if not truth else 0.0)
        towns = sum(url.startswith("/municipalities/") and url != "/municipalities/" for url in top)
        p5s.append(p5)
        if truth:
            recalls.append(len(truth & set(got)) / len(truth))
        if not query.startswith(TOWN_NAMES):
            crowd.append(towns)
        rows.append(
            (
                query,
                len(truth),
                f"{len(got)}{' (partial ' + str(len(results)) + ')' if partial else ''}",
                p5,
                recalls[-1] if truth else float("nan"),
                towns,
                top,
            )
        )
    summary = {
        "queries": len(QUERIES),
        "precision_at_5": round(sum(p5s) / len(p5s), 3),
        "recall": round(sum(recalls) / len(recalls), 3),
        "queries_with_truth": len(recalls),
        "town_pages_in_top5": round(sum(crowd) / len(crowd), 2),
    }
    return rows, summary


def main() -> None:
    site = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "site")
    rows, summary = measure(site)
    print("query\ttruth\tresults\tP@5\trecall\ttowns@5\ttop")
    for query, truth, got, p5, recall, towns, top in rows:
        print(f"{query}\t{truth}\t{got}\t{p5:.2f}\t{recall:.2f}\t{towns}\t{' '.join(top[:3])}")
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
