"""Search (generator/site/search.py + search.js): Japanese queries a resident types find the right pages.

The browser tests drive the real /search/ page in Debian chromium, one page for all queries. The
truth for each topic query is computed here from the built pages' own text, not from the index.
"""

from __future__ import annotations

import html
import json
import math
import random
import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT

from generator.registry.furigana import strip_ruby
from generator.site.search import (
    Doc,
    _weights,
    bucket,
    build_search_files,
    decode_postings,
    encode_postings,
    exact_key,
    normalise,
    page_text,
    pairs,
    query_terms,
    rank,
    tokens,
)

SAMPLES = [
    "ひきこもり",
    "引きこもり",
    "引き籠もり",
    "引籠り",
    "ヒキコモリ",
    "ﾋｷｺﾓﾘ",
    "家族の会",
    "家族会",
    "親の会",
    "ＬＩＮＥ相談",
    "LINEで相談",
    "メール",
    "24時間",
    "２４時間",
    "子ども",
    "子供",
    "駒ヶ根市",
    "駒ケ根",
    "いいじま",
    "イイジマ",
    "飯島",
    "k.o-test@example.org",
    "相",
    "電話以外",
    "e-mail",
    "Ｅメール",
]

TOPICS = [
    "親の会",
    "家族会",
    "引きこもり",
    "ひきこもり",
    "引き籠もり",
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
    "出張相談",
    "手紙",
    "保健師",
    "オンライン",
    "名前を言わなくてよい",
    "社会福祉協議会",
    "まいさぽ",
    "予約",
    "ご家族だけ",
]


# ---------------------------------------------------------------- unit: normalisation and tokens


def test_variants_fold_to_one_form():
    assert {normalise(w) for w in ["ひきこもり", "引きこもり", "引き籠もり", "引籠り", "ヒキコモリ", "ﾋｷｺﾓﾘ"]} == {
        "ひきこもり"
    }
    assert normalise("家族の会") == normalise("家族会") == "家族会"
    assert normalise("ＬＩＮＥ") == "line" and normalise("２４時間") == "24時間"
    assert normalise("子供") == normalise("子ども") == "こども"


def test_tokens_are_triples_for_japanese_and_words_for_latin():
    assert tokens("親の会") == ["親の会", "の会", "会"]
    assert tokens("LINEで相談") == ["line", "で相談", "相談", "談"]
    assert tokens("相") == ["相"]
    assert query_terms("相") == [("相", True)]
    assert query_terms("相談") == [("相談", True)]
    assert query_terms("親の会") == [("親の会", False)]
    assert query_terms("家族の相談") == [("家族の", False), ("族の相", False), ("の相談", False)]
    assert query_terms("家族の相談", apart=True) == [("家族", True), ("族の", True), ("の相", True), ("相談", True)]
    assert query_terms("li") == [("li", True)]


def test_a_query_matches_its_characters_in_order():
    docs = [
        Doc(url=f"t/{n}/", title=f"テスト{n}", kind="案内", body=body)
        for n, body in enumerate(
            ["親の会があります", "親のことも、の会話も", "家族の会と親の集まり", "親の会", "家族の相談"]
        )
    ]
    load = loader(build_search_files(docs, buckets=4))
    results, partial = rank(load, "親の会")
    assert sorted(results) == [0, 3] and not partial  # not 1 (親の…の会), nor 2 (家族の会と親の)
    assert rank(load, "家族の相談") == ([4], False)
    # on no page in order: the pages holding its pieces, labelled partial
    results, partial = rank(load, "家族の親")
    assert partial and set(results) >= {2}
    assert rank(load, "存在しない") == ([], False)


def test_pages_that_gather_listings_do_not_crowd_out_the_rest():
    towns = [
        Doc(url=f"m/{n}/", title=f"テスト町{n}", kind="市町村", body="電話以外で相談できるところ " * 5, gathers=True)
        for n in range(6)
    ]
    listing = Doc(url="w/x/", title="テスト窓口", kind="相談窓口", body="電話以外で相談できます")
    load = loader(build_search_files([*towns, listing], buckets=4))
    results, _ = rank(load, "電話以外")
    assert results.index(6) == 2  # two town pages may come first; the listing before the other four


