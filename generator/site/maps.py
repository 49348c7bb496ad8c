"""Stage 5 (maps) — what each page's map shows, and one marker-data file per map.

Every town page, region page, list page and `/map/` has a map. This module decides which listings
each map holds (`town_map`, `region_map`, `kind_map`, `all_map`) and writes each map as a small JSON
file under `map/data/` (`map_files`), which the page loads only after the visitor presses 「地図を表示」.
The page itself carries only the text alternative: the places as a list with links; on a list page,
the cards above the map; on `/map/` with more than `LIST_LIMIT` places, one line per region linking to
the region's page, which has its own map and list (so /map/ stays light at national scale).

The marker file is not GeoJSON (the open data's `api/v1/listings.geojson` is): one array per marker
holding only what the script cannot derive, and tables for the words every marker shares (`map_data`
documents the layout; `hub-map.js` reads it). At 16,000 listings /map/'s file is a quarter of the
GeoJSON it replaced, two thirds once gzipped (6.5 MB → 1.5 MB; 401 KB → 269 KB).

folium is the map's model, not its HTML: its `TileLayer` defines the 地理院タイル layer (URL,
attribution, zoom range, Leaflet option names) and its `get_bounds` the area each map opens on.
We do not ship folium's rendered HTML: it loads Leaflet, jQuery, Bootstrap, Font Awesome and more from
CDNs, creates the tile layer (a request to 国土地理院) on page load and inlines every marker into every
page. A small site-local script (`docs/assets/javascripts/hub-map.js`) instantiates the vendored
Leaflet from these files instead, so a page without a pressed button weighs only its list.

Where a listing may be shown is decided by `index.public_point` alone (precision rules).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..registry import urls
from ..registry.index import Entry, Index, PublicPoint, TownView, public_point
from ..registry.kinds import BY_FOLDER, FOLDERS, KINDS
from ..registry.models import Municipality, Region
from ..registry.vocab import METHOD_JA

if TYPE_CHECKING:  # folium (and numpy, which it loads) is imported where marker files are made, not by pages
    import folium

DATA_DIR = "map/data"
GSI_TILES = "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"
GSI_TERMS = "https://maps.gsi.go.jp/development/ichiran.html"
GSI_ATTRIBUTION = f'<a href="{GSI_TERMS}">地理院タイル</a>'
# One letter per kind on the marker and in the legend, so kinds are not told apart by colour alone.
# How to read a marker's position ({town}: the town's name), by `Marker.note_code`.
NOTES = (
    "",
    "おおよその位置に表示しています。",
    "所在地は公開していません (印は{town}の代表点)。",
    "印は{town}の代表点で、正確な場所ではありません。",
)
COORD_DECIMALS = 5  # about 1 m: finer than any map zoom shows; never finer than public_point gives
LIST_LIMIT = 200  # above this, /map/'s text alternative is one line per region instead of every place
ROW_FIELDS = ("kind", "id", "name", "town", "methods", "note", "lat", "lon")


@dataclass(frozen=True)
class Marker:
    entry: Entry
    point: PublicPoint

    @property
    def note_code(self) -> int:
        """Which of `NOTES` says how to read the marker's position."""
        if self.point.shown == "approximate":
            return 1
        if self.point.shown == "town":
            location = self.entry.listing.location
            return 2 if location is not None and location.precision == "municipality" else 3
        return 0

    @property
    def note(self) -> str:
        """How to read the marker's position, in the popup and in the list."""
        return NOTES[self.note_code].format(town=self.point.town.name if self.point.town else "")


