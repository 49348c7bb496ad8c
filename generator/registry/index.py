"""Stage 4 — index: derived views built once from the validated registry.

Source models mirror the YAML; everything *derived* (which windows serve a town, which it may use
from outside, what can be reached without a phone call, "open on weekends") lives here, so
templates only display and never decide.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import get_args

from . import urls
from .checks import Registry, distance_km, is_stale
from .kinds import BY_FOLDER, FOLDERS, NEARBY
from .models import Audience, Listing, Municipality, Region, TimeSlot, Window

WIDE_LEVELS = ("regional", "prefectural")
API = "api/v1/"  # open data; a breaking change to any file's format goes to api/v2/, and v1 stays
APPROXIMATE_DECIMALS = 2  # about 1 km: "approximate" places are published no finer than this


def without_maintainer_notes(listing: Listing) -> Listing:
    """Maintainers' notes (which reference row, which wrong numbers to avoid) stay in the registry."""
    if (
        listing.maintainer_note is None
        and not listing.maintainer_accounts
        and not any(s.maintainer_note for s in listing.source)
    ):
        return listing
    sources = [s.model_copy(update={"maintainer_note": None}) for s in listing.source]
    return listing.model_copy(update={"maintainer_note": None, "maintainer_accounts": [], "source": sources})


def published(listing: Listing) -> Listing:
    """The listing as it may leave this site, in any page, file or feed.

    Maintainers' notes are dropped; `precision: municipality` keeps the town and drops address, postal code and
    coordinates; `approximate` rounds the coordinates. Every export goes through here, so there is one place
    to get privacy right.
    """
    listing = without_maintainer_notes(listing)
    loc = listing.location
    if loc is None or loc.precision == "exact":
        return listing
    if loc.precision == "municipality":
        hidden = loc.model_copy(update={"address": None, "postal_code": None, "lat": None, "lon": None})
    else:
        rounded = {k: round(v, APPROXIMATE_DECIMALS) for k, v in (("lat", loc.lat), ("lon", loc.lon)) if v is not None}
        hidden = loc.model_copy(update=rounded)
    return listing.model_copy(update={"location": hidden})


