"""Stage 6 — export: the registries as open data, for other prefectures, researchers, search engines and
calendar apps, and the /open-data/ page that explains every file.

Files, all under `api/v1/` (a breaking change to a format goes to `api/v2/`; `api/v1/` stays as it is):

| file | what |
|---|---|
| listings.json, municipalities.json, regions.json, messages.json | the models, plus derived fields |
| schemas/*.schema.json | JSON Schema of each JSON file, generated from the models below |
| listings.geojson | one point per listing (RFC 7946) |
| listings.csv | 自治体標準オープンデータセット「公共施設一覧」 columns, UTF-8 with BOM (`sheet.py`) |
| hsds/ | Open Referral HSDS 3.0 (`hsds.py`) |
| calendars/<kind>/<id>.ics, calendars/regions/<id>.ics | calendar feeds (`ical.py`) |

and `sitemap.xml` (+ `.gz`) at the site root, replacing the one MkDocs writes: MkDocs stamps every page
with the build date, while here each page's `lastmod` is the newest `last_verified` it shows, and the
generator — not a MkDocs event — writes it, so any engine (and `python -m generator export`) gets it.

Privacy: every listing leaves through `Entry.public` (index.published): a `precision: municipality` place
has no address, postal code or coordinates in any file; an `approximate` one has rounded coordinates.
Output depends only on the data, so an unchanged registry gives byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import shutil
import types
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin
from xml.sax.saxutils import escape

from pydantic import BaseModel, Field, create_model

from ..contribute import sheet
from ..registry import urls
from ..registry.checks import STALE_JA
from ..registry.index import API, Entry, Index, public_point, region_calendar_path
from ..registry.kinds import BY_FOLDER, KINDS, SHORT_LIST, Folder
from ..registry.models import Listing, Message, Method, Municipality, Region, Strict
from ..site.render import environment
from . import hsds
from .ical import listing_feed, region_entries, region_feed

# ---------------------------------------------------------------- licence

LICENCES = {  # data/site.yml `license` → (SPDX id, deed)
    "CC BY 4.0": ("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/deed.ja"),
    "CC BY-SA 4.0": ("CC-BY-SA-4.0", "https://creativecommons.org/licenses/by-sa/4.0/deed.ja"),
    "CC0 1.0": ("CC0-1.0", "https://creativecommons.org/publicdomain/zero/1.0/deed.ja"),
    "ODbL 1.0": ("ODbL-1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
}


def licence_url(name: str) -> str | None:
    return LICENCES.get(name, (None, None))[1]


# ---------------------------------------------------------------- export models (their JSON Schemas are published)


class About(Strict):
    """Who publishes the file, under which licence, and where its fields are explained."""

    title: str = Field(description="データの名前")
    license: str = Field(description="ライセンス")
    license_url: str | None = Field(description="ライセンスの説明のページ")
    attribution: str = Field(description="使うときの出典の表示の例")
    credits: list[str] = Field(
        default_factory=list,
        description="出典の一部を経由して読んだ資料・データと、そのライセンス (それぞれの出典の source[].via"
        " にもあります)",
    )
    documentation: str = Field(description="各項目の説明のページ (/open-data/)")
    json_schema: str = Field(description="このファイルの JSON Schema")
    api_version: Literal["v1"] = Field(description="形式の版。互換性のない変更は v2 として別に公開します")


class ListingDerived(Strict):
    """Values this site derives from the listing and the place files."""

    page: str = Field(description="このサイトの掲載ページ")
    municipality_name: str | None = Field(description="所在する市町村の名前")
    region: str | None = Field(description="所在する地域 (広域圏) の ID")
    region_name: str | None = Field(description="所在する地域 (広域圏) の名前")
    calendar: str | None = Field(description="開催日のカレンダー (.ics)。開催日があるときだけ")
    no_phone: bool = Field(description="電話をかけずに相談できる方法があるか")
    free: bool = Field(description="無料と書かれているか")
    stale: bool = Field(description=f"情報確認日から{STALE_JA}以上たっているか")


# One record per kind (WindowRecord, IbashoRecord…): its model, its `kind` and the derived values.
RECORDS: dict[str, type[Listing]] = {
    k.folder: create_model(
        f"{k.model.__name__}Record",
        __base__=k.model,
        kind=(Literal[k.folder], Field(description=f"種類: {k.folder}={k.label}")),
        derived=(ListingDerived, Field(description="このサイトが計算した値")),
    )
    for k in KINDS
}
ListingRecord = Annotated[Union[tuple(RECORDS.values())], Field(discriminator="kind")]  # noqa: UP007


class ListingsFile(Strict):
    about: About
    listings: list[ListingRecord] = Field(description=f"すべての掲載 ({SHORT_LIST})")


class MunicipalityRecord(Municipality):
    region_name: str = Field(description="地域 (広域圏) の名前")
    health_office: str | None = Field(description="受け持つ保健福祉事務所 (長野市は長野市保健所のため空)")
    page: str = Field(description="このサイトの市町村のページ")


class MunicipalitiesFile(Strict):
    about: About
    municipalities: list[MunicipalityRecord] = Field(description="すべての市町村")


class RegionRecord(Region):
    page: str = Field(description="このサイトの地域のページ")
    calendar: str = Field(description="地域の集まりのカレンダー (.ics)")


class RegionsFile(Strict):
    about: About
    regions: list[RegionRecord] = Field(description="すべての地域 (広域圏)")


class MessageRecord(Message):
    page: str = Field(description="このサイトでメッセージが読めるところ")


class MessagesFile(Strict):
    about: About
    messages: list[MessageRecord] = Field(description="すべてのメッセージ")


class GeoProperties(Strict):
    id: str = Field(description="掲載の ID")
    kind: Folder = Field(description="種類")
    kind_label: str = Field(description=f"種類の名前 ({'・'.join(k.label for k in KINDS)})")
    name: str = Field(description="名称")
    page: str = Field(description="このサイトの掲載ページ")
    municipality: str = Field(description="所在する市町村のコード")
    municipality_name: str = Field(description="所在する市町村の名前")
    region: str = Field(description="地域 (広域圏) の ID")
    point: Literal["location", "municipality"] = Field(
        description="点の意味: location=掲載の座標、municipality=市町村の代表点 (所在地を公開していない、"
        "または座標がない)"
    )
    precision: Literal["exact", "approximate", "municipality"] | None = Field(
        description="位置の精度 (所在地のない掲載は空)"
    )
    address: str | None = Field(description="住所 (所在地を公開していない場所は空)")
    methods: list[Method] = Field(description="相談・参加の方法")
    telephone: str | None = Field(description="最初の電話番号")
    no_phone: bool = Field(description="電話をかけずに相談できる方法があるか")
    last_verified: dt.date = Field(description="情報確認日")


class PointGeometry(Strict):
    type: Literal["Point"]
    coordinates: tuple[float, float] = Field(description="[経度, 緯度] (この順です)")


class GeoFeature(Strict):
    type: Literal["Feature"]
    id: str = Field(description=f"種類/ID (例: {KINDS[0].folder}/foo)")
    geometry: PointGeometry
    properties: GeoProperties


class GeoFeatureCollection(Strict):
    type: Literal["FeatureCollection"]
    features: list[GeoFeature]


SCHEMAS: dict[str, type[BaseModel]] = {
    "listings": ListingsFile,
    "municipalities": MunicipalitiesFile,
    "regions": RegionsFile,
    "messages": MessagesFile,
    "listings.geojson": GeoFeatureCollection,
}


def schema_of(name: str, site_url: str) -> dict[str, Any]:
    schema = SCHEMAS[name].model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"{site_url}{API}schemas/{name}.schema.json"
    return schema


def via_credits(index: Index) -> list[str]:
    """One line per compilation that sources were read through, as its licence asks to be credited."""
    vias = {}
    sources = [s for _, listing in index.registry.all_listings() for s in listing.source]
    sources += [s for town in index.registry.municipalities.values() if town.town_hall for s in town.town_hall.source]
    for source in sources:
        if source.via is not None:
            vias.setdefault(source.via.name, source.via)
    return [
        f"{via.name}" + (f" ({via.license})" if via.license else "") + (f": {via.url}" if via.url else "")
        for via in vias.values()
    ]


# ---------------------------------------------------------------- builders


class Exporter:
    """Everything one build exports, from one index."""

    def __init__(self, index: Index, site_url: str):
        self.index = index
        self.reg = index.registry
        self.site = index.registry.site
        self.url = site_url  # "" → site-relative URLs

    def about(self, name: str, title: str) -> About:
        return About(
            title=f"{self.site.title}: {title}",
            license=self.site.license,
            license_url=licence_url(self.site.license),
            attribution=f"{self.site.title} ({self.url or self.site.repository})",
            credits=via_credits(self.index),
            documentation=f"{self.url}open-data/",
            json_schema=f"{self.url}{API}schemas/{name}.schema.json",
            api_version="v1",
        )

    def listing_record(self, entry: Entry) -> dict[str, Any]:
        derived = ListingDerived(
            page=f"{self.url}{entry.url}",
            municipality_name=entry.town.name if entry.town else None,
            region=entry.region.id if entry.region else None,
            region_name=entry.region.name if entry.region else None,
            calendar=f"{self.url}{entry.calendar_path}" if entry.calendar_path else None,
            no_phone=entry.no_phone,
            free=entry.free,
            stale=entry.stale,
        )
        return {"kind": entry.kind, **entry.public.model_dump(), "derived": derived}

    def listings(self) -> ListingsFile:
        return ListingsFile(
            about=self.about("listings", f"掲載 ({SHORT_LIST})"),
            listings=[self.listing_record(e) for e in self.index.all_entries],
        )

    def municipalities(self) -> MunicipalitiesFile:
        records = []
        for town in self.reg.municipalities.values():
            region = self.reg.regions[town.region]
            records.append(
                {
                    **town.model_dump(),
                    "region_name": region.name,
                    "health_office": region.health_office.name if town.code in region.health_office.covers else None,
                    "page": f"{self.url}{urls.town(town.code)}",
                }
            )
        return MunicipalitiesFile(about=self.about("municipalities", "市町村"), municipalities=records)

    def regions(self) -> RegionsFile:
        return RegionsFile(
            about=self.about("regions", "地域 (広域圏)"),
            regions=[
                {
                    **r.model_dump(),
                    "page": f"{self.url}{urls.region(r.id)}",
                    "calendar": f"{self.url}{region_calendar_path(r)}",
                }
                for r in self.reg.regions.values()
            ],
        )

    def messages(self) -> MessagesFile:
        ordered = sorted(self.reg.messages.values(), key=lambda m: (m.audience, m.order, m.id))
        return MessagesFile(
            about=self.about("messages", "メッセージ"),
            messages=[{**m.model_dump(), "page": f"{self.url}messages/#message-{m.id}"} for m in ordered],
        )

    def geojson(self) -> GeoFeatureCollection:
        features = []
        for entry in self.index.all_entries:
            point = public_point(entry)
            if point is None or entry.town is None:  # national or prefecture-wide, with no town: no point
                continue
            lat, lon = point.lat, point.lon
            source = "municipality" if point.shown == "town" else "location"
            listing = entry.public
            loc = listing.location
            features.append(
                GeoFeature(
                    type="Feature",
                    id=f"{entry.kind}/{listing.id}",
                    geometry=PointGeometry(type="Point", coordinates=(round(lon, 6), round(lat, 6))),
                    properties=GeoProperties(
                        id=listing.id,
                        kind=entry.kind,
                        kind_label=BY_FOLDER[entry.kind].label,
                        name=listing.name,
                        page=f"{self.url}{entry.url}",
                        municipality=entry.town.code,
                        municipality_name=entry.town.name,
                        region=entry.town.region,
                        point=source,
                        precision=loc.precision if loc else None,
                        address=loc.address if loc else None,
                        methods=listing.methods,
                        telephone=listing.contacts.phones[0].number if listing.contacts.phones else None,
                        no_phone=entry.no_phone,
                        last_verified=listing.last_verified,
                    ),
                )
            )
        return GeoFeatureCollection(type="FeatureCollection", features=features)

    def csv(self) -> bytes:
        prefecture = self.site.prefecture
        return sheet.write_table(sheet.listing_row(e, self.url, prefecture) for e in self.index.all_entries)

    def hsds_licence(self) -> dict[str, str]:
        spdx, url = LICENCES.get(self.site.license, (self.site.license, None))
        return {k: v for k, v in {"name": spdx, "title": self.site.license, "path": url}.items() if v}

    def calendars(self) -> dict[str, bytes]:
        title = self.site.short_title
        out = {
            entry.calendar_path: listing_feed(entry, self.url, title)
            for entry in self.index.all_entries
            if entry.calendar_path
        }
        for region in self.reg.regions.values():
            out[region_calendar_path(region)] = region_feed(self.index, region, self.url, title)
        return out

    def files(self) -> dict[str, bytes]:
        """{path under the site root: content}, every open-data file but the sitemap."""
        out = {
            f"{API}{name}.json": _json(model.model_dump(mode="json"))
            for name, model in (
                ("listings", self.listings()),
                ("municipalities", self.municipalities()),
                ("regions", self.regions()),
                ("messages", self.messages()),
            )
        }
        out[f"{API}listings.geojson"] = _json(self.geojson().model_dump(mode="json"))
        out[f"{API}listings.csv"] = self.csv()
        for name in SCHEMAS:
            out[f"{API}schemas/{name}.schema.json"] = _json(schema_of(name, self.url))
        for path, content in hsds.files(self.index, self.url, self.site.title, self.hsds_licence()).items():
            out[f"{API}hsds/{path}"] = content
        out.update(self.calendars())
        return out


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# ---------------------------------------------------------------- sitemap


def page_lastmod(index: Index) -> dict[str, dt.date]:
    """Generated page → newest `last_verified` among the listings it shows."""
    newest = lambda entries: max((e.listing.last_verified for e in entries), default=None)  # noqa: E731
    out: dict[str, dt.date | None] = {}
    everything = newest(index.all_entries)
    for path in (
        "index.md",
        "person.md",
        "family.md",
        "supporters.md",
        urls.towns() + "index.md",
        urls.regions() + "index.md",
        "status/index.md",
        "open-data.md",
    ):
        out[path] = everything
    for kind, entries in index.entries.items():
        out[urls.kind_list(kind) + "index.md"] = newest(entries)
        for entry in entries:
            out[urls.page_path(entry.url)] = entry.listing.last_verified
    for code, view in index.towns.items():
        out[urls.page_path(urls.town(code))] = newest(
            view.own + view.wide + view.national + view.elsewhere + view.nearby_entries
        )
    for region in index.registry.regions.values():
        shown = [e for kind in index.entries for e in index.in_region(region, kind)] + index.wide_for_region(region)
        out[urls.page_path(urls.region(region.id))] = newest(shown)
    return {path: date for path, date in out.items() if date is not None}


def sitemap(site_url: str, page_paths: Iterable[str], lastmod: dict[str, dt.date]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    pages = {p for p in page_paths if p.endswith(".md")}  # not map data, search shards or downloads
    for url, path in sorted((urls.page_url(p), p) for p in pages):
        lines.append(
            f"  <url><loc>{escape(site_url + url)}</loc>"
            + (f"<lastmod>{lastmod[path].isoformat()}</lastmod>" if path in lastmod else "")
            + "</url>"
        )
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def docs_pages(docs_dir: Path) -> list[str]:
    """Hand-written pages (Markdown under docs/), as docs-relative paths."""
    return sorted(p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*.md")) if docs_dir.is_dir() else []


# ---------------------------------------------------------------- the stage's two doors


def export_files(index: Index, page_paths: Iterable[str], site_url: str) -> dict[str, bytes]:
    """Every open-data file, and the sitemap when the site's URL is known (a sitemap needs absolute URLs)."""
    out = Exporter(index, site_url).files()
    from ..site.changes import feed_files  # Atom feeds of what changed, from the registry's own dates

    out.update(feed_files(index, site_url))
    if site_url:
        xml = sitemap(site_url, page_paths, page_lastmod(index))
        out["sitemap.xml"] = xml
        out["sitemap.xml.gz"] = gzip.compress(xml, mtime=0)
    return out