@dataclass(frozen=True)
class RegionGroup:
    """One line of a grouped text alternative: a region's places on this map, by kind."""

    region: Region
    counts: dict[str, int]  # kind → places

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class MapView:
    """One map: its markers, the places on the page that have no point, and the area it opens on."""

    name: str  # file stem under map/data/: town-202011, region-hokushin, windows, all
    label: str  # 長野市とその周りの地図
    markers: list[Marker]
    unplaced: list[Entry] = field(default_factory=list)  # national services and others without a place
    area: list[Municipality] = field(default_factory=list)  # towns that must be in view
    focus: Municipality | None = None  # the town the page is about
    listed_above: bool = False  # a list page: its cards are the text alternative, not repeated below
    groups: list[RegionGroup] | None = None  # too many places for one list: a line per region instead
    ungrouped: list[Marker] = field(default_factory=list)  # with `groups`: places that have no region

    @property
    def path(self) -> str:
        return f"{DATA_DIR}/{self.name}.json"

    @property
    def bounds(self) -> list[list[float]]:
        """[[south, west], [north, east]] around the area's towns and every marker."""
        from folium.utilities import get_bounds

        points = [[t.lat, t.lon] for t in self.area] + [[m.point.lat, m.point.lon] for m in self.markers]
        return get_bounds(points)


# ---------------------------------------------------------------- which places each map holds


def _markers(entries: list[Entry], keep: Callable[[Entry], bool] = lambda e: True) -> tuple[list[Marker], list[Entry]]:
    """One marker per listing (first occurrence wins), and the listings that have no place at all."""
    seen: set[str] = set()
    markers, unplaced = [], []
    for entry in entries:
        if entry.id in seen:
            continue
        seen.add(entry.id)
        point = public_point(entry)
        if point is None:
            unplaced.append(entry)
        elif keep(entry):
            markers.append(Marker(entry, point))
    return markers, unplaced


def _in_region(region_id: str) -> Callable[[Entry], bool]:
    return lambda e: e.town is not None and e.town.region == region_id


def town_map(index: Index, view: TownView) -> MapView:
    """The listings the town page shows that stand in the town's region (the town in view)."""
    shown = view.own + view.elsewhere + view.wide + view.nearby_entries + view.national
    markers, unplaced = _markers(shown, _in_region(view.town.region))
    return MapView(
        f"town-{view.town.code}",
        f"{view.town.name}と{view.region.name}の地図",
        markers,
        unplaced,
        area=[view.town],
        focus=view.town,
    )


def region_map(index: Index, region: Region) -> MapView:
    entries = [e for kind in FOLDERS for e in index.in_region(region, kind)] + index.wide_for_region(region)
    markers, unplaced = _markers(entries, _in_region(region.id))
    area = [index.registry.municipalities[c] for c in region.municipalities]
    return MapView(f"region-{region.id}", f"{region.name}の地図", markers, unplaced, area=area)


def kind_map(index: Index, kind: str) -> MapView:
    markers, unplaced = _markers(index.entries[kind])
    return MapView(
        kind,
        f"{BY_FOLDER[kind].label}の地図",
        markers,
        unplaced,
        area=list(index.registry.municipalities.values()),
        listed_above=True,
    )


def all_map(index: Index) -> MapView:
    markers, unplaced = _markers(index.all_entries)
    view = MapView("all", "すべての掲載の地図", markers, unplaced, area=list(index.registry.municipalities.values()))
    if len(markers) > LIST_LIMIT:
        view.groups, view.ungrouped = _by_region(index, markers)
    return view


def _by_region(index: Index, markers: list[Marker]) -> tuple[list[RegionGroup], list[Marker]]:
    """Each region's places by kind (regions in their usual order, empty ones left out), and the rest."""
    counts: dict[str, dict[str, int]] = {rid: {} for rid in index.registry.regions}
    rest = []
    for m in markers:
        town = m.point.town
        if town is None or town.region not in counts:
            rest.append(m)
            continue
        by_kind = counts[town.region]
        by_kind[m.entry.kind] = by_kind.get(m.entry.kind, 0) + 1
    groups = [
        RegionGroup(index.registry.regions[rid], {k: c[k] for k in FOLDERS if k in c}) for rid, c in counts.items() if c
    ]
    return groups, rest


