"""「どこに相談したらいい？」 (generator/registry/finder.py): every way through the tree reaches a list, as links a
visitor follows, with JavaScript and without; the tree's shape is checked by validate
(tests/fixtures/invalid/finder-*)."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlparse

import pytest
from conftest import ROOT
from test_browser import browser, server  # noqa: F401 - shared module fixtures

from generator.registry.checks import load_registry
from generator.registry.finder import FILTERS, LATER, Result
from generator.registry.furigana import strip_ruby
from generator.registry.index import build_index
from generator.site.filters import fits
from generator.site.render import FILTER_JA, METHOD_JA, finder_result

playwright = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def registry():
    return load_registry(ROOT)


def test_real_tree_is_valid_and_every_question_has_a_way_out(registry):
    assert [p for p in registry.errors if "finder" in p.file] == []
    finder = registry.finder
    steps = finder.steps(list(registry.municipalities))
    assert steps[0].url == "finder/"
    for step in steps:
        assert [c.label for c in step.choices if c.later] == [LATER]
        assert all(c.href.startswith("finder/") for c in step.choices)  # a next question or a result page
        if step.question.towns:  # every town, each ending at its own town page
            assert set(step.towns) == set(registry.municipalities)
            for code, href in step.towns.items():
                assert urlparse(href).path == f"municipalities/{code}/", href


def test_a_result_that_nothing_fits_offers_the_nearest_wider_ones(registry):
    """What a result page says when nothing fits: the conditions that, taken away alone, bring listings back,
    the fewest first, each linking to a finder result page (static) when one has exactly those choices."""
    index = build_index(registry)
    results = [r for step in registry.finder.steps(list(registry.municipalities)) for r in step.results]
    windows = index.entries["windows"]
    # ご家族むけで、ある方法と条件のどちらにも合うところ: the first such pair nothing fits, with two ways out
    for asked in (
        (("audience", "family"), ("method", m), ("flag", f)) for m in FILTERS["method"] for f in FILTERS["flag"]
    ):
        page = finder_result(index, Result(("test", "none"), ("テスト",), "windows", asked), results)
        if page["entries"] == [] and len(page["wider"]) >= 2:
            break
    else:
        pytest.fail("no pair of a method and a flag that nothing fits")
    offers = page["wider"]
    assert [o["count"] for o in offers] == sorted(o["count"] for o in offers)
    for offer in offers:  # the count is what the wider choice really shows
        taken = next(f for f in asked if FILTER_JA[f[0]][f[1]] == offer["label"])
        rest = tuple(f for f in asked if f != taken)
        assert offer["count"] == sum(1 for e in windows if fits(e, rest)) > 0
    # a result with the chosen evening line taken away is an existing finder page: offered as that page
    tsurai = next(r for r in results if r.slugs == ("family", "tsurai", "no-phone"))
    emptied = 0
    for method in FILTERS["method"]:  # each way of consulting that no listing of this result offers
        page = finder_result(
            index, Result(tsurai.slugs, tsurai.chosen, "windows", tsurai.filters + (("method", method),)), results
        )
        if page["entries"] == []:
            emptied += 1
            assert {
                "label": METHOD_JA[method],
                "count": len(finder_result(index, tsurai, results)["entries"]),
                "href": tsurai.url,
            } in page["wider"], page["wider"]
    assert emptied


def finder_results(page, base: str) -> list[tuple[tuple[str, ...], str]]:
    """Follow every link of every step from /finder/ (towns: one town per step, a different one each time, and
    the static test above checks every town's link). Returns (labels chosen, result href) for every way through:
    a result page of the finder, or a town page."""
    results, turn = [], [0]

    def visit(url: str, trail: tuple[str, ...]) -> None:
        page.goto(url, wait_until="domcontentloaded")  # a step is plain links: nothing to wait for
        seen = page.evaluate("""() => ({
            h1: document.querySelector("h1").innerText,
            result: !!document.querySelector("#hub-finder-result"),
            options: [...document.querySelectorAll(".hub-finder__options a")].map(a =>
                [a.querySelector(".hub-finder__label").innerText, a.href]),
            towns: [...document.querySelectorAll(".hub-finder__towns a")].map(a => [a.innerText, a.href])})""")
        assert seen["h1"] == "どこに相談したらいい？"
        if seen["result"]:
            results.append((trail, url))
            return
        options = seen["options"]
        assert any(label == LATER for label, _ in options), url
        if seen["towns"]:
            assert len(seen["towns"]) == 77
            options.append(seen["towns"][turn[0] % 77])
            turn[0] += 1
        for label, href in options:
            if "/finder/" in urlparse(href).path:
                visit(href, trail + (label,))
            else:
                results.append((trail + (label,), href))

    visit(base + "/finder/", ())
    return results


CARDS = """() => [...document.querySelectorAll(".hub-card")].filter(c => c.offsetParent !== null)
    .map(c => c.querySelector(".hub-card__title").innerText)"""


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_every_way_through_the_finder_reaches_a_result(browser, server, javascript):  # noqa: F811
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="ja-JP", java_script_enabled=javascript
    )
    page = context.new_page()
    # the list page with JavaScript is the reference: its filters (hub.js) decide what a result must show
    lists = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP").new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    results = finder_results(page, server)
    assert len(results) == 116  # 4 who × (talk 4×2 + place 2 + family 4×2 + つらい 3 + later 4×2), a town or not
    fewer = 0
    for trail, href in results:
        page.goto(href)
        url = urlparse(page.url)
        if url.path.startswith("/municipalities/"):  # a town: its page, at the section that answers the list
            assert page.locator("h1").inner_text() == trail[-1], trail
            assert page.locator(f"#{url.fragment}").count() == 1, trail
            continue
        assert url.path.startswith("/finder/"), trail
        assert page.locator(".hub-finder__chosen li").all_inner_texts() == list(trail)
        shown = page.evaluate(CARDS)
        heading = page.locator("#hub-finder-result").inner_text()
        assert heading.endswith(f"({len(shown)}件)"), trail
        # the link to the full list keeps the choices; there, hub.js shows exactly the same cards
        link = page.get_by_role("link", name=re.compile("の一覧で、条件を変えて見る$"))
        lists.goto(urljoin(page.url, link.get_attribute("href")))
        listed = lists.evaluate(CARDS)
        assert shown == listed, trail
        everything = lists.evaluate("() => document.querySelectorAll('.hub-card').length")
        fewer += len(shown) < everything
        if not shown:
            assert page.get_by_text("この条件に合うところは見つかりませんでした").count() == 1
    assert fewer > 50  # most results are a part of their list, not the whole list unfiltered
    assert {urlparse(u).hostname for u in requests} <= {"127.0.0.1"}
    assert context.cookies() == []
    lists.context.close()
    context.close()


@pytest.mark.browser
def test_back_button_and_shared_step(browser, server):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP")
    page = context.new_page()
    page.goto(server + "/")
    page.get_by_role("link", name="どこに相談したらいいか迷ったら: いくつかの質問に答えてさがす").click()
    page.get_by_role("link", name="家族のこと").click()
    page.get_by_role("link", name="家族で相談したい").click()
    page.get_by_role("link", name="電話", exact=True).click()
    assert urlparse(page.url).path == "/finder/family/family/phone/"
    assert page.locator(".hub-finder__chosen li").all_inner_texts() == ["家族のこと", "家族で相談したい", "電話"]
    page.get_by_role("link", name="飯島町").click()
    assert urlparse(page.url).path == "/municipalities/203840/" and urlparse(page.url).fragment == "own"
    page.go_back()
    assert urlparse(page.url).path == "/finder/family/family/phone/"
    page.go_back()
    assert page.locator("#hub-finder-q").inner_text() == "どんな方法なら、話しやすいですか？"
    # a step is an ordinary address: opened afresh (shared), it asks the same question
    fresh = context.new_page()
    fresh.goto(server + "/finder/family/family/")
    assert fresh.locator("#hub-finder-q").inner_text() == "どんな方法なら、話しやすいですか？"
    context.close()


def test_doors_link_their_own_first_step(built_site):
    for door, step in (("person", "person"), ("family", "family"), ("supporters", "supporter")):
        html = strip_ruby((built_site / door / "index.html").read_text(encoding="utf-8"))
        assert f'href="../finder/{step}/"' in html
        assert (built_site / "finder" / step / "index.html").exists()


def test_the_finders_flags_are_the_list_filters():
    """The finder (registry stage) names flags that filters.FLAGS (site stage) defines: one meaning each."""
    from generator.site.filters import FLAGS

    assert set(FILTERS["flag"]) <= set(FLAGS)
