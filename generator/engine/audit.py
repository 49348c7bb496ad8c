"""The automated accessibility check of a built site: axe-core in Debian's chromium, at two widths.

`python -m generator build --audit` runs it on the staging folder before the swap (any violation keeps
the previous site/), and the tests run the very same code. The results are published in the built site:
`accessibility/axe-results.json` and a table in `/accessibility/` that replaces the marker
`<div id="hub-audit-results">` of docs/accessibility.md (without an audit, the marker's own sentence
says that this version was built without the check).

The pages, chosen from the built site's open data so that no id can disappear from under the list:
home, /person/, /municipalities/, the first town with a listing of its own and the first town without,
the first region, each kind's list (/windows/ /ibasho/ /family-groups/…), the first listing of each kind that
exists, /messages/, /consulting/, /family/ (the quick exit), /memo/, /safe-browsing/, /status/, /privacy/, /map/,
the first town's flyer, and /accessibility/ last (checked with its results table in place).

An automated check finds some problems, not all of them: the page says so, and claims no conformance.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import http.server
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from ..registry import urls
from ..registry.kinds import KINDS

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "tools/node_modules/axe-core/axe.min.js"  # pinned by tools/package-lock.json
CHROMIUM = "/usr/bin/chromium"  # Debian's, never a downloaded browser
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]  # up to WCAG 2.2 AA
WIDTHS = (390, 1280)  # a phone, a desktop
RESULTS_JSON = "accessibility/axe-results.json"
RESULTS_PAGE = "accessibility/index.html"
_MARKER = re.compile(r'(<div id="hub-audit-results"[^>]*>).*?(</div>)', re.S)
_FIXED_PAGES = ["", "person/", urls.towns()]
_LATER_PAGES = ["messages/", "consulting/", "family/", "memo/", "safe-browsing/", "status/", "privacy/", "map/"]
_JST = dt.timezone(dt.timedelta(hours=9))


class AuditError(Exception):
    """The check could not run (no chromium, no axe-core, no page): the build must not pass unchecked."""


@dataclass
class PageResult:
    path: str  # inside the site, "" for home, e.g. "municipalities/202011/"
    title: str
    width: int
    violations: list[dict] = field(default_factory=list)  # id, impact, help, nodes (count), targets (first 3)
    passes: int = 0
    incomplete: int = 0


@dataclass
class Audit:
    site_url: str
    axe_version: str
    chromium_version: str
    date: str  # UTC, ISO 8601
    seconds: float
    tags: list[str]
    pages: list[PageResult]

    @property
    def violations(self) -> int:
        return sum(len(p.violations) for p in self.pages)


# --- serving a built site under its base path ---------------------------------------------------------


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the folder at `base` (e.g. /hub/), as GitHub Pages does; anything outside it is 404."""

    base = "/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.base):
            return str(Path(self.directory) / "\0missing")  # a name no file can have: 404
        return super().translate_path("/" + path[len(self.base) :])

    def log_message(self, *args):  # keep build and test output readable
        pass


def base_path(site_url: str) -> str:
    """'/hub/' for https://example.org/hub/; '/' when the site has no site_url."""
    path = urlparse(site_url).path if site_url else "/"
    return path if path.endswith("/") else path + "/"


@contextmanager
def serve(site: Path, site_url: str = "", handler: type[SiteHandler] | None = None) -> Iterator[str]:
    """Serve a built site on 127.0.0.1 (a free port, in a thread); yields its root URL without the final '/'.
    The one server of the audit, the browser tests and the benchmarks (`handler`: e.g. one that gzips)."""
    base = base_path(site_url)
    handler = functools.partial(type("Handler", (handler or SiteHandler,), {"base": base}), directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}{base.rstrip('/')}"
    finally:
        httpd.shutdown()
        httpd.server_close()


# --- which pages -------------------------------------------------------------------------------------


def _open_data(site: Path, name: str) -> list[dict]:
    try:
        return json.loads((site / "api/v1" / f"{name}.json").read_text(encoding="utf-8"))[name]
    except (OSError, ValueError, KeyError) as exc:
        raise AuditError(f"api/v1/{name}.json を読めません (cannot read the open data): {exc}") from None


def _path(url: str, site_url: str) -> str:
    """An open-data page URL as a path inside the site."""
    return url[len(site_url) :] if site_url and url.startswith(site_url) else urlparse(url).path.lstrip("/")


