"""Open Referral HSDS 3.0: the listings in the international standard for human-service directories.

Two of HSDS's serializations, under /api/v1/hsds/:
- `services.json`, the canonical JSON: every service with its organization, phones, schedules, service
  areas, languages and service_at_locations (each with its location and address) embedded.
- a Tabular Data Package: one CSV per table (organizations.csv, services.csv, locations.csv,
  addresses.csv, service_at_location.csv, phones.csv, schedules.csv, service_areas.csv,
  languages.csv) and `datapackage.json`, whose resources are copied from the official descriptor
  (generator/publish/hsds/datapackage.json), so file names, columns and types are the standard's own.

Each listing is a service; each operator an organization; a listing with a location has a location and a
service_at_location. Schedules carry the iCal RRULE fields (freq, byday such as 2SA or -1FR, bymonthday),
local times and `timezone: 9`. Identifiers are UUIDs derived from the site URL and our ids (uuid5), so
they stay the same from build to build. An address needs a postal code in HSDS; an address without one
is given in the location's description instead.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from functools import cache
from pathlib import Path
from typing import Any

from ..contribute.sheet_columns import neutralise
from ..registry import urls
from ..registry.checks import STALE_JA
from ..registry.index import Entry, Index
from ..registry.kinds import SHORT_LIST
from ..registry.models import Listing, TimeSlot
from ..registry.vocab import ACCEPTS_JA, AUDIENCE_JA, METHOD_JA, OPERATOR_JA, RESERVATION_JA, cost_ja, slot_ja
from .ical import recurrences

DESCRIPTOR = Path(__file__).parent / "hsds" / "datapackage.json"
TABLES = (
    "organization",
    "service",
    "location",
    "address",
    "service_at_location",
    "phone",
    "schedule",
    "service_area",
    "language",
)
UTC_OFFSET = 9
TABLE_JA = {  # what each table holds here, for /open-data/
    "organization": "運営者 (同じ名前の運営者は1件)",
    "service": "掲載1件が1つのサービス: 名称・説明・相談の方法・費用・対象・情報確認日 (assured_date)",
    "location": "所在地のある掲載の場所。所在地を公開していない場所は、座標も住所もありません",
    "address": "郵便番号のわかる住所 (HSDS では郵便番号が必須のため。ほかは location の description に)",
    "service_at_location": "サービスと場所のつながり",
    "phone": "電話番号 (用途・内線・受付時間)",
    "schedule": "受付・開催の時間: iCal の RRULE の項目 (freq, byday, bymonthday)。時刻は日本時間 (timezone 9)",
    "service_area": "対象地域 (市町村・地域・県全体・全国)",
    "language": "使える言語",
}
LANGUAGE_JA = {
    "ja": "日本語",
    "en": "英語",
    "zh": "中国語",
    "ko": "韓国語",
    "pt": "ポルトガル語",
    "es": "スペイン語",
    "tl": "タガログ語",
    "vi": "ベトナム語",
    "ne": "ネパール語",
    "id": "インドネシア語",
    "th": "タイ語",
}


@cache
def resources() -> dict[str, dict[str, Any]]:
    """The official tabular resources by name."""
    descriptor = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))
    return {r["name"]: r for r in descriptor["resources"]}


def columns(table: str) -> list[str]:
    return [f["name"] for f in resources()[table]["schema"]["fields"]]


class _Ids:
    def __init__(self, site_url: str):
        self.namespace = uuid.uuid5(uuid.NAMESPACE_URL, site_url or "https://shinshu-hikikomori-hub.invalid/")

    def __call__(self, table: str, key: str) -> str:
        return str(uuid.uuid5(self.namespace, f"hsds/{table}/{key}"))


def _compact(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v is not None and v != ""}


def _time(value: str | None) -> str | None:
    if value is None:
        return None
    return "00:00:00" if value == "24:00" else f"{value}:00"


def _schedules(
    ids: _Ids, key: str, service_id: str, slot: TimeSlot, listing: Listing, n: int, note: str | None
) -> list[dict[str, Any]]:
    out = []
    schedule = listing.schedule
    notes = [
        note,
        slot.note,
        schedule.note if schedule and note is None else None,
        "祝日は休み" if schedule and schedule.holidays_closed and note is None else None,
    ]
    for j, rule in enumerate(recurrences(slot)):
        out.append(
            {
                "id": ids("schedule", f"{key}/{n}/{j}"),
                "service_id": service_id,
                "dtstart": rule.first_on_or_after(listing.last_verified).isoformat(),
                "timezone": UTC_OFFSET,
                "wkst": "MO",
                "freq": rule.freq,
                "interval": 1,
                "byday": ",".join(rule.byday) or None,
                "bymonthday": ",".join(str(d) for d in rule.bymonthday) or None,
                "description": slot_ja(slot),
                "opens_at": _time(slot.opens),
                "closes_at": _time(slot.closes),
                "notes": "。".join(text for text in notes if text) or None,
            }
        )
    return out


def _service(entry: Entry, ids: _Ids, organization_id: str, site_url: str) -> dict[str, Any]:
    listing = entry.public
    process = ["相談の方法: " + "、".join(METHOD_JA[m] for m in listing.methods)]
    if listing.reservation:
        process.append(RESERVATION_JA[listing.reservation])
    if listing.anonymous_ok:
        process.append("名前を言わずに相談できます")
    if listing.family_only_ok:
        process.append("ご家族だけの相談もできます")
    eligibility = ["対象: " + "、".join(AUDIENCE_JA[a] for a in listing.audience)]
    if listing.accepts_from:
        eligibility.append("受け入れ: " + ACCEPTS_JA[listing.accepts_from])
    page = f"{site_url}{entry.url}" if site_url else None
    return {
        "id": ids("service", f"{entry.kind}/{listing.id}"),
        "organization_id": organization_id,
        "name": listing.name,
        "alternate_name": listing.name_kana,
        "description": listing.description,
        "url": listing.contacts.website or page,
        "email": listing.contacts.emails[0] if listing.contacts.emails else None,
        "status": "active",
        "application_process": "。".join(process),
        "fees_description": cost_ja(listing.cost, unknown=None),
        "eligibility_description": "。".join(eligibility),
        # HSDS wants a day; a source that gives only a month or a year leaves it empty rather than invent one
        # assured: seen true in a source or confirmed unchanged by the operator, whichever is newer
        "assured_date": listing.checked_on.isoformat() if listing.checked_on.precision == "day" else None,
        "alert": f"情報確認日から{STALE_JA}以上たっています。時間や連絡先が変わっていることがあります。"
        if entry.stale
        else None,
    }


def build_tables(index: Index, site_url: str) -> dict[str, list[dict[str, Any]]]:
    """Every HSDS record, table by table, with None for an empty field."""
    reg = index.registry
    prefecture = reg.site.prefecture if reg.site else ""
    ids = _Ids(site_url)
    tables: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
    by_operator: dict[str, list[Entry]] = {}
    for entry in index.all_entries:
        by_operator.setdefault(entry.public.operator.name, []).append(entry)
    org_ids = {}
    for name, entries in by_operator.items():
        org_ids[name] = ids("organization", name)
        kinds = "、".join(OPERATOR_JA[t] for t in dict.fromkeys(e.public.operator.type for e in entries))
        tables["organization"].append(
            {
                "id": org_ids[name],
                "name": name,
                "description": f"{kinds}。このサイトに掲載: " + "、".join(e.listing.name for e in entries),
            }
        )

    for entry in index.all_entries:
        listing = entry.public
        key = f"{entry.kind}/{listing.id}"
        service = _service(entry, ids, org_ids[listing.operator.name], site_url)
        sid = service["id"]
        tables["service"].append(service)
        loc = listing.location
        if loc is not None:
            lid = ids("location", key)
            description = None
            if loc.precision == "municipality":
                description = "所在地は公開していません" + (f" ({entry.town.name})" if entry.town else "")
            elif loc.address and not loc.postal_code:
                description = f"住所: {loc.address}"
            tables["location"].append(
                {
                    "id": lid,
                    "location_type": "physical",
                    "organization_id": org_ids[listing.operator.name],
                    "name": listing.name,
                    "description": description,
                    "latitude": loc.lat,
                    "longitude": loc.lon,
                }
            )
            if loc.address and loc.postal_code:
                tables["address"].append(
                    {
                        "id": ids("address", key),
                        "location_id": lid,
                        "address_1": loc.address,
                        "city": entry.town.name if entry.town else "",
                        "state_province": prefecture,
                        "postal_code": loc.postal_code,
                        "country": "JP",
                        "address_type": "physical",
                    }
                )
            tables["service_at_location"].append(
                {"id": ids("service_at_location", key), "service_id": sid, "location_id": lid}
            )
        n = 0
        for slot in listing.schedule.slots if listing.schedule else []:
            tables["schedule"].extend(_schedules(ids, key, sid, slot, listing, n, None))
            n += 1
        for i, phone in enumerate(listing.contacts.phones):
            described = [phone.label, "通話料無料" if phone.toll_free else None, phone.hours_note]
            if phone.hours:
                described.append("受付: " + " / ".join(slot_ja(s) for s in phone.hours))
            tables["phone"].append(
                {
                    "id": ids("phone", f"{key}/{i}"),
                    "service_id": sid,
                    "number": phone.number,
                    "extension": int(phone.extension) if phone.extension else None,
                    "type": "voice",
                    "description": "。".join(d for d in described if d) or None,
                }
            )
            for slot in phone.hours:
                tables["schedule"].extend(
                    _schedules(ids, key, sid, slot, listing, n, f"電話 {phone.number} の受付時間")
                )
                n += 1
        for area in listing.service_area:
            if area == "national":
                name, uri = "日本 (全国)", None
            elif area == "prefecture":
                name, uri = prefecture, None
            elif area in reg.municipalities:
                name = f"{prefecture}{reg.municipalities[area].name}"
                uri = f"{site_url}{urls.town(area)}" if site_url else None
            else:
                name = reg.regions[area].name
                uri = f"{site_url}{urls.region(area)}" if site_url else None
            tables["service_area"].append(
                {"id": ids("service_area", f"{key}/{area}"), "service_id": sid, "name": name, "uri": uri}
            )
        for code in listing.languages:
            tables["language"].append(
                {
                    "id": ids("language", f"{key}/{code}"),
                    "service_id": sid,
                    "name": LANGUAGE_JA.get(code, code),
                    "code": code,
                }
            )
    return tables


def services_json(tables: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The canonical JSON: services with their related records embedded, empty fields left out."""

    def grouped(table: str, key: str) -> dict[str, list[dict[str, Any]]]:
        groups: dict[str, list[dict[str, Any]]] = {}
        for record in tables[table]:
            groups.setdefault(record[key], []).append(_compact(record))
        return groups

    organizations = {o["id"]: _compact(o) for o in tables["organization"]}
    addresses = grouped("address", "location_id")
    locations = {loc["id"]: _compact(loc) | {"addresses": addresses.get(loc["id"], [])} for loc in tables["location"]}
    related = {table: grouped(table, "service_id") for table in ("phone", "schedule", "service_area", "language")}
    at_locations = grouped("service_at_location", "service_id")
    out = []
    for service in tables["service"]:
        sid = service["id"]
        out.append(
            _compact(service)
            | {
                "organization": organizations[service["organization_id"]],
                "phones": related["phone"].get(sid, []),
                "schedules": related["schedule"].get(sid, []),
                "service_areas": related["service_area"].get(sid, []),
                "languages": related["language"].get(sid, []),
                "service_at_locations": [
                    sal | {"location": locations[sal["location_id"]]} for sal in at_locations.get(sid, [])
                ],
            }
        )
    return out