def all_maps(index: Index) -> list[MapView]:
    maps = [town_map(index, view) for view in index.towns.values()]
    maps += [region_map(index, region) for region in index.registry.regions.values()]
    maps += [kind_map(index, kind) for kind in FOLDERS]
    return maps + [all_map(index)]


# ---------------------------------------------------------------- the marker-data files


def tile_layer() -> folium.TileLayer:
    """地理院タイル (標準地図): the only tiles, fetched only after the visitor presses 「地図を表示」."""
    import folium

    return folium.TileLayer(GSI_TILES, attr=GSI_ATTRIBUTION, name="地理院タイル", min_zoom=5, max_zoom=18)


@functools.cache
def tiles_config() -> dict:
    """The same for every map; made once (folium asks xyzservices to look the provider up, ~8 ms a time)."""
    from folium.utilities import camelize

    layer = tile_layer()
    return {"url": layer.tiles, "options": {camelize(k): v for k, v in layer.options.items()}}


def _coords(lat: float, lon: float) -> list[float]:
    from folium.utilities import validate_location

    lat, lon = validate_location([lat, lon])
    return [round(lat, COORD_DECIMALS), round(lon, COORD_DECIMALS)]


def map_data(view: MapView, methods: dict[str, str]) -> dict:
    """What the script needs to draw one map, and nothing it can derive; never an address.

    `markers` holds one row per marker, its fields named by `fields`: kind (index into `kinds`:
    [kind, label, glyph]; the listing's page is `route` with {kind} and {id} filled in), id, name, town (index into
    `towns`: [name, lat, lon], or null), methods (indexes into `methods`, in the listing's order), note (index
    into `notes`, where {town} stands for the town's name), then lat and lon — left out when the marker
    stands on its town's point, which the town's row gives.
    """
    kinds = list(FOLDERS)
    method_index = {m: i for i, m in enumerate(methods)}
    towns: dict[str, int] = {}
    town_rows = []
    rows = []
    for marker in view.markers:
        entry, point, town = marker.entry, marker.point, marker.point.town
        coords = _coords(point.lat, point.lon)
        if town is not None and town.code not in towns:
            towns[town.code] = len(town_rows)
            town_rows.append([town.name, *_coords(town.lat, town.lon)])
        row = [
            kinds.index(entry.kind),
            entry.id,
            entry.listing.name,
            towns[town.code] if town else None,
            [method_index[m] for m in entry.listing.methods],
            marker.note_code,
        ]
        if town is None or coords != town_rows[towns[town.code]][1:]:
            row += coords
        rows.append(row)
    return {
        "format": "hub-map/1",
        "name": view.label,
        "view": view.bounds,
        "focus": {"name": view.focus.name, "lat": view.focus.lat, "lon": view.focus.lon} if view.focus else None,
        "tiles": tiles_config(),
        "kinds": [[k.folder, k.label, k.glyph] for k in KINDS],
        "route": urls.ROUTES["listing"],  # the one URL rule (registry/urls.py): hub-map.js builds no address
        "methods": list(methods.values()),
        "notes": list(NOTES),
        "towns": town_rows,
        "fields": list(ROW_FIELDS),
        "markers": rows,
    }


def map_files(index: Index) -> dict[str, str]:
    """{site-relative path: JSON text} for every map; written beside the pages by the generator."""
    return {
        view.path: json.dumps(map_data(view, METHOD_JA), ensure_ascii=False, separators=(",", ":")) + "\n"
        for view in all_maps(index)
    }


def template_globals(index: Index) -> dict:
    """What the page templates call to place a map."""
    return {
        "town_map": lambda view: town_map(index, view),
        "region_map": lambda region: region_map(index, region),
        "kind_map": lambda kind: kind_map(index, kind),
        "all_map": lambda: all_map(index),
    }
