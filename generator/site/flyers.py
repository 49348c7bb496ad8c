"""Flyers: one printable A4 page per town and per region, for outreach partners to hand out.

A flyer may stay on a fridge for years, so it carries a QR code to the town's permanent page
(PRODUCT.md URLs) and shows only what fits on one sheet. What fits is decided here, not in CSS:
each section gets a number of rows; what does not fit is summarised ("ほかに3件: 松本市、伊那市")
and the QR code leads to the full list. Templates only display a `Flyer`.

The base URL is `site_url` from mkdocs.yml, read once by `pipeline.site_settings` and passed in.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import segno
from markupsafe import Markup

from ..registry import urls
from ..registry.index import Entry, Index, TownView
from ..registry.kinds import NEARBY
from ..registry.models import Municipality, Region, TimeSlot

# What fits is counted in text lines of the tables' body size (about 5 mm each on paper). Measured in
# Chromium on A4 with 10 mm margins: after the message, the QR code, the five headings, the notes and
# the footer, LINES_TOTAL lines are left for rows and summaries. Each section also has a row cap, so
# one crowded section cannot push out the others.
LINES_TOTAL = 31
CAPS = {"own": 4, "no_phone": 3, "wide": 2, "nearby": 3, "national": 6}
PRIORITY = ("own", "no_phone", "wide", "nearby", "national")
TOWN_HALL_LINES = 2  # a town's flyer also gives its 役場・市役所 main number, in one short note
PHONES_PER_ROW = 2
SLOTS_PER_ROW = 2
NAME_CHARS = 16  # characters of a name per line in the first column
WAY_CHARS = 30  # characters of an address (URL, mail, LINE) per line in the second column
LABEL_CHARS = 20  # characters of a phone's label per line (the first line is shared with the number)
HOURS_CHARS = 15  # characters of opening hours per line in the third column

SlotText = Callable[[TimeSlot], str]


# ---------------------------------------------------------------- the deployed site's address


@functools.cache  # the same codes on every rebuild of `mkdocs serve` (~10 ms each)
def qr_svg(url: str, label: str) -> Markup:
    """An inline SVG QR code; `omitsize` keeps the viewBox so it scales without cropping.

    Without an absolute `site_url` (a local preview of a fork that has not set it) there is no QR
    code rather than one that leads nowhere.
    """
    if not url.startswith(("https://", "http://")):
        return Markup("")
    code = segno.make(url, error="m", micro=False)
    return Markup(code.svg_inline(omitsize=True, border=4, dark="#000", light="#fff", title=label))


# ---------------------------------------------------------------- what fits


@dataclass(frozen=True)
class Section:
    """Entries shown on the sheet, and those left for the web page."""

    shown: list[Entry]
    rest: list[Entry]

    @property
    def rest_places(self) -> list[str]:
        """Where the summarised entries are, nearest first, each town once."""
        places: list[str] = []
        for entry in self.rest:
            place = entry.town.name if entry.town else "全国・オンライン"
            if place not in places:
                places.append(place)
        return places


def _lines(text: str, per_line: int) -> int:
    return max(1, -(-len(text) // per_line))


def row_lines(entry: Entry, slot_text: SlotText) -> int:
    """How many lines a row takes on paper: its tallest cell (name and place, contacts, or hours)."""
    listing = entry.listing
    name = _lines(listing.name, NAME_CHARS) + 1
    contact = 0.0
    for phone in listing.contacts.phones[:PHONES_PER_ROW]:
        # a phone number is set larger; its label shares the line, and wraps when long
        label = phone.advice or phone.label
        contact += 1.25 + (_lines(label, LABEL_CHARS) - 1 if label else 0)
    contact += sum(_lines(f"{label}: {value}", WAY_CHARS) for label, value in no_phone_ways(entry))
    hours = sum(_lines(slot_text(slot), HOURS_CHARS) for slot in opening_slots(entry))
    return int(max(name, contact or 1, hours) + 0.99)


def allocate(
    candidates: dict[str, list[Entry]], slot_text: SlotText, total: int = LINES_TOTAL, caps: dict[str, int] = CAPS
) -> dict[str, Section]:
    """Hand out `total` lines: first one row to every section (so a crowded town still shows a national
    line, where nobody knows the caller), then more rows in PRIORITY order up to each cap. Each
    section keeps its order (nearest first) and one line for its summary or "not yet registered" note."""
    left = total - len(PRIORITY)
    shown: dict[str, list[Entry]] = {name: [] for name in PRIORITY}
    for first_pass in (True, False):
        for name in PRIORITY:
            entries = candidates.get(name, [])
            limit = 1 if first_pass else caps[name]
            while len(shown[name]) < min(limit, len(entries)):
                lines = row_lines(entries[len(shown[name])], slot_text)
                if lines > left:
                    break  # never skip ahead to a shorter row: the order is the point
                shown[name].append(entries[len(shown[name])])
                left -= lines
    return {name: Section(shown=shown[name], rest=candidates.get(name, [])[len(shown[name]) :]) for name in PRIORITY}


def _without(entries: list[Entry], seen: set[str]) -> list[Entry]:
    return [e for e in entries if e.id not in seen]


# ---------------------------------------------------------------- flyers


@dataclass(frozen=True)
class Flyer:
    """One sheet: for a town (`town` set) or for a whole region."""

    path: str  # docs-relative page file, e.g. flyers/203840.md
    name: str  # 飯島町 / 上伊那地域
    region: Region
    page: str  # site-relative URL of the full page the QR code leads to
    url: str  # that page on the deployed site
    qr: Markup
    sections: dict[str, Section]
    town: Municipality | None = None
    health_office: bool = False  # the region's 保健福祉事務所 covers this town
    towns: list[Municipality] = field(default_factory=list)  # a region's towns
    printed: dt.date | None = None

    @property
    def shown(self) -> list[Entry]:
        return [e for s in self.sections.values() for e in s.shown]

    @property
    def verified_oldest(self) -> dt.date | None:
        dates = [e.listing.last_verified for e in self.shown]
        return min(dates) if dates else None


def town_flyer(index: Index, view: TownView, base: str, slot_text: SlotText) -> Flyer:
    town = view.town
    own = view.own
    no_phone = _without(view.no_phone, {e.id for e in own})
    seen = {e.id for e in own + no_phone}
    nearby = sorted(view.nearby_entries, key=lambda e: (e.km_from(town), e.listing.name_kana))
    candidates = {
        "own": own,
        "no_phone": no_phone,
        "wide": _without(view.wide, seen),
        "nearby": _without(nearby, seen),
        "national": _without(view.national, seen),
    }
    page = urls.town(town.code)
    return Flyer(
        path=urls.page_path(urls.town_flyer(town.code)),
        name=town.name,
        region=view.region,
        page=page,
        url=base + page,
        qr=qr_svg(base + page, f"{town.name}のページ ({base + page})"),
        sections=allocate(candidates, slot_text, LINES_TOTAL - (TOWN_HALL_LINES if town.town_hall else 0)),
        town=town,
        health_office=view.health_office,
        printed=index.today,
    )


def region_flyer(index: Index, region: Region, base: str, slot_text: SlotText) -> Flyer:
    reg = index.registry
    towns = [reg.municipalities[c] for c in region.municipalities]
    codes = set(region.municipalities)
    # Windows in the region's towns; wide-area windows get their own section.
    # Windows in the region's towns or serving them by name (a regional まいさぽ); wide-area ones get their own section.
    own = [
        e
        for e in index.in_region(region, "windows")
        if e.level != "national"
        and "prefecture" not in e.listing.service_area
        and region.id not in e.listing.service_area
    ]
    national = [e for e in index.entries["windows"] if e.level == "national"]
    # Ways without a phone call that every town of the region may use (so: not a single town's own).
    no_phone = [e for e in index.wide_for_region(region) + national if e.no_phone and all(e.accepts(t) for t in towns)]
    no_phone = _without(no_phone, {e.id for e in own})
    seen = {e.id for e in own + no_phone}
    nearby = [e for kind in NEARBY for e in index.in_region(region, kind.folder)]
    nearby.sort(
        key=lambda e: (
            region.municipalities.index(e.listing.municipality) if e.listing.municipality in codes else len(codes),
            e.listing.name_kana,
        )
    )
    candidates = {
        "own": own,
        "no_phone": no_phone,
        "wide": _without(index.wide_for_region(region), seen),
        "nearby": _without(nearby, seen),
        "national": _without(national, seen),
    }
    page = urls.region(region.id)
    return Flyer(
        path=urls.page_path(urls.region_flyer(region.id)),
        name=region.name,
        region=region,
        page=page,
        url=base + page,
        qr=qr_svg(base + page, f"{region.name}のページ ({base + page})"),
        sections=allocate(candidates, slot_text),
        towns=towns,
        printed=index.today,
    )


def build_flyers(index: Index, slot_text: SlotText, base: str) -> list[Flyer]:
    """Every town's flyer (in data order), then every region's. `slot_text` is the wording of opening
    hours that the page will print (render.slot_ja), passed in so that what is measured is what is shown;
    `base` is the deployed site's address (pipeline.site_settings, from mkdocs.yml's site_url)."""
    return [make() for _, make in flyer_makers(index, slot_text, base)]


def flyer_makers(index: Index, slot_text: SlotText, base: str) -> list[tuple[str, Callable[[], Flyer]]]:
    """(docs path, function making the flyer) for each flyer, in `build_flyers` order: a renderer on several
    cores makes each flyer (and its QR code, the costly part) where its page is rendered."""
    towns = [
        (urls.page_path(urls.town_flyer(view.town.code)), functools.partial(town_flyer, index, view, base, slot_text))
        for view in index.towns.values()
    ]
    return towns + [
        (urls.page_path(urls.region_flyer(region.id)), functools.partial(region_flyer, index, region, base, slot_text))
        for region in index.registry.regions.values()
    ]


# ---------------------------------------------------------------- row contents


def no_phone_ways(entry: Entry) -> list[tuple[str, str]]:
    """(label, value) for each way to reach a listing without a phone call, as the data states it."""
    contacts = entry.listing.contacts
    ways: list[tuple[str, str]] = []
    if contacts.chat:
        ways.append(("チャット", contacts.chat))
    if contacts.web_form:
        ways.append(("相談フォーム", contacts.web_form))
    for line in [a for a in contacts.line if a.add_friend_url or a.line_id][:1]:  # a name alone is no way in
        ways.append(("LINE", f"{line.name}" + (f" ({line.line_id})" if line.line_id else "")))
    for mail in contacts.emails[:1]:
        ways.append(("メール", mail))
    if "letter" in entry.listing.methods:
        ways.append(("手紙", "手紙でも相談できます"))
    return ways


def opening_slots(entry: Entry) -> list[TimeSlot]:
    """When to call or go, phone hours first (most people reach a window by phone), each slot once."""
    listing = entry.listing
    slots: list[TimeSlot] = []
    for slot in [s for phone in listing.contacts.phones for s in phone.hours] + (
        list(listing.schedule.slots) if listing.schedule else []
    ):
        if slot not in slots:
            slots.append(slot)
    return slots[:SLOTS_PER_ROW]
