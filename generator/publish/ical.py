"""Calendar feeds (RFC 5545 `.ics`, written with the `icalendar` library): one per listing with events, one per region.

A slot becomes a recurring event: 毎週月・木 → `FREQ=WEEKLY;BYDAY=MO,TH`, 第2土曜 → `FREQ=MONTHLY;BYDAY=2SA`,
最終金曜 → `FREQ=MONTHLY;BYDAY=-1FR`, 毎月10日 → `FREQ=MONTHLY;BYMONTHDAY=10`. A slot that names both
weekdays and days of the month is two events, since one RRULE would mean only the days that are both.
Times are Asia/Tokyo; a closing time before the opening time (or 24:00) ends on the next day.

The output depends only on the data: DTSTART is the first occurrence on or after `last_verified`, and
DTSTAMP is `last_verified` itself, so an unchanged listing gives a byte-identical file on every build.
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from ..registry.index import Entry, Index
from ..registry.kinds import EVENT_LIST
from ..registry.models import Region, TimeSlot
from ..registry.vocab import date_ja, slot_ja

if TYPE_CHECKING:  # imported where feeds are made: pages import this module, and need no icalendar
    import icalendar

TZID = "Asia/Tokyo"
TZ = ZoneInfo(TZID)
ICAL_DAY = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}


@dataclass(frozen=True)
class Recurrence:
    """One RRULE: WEEKLY with BYDAY, or MONTHLY with BYDAY (2SA, -1FR) or BYMONTHDAY."""

    freq: str
    byday: tuple[str, ...] = ()
    bymonthday: tuple[int, ...] = ()

    def rrule(self) -> dict[str, object]:
        rule: dict[str, object] = {"freq": self.freq}
        if self.byday:
            rule["byday"] = list(self.byday)
        if self.bymonthday:
            rule["bymonthday"] = list(self.bymonthday)
        return rule

    def matches(self, day: dt.date) -> bool:
        if self.bymonthday:
            return day.day in self.bymonthday
        for part in self.byday:
            nth, code = part[:-2], part[-2:]
            if day.weekday() != list(ICAL_DAY.values()).index(code):
                continue
            if not nth:
                return True
            n = int(nth)
            last = _cal.monthrange(day.year, day.month)[1]
            if (n > 0 and (day.day - 1) // 7 + 1 == n) or (n < 0 and (last - day.day) // 7 + 1 == -n):
                return True
        return False

    def first_on_or_after(self, start: dt.date) -> dt.date:
        day = dt.date(start.year, start.month, start.day)  # a plain day, even from a month-precise PartialDate
        for _ in range(366 * 4):  # 31st of a month and 5th weekdays come round within a few months
            if self.matches(day):
                return day
            day += dt.timedelta(days=1)
        raise ValueError(f"no occurrence of {self} within four years of {start}")


def recurrences(slot: TimeSlot) -> list[Recurrence]:
    out = []
    days = sorted(set(slot.days), key=list(ICAL_DAY).index)
    if days and slot.nth:
        out.append(Recurrence("MONTHLY", byday=tuple(f"{n}{ICAL_DAY[d]}" for n in slot.nth for d in days)))
    elif days:
        out.append(Recurrence("WEEKLY", byday=tuple(ICAL_DAY[d] for d in days)))
    if slot.month_days:
        out.append(Recurrence("MONTHLY", bymonthday=tuple(sorted(set(slot.month_days)))))
    return out


def _clock(value: str) -> dt.time:
    hour, minute = (int(part) for part in value.split(":"))
    return dt.time(0, 0) if hour == 24 else dt.time(hour, minute)


def event_times(slot: TimeSlot, day: dt.date) -> tuple[dt.date | dt.datetime, dt.date | dt.datetime | None]:
    """(start, end) of the occurrence on `day`; all-day when the slot has no start time."""
    if not slot.opens:
        return day, day + dt.timedelta(days=1)
    start = dt.datetime.combine(day, _clock(slot.opens), TZ)
    if not slot.closes:
        return start, None
    end_day = day + dt.timedelta(days=1) if slot.closes <= slot.opens or slot.closes == "24:00" else day
    return start, dt.datetime.combine(end_day, _clock(slot.closes), TZ)


def _host(site_url: str) -> str:
    return urlparse(site_url).hostname or "shinshu-hikikomori-hub.invalid"


def _where(entry: Entry) -> str | None:
    loc = entry.public.location
    if loc is not None and loc.address:
        return loc.address
    if getattr(entry.listing, "online", False) or getattr(entry.listing, "format", None) == "online":
        return "オンライン"
    return entry.town.name if entry.town else None


def listing_events(entry: Entry, site_url: str) -> list[icalendar.Event]:
    listing = entry.public
    schedule = listing.schedule
    page = f"{site_url}{entry.url}" if site_url else ""
    import icalendar

    stamp = dt.datetime.combine(listing.last_verified, dt.time(0, 0), dt.UTC)
    events = []
    for i, slot in enumerate(entry.events):
        lines = [slot_ja(slot)]
        if schedule and schedule.note:
            lines.append(schedule.note)
        if schedule and schedule.holidays_closed:
            lines.append("祝日は休みです。")
        lines.append(
            f"情報確認日: {date_ja(listing.last_verified)}。日時や場所が変わることがあります。"
            "出かける前に、掲載ページの連絡先で確かめてください。"
        )
        if page:
            lines.append(page)
        for j, rule in enumerate(recurrences(slot)):
            start, end = event_times(slot, rule.first_on_or_after(listing.last_verified))
            event = icalendar.Event()
            suffix = f"-{j}" if j else ""
            event.add("uid", f"{entry.kind}-{listing.id}-{i}{suffix}@{_host(site_url)}")
            event.add("dtstamp", stamp)
            event.add("summary", listing.name)
            event.add("dtstart", start)
            if end is not None:
                event.add("dtend", end)
            event.add("rrule", rule.rrule())
            event.add("description", "\n".join(lines))
            if where := _where(entry):
                event.add("location", where)
            loc = listing.location
            if loc is not None and loc.lat is not None and loc.lon is not None:
                event.add("geo", (loc.lat, loc.lon))
            if page:
                event.add("url", page)
            events.append(event)
    return events


@functools.cache
def _vtimezone() -> icalendar.Timezone:
    """Japan's VTIMEZONE, made once: icalendar derives it by walking the zone's transitions (~40 ms a time)."""
    import icalendar

    timezone = icalendar.Timezone.from_tzid(TZID)
    timezone.pop("COMMENT", None)  # Japan keeps one offset; the generated "works until 2038" note misleads
    return timezone


def feed(name: str, description: str, events: list[icalendar.Event], site_title: str) -> bytes:
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", f"-//{site_title}//open data api v1//JA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("description", description)
    cal.add("x-wr-caldesc", description)
    cal.add("x-wr-timezone", TZID)
    cal.add("refresh-interval", dt.timedelta(days=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "P1D")
    cal.add_component(_vtimezone())  # always, so that a region with no events yet is still a valid calendar
    for event in events:
        cal.add_component(event)
    return cal.to_ical()


def listing_feed(entry: Entry, site_url: str, site_title: str) -> bytes:
    return feed(
        f"{entry.listing.name} ({site_title})",
        f"{entry.listing.name}の開催日です。日時が変わることがあるため、掲載ページでも確かめてください。",
        listing_events(entry, site_url),
        site_title,
    )


def region_entries(index: Index, region: Region) -> list[Entry]:
    """Listings of the region (located there or serving it) that have events, without duplicates."""
    seen: set[str] = set()
    out = []
    for kind in index.entries:
        for entry in index.in_region(region, kind):
            if entry.events and entry.id not in seen:
                seen.add(entry.id)
                out.append(entry)
    return out


def region_feed(index: Index, region: Region, site_url: str, site_title: str) -> bytes:
    events = [event for entry in region_entries(index, region) for event in listing_events(entry, site_url)]
    return feed(
        f"{region.name}の集まり ({site_title})",
        f"{region.name}の{EVENT_LIST}などの開催日です。新しく掲載された集まりも、ここに加わります。",
        events,
        site_title,
    )