@dataclass(frozen=True)
class Entry:
    """A listing with what every page needs to show it: kind, URL, place, derived flags."""

    kind: str
    listing: Listing
    town: Municipality | None
    region: Region | None
    stale: bool
    area_names: tuple[str, ...] = ()  # the towns it names as its service area, when that says more than its own town
    regions: tuple[str, ...] = ()  # the regions it is in or serves specifically (`Index.in_region`, 地域 filter)

    @property
    def id(self) -> str:
        return self.listing.id

    @property
    def url(self) -> str:
        return urls.listing(self.kind, self.listing.id)

    @property
    def calendar_path(self) -> str | None:
        """Site-relative path of this listing's .ics feed, when it has events."""
        return f"{API}calendars/{self.kind}/{self.listing.id}.ics" if self.events else None

    @property
    def kind_label(self) -> str:
        return BY_FOLDER[self.kind].label

    @property
    def level(self) -> str | None:
        return self.listing.level if isinstance(self.listing, Window) else None

    @cached_property
    def public(self) -> Listing:
        """What may be published: see `published()`."""
        return published(self.listing)

    @cached_property
    def events(self) -> list[TimeSlot]:
        """Slots worth a calendar entry: every meeting of an ibasho or family group, and a window's monthly
        days (e.g. a 相談会 on the 2nd Saturday). A window's weekly office hours are not events."""
        slots = self.listing.schedule.slots if self.listing.schedule else []
        if BY_FOLDER[self.kind].office_hours:
            return [s for s in slots if s.nth or s.month_days]
        return list(slots)

    @cached_property
    def no_phone(self) -> bool:
        return self.listing.no_phone_ways()

    @cached_property
    def free(self) -> bool:
        cost = self.listing.cost
        return bool(cost and cost.free)

    @cached_property
    def slots(self) -> list[TimeSlot]:
        slots = list(self.listing.schedule.slots) if self.listing.schedule else []
        for phone in self.listing.contacts.phones:
            slots.extend(phone.hours)
        return slots

    @cached_property
    def weekend(self) -> bool:
        return any({"sat", "sun"} & set(s.days) or s.month_days for s in self.slots)

    @cached_property
    def evening(self) -> bool:
        """Open at or after 18:00 on some day (24-hour lines count)."""
        return any(
            s.closes is not None and (s.closes > "18:00" or (s.opens is not None and s.closes <= s.opens))
            for s in self.slots
        )

    @cached_property
    def weekday(self) -> bool:
        return any({"mon", "tue", "wed", "thu", "fri"} & set(s.days) for s in self.slots)

    def point(self) -> tuple[float, float] | None:
        public = public_point(self)
        return (public.lat, public.lon) if public else None

    def km_from(self, town: Municipality) -> float:
        point = self.point()
        return distance_km(point[0], point[1], town.lat, town.lon) if point else float("inf")

    @cached_property
    def for_children(self) -> bool:
        """A children's service (子ども・保護者, or an age limit under 20): pages for adults list it after the rest."""
        listing = self.listing
        return listing.for_children or (listing.age_max is not None and listing.age_max < 20)

    @cached_property
    def who_labels(self) -> list[str]:
        """Short words for whom it is (「18歳まで」「長野市にお住まいの方」), shown on every card."""
        listing, labels = self.listing, []
        if listing.age_min is not None and listing.age_max is not None:
            labels.append(f"{listing.age_min}〜{listing.age_max}歳")
        elif listing.age_max is not None:
            labels.append(f"{listing.age_max}歳まで")
        elif listing.age_min is not None:
            labels.append(f"{listing.age_min}歳以上")
        if listing.for_children:
            labels.append("子どもと保護者むけ")
        if listing.accepts_from == "own-municipality" and self.town is not None:
            labels.append(f"{self.town.name}にお住まいの方")
        return labels

    @cached_property
    def audiences(self) -> tuple[str, ...]:
        """Whom a list's 対象 filter finds it for: its audiences, or all of them when it is for anyone (どなたでも).
        filters.matches() and hub.js (the card's data-audience) both read it."""
        audience = self.listing.audience
        return get_args(Audience) if "anyone" in audience else tuple(audience)

    @cached_property
    def crisis(self) -> bool:
        """A line for when things are very hard, open at night or on days off: the calm block on adults' pages."""
        return (
            bool(getattr(self.listing, "crisis_line", False))
            and (self.evening or self.weekend)
            and not self.for_children
        )

    @cached_property
    def contactable(self) -> bool:
        """A resident can reach it directly: a phone number, or a way that needs no call."""
        return bool(self.listing.contacts.phones) or self.no_phone

    @cached_property
    def for_everyone(self) -> bool:
        """Anyone in the prefecture may use it, wherever they live."""
        listing = self.listing
        return listing.accepts_from in ("anywhere", "prefecture") or bool(
            {"prefecture", "national"} & set(listing.service_area)
        )

    def serves(self, town: Municipality) -> bool:
        area = self.listing.service_area
        return town.code in area or town.region in area or "prefecture" in area or "national" in area

    @cached_property
    def open_to(self) -> tuple[str, ...]:
        """Who may use it, as the places whose residents may: ("*",) for anyone in the prefecture, else town codes
        and region ids (what it serves, and its own region when it takes people from there). The one rule of
        `accepts()`; list pages hand it to hub.js as the card's data-open-to."""
        if self.for_everyone:
            return ("*",)
        places = list(self.listing.service_area)
        if self.listing.accepts_from == "region" and self.town is not None:
            places.append(self.town.region)
        return tuple(dict.fromkeys(places))

    def accepts(self, town: Municipality) -> bool:
        """Residents of `town` may use it: it serves them, or it says it takes people from outside."""
        open_to = self.open_to  # asked for every town and candidate: no sets built each time
        return "*" in open_to or town.code in open_to or town.region in open_to


HIGHLIGHT_CARDS = 12  # on the home page and the doors (person, family, supporters)
TOWN_PAGE_CARDS = 6  # per "nearby" section of a town page; the rest is one tap away (list filtered by town)


