"""Maps (generator/site/maps.py, index.public_point, hub-map.js): what each map holds, that a hidden place
stays hidden in every built file, and — in Debian's chromium — that nothing leaves the site until the
visitor presses 「地図を表示」, after which only 国土地理院's tile server is contacted."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from pathlib import Path
from urllib.parse import urlparse

import folium
import pytest
from conftest import FIXTURES, ROOT, TODAY, copy_project, run_generator

from generator.registry.checks import load_registry
from generator.registry.furigana import strip_ruby
from generator.registry.index import build_index, public_point
from generator.registry.kinds import FOLDERS
from generator.site.maps import LIST_LIMIT, all_map, kind_map, map_data, map_files, region_map, town_map
from generator.site.render import METHOD_JA

MAP_FIXTURES = FIXTURES / "maps"  # synthetic listings added to a copy of the real data
GOLDEN = ROOT / "tests" / "golden" / "maps"
TILE_HOST = "cyberjapandata.gsi.go.jp"
HIDDEN = {"address": "テスト非公開町9-87-65", "postal_code": "399-9876", "lat": "35.6873", "lon": "137.9246"}


def real_index():
    return build_index(load_registry(ROOT, TODAY), TODAY)


def index_with_fixtures(root: Path):
    """The real data plus the synthetic hidden and approximate listings."""
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(MAP_FIXTURES, root / "data", dirs_exist_ok=True)
    registry = load_registry(root, TODAY)
    assert not registry.errors, [p.format() for p in registry.errors]
    return build_index(registry, TODAY)


def entry(index, listing_id):
    return next(e for e in index.all_entries if e.id == listing_id)


def ids(markers):
    return [m.entry.id for m in markers]


def rows(data: dict) -> dict[str, dict]:
    """A marker file's rows as the script reads them (hub-map.js `place`), by listing id."""
    out = {}
    for row in data["markers"]:
        named = dict(zip(data["fields"], row))
        kind, label, glyph = data["kinds"][named["kind"]]
        town = data["towns"][named["town"]] if named["town"] is not None else None
        out[named["id"]] = {
            "url": f"{kind}/{named['id']}/",
            "name": named["name"],
            "kind": label,
            "glyph": glyph,
            "town": town[0] if town else "",
            "methods": [data["methods"][i] for i in named["methods"]],
            "note": data["notes"][named["note"]].replace("{town}", town[0] if town else ""),
            "latlng": [named["lat"], named["lon"]] if "lat" in named else town[1:],
        }
    return out


# ---------------------------------------------------------------- the precision rule


def test_municipality_precision_stands_on_the_town_point_without_address(tmp_path):
    index = index_with_fixtures(tmp_path)
    hidden = entry(index, "test-hidden-ibasho")
    point = public_point(hidden)
    iijima = index.registry.municipalities["203840"]
    assert (point.lat, point.lon, point.shown) == (iijima.lat, iijima.lon, "town")
    assert point.address is None and point.postal_code is None
    assert hidden.point() == (iijima.lat, iijima.lon)  # distances on cards use the same rule
    marker = next(m for m in town_map(index, index.towns["203840"]).markers if m.entry.id == "test-hidden-ibasho")
    assert marker.note == "所在地は公開していません (印は飯島町の代表点)。"


def test_approximate_coordinates_are_rounded_and_said_so(tmp_path):
    index = index_with_fixtures(tmp_path)
    point = public_point(entry(index, "test-approx-kazokukai"))
    assert (point.lat, point.lon, point.shown) == (35.67, 137.91, "approximate")
    data = map_data(kind_map(index, "family-groups"), METHOD_JA)
    marker = rows(data)["test-approx-kazokukai"]
    assert marker["latlng"] == [35.67, 137.91]
    assert next(r for r in data["markers"] if r[1] == "test-approx-kazokukai")[-2:] == [35.67, 137.91]
    assert marker["note"] == "おおよその位置に表示しています。"


