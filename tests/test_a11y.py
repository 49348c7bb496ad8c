"""Accessibility (JIS X 8341-3:2016 AA = WCAG 2.0 AA; aiming at WCAG 2.2 AA): axe-core in Debian's
chromium over every page type through generator/engine/audit.py (the code the audited build runs), the results
that /accessibility/ publishes, plus what a keyboard-only or zoomed-in visitor needs."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import ROOT, copy_project, run_generator
from test_browser import browser, server  # noqa: F401 - shared module fixtures

from generator.engine.audit import WIDTHS, audit_pages, base_path, failures, run_audit, serve
from generator.engine.pipeline import site_settings
from generator.registry.checks import load_registry

SITE_URL = site_settings(ROOT).site_url
PAGES = [
    "/",
    "/person/",
    "/municipalities/",
    "/municipalities/203840/",
    "/municipalities/202011/",
    "/regions/kamiina/",
    "/windows/",
    "/ibasho/",
    "/family-groups/",
    "/windows/anoetto-nagano-city/",
    "/ibasho/ina-maisapo-room/",
    "/messages/",
    "/consulting/",
    "/status/",
    "/privacy/",
]


@pytest.fixture(scope="module")
def audited(browser, built_site, tmp_path_factory):  # noqa: F811
    """A copy of the session's built site, checked page by page and carrying its published results."""
    site = tmp_path_factory.mktemp("audited") / "site"
    shutil.copytree(built_site, site)
    return site, run_audit(site, SITE_URL, browser)


def test_axe_finds_no_violation(audited):
    _site, audit = audited
    assert failures(audit) == [], "\n".join(failures(audit))
    assert audit.axe_version == "4.11.0"
    paths = [r.path for r in audit.pages]
    assert sorted(paths) == sorted([*set(paths)] * len(WIDTHS))  # every page at every width
    audited_paths = set(paths)
    for url in [
        "",
        "person/",
        "municipalities/",
        "windows/",
        "ibasho/",
        "family-groups/",
        "messages/",
        "consulting/",
        "status/",
        "privacy/",
        "map/",
        "accessibility/",
    ]:
        assert url in audited_paths
    assert any(p.startswith("municipalities/") and p.count("/") == 2 for p in audited_paths)  # a town
    assert any(p.startswith("regions/") for p in audited_paths)
    assert any(p.startswith("flyers/") for p in audited_paths)
    for kind in {kind for kind, _listing in load_registry(ROOT).all_listings()}:  # a listing of each kind
        assert any(p.startswith(f"{kind}/") and p.count("/") == 2 for p in audited_paths), kind


def audit_table(page) -> list[list[str]]:
    """The rows of the results table as a visitor reads them: [page path, width, 問題, 確認, 人の確認]."""
    return page.evaluate("""() => { let current = null;
        return [...document.querySelectorAll('#hub-audit-results tbody tr')].map(tr => {
            const link = tr.querySelector('th a');
            if (link) current = link.pathname;
            return [current, ...[...tr.querySelectorAll('td')].map(td => td.innerText.trim())]; }); }""")


def test_accessibility_page_publishes_the_results_of_this_build(browser, audited):  # noqa: F811
    site, audit = audited
    with serve(site, SITE_URL) as root:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
        page = context.new_page()
        csp = []
        page.on("console", lambda msg: "Content Security Policy" in msg.text and csp.append(msg.text))
        page.goto(root + "/accessibility/")
        results = page.locator("#hub-audit-results")
        text = results.inner_text()
        assert "axe-core 4.11.0" in text and f"Chromium {audit.chromium_version}" in text
        assert "見つかった問題は 0 件でした" in text and "「適合」の表明ではありません" in text
        assert results.get_by_role("table", name="ページと画面の幅ごとの自動チェックの結果").is_visible()
        headers = results.locator("thead th").all_inner_texts()
        assert headers == ["ページ", "画面の幅", "問題", "確認できた項目", "人の確認が必要"]
        rows = audit_table(page)
        json_link = results.get_by_role("link", name="axe-results.json")
        data = json.loads(page.request.get(json_link.evaluate("a => a.href")).text())
        context.close()
        narrow = browser.new_context(viewport={"width": 320, "height": 800}, locale="ja-JP")
        page = narrow.new_page()
        page.goto(root + "/accessibility/")
        assert no_horizontal_scroll(page), "the table scrolls in its own box, the page does not"
        narrow.close()
    assert csp == [], "the inserted table must keep the page's Content-Security-Policy valid"
    base = base_path(SITE_URL)
    table = {(path.removeprefix(base), width): counts for path, width, *counts in rows}
    # every audited page, at both widths, with 0 problems
    assert {path for path, _width in table} == set(audit_pages(site, SITE_URL))
    assert [width for path, width in table if path == ""] == [f"{w} px" for w in WIDTHS]
    assert all(problems == "0" for problems, _passes, _incomplete in table.values())
    # the JSON says the same as the table
    assert data["axe_version"] == "4.11.0" and data["date"].endswith("Z")
    assert {
        (p["path"], f"{p['width']} px"): [str(len(p["violations"])), str(p["passes"]), str(p["incomplete"])]
        for p in data["pages"]
    } == table
    assert all(p["passes"] > 0 for p in data["pages"])


def test_a_site_built_without_the_audit_says_so(browser, server):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP")
    page = context.new_page()
    page.goto(server + "/accessibility/")
    results = page.locator("#hub-audit-results")
    assert "この版のサイトは、自動チェックを行わずに作られました" in results.inner_text()
    assert "公開しているサイトでは、変更を取り込むたびに自動チェックを行い" in results.inner_text()
    assert results.locator("table").count() == 0
    assert page.request.get(server + "/accessibility/axe-results.json").status == 404
    context.close()


def test_a_violation_fails_the_audited_build_and_keeps_the_old_site(built_site, tmp_path):
    root = copy_project(tmp_path)
    (root / "tools").symlink_to(ROOT / "tools", target_is_directory=True)  # the pinned axe-core
    shutil.copytree(built_site, root / "site")  # the last good site
    before = {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    css = root / "docs" / "assets" / "stylesheets" / "hub.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.md-typeset p { color: #b0b0b0; }\n", encoding="utf-8")
    result = run_generator(root, "build", "--audit")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "/ (390px): color-contrast [serious]" in result.stderr  # which page, which width, which rule
    assert "アクセシビリティの自動チェックで問題が見つかったため、site/ は更新しません" in result.stderr
    assert "(axe-core found a violation)" in result.stderr
    after = {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    assert after == before
    assert not list(root.glob(".site-*"))


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