def test_page_text_drops_markup_and_keeps_words():
    text = page_text(
        '---\ntitle: x\n---\n# テスト町 {#town}\n\n<p class="a">テスト&amp;<b>窓口</b></p>\n[リンク](x.md)\n'
    )
    assert text == "テスト町 テスト& 窓口 リンク"


# ---------------------------------------------------------------- unit: the index files (version 2)


def loader(files: dict[str, str]):
    """What search.js fetches, read from build_search_files' output ({} for a missing shard, as search.js)."""
    return lambda path: json.loads(files.get(f"search/{path}", "{}"))


def reference_rank(docs: list[Doc], query: str) -> list[int]:
    """The ranking straight from each page's weights, with no index: a prefix term takes a page's best
    weight among the tokens it starts (what version 1 computed by scanning a first-character shard)."""
    bodies = [Counter(tokens(doc.body)) for doc in docs]
    avg_len = sum(sum(b.values()) for b in bodies) / len(docs)
    pages = [
        {t: max(1, round(w * 10)) for t, w in _weights(d, b, pairs(d.body), avg_len).items()}
        for d, b in zip(docs, bodies)
    ]
    exact = exact_key(query)

    def score(terms):
        total, hits = {}, Counter()
        for token, prefix in terms:
            weights = {}
            for doc, page in enumerate(pages):
                if prefix and len(token) == 2 and not token.isascii():  # two CJK characters: their own pair key
                    found = [page[token + "*"]] if token + "*" in page else []
                else:
                    found = [
                        w
                        for t, w in page.items()
                        if t == token or (prefix and t[0] != "=" and t[-1] != "*" and t.startswith(token))
                    ]
                if found:
                    weights[doc] = max(found)
            idf = math.log(1 + (len(docs) - len(weights) + 0.5) / (len(weights) + 0.5))
            for doc, weight in weights.items():
                total[doc] = total.get(doc, 0) + idf * weight / 10
                hits[doc] += 1
        for doc, page in enumerate(pages):
            if doc in total and exact in page:
                total[doc] += page[exact]
        every = [doc for doc in total if hits[doc] == len(terms)]
        return sorted(every or total, key=lambda doc: (-total[doc], doc)), not every and bool(total)

    terms, wider = query_terms(query), query_terms(query, apart=True)
    results, partial = score(terms)
    if partial or (not results and wider != terms):  # the phrase is on no page: its pieces
        results = score(wider)[0] if wider != terms else results
    return results


def synthetic_docs(count: int = 400) -> list[Doc]:
    """Pages of a few words: some in nearly every page (a frequent token), most in few."""
    rng = random.Random(7)
    common = ["ひきこもりの相談", "家族の会", "テスト窓口"]
    rare = ["相手", "相模", "居場所", "オンライン", "LINE", "link", "lines", "24時間", "無料", "訪問"]
    docs = []
    for n in range(count):
        words = [w for w in common if rng.random() < 0.9] + rng.sample(rare, rng.randint(0, 4))
        body = "。".join(w for w in words for _ in range(rng.randint(1, 4)))  # each word as often as it happens to be
        title = f"テスト{n}" + (rng.choice(rare) if rng.random() < 0.2 else "")
        docs.append(Doc(url=f"t/{n}/", title=title, kind="案内", body=body, names=[f"てすと{n}"], exact=[f"てすと{n}"]))
    return docs


@pytest.mark.parametrize("buckets", [1, 3, 64])  # one shard, collisions, and about one key a shard
def test_index_ranks_as_the_pages_weights_say(buckets):
    docs = synthetic_docs()
    files = build_search_files(docs, buckets=buckets)
    load = loader(files)
    assert json.loads(files["search/meta.json"]) == {"version": 4, "pages": len(docs), "buckets": buckets, "gather": []}
    for query in [
        "ひきこもり",
        "相",
        "相談",
        "li",
        "LINE",
        "24時間",
        "家族の会",
        "テスト12",
        "てすと12",
        "居場所 無料",
        "存在しない",
    ]:
        results, _partial = rank(load, query)
        assert results == reference_rank(docs, query), query
    assert len(rank(load, "ひきこもり")[0]) > 300  # the frequent token is in most pages


