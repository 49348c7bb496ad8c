"""Links that still work: the URL list lychee checks, and the one issue that lists the broken ones.

`python -m generator link-list FILE` writes every listing's source and contact URL, one a line.
`python -m generator link-issue LYCHEE.json LIST` reads lychee's JSON report and opens, updates or closes
one issue (hidden marker `<!-- hub-links -->`) through `reminders.GitHub` (urllib; no shell sees the text).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..registry.checks import Registry
from .reminders import GitHub

MARKER = "<!-- hub-links -->"
TITLE = "リンクの確認: つながらないリンクがあります"


def listing_urls(reg: Registry) -> dict[str, list[str]]:
    """URL → the listing files that use it (sources and contacts of every open listing)."""
    out: dict[str, set[str]] = {}
    for kind, listing in reg.all_listings():
        if listing.closed:
            continue
        c = listing.contacts
        urls = [s.url for s in listing.source] + [s.via.url for s in listing.source if s.via]
        urls += [c.website, c.chat, c.web_form] + [line.url for line in c.line]
        for url in filter(None, urls):
            out.setdefault(url, set()).add(f"data/{kind}/{listing.id}.yml")
    return {url: sorted(files) for url, files in sorted(out.items())}


def broken_urls(report: dict) -> dict[str, str]:
    """URL → lychee's status text, from its JSON report (`error_map`, `fail_map` in older versions)."""
    broken: dict[str, str] = {}
    for key in ("error_map", "fail_map"):
        for items in (report.get(key) or {}).values():
            for item in items:
                status = item.get("status") or {}
                broken[item["url"]] = str(status.get("text") or status.get("code") or "error")
    return broken


def issue_body(broken: dict[str, str], used_by: dict[str, list[str]]) -> str:
    lines = [
        MARKER,
        "",
        "週に一度の確認で、次のリンクにつながりませんでした。出典や連絡先が移っていないか確かめ、"
        "掲載を直してください (一時的な不調のこともあります。次の確認でつながれば、この一覧から消えます)。",
        "",
        "| リンク | 結果 | 使っている掲載 |",
        "|---|---|---|",
    ]
    for url in sorted(broken):
        files = "<br>".join(f"`{f}`" for f in used_by.get(url, [])) or "-"
        safe = url.replace("|", "%7C")
        lines.append(f"| <{safe}> | {broken[url].replace('|', '/')[:80]} | {files} |")
    return "\n".join(lines) + "\n"


def sync_issue(api: GitHub, broken: dict[str, str], used_by: dict[str, list[str]], dry_run: bool = False) -> str:
    """open | update | keep | close | none: the one issue follows the report."""
    found = sorted((i for i in api.open_issues() if MARKER in (i.get("body") or "")), key=lambda i: i["number"])
    issue = found[0] if found else None
    if not broken:
        if issue is None:
            return "none"
        if not dry_run:
            api.comment(issue["number"], "すべてのリンクにつながるようになりました。")
            api.update(issue["number"], state="closed", state_reason="completed")
        return "close"
    body = issue_body(broken, used_by)
    if issue is None:
        if not dry_run:
            api.create(TITLE, body)
        return "open"
    if issue.get("body") == body:
        return "keep"
    if not dry_run:
        api.update(issue["number"], title=TITLE, body=body)
    return "update"


def read_report(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
