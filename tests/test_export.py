"""Stage 6 — export: the JSON files match the JSON Schemas generated from the models, the GeoJSON follows
RFC 7946 inside Nagano, the sitemap matches the built pages, and a private place is private in every file."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, TODAY, copy_project, fixture_data, run_generator

from generator.contribute.sheet import COLUMNS
from generator.engine.pipeline import generate, site_settings
from generator.publish.export import SCHEMAS, export_files, field_rows, schema_of
from generator.registry.checks import NAGANO_BBOX
from generator.registry.furigana import strip_ruby
from generator.registry.kinds import BY_FOLDER, KINDS

SITE = "https://example.org/hub/"
SITE_URL = site_settings(ROOT).site_url  # what the real build uses
SECRET = {  # tests/fixtures/privacy/family-groups/test-secret-kazokukai.yml: precision municipality
    "address": "テスト秘密町9-8-7",
    "building": "ひみつ会館",
    "postal code": "396-0999",
    "lat": "35.84123",
    "lon": "137.96789",
    "lat, 4 places": "35.8412",
    "lon, 4 places": "137.9679",
}
PRIVATE_INA = "非公開のテスト住所"  # tests/fixtures/valid: test-ina-ibasho, precision municipality
APPROXIMATE = {"lat": "35.72954321", "lon": "137.93412345", "lat, 3 places": "35.730", "lon, 3 places": "137.934"}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """(index, pages, files) for the synthetic fixtures with the privacy overlay."""
    root = tmp_path_factory.mktemp("export")
    fixture_data(root, "privacy")
    _registry, index, pages = generate(root, TODAY, site_url=SITE)
    return index, pages, export_files(index, list(pages), SITE)


@pytest.fixture(scope="module")
def real_export():
    _registry, index, pages = generate(ROOT, site_url=SITE)
    return index, pages, export_files(index, list(pages), SITE)


def load(files: dict[str, bytes], path: str):
    return json.loads(files[path].decode("utf-8"))


def validator(name: str, site_url: str = SITE) -> jsonschema.Draft202012Validator:
    schema = schema_of(name, site_url)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


# ---------------------------------------------------------------- JSON against schemas from the models


@pytest.mark.parametrize("which", ["exported", "real_export"])
@pytest.mark.parametrize("name", list(SCHEMAS))
def test_json_exports_match_the_schemas_generated_from_the_models(request, which, name):
    _index, _pages, files = request.getfixturevalue(which)
    path = f"api/v1/{name}" + ("" if name.endswith(".geojson") else ".json")
    errors = sorted(validator(name).iter_errors(load(files, path)), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
    assert load(files, f"api/v1/schemas/{name}.schema.json") == schema_of(name, SITE)


def test_listings_json_is_the_full_model_plus_derived_fields(exported):
    index, _pages, files = exported
    listings = load(files, "api/v1/listings.json")["listings"]
    entries = {e.id: e for e in index.all_entries}
    assert [r["id"] for r in listings] == [e.id for e in index.all_entries]
    for record in listings:
        entry = entries[record["id"]]
        kind, derived = record.pop("kind"), record.pop("derived")
        assert kind == entry.kind
        assert BY_FOLDER[kind].model.model_validate(record) == entry.public
        assert derived["page"] == SITE + entry.url
        assert derived["municipality_name"] == (entry.town.name if entry.town else None)
        assert derived["region_name"] == (entry.region.name if entry.region else None)
    by_id = {r["id"]: r for r in load(files, "api/v1/listings.json")["listings"]}
    assert by_id["test-kazokukai"]["derived"]["calendar"] == SITE + "api/v1/calendars/family-groups/test-kazokukai.ics"
    assert by_id["test-ken-madoguchi"]["derived"]["calendar"] is None


def test_every_file_names_its_licence(exported, real_export):
    for _index, _pages, files in (exported, real_export):
        for name in ("listings", "municipalities", "regions", "messages"):
            about = load(files, f"api/v1/{name}.json")["about"]
            assert about["license"] == "CC BY 4.0"
            assert about["license_url"].startswith("https://creativecommons.org/licenses/by/4.0/")
            assert about["api_version"] == "v1"
        assert load(files, "api/v1/hsds/datapackage.json")["licenses"][0]["name"] == "CC-BY-4.0"
        assert all(b"X-WR-CALNAME" in content for path, content in files.items() if path.endswith(".ics"))


# ---------------------------------------------------------------- GeoJSON


def check_geojson_rules(collection: dict) -> None:
    """RFC 7946: a closed structure (no foreign members), [lon, lat] order, every point inside Nagano."""
    south, north, west, east = NAGANO_BBOX
    assert set(collection) == {"type", "features"} and collection["type"] == "FeatureCollection"
    ids = set()
    for feature in collection["features"]:
        assert set(feature) == {"type", "id", "geometry", "properties"} and feature["type"] == "Feature"
        assert feature["id"] not in ids
        ids.add(feature["id"])
        geometry = feature["geometry"]
        assert set(geometry) == {"type", "coordinates"} and geometry["type"] == "Point"
        lon, lat = geometry["coordinates"]
        assert all(isinstance(v, float) for v in (lon, lat))
        assert west <= lon <= east and south <= lat <= north, (feature["id"], lon, lat)  # lon first
        assert len(str(lon).split(".")[1]) <= 6 and len(str(lat).split(".")[1]) <= 6  # RFC 7946 §11.2
        assert isinstance(feature["properties"], dict)


@pytest.mark.parametrize("which", ["exported", "real_export"])
def test_geojson_rules(request, which):
    _index, _pages, files = request.getfixturevalue(which)
    check_geojson_rules(load(files, "api/v1/listings.geojson"))


def test_geojson_points_respect_precision(exported):
    index, _pages, files = exported
    reg = index.registry
    features = {f["properties"]["id"]: f for f in load(files, "api/v1/listings.geojson")["features"]}
    town = lambda code: [round(reg.municipalities[code].lon, 6), round(reg.municipalities[code].lat, 6)]  # noqa: E731
    # exact: its own point, with its address
    assert features["test-iijima-soudanshitsu"]["geometry"]["coordinates"] == [137.9194, 35.6764]
    assert features["test-iijima-soudanshitsu"]["properties"]["address"] == "テスト町テスト1-1"
    # municipality: the town's point and no address
    for private in ("test-secret-kazokukai", "test-ina-ibasho"):
        assert features[private]["geometry"]["coordinates"] == town("202096")
        assert features[private]["properties"]["point"] == "municipality"
        assert features[private]["properties"]["address"] is None
    # approximate: rounded to 2 places
    assert features["test-approx-ibasho"]["geometry"]["coordinates"] == [137.93, 35.73]
    assert features["test-approx-ibasho"]["properties"]["point"] == "location"
    # no coordinates: the town's point
    assert features["test-kazokukai"]["geometry"]["coordinates"] == town("202100")
    assert features["test-kazokukai"]["properties"]["point"] == "municipality"
    # prefecture-wide without a town: left out
    assert "test-ken-madoguchi" not in features


# ---------------------------------------------------------------- privacy, over every file of a built site


def site_texts(site: Path):
    """Every file of a built site as text: gzip opened, .ics lines unfolded (RFC 5545 §3.1 folds at 75 octets)."""
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        text = data.decode("utf-8", errors="replace")
        if path.suffix == ".ics":
            text = text.replace("\r\n ", "")
        yield path.relative_to(site), text


def test_precision_municipality_exposes_no_address_or_coordinates_in_any_export(fixture_site):
    """Pages, JSON-LD, search index, JSON, CSV, GeoJSON, HSDS, calendars, sitemap: none holds the hidden place."""
    scanned = {str(path) for path, _text in site_texts(fixture_site)}
    assert any(p.startswith("search/d/") for p in scanned) and any(p.startswith("search/t/") for p in scanned)
    for must in (
        "family-groups/test-secret-kazokukai/index.html",
        "sitemap.xml",
        "api/v1/listings.json",
        "api/v1/listings.csv",
        "api/v1/listings.geojson",
        "api/v1/hsds/services.json",
        "api/v1/hsds/locations.csv",
        "api/v1/hsds/addresses.csv",
        "api/v1/calendars/family-groups/test-secret-kazokukai.ics",
        "api/v1/calendars/regions/kamiina.ics",
    ):
        assert must in scanned  # the scan below really covers it
    for path, text in site_texts(fixture_site):
        for what, secret in [*SECRET.items(), ("address", PRIVATE_INA)]:
            assert secret not in text, f"{path} exposes the {what} of a precision: municipality listing"
        for what, value in APPROXIMATE.items():
            assert value not in text, f"{path} exposes the {what} of an approximate listing"


def test_private_place_keeps_its_town_everywhere(exported):
    _index, _pages, files = exported
    record = {r["id"]: r for r in load(files, "api/v1/listings.json")["listings"]}["test-secret-kazokukai"]
    assert record["location"] == {
        "address": None,
        "postal_code": None,
        "lat": None,
        "lon": None,
        "precision": "municipality",
    }
    assert record["municipality"] == "202096" and record["derived"]["municipality_name"] == "伊那市"
    approx = {r["id"]: r for r in load(files, "api/v1/listings.json")["listings"]}["test-approx-ibasho"]
    assert (approx["location"]["lat"], approx["location"]["lon"]) == (35.73, 137.93)


# ---------------------------------------------------------------- sitemap


def test_sitemap_lists_every_built_page_with_lastmod_from_last_verified(built_site):
    xml = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    assert gzip.decompress((built_site / "sitemap.xml.gz").read_bytes()).decode("utf-8") == xml
    entries = dict(re.findall(r"<loc>([^<]+)</loc>(?:<lastmod>([^<]+)</lastmod>)?", xml))
    built = set()
    for page in built_site.rglob("index.html"):
        folder = page.parent.relative_to(built_site).as_posix()
        built.add(SITE_URL if folder == "." else f"{SITE_URL}{folder}/")
    assert set(entries) == built
    _registry, index, _pages = generate(ROOT, site_url=SITE_URL)
    for entry in index.all_entries:
        assert entries[SITE_URL + entry.url] == entry.listing.last_verified.isoformat()
    newest = max(e.listing.last_verified for e in index.all_entries).isoformat()
    assert entries[SITE_URL] == newest
    assert entries[SITE_URL + "about/"] == ""  # hand-written pages carry no invented date
    assert all(not date or date <= newest for date in entries.values())


# ---------------------------------------------------------------- the two doors


def test_export_command_writes_exactly_what_the_build_publishes(built_site, tmp_path):
    """`python -m generator export DIR` needs no MkDocs; the hook only calls it."""
    (tmp_path / "project").mkdir()
    root = copy_project(tmp_path / "project")
    result = run_generator(root, "export", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    written = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert written and all(
        str(p).startswith("api/v1/") or p.name.startswith("sitemap.xml") or p.name == "feed.xml" for p in written
    )  # feed.xml: the Atom feeds of /changes/, towns and regions
    for rel in written:
        assert (built_site / rel).read_bytes() == (out / rel).read_bytes(), rel


def test_exports_are_deterministic(exported, tmp_path):
    index, pages, files = exported
    assert export_files(index, list(pages), SITE) == files


def test_open_data_page_explains_every_file_field_and_column(built_site):
    page = strip_ruby((built_site / "open-data" / "index.html").read_text(encoding="utf-8"))
    assert "CC BY 4.0" in page and 'href="https://creativecommons.org/licenses/by/4.0/deed.ja"' in page
    for name in (
        "listings.json",
        "listings.csv",
        "listings.geojson",
        "municipalities.json",
        "regions.json",
        "messages.json",
        "hsds/services.json",
        "hsds/datapackage.json",
    ):
        assert f'href="../api/v1/{name}"' in page, name
    for model in (k.model for k in KINDS):
        for row in field_rows(model):
            assert f"<code>{row['name']}</code>" in page, row["name"]
    for column in COLUMNS:
        assert f'<th scope="row">{column.name}</th>' in page, column.name
    assert "/api/v2/" in page