@dataclass
class TownView:
    """What a town page shows. `own`, `wide` and `national` are shown whole; the sections that could grow
    with the whole country (`no_phone`, `elsewhere`, and each nearby kind in `nearby`, by folder) hold the nearest
    TOWN_PAGE_CARDS, and `totals` says how many there are in all, so the page can link to the rest."""

    town: Municipality
    region: Region
    own: list[Entry] = field(default_factory=list)
    wide: list[Entry] = field(default_factory=list)
    national: list[Entry] = field(default_factory=list)
    elsewhere: list[Entry] = field(default_factory=list)
    nearby: dict[str, list[Entry]] = field(default_factory=dict)  # folder → nearest of each `Kind.nearby` kind
    no_phone: list[Entry] = field(default_factory=list)  # ways to consult without a phone call, nearest first
    totals: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # listings located in the town, by kind
    health_office: bool = False  # the region's 保健福祉事務所 covers this town
    shown: dict[str, list[Entry]] = field(default_factory=dict)  # the town page's cards by section, none twice

    @property
    def stale_on_page(self) -> bool:
        return any(e.stale for entries in self.shown.values() for e in entries)

    @property
    def coverage(self) -> str:
        """What the town has nearest to hand: "own" (a window located in the town that can be reached directly),
        "region" (a window elsewhere that names the town or its region), or "none" (prefecture-wide and national
        only)."""
        if any(e.listing.municipality == self.town.code and e.contactable for e in self.own):
            return "own"
        if any(e.contactable for e in self.own) or any(
            self.region.id in e.listing.service_area and e.contactable for e in self.wide
        ):
            return "region"
        return "none"

    def section(self, name: str) -> list[Entry]:
        """A section's listings: an attribute (`own`, `elsewhere`…), or a nearby kind by its folder."""
        return self.nearby[name] if name in self.nearby else getattr(self, name)

    @property
    def nearby_entries(self) -> list[Entry]:
        return [e for entries in self.nearby.values() for e in entries]

    def more(self, section: str) -> int:
        """How many of the section's listings the page leaves to the list pages."""
        return self.totals.get(section, 0) - len(self.section(section))


@dataclass
class Index:
    registry: Registry
    today: dt.date
    entries: dict[str, list[Entry]] = field(default_factory=dict)  # kind → entries, in display order
    towns: dict[str, TownView] = field(default_factory=dict)
    closed: list[Entry] = field(default_factory=list)  # 掲載終了: own page only, in no list or map

    def by_region(self) -> list[tuple[Region, list[Municipality]]]:
        reg = self.registry
        return [(region, [reg.municipalities[c] for c in region.municipalities]) for region in reg.regions.values()]

    def in_region(self, region: Region, kind: str) -> list[Entry]:
        """Listings located in the region or serving it specifically (not the whole prefecture)."""
        return [e for e in self.entries[kind] if region.id in e.regions]

    def wide_for_region(self, region: Region) -> list[Entry]:
        return [
            e
            for e in self.entries["windows"]
            if e.level in WIDE_LEVELS
            and (region.id in e.listing.service_area or "prefecture" in e.listing.service_area)
        ]

    @property
    def all_entries(self) -> list[Entry]:
        return [e for kind in self.entries for e in self.entries[kind]]

    def located_in(self, code: str) -> list[Entry]:
        """The open listings located in the town (its staff can check them), in display order."""
        return self._by_town.get(code, [])

    @cached_property
    def _by_town(self) -> dict[str, list[Entry]]:  # asked once per town: grouped once, not searched each time
        grouped: dict[str, list[Entry]] = {}
        for entry in self.all_entries:
            grouped.setdefault(entry.listing.municipality, []).append(entry)
        return grouped

    def highlight(self, entries: list[Entry]) -> tuple[list[Entry], int]:
        """A few of `entries` for a page every visitor sees (home, the doors), and how many there are in all.

        All of them while they are few; beyond HIGHLIGHT_CARDS, those anyone may use wherever they live come
        first, and the list pages (one tap away) hold the rest."""
        if len(entries) <= HIGHLIGHT_CARDS:
            return entries, len(entries)
        everyone = [e for e in entries if e.for_everyone]
        rest = [e for e in entries if not e.for_everyone]
        return (everyone + rest)[:HIGHLIGHT_CARDS], len(entries)

    def crisis_lines(self) -> list[Entry]:
        """Lines flagged in the data for very hard moments that are open at night or on days off."""
        return [e for e in self.entries.get("windows", []) if e.crisis]

    def coverage_counts(self) -> dict[str, int]:
        """How many towns have a window of their own, of their region only, or neither (`TownView.coverage`)."""
        counts = {"own": 0, "region": 0, "none": 0}
        for view in self.towns.values():
            counts[view.coverage] += 1
        return counts

    def stale_entries(self) -> list[Entry]:
        return sorted((e for e in self.all_entries if e.stale), key=lambda e: e.listing.checked_on)


