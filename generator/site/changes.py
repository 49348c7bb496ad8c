"""What was changed, confirmed or closed, from the registry's own dates: the /changes/ page and Atom feeds
(`changes/feed.xml`, `municipalities/<code>/feed.xml`, `regions/<id>/feed.xml`).

No git history and no build clock: the same data gives the same bytes. Events per listing:
- 出典で確認 at `last_verified` (the facts as a source showed them; a listing's first appearance too),
- 内容を更新 at `last_changed`, 変更なしを確認 at `last_confirmed`, 掲載を終了 at `closed.date`.
Freshness figures for /status/ (share confirmed within checks.STALE_AFTER_DAYS, per town) live here too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from xml.sax.saxutils import escape

from ..registry import urls
from ..registry.index import Entry, Index

VERB_JA = {
    "checked": "出典で情報を確認",
    "changed": "内容を更新",
    "confirmed": "変更なしを確認",
    "closed": "掲載を終了",
}
FEED_LIMIT = 100


@dataclass(frozen=True)
class Event:
    date: dt.date
    verb: str
    entry: Entry

    @property
    def title(self) -> str:
        return f"{VERB_JA[self.verb]}: {self.entry.listing.name}"


def events_of(entry: Entry) -> list[Event]:
    listing = entry.listing
    found = [Event(listing.last_verified, "checked", entry)]
    if listing.last_changed:
        found.append(Event(listing.last_changed, "changed", entry))
    if listing.last_confirmed:
        found.append(Event(listing.last_confirmed, "confirmed", entry))
    if listing.closed:
        found.append(Event(listing.closed.date, "closed", entry))
    return found


def _entries(index: Index) -> list[Entry]:
    return [*index.all_entries, *index.closed]


def all_events(index: Index, keep=lambda entry: True) -> list[Event]:
    events = [ev for entry in _entries(index) if keep(entry) for ev in events_of(entry)]
    return sorted(events, key=lambda ev: (-ev.date.toordinal(), ev.entry.kind, ev.entry.id, ev.verb))


def for_town(code: str, region: str):
    def keep(entry: Entry) -> bool:
        listing = entry.listing
        return listing.municipality == code or code in listing.service_area or region in listing.service_area

    return keep


def for_region(index: Index, region_id: str):
    codes = set(index.registry.regions[region_id].municipalities)

    def keep(entry: Entry) -> bool:
        listing = entry.listing
        return (
            listing.municipality in codes
            or region_id in listing.service_area
            or bool(codes & set(listing.service_area))
        )

    return keep


def _stamp(day: dt.date) -> str:
    return f"{dt.date(day.year, day.month, day.day).isoformat()}T00:00:00+09:00"


def atom(title: str, feed_path: str, page_path: str, events: list[Event], site_url: str, author: str) -> bytes:
    """An Atom 1.0 feed (RFC 4287). Ids are the listing's page URL plus the event, so they never change."""
    base = site_url or "https://example.invalid/"
    events = events[:FEED_LIMIT]
    updated = _stamp(events[0].date) if events else "2000-01-01T00:00:00+09:00"
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ja">',
        f"<title>{escape(title)}</title>",
        f"<id>{escape(base + feed_path)}</id>",
        f'<link rel="self" type="application/atom+xml" href="{escape(base + feed_path)}"/>',
        f'<link rel="alternate" type="text/html" href="{escape(base + page_path)}"/>',
        f"<updated>{updated}</updated>",
        f"<author><name>{escape(author)}</name></author>",
    ]
    for ev in events:
        url = base + ev.entry.url
        listing = ev.entry.listing
        summary = f"{ev.entry.kind_label}「{listing.name}」: {VERB_JA[ev.verb]} ({ev.date.isoformat()})"
        if ev.verb == "closed" and listing.closed:
            summary += f"。{listing.closed.reason}"
        out += [
            "<entry>",
            f"<title>{escape(ev.title)}</title>",
            f"<id>{escape(url)}#{ev.verb}-{ev.date.isoformat()}</id>",
            f'<link rel="alternate" type="text/html" href="{escape(url)}"/>',
            f"<updated>{_stamp(ev.date)}</updated>",
            f'<category term="{ev.verb}" label="{escape(VERB_JA[ev.verb])}"/>',
            f"<summary>{escape(summary)}</summary>",
            "</entry>",
        ]
    out.append("</feed>")
    return ("\n".join(out) + "\n").encode("utf-8")


def feed_files(index: Index, site_url: str) -> dict[str, bytes]:
    site = index.registry.site
    feeds = [("更新のお知らせ", "changes/", all_events(index))]
    feeds += [
        (f"{town.name}の更新", urls.town(town.code), all_events(index, for_town(town.code, town.region)))
        for town in index.registry.municipalities.values()
    ]
    feeds += [
        (f"{region.name}の更新", urls.region(region.id), all_events(index, for_region(index, region.id)))
        for region in index.registry.regions.values()
    ]
    return {
        urls.feed(page): atom(f"{site.title}: {title}", urls.feed(page), page, events, site_url, site.title)
        for title, page, events in feeds
    }


# ---------------------------------------------------------------- freshness, for /status/


@dataclass(frozen=True)
class Freshness:
    name: str
    code: str | None
    fresh: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.fresh / self.total) if self.total else 0


def freshness(index: Index) -> tuple[Freshness, list[Freshness]]:
    """Total and per town (listings located in the town), the share checked within the freshness period."""
    entries = index.all_entries  # `Entry.stale` is the one rule (checks.is_stale)
    total = Freshness("すべて", None, sum(not e.stale for e in entries), len(entries))
    towns = []
    for code, town in index.registry.municipalities.items():
        own = [e for e in entries if e.listing.municipality == code]
        if own:
            towns.append(Freshness(town.name, code, sum(not e.stale for e in own), len(own)))
    return total, towns
