"""やさしい日本語 pages (generator/registry/yasashii.py): the guideline's measurable parts over every /yasashii/ page
as built (sentence length, words from the hard-word list, times written plainly), and the switch between each pair."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from statistics import mean

import pytest
from conftest import ROOT

from generator.registry.checks import load_registry
from generator.registry.furigana import strip_ruby
from generator.registry.yasashii import HARD_WORDS, MAX_SENTENCE

BLOCKS = {"p", "li", "dt", "dd", "h1", "h2", "h3", "h4", "summary"}
SKIP = {"rt", "rp", "script", "style"}


class _Blocks(HTMLParser):
    """The text a reader sees in the article, one (tag, text) per block."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[tuple[str, str]] = []
        self._text: list[str] = []
        self._tag = ""
        self._in_article = 0
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._in_article += tag == "article"
        self._skip += tag in SKIP
        if tag in BLOCKS:
            self._flush()
            self._tag = tag

    def handle_endtag(self, tag):
        self._skip -= tag in SKIP
        if tag in BLOCKS:
            self._flush()
        self._in_article -= tag == "article"

    def handle_data(self, data):
        if self._in_article and not self._skip:
            self._text.append(data)

    def _flush(self):
        text = re.sub(r"\s+", " ", "".join(self._text)).strip()
        if text:
            self.blocks.append((self._tag, text))
        self._text = []


def visible_blocks(html: str) -> list[tuple[str, str]]:
    """(tag, text) of each block of the article; the やさしい switch and ruby readings left out."""
    html = re.sub(r'<p class="hub-yasashii-switch">.*?</p>', "", html, flags=re.S)
    html = re.sub(r"<(rt|rp)\b[^>]*>.*?</\1>", "", html, flags=re.S)
    parser = _Blocks()
    parser.feed(html)
    parser._flush()
    return parser.blocks


def sentences(block: str) -> list[str]:
    """A block cut after 。！？; the quotation marks that close a sentence stay with it."""
    return [s.strip() for s in re.findall(r"[^。！？]+[。！？」]*", block) if s.strip(" 」")]


@pytest.fixture(scope="module")
def pages(built_site):
    found = sorted((built_site / "yasashii").rglob("index.html"))
    return {str(p.relative_to(built_site).parent) + "/": strip_ruby(p.read_text(encoding="utf-8")) for p in found}


def test_every_first_visit_page_and_every_town_has_a_yasashii_page(pages):
    towns = load_registry(ROOT).municipalities
    assert {"yasashii/", "yasashii/person/", "yasashii/family/", "yasashii/consulting/", "yasashii/messages/"} <= set(
        pages
    )
    assert {f"yasashii/municipalities/{code}/" for code in towns} <= set(pages)
    assert len(pages) == 5 + 77


def test_every_message_has_its_yasashii_version(pages):
    registry = load_registry(ROOT)
    html = pages["yasashii/messages/"]
    for message_id in registry.messages:
        assert f'id="message-{message_id}"' in html, message_id


def measure(pages: dict[str, str]) -> dict:
    blocks = [(url, tag, block) for url, html in pages.items() for tag, block in visible_blocks(html)]
    all_sentences = [(url, s) for url, _, block in blocks for s in sentences(block)]
    explained = [
        (url, s) for url, tag, block in blocks if tag != "dt" for s in sentences(block)
    ]  # a <dt> is the word its <dd> explains
    lengths = [len(s) for _, s in all_sentences]
    return {
        "pages": len(pages),
        "sentences": len(all_sentences),
        "mean": mean(lengths),
        "max": max(lengths),
        "long": [(u, s) for u, s in all_sentences if len(s) > MAX_SENTENCE],
        "hard": [(u, w, s) for u, s in explained for w in HARD_WORDS if w in s],
        "clock": [(u, s) for u, s in all_sentences if re.search(r"\d{1,2}:\d{2}", s)],
    }


def test_guideline_measurable_parts(pages, capsys):
    m = measure(pages)
    assert m["sentences"] > 77 * 10
    assert m["long"] == [], f"sentences longer than {MAX_SENTENCE} characters"
    assert m["hard"] == [], "words from the hard-word list"
    assert m["clock"] == [], "times written as 13:30; write 13時30分"
    with capsys.disabled():
        print(
            f"\nやさしい日本語: {m['pages']} pages, {m['sentences']} sentences, mean {m['mean']:.1f}, max"
            f" {m['max']} characters"
        )


def test_the_check_finds_what_it_looks_for():
    html = (
        "<article><h1>テスト町</h1><p>テストの窓口は、出典のとおり、ご家族の方もご利用いただけますので、どうぞお気軽に"
        "お問い合わせくださいませ。</p><p>受付は 8:30 からです。</p></article>"
    )
    m = measure({"t/": html})
    assert [s for _, s in m["long"]] == [visible_blocks(html)[1][1]]
    assert {w for _, w, _ in m["hard"]} >= {"出典", "ご家族", "利用", "いただ", "くださいませ", "受付"}
    assert len(m["clock"]) == 1


def test_switch_links_each_pair_both_ways(built_site, pages):
    pairs = {
        "": "yasashii/",
        "person/": "yasashii/person/",
        "family/": "yasashii/family/",
        "consulting/": "yasashii/consulting/",
        "messages/": "yasashii/messages/",
        "municipalities/203840/": "yasashii/municipalities/203840/",
    }
    for ordinary, easy in pairs.items():
        html = strip_ruby((built_site / ordinary / "index.html").read_text(encoding="utf-8"))
        there = re.search(r'<p class="hub-yasashii-switch"><a href="([^"]+)"[^>]*>やさしい日本語</a>', html)
        assert there, ordinary
        assert (built_site / ordinary / there.group(1) / "index.html").resolve() == (
            built_site / easy / "index.html"
        ).resolve()
        back = re.search(
            r'<p class="hub-yasashii-switch"><a href="([^"]+)"[^>]*>ふつうの日本語のページ</a>', pages[easy]
        )
        assert back, easy
        assert (built_site / easy / back.group(1) / "index.html").resolve() == (
            built_site / ordinary / "index.html"
        ).resolve()