def test_one_character_query_matches_every_token_it_starts():
    docs = [
        Doc(url=f"t/{n}/", title=f"テスト{n}", kind="案内", body=body)
        for n, body in enumerate(
            ["相談できます", "相手がいます", "話し相手", "居場所です", "LINEで話す", "リンクは link です"]
        )
    ]
    load = loader(build_search_files(docs, buckets=4))
    assert set(rank(load, "相")[0]) == {0, 1, 2}  # 相談, 相手, and 相 inside 話し相手
    assert set(rank(load, "li")[0]) == {4, 5}  # the last Latin word is a prefix: line, link
    assert set(rank(load, "line")[0]) == {4}
    assert rank(load, "相手")[0][:1] in ([1], [2]) and set(rank(load, "相手")[0]) == {1, 2}


def test_a_query_fetches_only_its_own_keys_shards():
    docs = synthetic_docs()
    files = build_search_files(docs, buckets=64)
    fetched = []
    base = loader(files)
    rank(lambda path: fetched.append(path) or base(path), "ひきこもり")
    keys = ["ひきこ", "きこも", "こもり", "=ひきこもり"]
    assert sorted(fetched) == sorted(["meta.json", *{f"t/{bucket(k, 64)}.json" for k in keys}])


def test_postings_round_trip_as_gaps_and_weights():
    rng = random.Random(3)
    for _ in range(200):
        pages = sorted(rng.sample(range(300_000), rng.randint(0, 60)))
        found = [(page, rng.choice([1, 14, 44, 45, 72, 400, 2024, 99_999])) for page in pages]
        assert decode_postings(json.loads(json.dumps(encode_postings(found)))) == dict(found)
    # each page by its distance from the one before (small numbers), then its weight: what search.js reads
    assert encode_postings([(3, 14), (5, 7), (105, 1)]) == [3, 14, 2, 7, 100, 1]


# ---------------------------------------------------------------- built site


def built_pages(site: Path) -> dict[str, tuple[str, str]]:
    """{url path: (title, normalised visible text)} from the built HTML, the way a reader sees it."""
    pages = {}
    for path in site.rglob("index.html"):
        rel = path.relative_to(site).parent.as_posix()
        url = "/" if rel == "." else f"/{rel}/"
        # staff and print pages are deliberately kept out of search (front matter `search: exclude`)
        if url.startswith(
            ("/search/", "/404", "/contribute/templates/", "/contribute/towns/", "/flyers/", "/open-data/")
        ):
            continue
        if url.startswith("/finder/") and url != "/finder/":  # the finder's steps: its first page stands for them
            continue
        source = strip_ruby(path.read_text(encoding="utf-8"))  # the text as read, without ふりがな
        article = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', source, re.S)
        body = re.sub(r"<(script|style|noscript|form)\b.*?</\1>", " ", article.group(1), flags=re.S)
        body = html.unescape(re.sub(r"<[^>]+>", " ", body))
        title = html.unescape(re.sub(r"<[^>]+>", "", re.search(r"<h1[^>]*>(.*?)</h1>", source, re.S).group(1))).strip()
        pages[url] = (normalise(title), normalise(re.sub(r"\s+", " ", body)))
    return pages


def occurrences(query: str, text: str) -> int:
    q = normalise(query).replace(" ", "")
    if re.fullmatch(r"[a-z0-9]+", q):  # Latin words match as words (and as word prefixes, as typed)
        return len(re.findall(rf"(?<![a-z0-9]){re.escape(q)}", text))
    return text.count(q)


def test_site_has_no_material_search_and_links_opensearch(built_site):
    assert not (built_site / "search" / "search_index.json").exists()
    assert (built_site / "search" / "meta.json").is_file()
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert 'rel="search" type="application/opensearchdescription+xml"' in home
    assert 'action="./search/"' in home or 'action="search/"' in home or 'action=".//search/"' in home
    xml = (built_site / "opensearch.xml").read_text(encoding="utf-8")
    assert 'template="https://shinshu-hikikomori-hub.github.io/hub/search/#q={searchTerms}"' in xml
    for page in built_site.rglob("index.html"):
        assert "opensearch.xml" in page.read_text(encoding="utf-8"), page


# ---------------------------------------------------------------- browser: the real UI

pytest.importorskip("playwright.sync_api")
from test_browser import ARGS, CHROMIUM, server  # noqa: E402,F401  (module-scoped fixtures reused)


