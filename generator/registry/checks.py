"""Stage 3 — checks: build the models from loaded files and check what no single file can.

`load_registry()` is the one door used by `python -m generator validate`, `make build` and the
MkDocs hook alike, so "valid" always means "the site can be built from it". It collects *every*
problem (never only the first), each pointing at file, line and field.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .finder import load_finder
from .kinds import KINDS
from .load import Document, dotted
from .models import (
    Listing,
    Message,
    MunicipalitiesFile,
    Municipality,
    Region,
    RegionsFile,
    Site,
    ToneFile,
    source_date,
)
from .problems import Problem, sort_problems
from .validate import build_model, load_and_build, load_document
from .vocab import months_ja, months_since, period_ja
from .yasashii import load_yasashii

# Nagano prefecture's extent with a small margin (its extremes: 35.20–37.03 N, 137.32–138.74 E).
NAGANO_BBOX = (35.15, 37.06, 137.28, 138.78)
MAX_KM_FROM_TOWN = 40  # 長野市 and 松本市 span ~30 km from their offices
STALE_AFTER_DAYS = 365  # the one freshness rule (`is_stale`); every wording of the period derives from it:
STALE_MONTHS = round(STALE_AFTER_DAYS * 12 / 365)  # 12
STALE_JA = period_ja(STALE_MONTHS)  # 「1年」 (確認から1年以上)
STALE_MONTHS_JA = months_ja(STALE_MONTHS)  # 「12か月」
STALE_EN = f"{STALE_MONTHS} months"


def is_stale(listing: Listing, today: dt.date) -> bool:
    """Last checked (its source's date, or a 「変更なし」 from its operator) more than STALE_AFTER_DAYS ago."""
    return (today - listing.checked_on).days > STALE_AFTER_DAYS


SPECIAL_AREAS = ("prefecture", "national")


@dataclass
class Registry:
    """Everything validated, keyed by id; plus every problem found on the way."""

    root: Path
    site: Site | None = None
    tone: ToneFile | None = None
    municipalities: dict[str, Municipality] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    # kind's folder → id → listing, for every kind in `KINDS` (in their order)
    listings: dict[str, dict[str, Listing]] = field(default_factory=lambda: {k.folder: {} for k in KINDS})
    messages: dict[str, Message] = field(default_factory=dict)
    finder: Any = (
        None  # generator.registry.finder.Finder: the guided finder's tree (data/finder.yml), when there is one
    )
    yasashii: Any = (
        None  # generator.registry.yasashii.Yasashii: やさしい日本語 versions of the messages (data/yasashii.yml)
    )
    # generator.registry.furigana.Furigana: the analyser with the registry's names, once the readings are checked
    furigana: Any = None
    documents: dict[tuple[str, str], Document] = field(default_factory=dict)  # (kind, id) → source file
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def all_listings(self) -> Iterable[tuple[str, Listing]]:
        for kind, listings in self.listings.items():
            for listing in listings.values():
                yield kind, listing


def load_registry(root: Path, today: dt.date | None = None) -> Registry:
    """Load, build and cross-check every registry file under `root/data`."""
    today = today or dt.date.today()
    data = root / "data"
    reg = Registry(root=root)
    problems = reg.problems

    for name, model, attr in (("site.yml", Site, "site"), ("tone.yml", ToneFile, "tone")):
        if (doc := load_document(root, data / name, problems)) and (obj := build_model(doc, model, problems)):
            setattr(reg, attr, obj)

    if (doc := load_document(root, data / "municipalities.yml", problems)) and (
        towns := build_model(doc, MunicipalitiesFile, problems)
    ):
        _index_unique(doc, [m.code for m in towns.municipalities], "municipalities", "code", problems)
        reg.municipalities = {m.code: m for m in towns.municipalities}
        towns_doc = doc
    else:
        towns_doc = None
    if (doc := load_document(root, data / "regions.yml", problems)) and (
        regions := build_model(doc, RegionsFile, problems)
    ):
        _index_unique(doc, [r.id for r in regions.regions], "regions", "id", problems)
        reg.regions = {r.id: r for r in regions.regions}
        _check_regions(doc, towns_doc, reg, problems)

    for kind, model in ((k.folder, k.model) for k in KINDS):
        for path in sorted((data / kind).glob("*.yml")):
            doc, listing, found = load_and_build(root, path, model)
            problems.extend(found)
            if doc and listing and _check_file_id(doc, listing.id, problems):
                reg.listings[kind][listing.id] = listing
                reg.documents[(kind, listing.id)] = doc
                _check_listing(doc, listing, reg, today, problems)
        _warn_unknown_files(root, data / kind, problems)

    for path in sorted((data / "messages").glob("*.yml")):
        if (doc := load_document(root, path, problems)) and (msg := build_model(doc, Message, problems)):
            if _check_file_id(doc, msg.id, problems):
                reg.messages[msg.id] = msg
                reg.documents[("messages", msg.id)] = doc
                _check_tone(doc, msg, reg, problems)

    _check_ids_across_kinds(reg, problems)
    _check_readings(reg, problems)
    reg.finder = load_finder(root, problems)
    reg.yasashii = load_yasashii(root, list(reg.messages), problems)
    if not reg.municipalities or not reg.regions:
        # Every reference check failed only because the place files did not load; their own errors say why.
        problems[:] = [p for p in problems if p.code not in ("unknown-municipality", "unknown-area", "unknown-region")]
    reg.problems = sort_problems(problems)
    return reg


def _warn_unknown_files(root: Path, folder: Path, problems: list[Problem]) -> None:
    for path in sorted(folder.glob("*")):
        if path.is_file() and path.suffix != ".yml" and not path.name.startswith("."):
            problems.append(
                Problem.warning(
                    path.relative_to(root),
                    1,
                    1,
                    "ignored-file",
                    "",
                    "拡張子が .yml ではないため読み込みません (ignored: not a .yml file)",
                )
            )


# ---------------------------------------------------------------- cross-file checks


def _index_unique(doc: Document, keys: list[str], list_name: str, key: str, problems: list[Problem]) -> None:
    seen: dict[str, int] = {}
    for i, value in enumerate(keys):
        if value in seen:
            line, col = doc.position((list_name, i, key))
            problems.append(
                Problem.error(
                    doc.path,
                    line,
                    col,
                    "duplicate-id",
                    f"{list_name}[{i}].{key}",
                    f"{list_name}[{seen[value]}] と同じです (duplicate): {value!r}",
                )
            )
        seen.setdefault(value, i)


def _check_file_id(doc: Document, id_: str, problems: list[Problem]) -> bool:
    if doc.path.stem != id_:
        line, col = doc.position(("id",))
        problems.append(
            Problem.error(
                doc.path,
                line,
                col,
                "id-mismatch",
                "id",
                f"id はファイル名 ({doc.path.stem}) と同じにしてください (id must equal the file name): {id_!r}",
            )
        )
        return False
    return True


def _check_regions(doc: Document, towns_doc: Document | None, reg: Registry, problems: list[Problem]) -> None:
    placed: dict[str, str] = {}
    for i, region in enumerate(reg.regions.values()):
        for j, code in enumerate(region.municipalities):
            line, col = doc.position(("regions", i, "municipalities", j))
            town = reg.municipalities.get(code)
            if town is None:
                problems.append(
                    Problem.error(
                        doc.path,
                        line,
                        col,
                        "unknown-municipality",
                        f"regions[{i}].municipalities[{j}]",
                        f"市町村コードが見つかりません (unknown municipality code): {code!r}",
                    )
                )
            elif town.region != region.id:
                problems.append(
                    Problem.error(
                        doc.path,
                        line,
                        col,
                        "region-mismatch",
                        f"regions[{i}].municipalities[{j}]",
                        f"municipalities.yml では {town.region!r} 地域です (municipality is in region {town.region!r})",
                    )
                )
            placed[code] = region.id
        for j, code in enumerate(region.health_office.covers):
            if code not in reg.municipalities:
                line, col = doc.position(("regions", i, "health_office", "covers", j))
                problems.append(
                    Problem.error(
                        doc.path,
                        line,
                        col,
                        "unknown-municipality",
                        f"regions[{i}].health_office.covers[{j}]",
                        f"市町村コードが見つかりません (unknown municipality code): {code!r}",
                    )
                )
    if towns_doc is None:
        return
    for i, town in enumerate(reg.municipalities.values()):
        line, col = towns_doc.position(("municipalities", i, "region"))
        if town.region not in reg.regions:
            problems.append(
                Problem.error(
                    towns_doc.path,
                    line,
                    col,
                    "unknown-region",
                    f"municipalities[{i}].region",
                    f"地域IDが見つかりません (unknown region id): {town.region!r}",
                )
            )
        elif town.code not in placed:
            problems.append(
                Problem.error(
                    towns_doc.path,
                    line,
                    col,
                    "region-mismatch",
                    f"municipalities[{i}].region",
                    f"regions.yml の {town.region!r} に含まれていません (not listed in regions.yml)",
                )
            )


def _check_listing(doc: Document, listing: Listing, reg: Registry, today: dt.date, problems: list[Problem]) -> None:
    def err(loc: tuple, code: str, message: str) -> None:
        line, col = doc.position(loc)
        problems.append(Problem.error(doc.path, line, col, code, dotted(loc), message))

    town = None
    if listing.municipality is not None:
        town = reg.municipalities.get(listing.municipality)
        if town is None:
            err(
                ("municipality",),
                "unknown-municipality",
                f"市町村コードが見つかりません (unknown municipality code): {listing.municipality!r}",
            )
    for i, area in enumerate(listing.service_area):
        if area not in reg.municipalities and area not in reg.regions and area not in SPECIAL_AREAS:
            err(
                ("service_area", i),
                "unknown-area",
                f"市町村コード・地域ID・prefecture・national のいずれかにしてください (unknown area): {area!r}",
            )

    loc = listing.location
    if loc is not None and loc.lat is not None and loc.lon is not None:
        south, north, west, east = NAGANO_BBOX
        if not (south <= loc.lat <= north and west <= loc.lon <= east):
            err(
                ("location", "lat"),
                "coordinates-outside-nagano",
                f"長野県の外の座標です (coordinates are outside Nagano): {loc.lat}, {loc.lon}",
            )
        elif town is not None and (km := distance_km(loc.lat, loc.lon, town.lat, town.lon)) > MAX_KM_FROM_TOWN:
            err(
                ("location", "lat"),
                "coordinates-far",
                f"{town.name}から {km:.0f} km 離れています。座標か市町村コードを確認してください "
                f"(coordinates are {km:.0f} km from the municipality)",
            )
    if loc is not None and town is None and listing.municipality is None:
        err(
            ("location",),
            "location-without-municipality",
            "所在地を書くときは municipality も書いてください (a location needs a municipality)",
        )

    if coarse := _coarser_source_date(listing):
        err(
            ("last_verified",),
            "date-too-precise",
            f"情報確認日が出典の日付より細かくなっています。出典のとおり '{coarse}' と書いてください "
            f"(last_verified is more precise than its source's date: write '{coarse}')",
        )

    age = months_since(listing.checked_on, today)  # a confirmation by the operator counts as a check
    if is_stale(listing, today) and listing.closed is None:  # nobody needs to re-check a closed place
        line, col = doc.position(("last_verified",))
        problems.append(
            Problem.warning(
                doc.path,
                line,
                col,
                "stale",
                "last_verified",
                f"情報確認日から {age} か月以上たっています。内容を確認してください "
                f"(last verified more than {STALE_EN} ago): '{listing.last_verified}'",
            )
        )
    _check_tone(doc, listing, reg, problems)


def _coarser_source_date(listing: Listing) -> str | None:
    """The source's own date when `last_verified` is finer than every source date it agrees with:
    a source dated 2020-11 cannot give 2020-11-01 (that day would be invented)."""
    verified = listing.last_verified.isoformat()
    agreeing = [d for s in listing.source if (d := source_date(s.date)) and verified.startswith(d.isoformat())]
    if agreeing and all(listing.last_verified.finer_than(d) for d in agreeing):
        return max(agreeing, key=lambda d: len(d.isoformat())).isoformat()
    return None


def _check_ids_across_kinds(reg: Registry, problems: list[Problem]) -> None:
    seen: dict[str, str] = {}
    for kind, listing in reg.all_listings():
        if listing.id in seen:
            doc = reg.documents[(kind, listing.id)]
            line, col = doc.position(("id",))
            problems.append(
                Problem.error(
                    doc.path,
                    line,
                    col,
                    "duplicate-id",
                    "id",
                    f"data/{seen[listing.id]}/ に同じ id があります (duplicate id): {listing.id!r}",
                )
            )
        seen.setdefault(listing.id, kind)


def _check_tone(doc: Document, obj: BaseModel, reg: Registry, problems: list[Problem]) -> None:
    if reg.tone is None:
        return
    for loc, text in _texts(obj.model_dump(mode="python", exclude={"source"})):
        for entry in reg.tone.words:
            if entry.avoid in text:
                line, col = doc.position(loc)
                problems.append(
                    Problem.warning(
                        doc.path,
                        line,
                        col,
                        "tone",
                        dotted(loc),
                        f"「{entry.avoid}」は避けたい言葉です。たとえば「{entry.suggest}」 "
                        f"(wording flagged by the tone lexicon: {entry.why})",
                    )
                )


def _check_readings(reg: Registry, problems: list[Problem]) -> None:
    """A name whose `name_kana` leaves kanji unread, where the analyser is unsure how to read them: ふりがな
    would guess there. The analyser (SudachiPy, about 0.05 s to load) is loaded only when some name has kanji."""
    from .furigana import Furigana, has_kanji  # late: the analyser is imported by Furigana() only

    named = [(kind, listing) for kind, listing in reg.all_listings() if has_kanji(listing.name)]
    if not named:
        return
    furigana = reg.furigana = Furigana(Furigana.registry_names(reg))  # the build adds ruby with the same one
    for kind, listing in named:
        if words := furigana.unsure_words(listing.name, listing.name_kana):
            doc = reg.documents[(kind, listing.id)]
            line, col = doc.position(("name_kana",))
            problems.append(
                Problem.warning(
                    doc.path,
                    line,
                    col,
                    "reading-unsure",
                    "name_kana",
                    f"名称の「{'」「'.join(words)}」のよみが name_kana にありません。"
                    f"ふりがなが正しくないかもしれないので、"
                    f"name_kana に名称全体のよみを書いてください (the reading does not cover these words of the name, "
                    f"and the analyser is unsure how to read them): {listing.name!r}",
                )
            )


def _texts(value: Any, loc: tuple = ()) -> Iterable[tuple[tuple, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, loc + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, loc + (i,))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance; ample for 'is this marker in the right town'."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(a))
