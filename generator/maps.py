"""Stage 5 (maps) — what each page's map shows, and one marker-data file per map.

Every town page, region page, list page and `/map/` has a map. This module decides which listings
each map holds (`town_map`, `region_map`, `kind_map`, `all_map`) and writes each map as a GeoJSON
file under `map/data/` (`map_files`), which the page loads only after the visitor presses 「地図を表示」.
The page itself carries only the text alternative (the same places as a list with links).

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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from .index import KIND_LABELS, Entry, Index, PublicPoint, TownView, public_point
from .models import Municipality, Region

if TYPE_CHECKING:  # folium (and numpy, which it loads) is imported where marker files are made, not by pages
    import folium

DATA_DIR = "map/data"
GSI_TILES = "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"
GSI_TERMS = "https://maps.gsi.go.jp/development/ichiran.html"
GSI_ATTRIBUTION = f'<a href="{GSI_TERMS}">地理院タイル</a>'
# One letter per kind on the marker and in the legend, so kinds are not told apart by colour alone.
KIND_GLYPHS = {"windows": "相", "ibasho": "居", "family-groups": "家"}


@dataclass(frozen=True)
class Marker:
    entry: Entry
    point: PublicPoint

    @property
    def note(self) -> str:
        """How to read the marker's position, in the popup and in the list."""
        town = self.point.town.name if self.point.town else ""
        if self.point.shown == "approximate":
            return "おおよその位置に表示しています。"
        if self.point.shown == "town":
            hidden = self.entry.listing.location is not None and self.entry.listing.location.precision == "municipality"
            if hidden:
                return f"所在地は公開していません (印は{town}の代表点)。"
            return f"印は{town}の代表点で、正確な場所ではありません。"
        return ""


@dataclass
class MapView:
    """One map: its markers, the places on the page that have no point, and the area it opens on."""

    name: str                        # file stem under map/data/: town-202011, region-hokushin, windows, all
    label: str                       # 長野市とその周りの地図
    markers: list[Marker]
    unplaced: list[Entry] = field(default_factory=list)  # national services and others without a place
    area: list[Municipality] = field(default_factory=list)  # towns that must be in view
    focus: Municipality | None = None                      # the town the page is about

    @property
    def path(self) -> str:
        return f"{DATA_DIR}/{self.name}.geojson"

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
    shown = view.own + view.elsewhere + view.wide + view.ibasho + view.family_groups + view.national
    markers, unplaced = _markers(shown, _in_region(view.town.region))
    return MapView(f"town-{view.town.code}", f"{view.town.name}と{view.region.name}の地図", markers, unplaced,
                   area=[view.town], focus=view.town)


def region_map(index: Index, region: Region) -> MapView:
    entries = [e for kind in KIND_LABELS for e in index.in_region(region, kind)] + index.wide_for_region(region)
    markers, unplaced = _markers(entries, _in_region(region.id))
    area = [index.registry.municipalities[c] for c in region.municipalities]
    return MapView(f"region-{region.id}", f"{region.name}の地図", markers, unplaced, area=area)


def kind_map(index: Index, kind: str) -> MapView:
    markers, unplaced = _markers(index.entries[kind])
    return MapView(kind, f"{KIND_LABELS[kind]}の地図", markers, unplaced,
                   area=list(index.registry.municipalities.values()))


def all_map(index: Index) -> MapView:
    markers, unplaced = _markers(index.all_entries)
    return MapView("all", "すべての掲載の地図", markers, unplaced, area=list(index.registry.municipalities.values()))


def all_maps(index: Index) -> list[MapView]:
    maps = [town_map(index, view) for view in index.towns.values()]
    maps += [region_map(index, region) for region in index.registry.regions.values()]
    maps += [kind_map(index, kind) for kind in KIND_LABELS]
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


def feature(marker: Marker, methods: dict[str, str]) -> dict:
    """A GeoJSON point with what the popup shows; never an address (the popup links to the page)."""
    from folium.utilities import validate_location
    entry, point = marker.entry, marker.point
    lat, lon = validate_location([point.lat, point.lon])
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "id": entry.id, "name": entry.listing.name, "kind": entry.kind, "kindLabel": entry.kind_label,
            "glyph": KIND_GLYPHS[entry.kind], "url": entry.url, "town": point.town.name if point.town else "",
            "methods": [methods[m] for m in entry.listing.methods], "note": marker.note,
        },
    }


def geojson(view: MapView, methods: dict[str, str]) -> dict:
    """A FeatureCollection plus what the script needs to draw it (foreign members, ignored by GIS tools)."""
    return {
        "type": "FeatureCollection",
        "name": view.label,
        "view": view.bounds,
        "focus": {"name": view.focus.name, "lat": view.focus.lat, "lon": view.focus.lon} if view.focus else None,
        "tiles": tiles_config(),
        "features": [feature(m, methods) for m in view.markers],
    }


def map_files(index: Index) -> dict[str, str]:
    """{site-relative path: GeoJSON text} for every map; written beside the pages by the generator."""
    from .render import METHOD_JA  # render imports this module for its templates
    return {view.path: json.dumps(geojson(view, METHOD_JA), ensure_ascii=False, separators=(",", ":")) + "\n"
            for view in all_maps(index)}


def template_globals(index: Index) -> dict:
    """What the page templates call to place a map."""
    return {
        "town_map": lambda view: town_map(index, view),
        "region_map": lambda region: region_map(index, region),
        "kind_map": lambda kind: kind_map(index, kind),
        "all_map": lambda: all_map(index),
        "KIND_GLYPHS": KIND_GLYPHS,
    }