_LEVEL_ORDER = {"municipal": 0, "private": 1, "regional": 2, "prefectural": 3, "national": 4}


def build_index(reg: Registry, today: dt.date | None = None) -> Index:
    today = today or dt.date.today()
    index = Index(registry=reg, today=today, entries={kind: [] for kind in FOLDERS})
    for kind, listing in reg.all_listings():
        town = reg.municipalities.get(listing.municipality or "")
        region = reg.regions.get(town.region) if town else None
        stale = is_stale(listing, today)
        # A closed listing keeps its page (printed QR codes point at it) but leaves every list and map.
        bucket = index.closed if listing.closed else index.entries[kind]
        regions = _regions(listing, reg)
        bucket.append(
            Entry(kind, listing, town, region, stale and not listing.closed, _area_names(listing, reg), regions)
        )
    for kind in FOLDERS:  # adults' services first; children's after, labelled
        index.entries[kind].sort(
            key=lambda e: (
                e.for_children,
                _LEVEL_ORDER.get(e.level or "", 0),
                e.listing.municipality or "999999",
                e.listing.name_kana,
            )
        )
    candidates = {kind: _Candidates.of(index.entries[kind], reg) for kind in index.entries}
    for town in reg.municipalities.values():
        index.towns[town.code] = _town_view(index, town, candidates)
    return index


def _regions(listing: Listing, reg: Registry) -> tuple[str, ...]:
    """The regions a listing is located in or serves specifically: its town's, and those its service area names
    (a region, or towns of it). Not the whole prefecture: that is every region's, and no region's in particular."""
    towns = [listing.municipality, *listing.service_area]
    found = [reg.municipalities[c].region for c in towns if c in reg.municipalities]
    found += [area for area in listing.service_area if area in reg.regions]
    return tuple(sorted(set(found)))


def _area_names(listing: Listing, reg: Registry) -> tuple[str, ...]:
    """「麻績村・生坂村・…」 for a window that serves named towns from elsewhere, so a resident sees it is theirs."""
    area = listing.service_area
    if not all(code in reg.municipalities for code in area) or area == [listing.municipality]:
        return ()
    return tuple(reg.municipalities[code].name for code in area)


@dataclass
class _Candidates:
    """The listings of one kind that may concern a town, found by key rather than by scanning every listing
    for every town (which grows with towns × listings at national scale). A superset: `_town_view` still
    applies the exact rules (`Entry.serves`, `Entry.accepts`) to each candidate."""

    entries: list[Entry]
    by_town: dict[str, set[int]] = field(default_factory=dict)
    by_region: dict[str, set[int]] = field(default_factory=dict)
    everywhere: set[int] = field(default_factory=set)

    @classmethod
    def of(cls, entries: list[Entry], reg: Registry) -> _Candidates:
        found = cls(entries)
        for n, entry in enumerate(entries):
            listing = entry.listing
            if listing.municipality:
                found.by_town.setdefault(listing.municipality, set()).add(n)
            if entry.town is not None:  # same region: `accepts_from: region`, and nearby ibasho/family groups
                found.by_region.setdefault(entry.town.region, set()).add(n)
            if entry.for_everyone:
                found.everywhere.add(n)
            for area in listing.service_area:
                if area in ("prefecture", "national"):
                    continue
                if area in reg.regions:
                    found.by_region.setdefault(area, set()).add(n)
                else:
                    found.by_town.setdefault(area, set()).add(n)
        return found

    def for_town(self, town: Municipality) -> list[Entry]:
        """In display order (the order of `Index.entries`)."""
        found = self.by_town.get(town.code, set()) | self.by_region.get(town.region, set()) | self.everywhere
        return [self.entries[n] for n in sorted(found)]