def test_no_coordinates_means_the_town_point_and_national_services_have_no_place():
    index = real_index()
    nagano = index.registry.municipalities["202011"]
    point = public_point(entry(index, "maisapo-nagano-city"))  # an address, no coordinates
    assert (point.lat, point.lon, point.shown) == (nagano.lat, nagano.lon, "town")
    assert point.address.startswith("長野市大字鶴賀緑町")
    assert public_point(entry(index, "yorisoi-hotline")) is None


# ---------------------------------------------------------------- which places each map holds (real data)


def test_each_map_holds_the_listings_of_its_page():
    index = real_index()
    located = {e.id for e in index.all_entries if e.listing.municipality}
    assert set(ids(all_map(index).markers)) == located and len(located) >= 30
    assert {e.id for e in all_map(index).unplaced} == {e.id for e in index.all_entries} - located
    for kind in FOLDERS:
        assert set(ids(kind_map(index, kind).markers)) == {e.id for e in index.entries[kind] if e.listing.municipality}
    nagano = town_map(index, index.towns["202011"])
    assert {"anoetto-nagano-city", "maisapo-nagano-city", "nagano-city-kokoro-sodan"} <= set(ids(nagano.markers))
    assert "maisapo-matsumoto" not in ids(nagano.markers)  # another region's window is not on 長野市's map
    assert "yorisoi-hotline" in {e.id for e in nagano.unplaced}
    # 飯島町's page shows the ibasho in 伊那市 (same region); its map holds it and opens on both towns
    iijima = town_map(index, index.towns["203840"])
    assert "ina-maisapo-room" in ids(iijima.markers)
    ina = index.registry.municipalities["202096"]
    (south, west), (north, east) = iijima.bounds
    assert south <= ina.lat <= north and west <= ina.lon <= east
    kamiina = set(ids(region_map(index, index.registry.regions["kamiina"]).markers))
    assert {"ina-maisapo-room", "maisapo-ina", "hamuing-hami-spo"} <= kamiina and "maisapo-matsumoto" not in kamiina


def test_every_map_file_is_written_and_carries_the_gsi_tiles():
    index = real_index()
    files = map_files(index)
    assert len(files) == len(index.towns) + len(index.registry.regions) + len(FOLDERS) + 1
    data = json.loads(files["map/data/all.json"])
    assert data["tiles"]["url"] == "https://" + TILE_HOST + "/xyz/std/{z}/{x}/{y}.png"
    assert (
        data["tiles"]["options"]["attribution"]
        == '<a href="https://maps.gsi.go.jp/development/ichiran.html">地理院タイル</a>'
    )
    assert data["tiles"]["options"]["maxZoom"] == 18  # folium's option names, camelCased for Leaflet


