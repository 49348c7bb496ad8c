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