@pytest.fixture(scope="module")
def search_page(server):  # noqa: F811
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP", is_mobile=True)
        page = context.new_page()
        page.requests = []
        page.on("request", lambda r: page.requests.append(r.url))
        yield page
        browser.close()


def run_query(page, query: str, everything: bool = False) -> list[str]:
    """Type the query into /search/ and submit, as a visitor would; return the result URLs, best first."""
    box = page.locator("#hub-search-q")
    box.fill(query)
    box.press("Enter")
    page.wait_for_function(
        "q => { const s = document.querySelector('.hub-search__status').textContent;"
        " const r = document.getElementById('search-results');"
        " return s.includes('「' + q + '」') && !r.hasAttribute('aria-busy'); }",
        arg=query,
    )
    while everything and page.locator(".hub-results__more").count():
        before = page.locator("#search-results a").count()
        page.locator(".hub-results__more").click()
        page.wait_for_function("n => document.querySelectorAll('#search-results a').length > n", arg=before)
    origin = re.match(r"https?://[^/]+", page.url).group()
    return [
        href[len(origin) :] for href in page.locator("#search-results a").evaluate_all("els => els.map(e => e.href)")
    ]


def test_nothing_loads_for_search_before_typing_and_little_after(search_page, server):  # noqa: F811
    search_page.goto(server + "/")
    assert not [u for u in search_page.requests if "/search/" in u]
    search_page.fill("#hub-header-q", "親の会")
    search_page.press("#hub-header-q", "Enter")
    search_page.wait_for_url("**/search/#q=*")
    search_page.wait_for_selector("#search-results a")
    fetched = [u for u in search_page.requests if "/search/t/" in u or "/search/d/" in u or "/search/meta" in u]
    assert fetched and len([u for u in fetched if "/search/t/" in u]) <= 3
    # Issue 17: the words never leave the browser (the header's box sent GET /search/?q=… to the host).
    assert not [u for u in search_page.requests if "q=" in u or "%E8%A6%AA" in u or "親" in u], search_page.requests


def test_javascript_and_python_normalise_alike(search_page, server):  # noqa: F811
    search_page.goto(server + "/search/")
    js = search_page.evaluate("s => s.map(x => [HubSearch.normalise(x), HubSearch.tokens(x)])", SAMPLES)
    assert js == [[normalise(s), tokens(s)] for s in SAMPLES]
    js_terms = search_page.evaluate("s => s.map(x => HubSearch.queryTerms(x))", SAMPLES)
    assert js_terms == [[[t, p] for t, p in query_terms(s)] for s in SAMPLES]
    keys = ["ひきこ", "相*", "相談*", "li*", "=いいじま", "𠮷野"]
    assert search_page.evaluate("k => k.map(x => HubSearch.bucket(x, 4096))", keys) == [bucket(k, 4096) for k in keys]
    numbers = encode_postings([(0, 14), (3, 400), (50, 1), (99_999, 72)])
    assert search_page.evaluate("n => HubSearch.postings(n)", numbers) == {"0": 14, "3": 400, "50": 1, "99999": 72}


def test_javascript_and_python_rank_alike(search_page, server, built_site):  # noqa: F811
    def load(path: str) -> dict:
        file = built_site / "search" / path
        return json.loads(file.read_text(encoding="utf-8")) if file.exists() else {}

    search_page.goto(server + "/search/")
    for query in ["ひきこもり", "相", "li", "LINE", "長野市", "家族の会 無料", "いいじま"]:
        results, partial = rank(load, query)
        js = search_page.evaluate("q => HubSearch.rank(q)", query)
        assert js == {"results": results, "partial": partial}, query


def test_every_town_is_first_by_kanji_and_by_kana(search_page, server):  # noqa: F811
    from generator.registry.checks import load_registry

    towns = list(load_registry(ROOT).municipalities.values())
    search_page.goto(server + "/search/")
    misses = []
    for town in towns:
        want = f"/municipalities/{town.code}/"
        for query in (town.name, town.kana):
            got = run_query(search_page, query)
            if not got or got[0] != want:
                misses.append((query, got[:3]))
    assert misses == [], misses
    assert len(towns) == 77


