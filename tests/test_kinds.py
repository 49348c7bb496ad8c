"""The kind registry (generator/registry/kinds.py) end to end: every kind in `KINDS`, through its synthetic
fixture (tests/fixtures/valid/data/<folder>/), reaches every place a resident, a contributor or a re-user meets it.
A new kind's record, model and fixture make these tests cover it; what they miss, it is missing."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, ROOT, TODAY, fixture_data, run_generator

from generator.contribute.forms import FORM_ORDER, FORMS, INTAKE_WORKFLOW
from generator.contribute.import_sheet import column_notes
from generator.contribute.sheet import HEADER, parse_row
from generator.contribute.sheet_columns import COLUMNS, KIND_COLUMN, KIND_WORDS
from generator.registry.checks import load_registry
from generator.registry.furigana import strip_ruby
from generator.registry.kinds import BY_FOLDER, BY_NAME, KINDS
from generator.registry.load import load_file
from generator.registry.models import Listing
from generator.registry.schema import SCHEMAS, schema_text, template_text


def fixture_listing(kind) -> dict:
    """The kind's first synthetic fixture listing (every kind needs one)."""
    files = sorted((FIXTURES / "valid" / "data" / kind.folder).glob("*.yml"))
    assert files, f"tests/fixtures/valid/data/{kind.folder}/ needs a synthetic listing of this kind"
    return load_file(files[0]).data


def page(site: Path, path: str) -> str:
    return strip_ruby((site / path / "index.html").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    return load_registry(fixture_data(tmp_path_factory.mktemp("kinds")).parent, TODAY)


def test_the_three_names_are_distinct_and_lead_to_the_same_kind():
    assert len(BY_FOLDER) == len(BY_NAME) == len(KINDS)
    for kind in KINDS:
        assert BY_FOLDER[kind.folder] is BY_NAME[kind.name] is kind
        assert re.fullmatch(r"[a-z][a-z-]*", kind.folder) and re.fullmatch(r"[a-z][a-z-]*", kind.name)
        assert kind.label and kind.short and kind.intro and kind.glyph


kinds = pytest.mark.parametrize("kind", KINDS, ids=[k.folder for k in KINDS])


@kinds
def test_its_fixture_validates_as_the_kind(kind, registry):
    listing = fixture_listing(kind)
    assert [p.format() for p in registry.errors] == []
    assert listing["id"] in registry.listings[kind.folder]
    assert isinstance(registry.listings[kind.folder][listing["id"]], kind.model)
    assert listing["name"].startswith("テスト")


@kinds
def test_it_has_a_list_page_its_own_page_and_a_place_on_its_town_page(kind, fixture_site):
    listing = fixture_listing(kind)
    own = f"{kind.folder}/{listing['id']}/"
    listed = page(fixture_site, kind.folder)
    assert f">{kind.label}</h1>" in listed
    assert kind.intro in listed
    assert f'href="../{own}"' in listed and listing["name"] in listed
    assert listing["name"] in page(fixture_site, own) and kind.label in page(fixture_site, own)
    town = page(fixture_site, f"municipalities/{listing['municipality']}")
    assert f'href="../../{own}"' in town
    if kind.nearby:  # its own section on town pages, in the page's jump links
        assert f'id="{kind.folder}"' in town and f'href="#{kind.folder}"' in town
    home = page(fixture_site, "")
    assert f'href="{kind.folder}/"' in home and kind.label in home  # the navigation (mkdocs_hook.with_kinds)


@kinds
def test_it_is_in_the_open_data(kind, fixture_site):
    listing = fixture_listing(kind)
    api = fixture_site / "api" / "v1"
    records = json.loads((api / "listings.json").read_text(encoding="utf-8"))["listings"]
    record = next(r for r in records if r["id"] == listing["id"])
    assert record["kind"] == kind.folder
    kind.model.model_validate({k: v for k, v in record.items() if k not in ("kind", "derived")})
    rows = list(csv.DictReader(io.StringIO((api / "listings.csv").read_text(encoding="utf-8-sig"))))
    assert any(r["ID"] == listing["id"] and r[KIND_COLUMN] == kind.folder for r in rows)
    features = json.loads((api / "listings.geojson").read_text(encoding="utf-8"))["features"]
    feature = next(f for f in features if f["id"] == f"{kind.folder}/{listing['id']}")
    assert feature["properties"]["kind"] == kind.folder and feature["properties"]["kind_label"] == kind.label
    assert listing["name"] in (api / "hsds" / "services.csv").read_text(encoding="utf-8")
    schema = json.loads((api / "schemas" / "listings.schema.json").read_text(encoding="utf-8"))
    assert f"{kind.model.__name__}Record" in schema["$defs"]
    assert (
        kind.folder
        in json.loads((api / "schemas" / "listings.geojson.schema.json").read_text())["$defs"]["GeoProperties"][
            "properties"
        ]["kind"]["enum"]
    )


@kinds
def test_it_is_on_the_maps_with_its_own_pin(kind, fixture_site):
    listing = fixture_listing(kind)
    data = json.loads((fixture_site / "map" / "data" / f"{kind.folder}.json").read_text(encoding="utf-8"))
    assert [kind.folder, kind.label, kind.glyph] in data["kinds"]
    assert listing["id"] in [row[1] for row in data["markers"]]
    css = (ROOT / "docs" / "assets" / "stylesheets" / "hub-map.css").read_text(encoding="utf-8")
    assert f".hub-pin--{kind.folder} {{" in css, "give the kind's map pin a colour and shape in hub-map.css"


@kinds
def test_it_is_found_by_search(kind, fixture_site):
    listing = fixture_listing(kind)
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in (fixture_site / "search" / "d").glob("*.json")]
    doc = next(d for d in docs if d["url"] == f"{kind.folder}/{listing['id']}/")
    assert doc["kind"] == kind.label and listing["name"] in doc["title"]
    assert any(d["url"] == f"{kind.folder}/" and d["kind"] == "一覧" for d in docs)