def audit_pages(site: Path, site_url: str) -> list[str]:
    """The documented page list (see the module docstring), picked from the built site's open data."""
    towns = _open_data(site, "municipalities")
    listings = _open_data(site, "listings")
    regions = _open_data(site, "regions")
    with_own = {item["municipality"] for item in listings}
    pages = list(_FIXED_PAGES)
    for town in [
        next((t for t in towns if t["code"] in with_own), None),
        next((t for t in towns if t["code"] not in with_own), None),
    ]:
        if town:
            pages.append(_path(town["page"], site_url))
    pages += [_path(regions[0]["page"], site_url)] if regions else []
    kinds = [k.folder for k in KINDS]
    pages += [urls.kind_list(kind) for kind in kinds]
    for kind in kinds:
        first = next((item for item in listings if item["kind"] == kind), None)
        if first:
            pages.append(_path(first["derived"]["page"], site_url))
    pages += _LATER_PAGES
    if towns and (site / "flyers" / towns[0]["code"] / "index.html").exists():
        pages.append(urls.town_flyer(towns[0]["code"]))
    pages.append("accessibility/")
    missing = [p for p in pages if not (site / p / "index.html").exists()]
    if missing:
        raise AuditError(f"調べるページがありません (pages missing from the built site): {', '.join(missing)}")
    return pages


# --- running axe ---------------------------------------------------------------------------------------


def launch(playwright):
    if not Path(CHROMIUM).exists():
        raise AuditError(f"{CHROMIUM} がありません (Debian chromium is missing): make browser")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def check_page(page, url: str) -> dict:
    """axe-core's raw result for one loaded page."""
    page.goto(url)
    page.add_script_tag(path=str(AXE))
    # resultTypes: only violations carry every node; passes and incomplete are still counted per rule.
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", TAGS
    )


def page_result(path: str, width: int, title: str, raw: dict) -> PageResult:
    violations = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": len(v["nodes"]),
            "targets": [" ".join(map(str, n["target"])) for n in v["nodes"]][:3],
        }
        for v in raw["violations"]
    ]
    return PageResult(
        path=path,
        title=title,
        width=width,
        violations=violations,
        passes=len(raw["passes"]),
        incomplete=len(raw["incomplete"]),
    )


def _title(page, site_name_suffix: str = " - ") -> str:
    return page.title().split(site_name_suffix)[0].strip()


def check_pages(
    browser, root_url: str, pages: list[str], width: int, stop_early: bool = False
) -> tuple[list[PageResult], str]:
    """axe over the pages at one width (up to the first page with a violation when stop_early);
    returns the results and axe's version."""
    # bypass_csp: axe is injected by us; the site's own policy rightly refuses scripts it does not know
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP", bypass_csp=True)
    try:
        page = context.new_page()
        results, version = [], ""
        for path in pages:
            raw = check_page(page, f"{root_url}/{path}")
            version = raw["testEngine"]["version"]
            results.append(page_result(path, width, _title(page), raw))
            if stop_early and results[-1].violations:
                break
        return results, version
    finally:
        context.close()


def run_audit(
    site: Path, site_url: str = "", browser=None, pages: list[str] | None = None, stop_early: bool = False
) -> Audit:
    """Check the built site and write the results into it (JSON and the /accessibility/ table).

    /accessibility/ is checked last, with the table of the other pages already in place, then the table
    is written again with its own rows. stop_early (the build's gate): stop at the first page with a
    violation, and write nothing; the tests check every page and report every violation.
    """
    if not AXE.exists():
        raise AuditError(
            f"{AXE.relative_to(ROOT)} がありません (axe-core is missing): "
            "npm ci --prefix tools (make build-audited does it)"
        )
    pages = audit_pages(site, site_url) if pages is None else pages
    started = time.monotonic()
    date = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    if browser is None:
        try:  # only the audited build needs Playwright
            from playwright.sync_api import Error, sync_playwright
        except ImportError:
            raise AuditError("Playwright がありません (Playwright is missing): make build-audited") from None
        try:
            with sync_playwright() as playwright:
                own = launch(playwright)
                try:
                    return run_audit(site, site_url, own, pages, stop_early)
                finally:
                    own.close()
        except Error as exc:
            raise AuditError(f"chromium でページを調べられません (chromium failed): {exc}") from None
    first, last = [p for p in pages if p != "accessibility/"], [p for p in pages if p == "accessibility/"]
    audit = Audit(
        site_url=site_url, axe_version="", chromium_version=browser.version, date=date, seconds=0.0, tags=TAGS, pages=[]
    )
    with serve(site, site_url) as root_url:
        for group in (first, last):
            for width in WIDTHS:
                results, version = check_pages(browser, root_url, group, width, stop_early)
                audit.pages += results
                audit.axe_version = version or audit.axe_version
                if stop_early and audit.violations:
                    return audit
            audit.pages.sort(key=lambda r: (pages.index(r.path), r.width))
            audit.seconds = round(time.monotonic() - started, 1)
            write_results(site, audit)
    return audit


