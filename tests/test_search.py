"""Search (generator/search.py + search.js): Japanese queries a resident types find the right pages.

The browser tests drive the real /search/ page in Debian chromium, one page for all queries. The
truth for each topic query is computed here from the built pages' own text, not from the index.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from conftest import ROOT
from generator.search import normalise, page_text, query_terms, tokens

SAMPLES = ["ひきこもり", "引きこもり", "引き籠もり", "引籠り", "ヒキコモリ", "ﾋｷｺﾓﾘ", "家族の会", "家族会", "親の会",
           "ＬＩＮＥ相談", "LINEで相談", "メール", "24時間", "２４時間", "子ども", "子供", "駒ヶ根市", "駒ケ根",
           "いいじま", "イイジマ", "飯島", "k.o-test@example.org", "相", "電話以外", "e-mail", "Ｅメール"]

TOPICS = ["親の会", "家族会", "引きこもり", "ひきこもり", "引き籠もり", "電話以外", "LINE", "メール", "チャット",
          "匿名", "無料", "居場所", "長野市", "いいじま", "24時間", "子ども", "訪問", "出張相談", "手紙",
          "保健師", "オンライン", "名前を言わなくてよい", "社会福祉協議会", "まいさぽ", "予約", "ご家族だけ"]


# ---------------------------------------------------------------- unit: normalisation and tokens

def test_variants_fold_to_one_form():
    assert {normalise(w) for w in ["ひきこもり", "引きこもり", "引き籠もり", "引籠り", "ヒキコモリ", "ﾋｷｺﾓﾘ"]} == {"ひきこもり"}
    assert normalise("家族の会") == normalise("家族会") == "家族会"
    assert normalise("ＬＩＮＥ") == "line" and normalise("２４時間") == "24時間"
    assert normalise("子供") == normalise("子ども") == "こども"


def test_tokens_are_bigrams_for_japanese_and_words_for_latin():
    assert tokens("親の会") == ["親の", "の会"]
    assert tokens("LINEで相談") == ["line", "で相", "相談"]
    assert tokens("相") == ["相"]
    assert query_terms("相") == [("相", True)]
    assert query_terms("li") == [("li", True)]


def test_page_text_drops_markup_and_keeps_words():
    text = page_text('---\ntitle: x\n---\n# テスト町 {#town}\n\n<p class="a">テスト&amp;<b>窓口</b></p>\n[リンク](x.md)\n')
    assert text == "テスト町 テスト& 窓口 リンク"


# ---------------------------------------------------------------- built site

def built_pages(site: Path) -> dict[str, tuple[str, str]]:
    """{url path: (title, normalised visible text)} from the built HTML, the way a reader sees it."""
    pages = {}
    for path in site.rglob("index.html"):
        rel = path.relative_to(site).parent.as_posix()
        url = "/" if rel == "." else f"/{rel}/"
        # staff and print pages are deliberately kept out of search (front matter `search: exclude`)
        if url.startswith(("/search/", "/404", "/contribute/templates/", "/flyers/", "/open-data/")):
            continue
        source = path.read_text(encoding="utf-8")
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
    assert 'template="https://shinshu-hikikomori-hub.github.io/hub/search/?q={searchTerms}"' in xml
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
        " return s.includes('「' + q + '」') && !r.hasAttribute('aria-busy'); }", arg=query)
    while everything and page.locator(".hub-results__more").count():
        before = page.locator("#search-results a").count()
        page.locator(".hub-results__more").click()
        page.wait_for_function("n => document.querySelectorAll('#search-results a').length > n", arg=before)
    origin = re.match(r"https?://[^/]+", page.url).group()
    return [href[len(origin):] for href in page.locator("#search-results a").evaluate_all("els => els.map(e => e.href)")]


def test_nothing_loads_for_search_before_typing_and_little_after(search_page, server):  # noqa: F811
    search_page.goto(server + "/")
    assert not [u for u in search_page.requests if "/search/" in u]
    search_page.fill("#hub-header-q", "親の会")
    search_page.press("#hub-header-q", "Enter")
    search_page.wait_for_url("**/search/?q=*")
    search_page.wait_for_selector("#search-results a")
    fetched = [u for u in search_page.requests if "/search/t/" in u or "/search/d/" in u or "/search/meta" in u]
    assert fetched and len([u for u in fetched if "/search/t/" in u]) <= 3


def test_javascript_and_python_normalise_alike(search_page, server):  # noqa: F811
    search_page.goto(server + "/search/")
    js = search_page.evaluate("s => s.map(x => [HubSearch.normalise(x), HubSearch.tokens(x)])", SAMPLES)
    assert js == [[normalise(s), tokens(s)] for s in SAMPLES]
    js_terms = search_page.evaluate("s => s.map(x => HubSearch.queryTerms(x))", SAMPLES)
    assert js_terms == [[[t, p] for t, p in query_terms(s)] for s in SAMPLES]


def test_every_town_is_first_by_kanji_and_by_kana(search_page, server):  # noqa: F811
    from generator.checks import load_registry
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
    from generator.index import build_index
    from generator.pipeline import validated_registry
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
    search_page.goto(server + "/search/?q=" + "まいさぽ長野")
    search_page.wait_for_selector("#search-results li")
    first = search_page.locator("#search-results li").first
    assert first.locator("a").inner_text() == "長野市生活就労支援センター「まいさぽ長野市」"
    assert first.locator(".hub-result__meta").inner_text() == "相談窓口 ・ 長野市"
    assert "まいさぽ長野" in first.locator("mark").all_inner_texts()
    # shareable: the URL carries the query; back returns to the previous one
    run_query(search_page, "親の会")
    assert search_page.url.endswith("?q=" + "%E8%A6%AA%E3%81%AE%E4%BC%9A")
    search_page.go_back()
    search_page.wait_for_function("() => document.querySelector('#hub-search-q').value === 'まいさぽ長野'")


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