def best_by_data() -> dict[str, set[str]]:
    """Where the data, not the wording, says which pages answer a query best."""
    from generator.engine.pipeline import validated_registry
    from generator.registry.index import build_index

    entries = build_index(validated_registry(ROOT)).all_entries
    return {"電話以外": {"/" + e.url for e in entries if e.no_phone}, "無料": {"/" + e.url for e in entries if e.free}}


def test_topic_queries_find_the_pages_that_contain_them(search_page, server, built_site):  # noqa: F811
    pages, BEST = built_pages(built_site), best_by_data()
    search_page.goto(server + "/search/")
    report, failures = [], []
    for query in TOPICS:
        counts = {url: occurrences(query, text) for url, (_title, text) in pages.items()}
        truth = {url for url, n in counts.items() if n}
        assert truth, f"{query}: no page contains it; choose another query"
        got = run_query(search_page, query, everything=True)
        found = truth & set(got)
        recall, precision = len(found) / len(truth), len(found) / max(1, len(got))
        titled = {url for url in truth if normalise(query) in pages[url][0]}
        best = BEST.get(query) or titled or {url for url, n in counts.items() if n == max(counts.values())}
        report.append(f"{query}\t{len(truth)}\t{len(got)}\t{recall:.2f}\t{precision:.2f}")
        if recall < 0.95 or not best & set(got[:3]):
            failures.append((query, recall, sorted(truth - set(got))[:5], got[:3], sorted(best)[:3]))
    print("\nquery\ttruth\tresults\trecall\tprecision\n" + "\n".join(report))
    for f in failures:
        print(f)
    assert failures == []


def test_results_show_kind_town_and_highlighted_snippet(search_page, server):  # noqa: F811
    search_page.goto(server + "/search/#q=" + "まいさぽ長野")
    search_page.wait_for_selector("#search-results li")
    first = search_page.locator("#search-results li").first
    assert first.locator("a").inner_text() == "長野市生活就労支援センター「まいさぽ長野市」"
    assert first.locator(".hub-result__meta").inner_text() == "相談窓口 ・ 長野市"
    assert "まいさぽ長野" in first.locator("mark").all_inner_texts()
    # shareable: the URL carries the query; back returns to the previous one
    run_query(search_page, "親の会")
    assert search_page.url.endswith("/search/#q=" + "%E8%A6%AA%E3%81%AE%E4%BC%9A")
    search_page.go_back()
    search_page.wait_for_function("() => document.querySelector('#hub-search-q').value === 'まいさぽ長野'")


def test_an_old_link_with_q_still_searches_and_the_address_keeps_the_words_after_the_hash(search_page, server):  # noqa: F811
    search_page.goto(
        server + "/search/?q=" + "%E8%A6%AA%E3%81%AE%E4%BC%9A"
    )  # /search/?q=親の会, as OpenSearch used to open
    search_page.wait_for_selector("#search-results li")
    assert search_page.input_value("#hub-search-q") == "親の会"
    assert search_page.url == server + "/search/#q=%E8%A6%AA%E3%81%AE%E4%BC%9A"


def test_markup_in_a_query_is_shown_as_text(search_page, server):  # noqa: F811
    search_page.goto(server + "/search/?q=" + "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    search_page.wait_for_function("() => document.querySelector('.hub-search__status').textContent.length > 0")
    assert search_page.locator("#search-results img, .hub-search__status img").count() == 0
    assert "<img" in search_page.locator(".hub-search__status").inner_text()


def test_find_by_town_with_keyboard_only(search_page, server):  # noqa: F811
    for start in ("/", "/municipalities/"):
        search_page.goto(server + start)
        box = search_page.get_by_role("combobox", name="市町村の名前を入力 (漢字でも、ひらがなでも)")
        box.focus()
        search_page.keyboard.type("いいじ")
        assert box.get_attribute("aria-expanded") == "true"
        options = search_page.get_by_role("option").all_inner_texts()
        assert options[0] == "飯島町 (いいじままち)"
        search_page.keyboard.press("ArrowDown")
        assert box.get_attribute("aria-activedescendant") == "hub-town-options-203840"
        search_page.keyboard.press("Enter")
        search_page.wait_for_url("**/municipalities/203840/")
    search_page.goto(server + "/")
    search_page.get_by_role("combobox").fill("松本")
    assert search_page.get_by_role("option").first.inner_text() == "松本市 (まつもとし)"