# iCal values such as byday -1FR (last Friday): machine values, not text, so never given a leading '.
RRULE_PARTS = {"freq", "byday", "bymonthday", "wkst"}


def table_csv(table: str, records: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns(table), lineterminator="\r\n", extrasaction="raise")
    writer.writeheader()
    for record in records:
        writer.writerow(
            {
                k: "" if v is None else neutralise(v) if isinstance(v, str) and k not in RRULE_PARTS else v
                for k, v in record.items()
            }
        )
    return out.getvalue().encode("utf-8")


def datapackage(title: str, description: str, homepage: str, licence: dict[str, str]) -> dict[str, Any]:
    return {
        "name": "shinshu-hikikomori-hub-hsds",
        "title": title,
        "description": description,
        "profile": "tabular-data-package",
        "homepage": homepage or None,
        "hsds_version": "3.0",
        "licenses": [licence],
        "resources": [resources()[t] for t in TABLES],
    }


def files(index: Index, site_url: str, title: str, licence: dict[str, str]) -> dict[str, bytes]:
    """{path under hsds/: content}"""
    tables = build_tables(index, site_url)
    out = {resources()[t]["path"]: table_csv(t, tables[t]) for t in TABLES}
    package = datapackage(
        f"{title} (Open Referral HSDS 3.0)",
        f"長野県の、ひきこもりに関する{SHORT_LIST} (Human Services Data Specification 3.0)",
        site_url,
        licence,
    )
    out["datapackage.json"] = _json(_compact(package))
    out["services.json"] = _json(services_json(tables))
    return out


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
