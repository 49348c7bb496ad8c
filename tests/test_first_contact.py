"""Issue #15, in the browser on the real site: filters and search that lead somewhere; leaving, sharing and
noting; the edges (404, contribute, about, the map without tiles, no JavaScript)."""

from __future__ import annotations

import itertools
import re

import pytest

from conftest import ROOT
from generator.filters import count, matches
from generator.index import KIND_LABELS, build_index
from generator.pipeline import validated_registry

pytestmark = pytest.mark.browser
pytest.importorskip("playwright.sync_api")
from test_browser import browser, no_horizontal_scroll, phone, server  # noqa: E402,F401  (fixtures reused)


@pytest.fixture(scope="module")
def index():
    return build_index(validated_registry(ROOT))


FLAG_LABELS = {"nophone": "電話以外で相談できる", "anonymous": "名前を言わなくてよい", "family-only": "ご家族だけの相談ができる",
               "free": "無料", "weekday": "平日", "evening": "夜 (18時以降)", "weekend": "土日"}


# ---------------------------------------------------------------- filters that lead somewhere

def test_no_results_says_so_and_offers_the_nearest_wider_filter(phone, server, index):  # noqa: F811
    windows = index.entries["windows"]
    pairs = [(a, b) for a, b in itertools.combinations(FLAG_LABELS, 2)
             if count(windows, "flag", a) and count(windows, "flag", b)
             and not any(matches(e, "flag", a) and matches(e, "flag", b) for e in windows)]
    if not pairs:
        pytest.skip("every pair of conditions finds a window in today's data")
    a, b = pairs[0]
    phone.goto(server + f"/windows/?flag={a}&flag={b}")
    assert phone.locator(".hub-card:visible").count() == 0
    none = phone.locator(".hub-filters__none")
    assert none.is_visible()
    assert "この条件に合うところは見つかりませんでした" in none.inner_text()
    offers = none.locator("button").all_inner_texts()
    want = sorted([(count(windows, "flag", b), FLAG_LABELS[a]), (count(windows, "flag", a), FLAG_LABELS[b])])
    assert offers == [f"「{label}」を外す ({n}件)" for n, label in want]  # the fewest first: the closest to what was asked
    none.locator("button").first.click()
    assert phone.locator(".hub-card:visible").count() == want[0][0]
    assert not none.is_visible()


def test_only_options_some_listing_matches_are_shown(phone, server, index):  # noqa: F811
    for kind in KIND_LABELS:
        entries = index.entries[kind]
        phone.goto(server + f"/{kind}/")
        form = phone.locator("form[data-hub-filter]")
        if not entries:
            assert form.count() == 0, kind  # an empty list has nothing to filter
            continue
        shown = set(form.locator("input[type=checkbox]").evaluate_all("els => els.map(e => e.name + '=' + e.value)"))
        for box in shown:
            name, value = box.split("=")
            assert count(entries, name, value) > 0, (kind, box)
        for value in FLAG_LABELS:
            if count(entries, "flag", value):
                assert f"flag={value}" in shown, (kind, value)


def test_search_words_offer_the_filtered_list_above_the_results(phone, server, index):  # noqa: F811
    windows = index.entries["windows"]
    for query, name, value in [("土日に相談", "flag", "weekend"), ("LINE", "method", "line"), ("匿名", "flag", "anonymous"),
                               ("夜", "flag", "evening"), ("家族", "audience", "family")]:
        phone.goto(server + "/search/?q=" + query)
        phone.wait_for_selector(".hub-search__status:not(:empty)")
        link = phone.locator("#search-offers a", has_text="相談窓口")
        n = count(windows, name, value)
        assert link.inner_text() == f"相談窓口 ({n}件)", query
        assert link.get_attribute("href").endswith(f"windows/?{name}={value}#list")
        assert link.bounding_box()["y"] < phone.locator("#search-results").bounding_box()["y"] + 1
    phone.goto(server + "/search/?q=まいさぽ")
    phone.wait_for_selector("#search-results a")
    assert phone.locator("#search-offers a").count() == 0


def test_a_phrase_is_found_in_order(phone, server):  # noqa: F811
    phone.goto(server + "/search/?q=" + "県の窓口")
    phone.wait_for_selector("#search-results a")
    first = phone.locator("#search-results .hub-result").first
    assert "県の窓口" in re.sub(r"\s", "", first.inner_text())