def test_marker_file_golden(tmp_path):
    """Fixture data → the exact marker file of 飯島町's map (exact, hidden and town-point markers)."""
    shutil.copytree(FIXTURES / "valid" / "data", tmp_path / "data")
    index = build_index(load_registry(tmp_path, TODAY), TODAY)
    text = map_files(index)["map/data/town-203840.json"]
    golden = GOLDEN / "town-203840.json"  # pretty-printed for review; the site's file is compact
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(json.dumps(json.loads(text), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert json.loads(text) == json.loads(golden.read_text(encoding="utf-8"))
    assert "\n" not in text.rstrip("\n")  # compact: a page's map stays light
    assert "非公開のテスト住所" not in text


def test_marker_rows_hold_what_the_popup_shows_and_nothing_it_can_derive():
    """The compact file (not GeoJSON): a row per marker; a marker on its town's point carries no coordinates."""
    index = real_index()
    data = json.loads(map_files(index)["map/data/all.json"])
    assert data["format"] == "hub-map/1" and "features" not in data and "type" not in data
    assert data["fields"] == ["kind", "id", "name", "town", "methods", "note", "lat", "lon"]
    ina = index.registry.municipalities["202096"]
    markers = rows(data)
    assert markers["ina-maisapo-room"] == {  # no coordinates in its file: 伊那市's point stands in
        "url": "ibasho/ina-maisapo-room/",
        "name": "まいさぽ伊那ルーム (オンラインの居場所)",
        "kind": "居場所",
        "glyph": "居",
        "town": "伊那市",
        "methods": ["オンライン・チャット", "LINE"],
        "note": "印は伊那市の代表点で、正確な場所ではありません。",
        "latlng": [round(ina.lat, 5), round(ina.lon, 5)],
    }
    assert len(next(r for r in data["markers"] if r[1] == "ina-maisapo-room")) == 6
    for listing_id, marker in markers.items():  # every link is the listing's own page
        assert marker["url"] == entry(index, listing_id).url
    assert all(len(str(c).split(".")[-1]) <= 5 for m in markers.values() for c in m["latlng"])


def render_map_page(index, template: str, **context) -> str:
    from generator.site.render import environment

    return environment(index).get_template(template).render(**context)


def test_map_page_lists_every_place_while_few(monkeypatch):
    index = real_index()
    assert len(all_map(index).markers) <= LIST_LIMIT
    text = render_map_page(index, "map.md.j2", root="../", path="map/index.md")
    places = text.split('<ul class="hub-map__list">', 1)[1].split("</ul>")[0]
    assert places.count("<li>") == len(all_map(index).markers) and '<a href="../ibasho/ina-maisapo-room/">' in places
    assert "地域ごとにまとめています" not in text and "下の一覧で同じ場所を見られます。" in text


def test_map_page_groups_its_places_by_region_when_many(monkeypatch):
    """At national scale /map/ would list every place: above LIST_LIMIT it lists each region instead,
    linking to the region's page, whose own list holds every one of that region's places."""
    import generator.site.maps

    monkeypatch.setattr(generator.site.maps, "LIST_LIMIT", 2)
    index = real_index()
    text = render_map_page(index, "map.md.j2", root="../", path="map/index.md")
    block = text.split('class="hub-map"', 1)[1]
    assert f"<strong>地図にある場所 ({len(all_map(index).markers)}件)</strong>" in block
    assert "場所が多いため、地域ごとにまとめています。" in block
    assert "下の一覧から地域ごとに同じ場所を見られます。" in text
    places = block.split('<ul class="hub-map__list hub-map__regions">', 1)[1].split("</ul>")[0]
    lines = re.findall(
        r'<li><a href="\.\./regions/([a-z-]+)/">([^<]+)</a> <span class="hub-muted">([^<]+)</span></li>', places
    )
    assert places.count("<li>") == len(lines)
    placed = {m.entry.id: m for m in all_map(index).markers}
    expected = [
        rid
        for rid, region in index.registry.regions.items()
        if any(m.entry.town and m.entry.town.region == rid for m in placed.values())
    ]
    assert [
        rid for rid, _name, _counts in lines
    ] == expected  # data/regions.yml's order; regions without a place left out
    assert sum(int(counts.split("件")[0]) for _rid, _name, counts in lines) == len(placed)
    assert "まいさぽ伊那ルーム" not in block  # the places themselves are on the region pages
    for rid, _name, _counts in lines:
        region = index.registry.regions[rid]
        page = render_map_page(index, "region.md.j2", root="../../", path=f"regions/{rid}.md", region=region)
        listed = page.split('<ul class="hub-map__list">', 1)[1].split("</ul>")[0]
        for m in all_map(index).markers:
            if m.point.town.region == rid:
                assert f'<a href="../../{m.entry.url}">' in listed, (rid, m.entry.id)


# ---------------------------------------------------------------- vendored Leaflet


def test_vendored_leaflet_matches_its_pins():
    vendor = ROOT / "docs" / "assets" / "vendor"
    sums = (ROOT / "generator" / "vendor" / "SHA256SUMS").read_text().split("\n")
    listed = {}
    for line in filter(None, sums):
        digest, name = line.split("  ", 1)
        listed[name.removeprefix("./")] = digest
    on_disk = {
        str(p.relative_to(vendor)): hashlib.sha256(p.read_bytes()).hexdigest() for p in vendor.rglob("*") if p.is_file()
    }
    assert on_disk == listed, "docs/assets/vendor/ differs from generator/vendor/SHA256SUMS: run `make vendor`"
    pins = json.loads((ROOT / "generator" / "vendor" / "package.json").read_text())["dependencies"]
    assert (vendor / "leaflet" / "leaflet.js").read_text()[:60].find(f"Leaflet {pins['leaflet']},") > 0
    # folium's own HTML names the Leaflet it is written for; keep to the same minor line
    folium_leaflet = re.search(r"leaflet@(\d+\.\d+)\.", str(folium.Map.default_js)).group(1)
    assert pins["leaflet"].startswith(folium_leaflet + ".")


# ---------------------------------------------------------------- the built site


def map_pages(site: Path, index) -> dict[Path, str]:
    pages = {site / "municipalities" / code / "index.html": f"map/data/town-{code}.json" for code in index.towns}
    pages |= {site / "regions" / rid / "index.html": f"map/data/region-{rid}.json" for rid in index.registry.regions}
    pages |= {site / kind / "index.html": f"map/data/{kind}.json" for kind in FOLDERS}
    pages[site / "map" / "index.html"] = "map/data/all.json"
    return pages


def test_every_map_page_has_its_list_and_loads_nothing_until_asked(built_site):
    index = real_index()
    for page, data_path in map_pages(built_site, index).items():
        text = strip_ruby(page.read_text(encoding="utf-8"))
        root = re.search(r'data-hub-map="((?:\.\./)*)' + re.escape(data_path) + '"', text)
        assert root, (page, data_path)
        markers = rows(json.loads((built_site / data_path).read_text(encoding="utf-8")))
        block = text.split('class="hub-map"', 1)[1]
        if data_path.split("/")[-1] in ("windows.json", "ibasho.json", "family-groups.json"):
            # a list page: the cards above the map are its text alternative, each marker among them
            assert 'class="hub-map__list"' not in block, page
            assert ('<a href="#list">上の一覧</a>' in block) == bool(markers), page
            cards = text.split('id="list"', 1)[1].split('class="hub-map"', 1)[0]
            assert all(f'href="../{m["url"]}"' in cards for m in markers.values()), page
            continue
        places = block.split('<ul class="hub-map__list">', 1)[1].split("</ul>")[0] if markers else ""
        assert places.count("<li>") == len(markers), page  # the text alternative
        assert all(f'href="{root.group(1)}{m["url"]}"' in places for m in markers.values()), page
        assert "決まった場所がないため地図にはのっていません" in block
        assert (
            '<button type="button" class="md-button md-button--primary hub-map__show" hidden>地図を表示</button>'
            in text
        )
        assert "国土地理院のサーバー" in text
        body = text.split("</head>", 1)[1]  # the CSP in <head> names the tile host it allows
        assert TILE_HOST not in body and "leaflet.js" not in text  # both only after the button
    privacy = strip_ruby((built_site / "privacy" / "index.html").read_text(encoding="utf-8"))
    assert "localStorage" in privacy and "地図を表示" in privacy


def test_hidden_place_never_reaches_any_built_file(tmp_path):
    root = copy_project(tmp_path)
    shutil.copytree(MAP_FIXTURES, root / "data", dirs_exist_ok=True)
    result = run_generator(root, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    site = root / "site"
    assert (site / "ibasho" / "test-hidden-ibasho" / "index.html").exists()
    found = {key: [] for key in HIDDEN}
    rounded = []
    for path in site.rglob("*"):
        if path.is_file():
            text = strip_ruby(path.read_bytes().decode("utf-8", errors="ignore"))  # a reading must not hide a leak
            for key, value in HIDDEN.items():
                if value in text:
                    found[key].append(str(path.relative_to(site)))
            if ",35.67,137.91]" in text:
                rounded.append(str(path.relative_to(site)))
    assert found == {key: [] for key in HIDDEN}
    # the scan does read the marker files: the approximate listing's rounded point is there
    assert "map/data/family-groups.json" in rounded
    listing = strip_ruby((site / "ibasho" / "test-hidden-ibasho" / "index.html").read_text(encoding="utf-8"))
    assert "所在地は公開していません" in listing


# ---------------------------------------------------------------- in the browser

playwright = pytest.importorskip("playwright.sync_api")
from test_browser import browser, server  # noqa: E402,F401  (shared fixtures: chromium and the built site)


@pytest.fixture
def visitor(browser):  # noqa: F811
    """A phone whose requests to other hosts are recorded and aborted (the tiles are never fetched)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP", is_mobile=True)
    page = context.new_page()
    page.outside = []
    page.local = []

    def route(route):
        if urlparse(route.request.url).hostname == "127.0.0.1":
            page.local.append(route.request.url)
            route.continue_()
        else:
            page.outside.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    yield page
    assert context.cookies() == [], "the site must set no cookie"
    context.close()


def visible_markers(page) -> int:
    """Markers as a visitor counts them: single pins plus the numbers on cluster bubbles."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('.hub-map .leaflet-marker-icon'))
        .reduce((n, el) => n + (el.classList.contains('marker-cluster') ? parseInt(el.textContent, 10) : 1), 0)""")


def wait_until(condition, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.mark.browser
@pytest.mark.parametrize(
    "url, data",
    [
        ("/municipalities/202011/", "map/data/town-202011.json"),
        ("/windows/", "map/data/windows.json"),
        ("/map/", "map/data/all.json"),
    ],
)
def test_tiles_only_after_the_button_and_every_marker_shown(visitor, server, built_site, url, data):  # noqa: F811
    expected = len(json.loads((built_site / data).read_text(encoding="utf-8"))["markers"])
    visitor.goto(server + url)  # waits for "load"; later requests from page load are caught below as well
    button = visitor.get_by_role("button", name="地図を表示")
    button.wait_for()
    assert visitor.outside == [], "a request left the site before the button was pressed"
    assert not any("leaflet" in u or "/map/data/" in u for u in visitor.local), "the map loaded unasked"
    if url == "/windows/":  # a list page: its cards are the text alternative
        assert visitor.locator(".hub-card").count() >= expected > 0
    else:
        assert visitor.locator(".hub-map__list li").count() == expected
    button.focus()  # keyboard users reach it like any button
    visitor.keyboard.press("Enter")
    visitor.wait_for_selector(".hub-map[data-markers]")
    assert wait_until(lambda: visitor.outside), "no tile was requested after pressing the button"
    assert {urlparse(u).hostname for u in visitor.outside} == {TILE_HOST}  # everything since page load
    assert all(
        re.fullmatch(r"https://cyberjapandata\.gsi\.go\.jp/xyz/std/\d+/\d+/\d+\.png", u) for u in visitor.outside
    )
    assert wait_until(lambda: visible_markers(visitor) == expected), (visible_markers(visitor), expected)
    assert (
        visitor.locator(".leaflet-control-attribution a", has_text="地理院タイル").get_attribute("href")
        == "https://maps.gsi.go.jp/development/ichiran.html"
    )


@pytest.mark.browser
def test_a_remembered_choice_lives_in_local_storage_only(visitor, server):  # noqa: F811
    visitor.goto(server + "/ibasho/")
    visitor.get_by_label("この端末で、次からも地図を自動で表示する").check()
    visitor.get_by_role("button", name="地図を表示").click()
    visitor.wait_for_selector(".hub-map[data-markers]")
    assert visitor.evaluate("localStorage.getItem('hub-map-consent')") == "1"
    visitor.outside.clear()
    visitor.goto(server + "/family-groups/")  # the next page shows its map without asking again
    visitor.wait_for_selector(".hub-map[data-markers]")
    assert wait_until(lambda: visitor.outside)
    visitor.get_by_role("button", name="次から自動で表示しない").click()
    assert visitor.evaluate("localStorage.getItem('hub-map-consent')") is None
    assert visitor.evaluate("document.cookie") == ""


@pytest.mark.browser
def test_without_javascript_the_list_is_the_map(browser, server):  # noqa: F811
    context = browser.new_context(java_script_enabled=False, locale="ja-JP")
    page = context.new_page()
    page.goto(server + "/municipalities/203840/")
    assert page.get_by_role("link", name="まいさぽ伊那ルーム (オンラインの居場所)").last.is_visible()
    assert not page.get_by_role("button", name="地図を表示").is_visible()
    assert "地図の表示には JavaScript が必要です" in page.locator(".hub-map").inner_text()
    context.close()


@pytest.mark.browser
def test_a_popup_holds_the_name_kind_note_and_link(visitor, server):  # noqa: F811
    """安曇野市's family meeting gives no place: its marker stands on 安曇野市's point, taken from the town table."""
    name = "安曇野市 ひきこもりの家族の交流会"
    visitor.goto(server + "/family-groups/")
    visitor.get_by_role("button", name="地図を表示").click()
    visitor.wait_for_selector(".hub-map[data-markers]")
    pin = visitor.locator(f'.leaflet-marker-icon[title="{name}"]')
    assert pin.inner_text() == "家"
    pin.click()
    popup = visitor.locator(".leaflet-popup-content")
    popup.wait_for()
    assert [line for line in popup.inner_text().split("\n") if line] == [
        name,
        "家族会・親の会 ・ 安曇野市",
        "方法: 来所 (出向いて相談)",
        "印は安曇野市の代表点で、正確な場所ではありません。",
    ]
    popup.get_by_role("link", name=name).click()
    visitor.wait_for_url(server + "/family-groups/azumino-kazoku-koryukai/")
    assert visitor.locator("h1").inner_text().startswith("安曇野市 ひきこもりの家族の交流会")


@pytest.mark.browser
def test_names_in_the_marker_file_are_shown_as_text_never_as_markup(visitor, server, built_site):  # noqa: F811
    """Issue 17: the town's tooltip was written with innerHTML. A marker file whose names carry markup shows it as
    text: in the tooltip, the pins, the popup and the credits, and none of it runs."""
    data = json.loads((built_site / "map/data/town-202011.json").read_text(encoding="utf-8"))
    hostile = '<img src=x onerror="window.__pwned=1">テスト町'
    data["focus"]["name"] = hostile
    data["kinds"] = [[k[0], k[1], '<img src=x onerror="window.__pwned=2">'] for k in data["kinds"]]
    data["markers"] = [
        [row[0], row[1], '<b>テスト</b><img src=x onerror="window.__pwned=3">', *row[3:]] for row in data["markers"][:1]
    ]
    data["tiles"]["options"]["attribution"] = (
        '<a href="https://maps.gsi.go.jp/development/ichiran.html" '
        'onmouseover="window.__pwned=4">地理院タイル</a>'
        '<img src=x onerror="window.__pwned=5">'
    )
    visitor.route(
        "**/map/data/town-202011.json",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(data, ensure_ascii=False)
        ),
    )
    visitor.goto(server + "/municipalities/202011/")
    visitor.get_by_role("button", name="地図を表示").click()
    visitor.wait_for_selector(".hub-map[data-markers]")
    pin = visitor.locator(".hub-map .leaflet-marker-icon").first
    assert pin.inner_text() == data["kinds"][data["markers"][0][0]][2]
    visitor.locator(".hub-map path.leaflet-interactive").first.dispatch_event("mouseover")
    tooltip = visitor.locator(".leaflet-tooltip")
    tooltip.wait_for()
    assert tooltip.inner_text() == hostile
    pin.click(force=True)
    visitor.locator(".leaflet-popup-content").wait_for()
    assert visitor.locator(".leaflet-popup-content a").inner_text() == data["markers"][0][2]
    credit = visitor.locator(".leaflet-control-attribution a", has_text="地理院タイル")
    assert credit.get_attribute("href") == "https://maps.gsi.go.jp/development/ichiran.html"
    assert credit.get_attribute("onmouseover") is None
    assert visitor.locator(".hub-map img:not(.leaflet-tile), .hub-map b").count() == 0
    assert visitor.evaluate("window.__pwned") is None
