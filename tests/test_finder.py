"""「どこに相談したらいい？」 (generator/finder.py): every way through the tree reaches a list, as links a
visitor follows, with JavaScript and without; the tree's shape is checked by validate (tests/fixtures/invalid/finder-*)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlparse

import pytest

from conftest import ROOT
from generator.checks import load_registry
from generator.finder import LATER
from generator.furigana import strip_ruby
from test_browser import browser, server  # noqa: F401 - shared module fixtures

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
        if step.question.towns:  # every town, each ending at its list with the town preset
            assert set(step.towns) == set(registry.municipalities)
            for code, href in step.towns.items():
                assert dict(parse_qsl(urlparse(href).query)).get("town") == code


def finder_results(page, base: str) -> list[tuple[tuple[str, ...], str]]:
    """Follow every link of every step from /finder/ (towns: one town per step, a different one each time, and
    the static test above checks every town's link). Returns (labels chosen, result href) for every way through."""
    results, turn = [], [0]

    def visit(url: str, trail: tuple[str, ...]) -> None:
        page.goto(url, wait_until="domcontentloaded")  # a step is plain links: nothing to wait for
        seen = page.evaluate("""() => ({
            h1: document.querySelector("h1").innerText,
            options: [...document.querySelectorAll(".hub-finder__options a")].map(a =>
                [a.querySelector(".hub-finder__label").innerText, a.href]),
            towns: [...document.querySelectorAll(".hub-finder__towns a")].map(a => [a.innerText, a.href])})""")
        assert seen["h1"] == "どこに相談したらいい？"
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


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_every_way_through_the_finder_reaches_a_list(browser, server, javascript):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP", java_script_enabled=javascript)
    page = context.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    results = finder_results(page, server)
    assert len(results) == 116  # 4 who × (talk 4×2 + place 2 + family 4×2 + つらい 3 + later 4×2), a town or not
    for trail, href in results:
        page.goto(href)
        url = urlparse(page.url)
        assert url.path.strip("/") in ("windows", "ibasho", "family-groups"), trail
        seen = page.evaluate("""() => {
            const form = document.querySelector("form[data-hub-filter]");
            const cards = [...document.querySelectorAll(".hub-card")];
            return {h1: document.querySelector("h1").innerText, cards: cards.length,
                    shown: cards.filter(c => c.offsetParent !== null).length,
                    checked: [...form.querySelectorAll("input:checked")].map(i => [i.name, i.value]),
                    town: form.querySelector('select[name="town"]').value,
                    status: form.querySelector(".hub-filters__count").innerText}; }""")
        assert seen["h1"] in ("相談窓口", "居場所", "家族会・親の会")
        params = parse_qsl(url.query)
        if javascript:  # the list shows the choices as its own filters, and only the cards they match
            assert sorted(seen["checked"]) == sorted([name, value] for name, value in params if name != "town"), trail
            assert seen["town"] == dict(params).get("town", ""), trail
            assert seen["status"] == f"{seen['shown']}件 表示しています (全{seen['cards']}件)", trail
        else:  # without scripts the whole list stays readable
            assert seen["cards"] > 0 and seen["shown"] == seen["cards"], trail
    assert {urlparse(u).hostname for u in requests} <= {"127.0.0.1"}
    assert context.cookies() == []
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
    assert urlparse(page.url).path == "/windows/"
    assert sorted(parse_qsl(urlparse(page.url).query)) == sorted(
        [("audience", "family"), ("method", "phone"), ("town", "203840")])
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
