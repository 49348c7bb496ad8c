"""/changes/ and the Atom feeds: from the registry's own dates, valid Atom (feedparser), the same bytes every build."""

from __future__ import annotations

import dataclasses
import datetime as dt

import feedparser
from conftest import ROOT, TODAY

from generator.registry.checks import load_registry
from generator.registry.index import build_index
from generator.site.changes import feed_files, freshness

SITE = "https://example.org/hub/"


def _index(today=TODAY):
    return build_index(load_registry(ROOT, today), today)


def test_every_feed_is_valid_atom_with_one_entry_per_event():
    index = _index()
    files = feed_files(index, SITE)
    assert len(files) == 1 + len(index.registry.municipalities) + len(index.registry.regions)
    for path, xml in files.items():
        feed = feedparser.parse(xml)
        assert not feed.bozo, (path, feed.get("bozo_exception"))
        assert feed.version == "atom10" and feed.feed.title and feed.feed.id == SITE + path
        ids = [e.id for e in feed.entries]
        assert len(ids) == len(set(ids)), path
    site = feedparser.parse(files["changes/feed.xml"])
    names = {e.title.split(": ", 1)[1] for e in site.entries}
    assert {e.listing.name for e in index.all_entries} <= names  # every listing appears (出典で情報を確認)


def test_a_confirmation_becomes_the_newest_entry():
    index = _index()
    entry = index.entries["windows"][0]
    confirmed = entry.listing.model_copy(update={"last_confirmed": dt.date(2026, 11, 26)})
    index.entries["windows"][0] = dataclasses.replace(entry, listing=confirmed)
    first = feedparser.parse(feed_files(index, SITE)["changes/feed.xml"]).entries[0]
    assert first.title == f"変更なしを確認: {entry.listing.name}" and first.updated.startswith("2026-11-26")
    assert first.link == SITE + entry.url


def test_feeds_are_the_same_bytes_on_another_day():
    assert feed_files(_index(TODAY), SITE) == feed_files(_index(TODAY + dt.timedelta(days=30)), SITE)


def test_a_town_feed_holds_its_own_listings():
    index = _index()
    files = feed_files(index, SITE)
    nagano = feedparser.parse(files["municipalities/202011/feed.xml"])
    links = {e.link for e in nagano.entries}
    for e in index.all_entries:
        if e.listing.municipality == "202011":
            assert SITE + e.url in links


def test_freshness_shares_add_up():
    total, towns = freshness(_index())
    assert total.total == len(_index().all_entries)
    assert sum(t.total for t in towns) <= total.total and all(0 <= t.fresh <= t.total for t in towns)


def test_pages_name_their_feed_for_feed_readers(built_site):
    """Town, region and /changes/ pages carry <link rel="alternate" type="application/atom+xml"> to a feed that
    exists."""
    import re

    for page, feed in (
        ("municipalities/202011/index.html", "municipalities/202011/feed.xml"),
        ("regions/nagano/index.html", "regions/nagano/feed.xml"),
        ("changes/index.html", "changes/feed.xml"),
    ):
        html = (built_site / page).read_text(encoding="utf-8")
        href = re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"', html).group(1)
        assert ((built_site / page).parent / href).resolve() == (built_site / feed).resolve()
        assert not feedparser.parse((built_site / feed).read_bytes()).bozo