# --- publishing the results ------------------------------------------------------------------------------


def failures(audit: Audit) -> list[str]:
    """One line a violation: which page, which width, which rule."""
    return [
        f"/{r.path} ({r.width}px): {v['id']} [{v['impact']}] {v['nodes']} か所 (elements): {v['help']}"
        + (f" — {', '.join(v['targets'])}" if v["targets"] else "")
        for r in audit.pages
        for v in r.violations
    ]


def results_json(audit: Audit) -> str:
    data = asdict(audit)
    data["pages"] = [
        {"url": audit.site_url + p["path"] if audit.site_url else "/" + p["path"], **p} for p in data["pages"]
    ]
    data["about"] = (
        "axe-core による自動チェックの結果。自動チェックで見つけられるのは問題の一部で、"
        "適合の表明ではありません (automated axe-core results; not a conformance claim)"
    )
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _jst(date: str) -> str:
    when = dt.datetime.fromisoformat(date.replace("Z", "+00:00")).astimezone(_JST)
    return f"{when.year}年{when.month}月{when.day}日 {when.hour}時{when.minute:02d}分（日本時間）"


def results_html(audit: Audit) -> str:
    """The readable table: what a visitor of /accessibility/ sees. No script, no nested <div>."""
    esc = html.escape
    rows = []
    for i, r in enumerate(audit.pages):
        head = ""
        if i == 0 or audit.pages[i - 1].path != r.path:
            span = sum(1 for other in audit.pages if other.path == r.path)
            label = r.title or "/" + r.path
            head = f'<th scope="row" rowspan="{span}"><a href="../{esc(r.path)}">{esc(label)}</a></th>'
        rows.append(
            f"<tr>{head}<td>{r.width} px</td><td>{len(r.violations)}</td>"
            f"<td>{r.passes}</td><td>{r.incomplete}</td></tr>"
        )
    total = audit.violations
    summary = "見つかった問題は 0 件でした。" if total == 0 else f"見つかった問題は {total} 件でした。"
    return "\n".join(
        [
            f'<p>この版のサイトを作ったとき（<time datetime="{esc(audit.date)}">{_jst(audit.date)}</time>）に、'
            f"axe-core {esc(audit.axe_version)} と Chromium {esc(audit.chromium_version)} で、"
            f"{len({r.path for r in audit.pages})} ページをスマートフォンの幅（390 px）とパソコンの幅（1280 px）で"
            f"自動チェックした結果です。WCAG 2.2 AA までの項目を調べました。{summary}</p>",
            "<p>「問題」は自動チェックで見つかった問題の数、「確認できた項目」は問題がないと確かめられた項目の数、"
            "「人の確認が必要」は機械だけでは判断できず、人の目で確かめる項目の数です。"
            "自動チェックで見つけられるのは問題の一部です。この結果は「適合」の表明ではありません。</p>",
            "<table>",
            "<caption>ページと画面の幅ごとの自動チェックの結果</caption>",
            '<thead><tr><th scope="col">ページ</th><th scope="col">画面の幅</th><th scope="col">問題</th>'
            '<th scope="col">確認できた項目</th><th scope="col">人の確認が必要</th></tr></thead>',
            "<tbody>",
            *rows,
            "</tbody>",
            "</table>",
            "<p>すべての結果（規則ごとの内容を含みます）は、機械で読める形式の "
            '<a href="axe-results.json">axe-results.json</a> にあります。</p>',
        ]
    )


def write_results(site: Path, audit: Audit) -> None:
    """accessibility/axe-results.json, and the table in place of the marker's content."""
    page = site / RESULTS_PAGE
    text = page.read_text(encoding="utf-8")
    if not _MARKER.search(text):
        raise AuditError(f'{RESULTS_PAGE} に <div id="hub-audit-results"> がありません (the results marker is missing)')
    text = _MARKER.sub(lambda m: m.group(1) + "\n" + results_html(audit) + "\n" + m.group(2), text, count=1)
    page.write_text(text, encoding="utf-8")
    (site / RESULTS_JSON).write_text(results_json(audit), encoding="utf-8")