def write_files(files: dict[str, str | bytes], out: Path) -> list[Path]:
    written = []
    for rel, content in files.items():
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        written.append(target)
    return written


def move_files(staging: Path, out: Path) -> None:
    """Every file under `staging` into the same place under `out` (replacing what is there), then `staging` goes.
    Renaming on one disk is ~20× quicker than writing the files again."""
    for source in sorted(p for p in staging.rglob("*") if p.is_file()):
        target = out / source.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
    shutil.rmtree(staging)


# ---------------------------------------------------------------- the /open-data/ page


def _type_label(annotation: Any) -> str:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _type_label(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return " / ".join(_type_label(a) for a in args)
    if origin is Literal:
        return "次のどれか: " + " ".join(str(a) for a in get_args(annotation))
    if origin in (list, tuple):
        inner = get_args(annotation)[0]
        return f"{_type_label(inner)} の並び"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "まとまり (下の行)"
    return {str: "文字", int: "整数", float: "数値", bool: "true / false", dt.date: "日付 (YYYY-MM-DD)"}.get(
        annotation, getattr(annotation, "__name__", str(annotation))
    )


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _inner_model(get_args(annotation)[0])
    if origin in (Union, types.UnionType, list):
        for arg in get_args(annotation):
            if (model := _inner_model(arg)) is not None:
                return model
        return None
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def field_rows(model: type[BaseModel], prefix: str = "", skip: Iterable[str] = ()) -> list[dict[str, str]]:
    """One row per field, nested fields as `parent.child` (a list of records as `parent[].child`)."""
    rows = []
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        path = f"{prefix}{name}"
        rows.append(
            {
                "name": path,
                "type": _type_label(info.annotation),
                "required": "必須" if info.is_required() else "",
                "description": info.description or "",
            }
        )
        inner = _inner_model(info.annotation)
        if inner is not None:
            many = get_origin(info.annotation) is list or "の並び" in rows[-1]["type"]
            rows.extend(field_rows(inner, f"{path}[]." if many else f"{path}."))
    return rows


def listing_field_rows() -> list[dict[str, str]]:
    """Fields of listings.json: shared ones, then each kind's own, then the derived ones."""
    shared = {"kind": "", **{n: "" for n in Listing.model_fields}}
    rows = [
        {
            "name": "kind",
            "type": "次のどれか: " + " ".join(k.folder for k in KINDS),
            "required": "必須",
            "description": "種類: " + " ".join(f"{k.folder}={k.label}" for k in KINDS),
            "only": "",
        }
    ]
    rows += [r | {"only": ""} for r in field_rows(Listing)]
    for kind in KINDS:
        rows += [r | {"only": kind.label} for r in field_rows(kind.model, skip=shared)]
    rows += [r | {"only": ""} for r in field_rows(ListingDerived, "derived.")]
    return rows


def open_data_pages(index: Index, site_url: str) -> dict[str, str]:
    """The /open-data/ page (docs path `open-data.md`), rendered with the site's templates."""
    path = "open-data.md"
    env = environment(index, site_url)
    hsds_tables = [(hsds.resources()[t]["path"], t, hsds.TABLE_JA[t]) for t in hsds.TABLES]
    calendars = [e for e in index.all_entries if e.calendar_path]
    text = env.get_template("open-data.md.j2").render(
        root="../" * urls.depth(path),
        path=path,
        api=API,
        licence_url=licence_url(index.registry.site.license),
        listing_fields=listing_field_rows(),
        town_fields=field_rows(MunicipalityRecord),
        region_fields=field_rows(RegionRecord),
        message_fields=field_rows(MessageRecord),
        geo_fields=field_rows(GeoProperties, "properties."),
        csv_columns=sheet.COLUMNS,
        hsds_tables=hsds_tables,
        calendars=calendars,
        region_calendars=[
            (r, region_calendar_path(r), len(region_entries(index, r))) for r in index.registry.regions.values()
        ],
        schemas=list(SCHEMAS),
        counts={k: len(v) for k, v in index.entries.items()},
        credits=via_credits(index),
    )
    return {path: text}
