"""Open Referral HSDS 3.0: services.json against the canonical schemas, the tables against the official
Tabular Data Package descriptor (required fields, types, formats, enums, keys)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import uuid

import jsonschema
import pytest
from conftest import FIXTURES, ROOT, TODAY, fixture_data
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from generator.engine.pipeline import generate
from generator.publish.export import export_files
from generator.publish.hsds import DESCRIPTOR, TABLES

SITE = "https://example.org/hub/"
SCHEMAS = FIXTURES / "hsds-3.0"
BASE = "https://hsds.invalid/schema/"


@pytest.fixture(scope="module", params=["fixtures", "real"])
def hsds(request, tmp_path_factory):
    if request.param == "real":
        _registry, index, pages = generate(ROOT, site_url=SITE)
    else:
        root = tmp_path_factory.mktemp("hsds")
        fixture_data(root, "privacy")
        _registry, index, pages = generate(root, TODAY, site_url=SITE)
    prefix = "api/v1/hsds/"
    return {k[len(prefix) :]: v for k, v in export_files(index, list(pages), SITE).items() if k.startswith(prefix)}


def service_validator() -> jsonschema.Draft202012Validator:
    resources = [
        (BASE + path.name, Resource(json.loads(path.read_text(encoding="utf-8")), specification=DRAFT202012))
        for path in SCHEMAS.glob("*.json")
    ]
    registry = Registry().with_resources(resources)
    root = json.loads((SCHEMAS / "service.json").read_text(encoding="utf-8")) | {"$id": BASE + "service.json"}
    return jsonschema.Draft202012Validator(
        root, registry=registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_services_json_validates_against_the_hsds_schemas(hsds):
    services = json.loads(hsds["services.json"])
    assert services
    validator = service_validator()
    for service in services:
        errors = list(validator.iter_errors(service))
        assert not errors, [(list(e.absolute_path), e.message) for e in errors[:5]]
        assert {"id", "name", "status", "organization"} <= set(service)
        assert {"id", "name", "description"} <= set(service["organization"])


def test_a_broken_service_is_caught():
    """The validator above really checks required fields, types and formats."""
    validator = service_validator()
    assert list(validator.iter_errors({"id": "x", "name": "a"}))  # no status, id not a uuid
    ok = {"id": str(uuid.uuid4()), "name": "a", "status": "active"}
    assert not list(validator.iter_errors(ok))
    assert list(validator.iter_errors(ok | {"phones": [{"id": str(uuid.uuid4()), "number": "1", "extension": "12"}]}))


def read(hsds, path: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(hsds[path].decode("utf-8"))))


def check_value(field: dict, value: str) -> None:
    kind, fmt = field["type"], field.get("format")
    if kind == "number":
        float(value)
    elif kind == "date":
        dt.date.fromisoformat(value)
    elif kind == "time":
        assert re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d:[0-5]\d", value), value
    elif kind == "datetime":
        dt.datetime.fromisoformat(value)
    if fmt == "uuid":
        uuid.UUID(value)
    if fmt == "uri":
        assert value.startswith("https://"), value
    if fmt == "email":
        assert "@" in value
    if "enum" in field.get("constraints", {}):
        assert value in field["constraints"]["enum"], (field["name"], value)


def test_tables_follow_the_official_descriptor(hsds):
    package = json.loads(hsds["datapackage.json"])
    official = {r["name"]: r for r in json.loads(DESCRIPTOR.read_text(encoding="utf-8"))["resources"]}
    assert package["profile"] == "tabular-data-package"
    assert [r["name"] for r in package["resources"]] == list(TABLES)
    ids: dict[str, set[str]] = {}
    for resource in package["resources"]:
        assert resource == official[resource["name"]]  # copied, never rewritten
        rows = read(hsds, resource["path"])
        fields = resource["schema"]["fields"]
        header = hsds[resource["path"]].decode("utf-8").split("\r\n")[0].split(",")
        assert header == [f["name"] for f in fields]
        for row in rows:
            for field in fields:
                value = row[field["name"]]
                if field.get("constraints", {}).get("required"):
                    assert value, (resource["name"], field["name"])
                if value:
                    check_value(field, value)
        ids[resource["name"]] = [r["id"] for r in rows]
        assert len(set(ids[resource["name"]])) == len(rows)  # primary key
    for resource in package["resources"]:
        for key in resource["schema"].get("foreignKeys", []):
            target = key["reference"]["resource"]
            for row in read(hsds, resource["path"]):
                value = row[key["fields"]]
                if value:
                    assert value in ids.get(target, []), (resource["name"], key["fields"], value)


def test_schedules_carry_rrule_fields(tmp_path):
    fixture_data(tmp_path, "privacy")
    _registry, index, pages = generate(tmp_path, TODAY, site_url=SITE)
    files = export_files(index, list(pages), SITE)
    rows = list(csv.DictReader(io.StringIO(files["api/v1/hsds/schedules.csv"].decode("utf-8"))))
    services = {s["name"]: s["id"] for s in json.loads(files["api/v1/hsds/services.json"])}
    by_service = lambda name: [r for r in rows if r["service_id"] == services[name]]  # noqa: E731
    [second_saturday] = [r for r in by_service("テスト飯島相談室") if r["freq"] == "MONTHLY"]
    assert (
        second_saturday["byday"],
        second_saturday["opens_at"],
        second_saturday["closes_at"],
        second_saturday["timezone"],
        second_saturday["dtstart"],
    ) == ("2SA", "13:30:00", "16:00:00", "9", "2026-10-10")
    phone_hours = [r for r in by_service("テスト飯島相談室") if r["freq"] == "WEEKLY"]
    assert phone_hours[0]["byday"] == "MO,TU,WE,TH,FR" and "0265-00-0000" in phone_hours[0]["notes"]
    assert [r["byday"] for r in by_service("テスト家族会")] == ["-1SU"]
    monthly = [r for r in by_service("テスト駒ヶ根の居場所") if r["bymonthday"]]
    assert (monthly[0]["bymonthday"], monthly[0]["opens_at"], monthly[0]["closes_at"]) == ("10", "22:00:00", "06:00:00")


def test_private_place_has_no_coordinates_or_address(tmp_path):
    fixture_data(tmp_path, "privacy")
    _registry, index, pages = generate(tmp_path, TODAY, site_url=SITE)
    services = json.loads(export_files(index, list(pages), SITE)["api/v1/hsds/services.json"])
    secret = next(s for s in services if s["name"] == "テスト非公開の家族会")
    location = secret["service_at_locations"][0]["location"]
    assert "latitude" not in location and "longitude" not in location and location["addresses"] == []
    assert location["description"] == "所在地は公開していません (伊那市)"
    exact = next(s for s in services if s["name"] == "テスト飯島相談室")
    assert exact["service_at_locations"][0]["location"]["latitude"] == 35.6764