@kinds
def test_contributors_get_its_schema_template_and_issue_forms(kind):
    assert SCHEMAS[kind.name] is kind.model
    assert (ROOT / "schemas" / f"{kind.name}.schema.json").read_text(encoding="utf-8") == schema_text(kind.model)
    text = template_text(kind.name, "your-id")
    assert f"$schema=../../schemas/{kind.name}.schema.json" in text and f"新しい{kind.short}の" in text
    assert f"data/{kind.folder}/your-id.yml" in text
    for action, number in FORM_ORDER.items():
        path = ROOT / ".github" / "ISSUE_TEMPLATE" / f"{number}-{action}-{kind.name}.yml"
        form = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert kind.short in form["name"], path.name
        assert FORMS[f"{action}-{kind.name}"].folder == kind.folder


def test_python_m_generator_new_knows_every_kind():
    for kind in KINDS:
        result = run_generator(ROOT, "new", kind.name, "your-id", "--stdout")
        assert result.returncode == 0 and result.stdout == template_text(kind.name, "your-id"), result.stderr


@kinds
def test_the_sheet_takes_its_words_and_its_columns(kind):
    for word in (kind.folder, kind.name, kind.short, kind.label):
        assert KIND_WORDS[word] == kind.folder
    listing = fixture_listing(kind)
    cells = {"ID": listing["id"], KIND_COLUMN: kind.short}
    assert parse_row(cells, HEADER).kind == kind.folder
    kind_help = next(what for header, _req, _kinds, what in column_notes() if header == KIND_COLUMN)
    assert kind.short in kind_help and kind.folder in kind_help
    for name in set(kind.model.model_fields) - set(Listing.model_fields):  # a field of this kind's own: its column
        assert any(c.path[:1] == (name,) and c.applies_to(kind.folder) for c in COLUMNS if c.path), name


@kinds
def test_the_intake_workflow_takes_its_forms_and_only_its_folder(kind):
    """The step with a write token checks form and path itself (no project code): `python -m generator forms`
    writes every kind into it."""
    run = (ROOT / INTAKE_WORKFLOW).read_text(encoding="utf-8")
    starts = ('[[ "$FILE_PATH" =~', '[[ "$FORM" =~', 'case "${FORM#*-}"', '[ "$FILE_PATH" = "data/$folder')
    checks = [line.strip() for line in run.splitlines() if line.strip().startswith(starts)]
    assert len(checks) == len(starts)
    script = "set -euo pipefail\n" + "\n".join(checks) + '\necho "ok $folder"'
    for action in ("new", "change", "close"):
        env = {"FORM": f"{action}-{kind.name}", "FILE_PATH": f"data/{kind.folder}/test-id.yml", "LISTING_ID": "test-id"}
        done = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True)
        assert done.stdout == f"ok {kind.folder}\n", done.stdout + done.stderr
    other = next((k for k in KINDS if k is not kind), None)
    if other is not None:  # a form of one kind never writes into another kind's folder
        env = {"FORM": f"new-{kind.name}", "FILE_PATH": f"data/{other.folder}/test-id.yml", "LISTING_ID": "test-id"}
        assert subprocess.run(["bash", "-c", script], env=env, capture_output=True).returncode != 0
