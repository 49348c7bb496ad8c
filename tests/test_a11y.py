"""Accessibility (JIS X 8341-3:2016 AA = WCAG 2.0 AA; aiming at WCAG 2.2 AA): axe-core in Debian's
chromium over every page type, plus what a keyboard-only or zoomed-in visitor needs."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT
from test_browser import browser, server  # noqa: F401 - shared module fixtures

AXE = ROOT / "tests/tools/node_modules/axe-core/axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES = ["/", "/person/", "/municipalities/", "/municipalities/203840/", "/municipalities/202011/",
         "/regions/kamiina/", "/windows/", "/ibasho/", "/family-groups/", "/windows/anoetto-nagano-city/",
         "/ibasho/ina-maisapo-room/", "/messages/", "/consulting/", "/status/", "/privacy/"]


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]]


@pytest.mark.parametrize("width", [390, 1280])
def test_axe_finds_no_violation(browser, server, width):  # noqa: F811
    # bypass_csp: axe is injected by the test; the site's own policy rightly refuses inline scripts
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP", bypass_csp=True)
    page = context.new_page()
    found = {}
    for url in PAGES:
        page.goto(server + url)
        if violations := axe_violations(page):
            found[url] = violations
    context.close()
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)


@pytest.fixture
def reader(browser, server):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP")
    page = context.new_page()
    yield page
    assert context.cookies() == []
    context.close()


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", [320, 640])  # 640 CSS px = a 1280 px window at 200 % zoom
def test_text_reflows_without_sideways_scrolling(browser, server, width):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="ja-JP")
    page = context.new_page()
    wide = []
    for url in PAGES + ["/map/", "/search/?q=%E5%AE%B6%E6%97%8F%E4%BC%9A", "/flyers/203840/"]:
        page.goto(server + url)
        if not no_horizontal_scroll(page):
            wide.append(url)
    context.close()
    assert wide == []


def test_text_size_switch_is_remembered_in_local_storage_only(reader, server):
    reader.goto(server + "/municipalities/203840/")
    lead = reader.locator(".hub-lead").first
    before = float(lead.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    group = reader.get_by_role("group", name="文字の大きさ")
    large = group.get_by_role("button", name="大きく")
    assert large.get_attribute("aria-pressed") == "false"
    large.click()
    assert large.get_attribute("aria-pressed") == "true"
    after = float(lead.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    assert after >= before * 1.2
    reader.goto(server + "/windows/")  # another page remembers it
    assert reader.evaluate("document.documentElement.classList.contains('hub-large')")
    assert reader.evaluate("localStorage.getItem('hub-textsize')") == "large"
    assert reader.evaluate("document.cookie") == ""
    reader.get_by_role("group", name="文字の大きさ").get_by_role("button", name="標準").click()
    assert not reader.evaluate("document.documentElement.classList.contains('hub-large')")


def test_keyboard_only_reaches_the_doors_with_a_visible_focus(reader, server):
    reader.goto(server + "/")
    for _ in range(40):
        reader.keyboard.press("Tab")
        if reader.evaluate("document.activeElement.classList.contains('hub-door')"):
            break
    else:
        pytest.fail("Tab never reached the first door")
    assert reader.evaluate("document.activeElement.textContent.trim()").startswith("ご本人の方")
    style = reader.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return {outline: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow}; }""")
    assert (style["outline"] != "none" and style["width"] >= 2) or style["shadow"] != "none", style
    reader.keyboard.press("Enter")
    reader.wait_for_url("**/person/")