def _town_view(index: Index, town: Municipality, candidates: dict[str, _Candidates]) -> TownView:
    region = index.registry.regions[town.region]
    view = TownView(town=town, region=region, health_office=town.code in region.health_office.covers)
    nearest = lambda entries: sorted(entries, key=lambda e: (e.km_from(town), e.listing.name_kana))  # noqa: E731
    elsewhere = []
    for entry in candidates["windows"].for_town(town):
        here = entry.listing.municipality == town.code or town.code in entry.listing.service_area
        if entry.level == "national":
            view.national.append(entry)
        elif here:
            view.own.append(entry)
        elif entry.level in WIDE_LEVELS and entry.serves(town):
            view.wide.append(entry)
        elif entry.accepts(town):
            elsewhere.append(entry)
    # Nearby ibasho, family groups (the `Kind.nearby` kinds): anything that takes this town's residents, plus places
    # in the same region (whether they take outsiders is shown on their page).
    nearby = {
        kind: nearest(
            e
            for e in candidates[kind].for_town(town)
            if e.accepts(town) or (e.town is not None and e.town.region == town.region)
        )
        for kind in (k.folder for k in NEARBY)
    }
    # stable: adults' windows located here, then those naming the town from elsewhere; children's after
    view.own.sort(key=lambda e: (e.for_children, e.listing.municipality != town.code))
    sections = {"elsewhere": nearest(elsewhere)} | nearby
    seen, no_phone = set(), []
    for entry in view.own + sections["elsewhere"] + view.wide + [e for k in nearby for e in nearby[k]] + view.national:
        if entry.no_phone and entry.accepts(town) and entry.id not in seen:
            seen.add(entry.id)
            no_phone.append(entry)
    sections["no_phone"] = sorted(no_phone, key=lambda e: e.for_children)  # stable: nearest first otherwise
    for name, entries in sections.items():
        if name in nearby:
            view.nearby[name] = entries[:TOWN_PAGE_CARDS]
        else:
            setattr(view, name, entries[:TOWN_PAGE_CARDS])
        view.totals[name] = len(entries)
    view.shown = _on_page(view)
    view.counts = {"windows": len(view.own)} | {
        kind: sum(1 for e in nearby[kind] if e.listing.municipality == town.code) for kind in nearby
    }
    return view


def _on_page(view: TownView) -> dict[str, list[Entry]]:
    """Each section's cards on the town page, in page order, no card twice: the no-phone section leaves out the
    town's windows above it (their cards say so), and the sections below leave out what it showed."""
    seen = {e.id for e in view.own}
    no_phone = [e for e in view.no_phone if e.id not in seen]
    seen |= {e.id for e in no_phone}
    later = ("wide", "elsewhere", *view.nearby, "national")
    return {"own": view.own, "no_phone": no_phone} | {
        name: [e for e in view.section(name) if e.id not in seen] for name in later
    }


def region_calendar_path(region: Region) -> str:
    return f"{API}calendars/regions/{region.id}.ics"


# ---------------------------------------------------------------- location precision (the one rule)


@dataclass(frozen=True)
class PublicPoint:
    """Where a listing may be shown, and what of its address may be published.

    `shown` is "exact" (the listing's own coordinates), "approximate" (rounded) or "town" (the
    municipality's representative point stands in: the listing hides its place or gave no coordinates).
    """

    lat: float
    lon: float
    shown: str
    town: Municipality | None
    address: str | None
    postal_code: str | None


def public_point(entry: Entry) -> PublicPoint | None:
    """Where maps, pages and open-data exports put a listing, built on `published()` (the one rule).

    `precision: municipality` → the town's point, no address, no postal code, never its own
    coordinates; `approximate` → rounded coordinates; no coordinates → the town's point (address
    kept); no town and no coordinates (national services) → None: no place.
    """
    loc, town = entry.public.location, entry.town
    address = loc.address if loc else None
    postal_code = loc.postal_code if loc else None
    if loc is not None and loc.lat is not None and loc.lon is not None:
        return PublicPoint(loc.lat, loc.lon, loc.precision, town, address, postal_code)
    if town is None:
        return None
    return PublicPoint(town.lat, town.lon, "town", town, address, postal_code)
