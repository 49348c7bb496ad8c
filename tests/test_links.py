"""Links: the URL list for lychee, the one broken-links issue (offline fake API), internal links of the built site."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from conftest import ROOT, TODAY
from test_reminders import REPO, FakeGitHub

from generator.contribute.links import MARKER, broken_urls, listing_urls, sync_issue
from generator.contribute.reminders import GitHub
from generator.registry.checks import load_registry


def test_the_list_holds_every_source_and_contact_url():
    reg = load_registry(ROOT, TODAY)
    urls = listing_urls(reg)
    for _kind, listing in reg.all_listings():
        for url in [s.url for s in listing.source if s.url] + [listing.contacts.website, listing.contacts.chat]:
            if url:
                assert url in urls


def test_one_issue_opens_updates_and_closes():
    fake = FakeGitHub()
    api = GitHub(REPO, "test-token", urlopen=fake)
    used_by = {"https://example.org/a": ["data/windows/test-a.yml"]}
    report = {"error_map": {"links.txt": [{"url": "https://example.org/a", "status": {"text": "404 Not Found"}}]}}
    assert sync_issue(api, broken_urls(report), used_by) == "open"
    assert sync_issue(api, broken_urls(report), used_by) == "keep" and len(fake.issues) == 1
    body = fake.issues[1]["body"]
    assert body.startswith(MARKER) and "404 Not Found" in body and "`data/windows/test-a.yml`" in body
    report["error_map"]["links.txt"].append({"url": "https://example.org/b", "status": {"code": 500}})
    assert (
        sync_issue(api, broken_urls(report), used_by) == "update" and "https://example.org/b" in fake.issues[1]["body"]
    )
    assert sync_issue(api, {}, used_by) == "close" and fake.issues[1]["state"] == "closed"
    assert sync_issue(api, {}, used_by) == "none" and len(fake.issues) == 1


def test_every_internal_link_of_the_built_site_resolves(built_site: Path):
    """Offline: every href/src that stays on the site points at a file the build wrote."""
    from generator.engine.pipeline import site_settings

    prefix = urlsplit(site_settings(ROOT).site_url).path or "/"  # absolute links carry the site's own path
    missing = []
    for page in built_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for ref in re.findall(r'(?:href|src)="([^"]+)"', html):
            ref = ref.replace("&amp;", "&")
            parts = urlsplit(ref)
            if parts.scheme or ref.startswith(("//", "#", "mailto:", "tel:", "data:")) or not parts.path:
                continue
            path = unquote(parts.path)
            if path.startswith("/"):
                if not path.startswith(prefix):
                    missing.append(f"{page.relative_to(built_site)} → {ref} (outside the site)")
                    continue
                target = (built_site / path[len(prefix) :]).resolve()
            else:
                target = (page.parent / path).resolve()
            if path.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.exists():
                missing.append(f"{page.relative_to(built_site)} → {ref}")
    assert missing == [], "\n".join(missing[:20])
