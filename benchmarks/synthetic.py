"""Synthetic data at any scale, for the benchmarks (issue #9): 1× = Nagano today, up to national
(1,741 municipalities, 15,000 listings).

Everything made here is clearly synthetic and is only ever written into a temporary copy of the
project (the real data/ is never touched): listings are named 「テスト…」 with example.org
addresses and no phone numbers (a well-formed invented number might belong to someone), and the
municipalities added beyond Nagano's 77 are 「テスト町0001」… with codes 99xxxx (no real code starts
with 99) in synthetic regions 「テスト地域001」…. The listings extend `search_scale.synthetic_listing`
with what every kind may hold (schedules with 第n週, locations of each precision, kind extras), and
all of them validate against the models.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_scale import KINDS, ROOT, synthetic_listing  # noqa: E402

NATIONAL_TOWNS, NATIONAL_LISTINGS = 1741, 15000
TOWNS_PER_REGION = 8  # Nagano: 77 towns in 10 regions
SOURCE = [{"title": "テスト (ベンチマーク用の合成データ)", "url": "https://example.org/source"}]
# Inside Nagano's bounding box (checks.NAGANO_BBOX) with room for a listing's offset from its town.
LAT, LON = (35.4, 36.8), (137.5, 138.5)


def towns_for(listings: int) -> int:
    """Municipalities in proportion to listings, as in the national edition: never fewer than Nagano's, never
    more than Japan's (beyond 15,000 listings the country just gets denser)."""
    return min(NATIONAL_TOWNS, max(77, round(listings * NATIONAL_TOWNS / NATIONAL_LISTINGS)))


def synthetic_towns(count: int, rng: random.Random) -> tuple[list[dict], list[dict]]:
    """`count` synthetic municipalities and the synthetic regions that hold them."""
    towns, regions = [], []
    for n in range(1, count + 1):
        code = f"99{n:04d}"
        if (n - 1) % TOWNS_PER_REGION == 0:
            r = len(regions) + 1
            regions.append(
                {
                    "id": f"test-region-{r:03d}",
                    "name": f"テスト地域{r:03d}",
                    "kana": f"てすとちいき{r:03d}",
                    "municipalities": [],
                    "health_office": {"name": f"テスト保健福祉事務所{r:03d}", "covers": [], "source": SOURCE},
                    "source": SOURCE,
                }
            )
        region = regions[-1]
        region["municipalities"].append(code)
        region["health_office"]["covers"].append(code)
        towns.append(
            {
                "code": code,
                "name": f"テスト町{n:04d}",
                "kana": f"てすとまち{n:04d}",
                "romaji": f"Tesuto-machi-{n:04d}",
                "type": "町",
                "region": region["id"],
                "lat": round(rng.uniform(*LAT), 5),
                "lon": round(rng.uniform(*LON), 5),
                "website": f"https://example.org/towns/{code}",
                "source": SOURCE,
            }
        )
    return towns, regions


def rich_listing(kind: str, n: int, town: dict, rng: random.Random, today: dt.date) -> dict:
    """A synthetic listing with schedules, a location, contacts and the extras of its kind."""
    listing = synthetic_listing(kind, n, town, rng)
    listing["accepts_from"] = rng.choices(["own-municipality", "region", "anywhere", None], [50, 25, 2, 23])[0]
    if listing["accepts_from"] is None:
        del listing["accepts_from"]
    if rng.random() < 0.15:
        listing["service_area"] = [town["region"]]
    precision = rng.choice(["exact", "approximate", "municipality"])
    listing["location"] = {
        "address": f"{town['name']}テスト{n % 50 + 1}-{n % 7 + 1}",
        "precision": precision,
        "lat": round(town["lat"] + rng.uniform(-0.05, 0.05), 5),
        "lon": round(town["lon"] + rng.uniform(-0.05, 0.05), 5),
    }
    if rng.random() < 0.3:
        listing["contacts"]["line"] = [{"name": f"テストLINE{n}", "url": f"https://example.org/line/{n}"}]
        listing["methods"] = sorted(set(listing["methods"]) | {"line"})
    slots = listing["schedule"]["slots"]
    if rng.random() < 0.4:
        slots.append(
            {
                "days": [rng.choice(["sat", "sun"])],
                "nth": [rng.choice([1, 2, 3, -1])],
                "opens": "13:30",
                "closes": "16:00",
                "note": "テストの集まり",
            }
        )
    if rng.random() < 0.2:
        slots.append({"days": ["thu"], "opens": "18:00", "closes": "20:30"})
    listing["schedule"]["holidays_closed"] = rng.random() < 0.5
    listing["family_only_ok"] = rng.random() < 0.6
    listing["reservation"] = rng.choice(["required", "preferred", "not-needed"])
    listing["audience"] = rng.choice([["anyone"], ["person", "family"], ["family"]])
    # Mostly fresh; some older than a year, as on the real site (「古い情報の可能性」).
    listing["last_verified"] = today - dt.timedelta(days=rng.choice([30, 120, 300, 400]))
    if kind == "windows":
        listing["level"] = rng.choices(["municipal", "private", "regional"], [60, 30, 10])[0]
        listing["staff"] = rng.sample(["保健師", "精神保健福祉士", "社会福祉士", "ピアサポーター"], 2)
        if listing["level"] == "regional":
            listing["service_area"] = [town["region"]]
    elif kind == "ibasho":
        listing.update(
            drop_in=rng.random() < 0.5,
            just_being_ok=True,
            online=rng.random() < 0.1,
            activities=rng.sample(["おしゃべり", "ボードゲーム", "料理", "散歩", "読書"], 2),
        )
    elif kind == "family-groups":
        listing.update(
            meeting_pattern="毎月第2土曜 (テスト)",
            format=rng.choice(["in-person", "online", "both"]),
            affiliation=rng.choice(["KHJ", None]) or "テスト会",
            first_contact="まずはメールでご連絡ください (テスト)。",
        )
    return listing


class _NoAliasDumper(yaml.SafeDumper):
    """The loader refuses YAML anchors and aliases (as it should for hand-written files)."""

    def ignore_aliases(self, data) -> bool:
        return True


def write_yaml(path: Path, data: dict) -> None:
    path.write_text(yaml.dump(data, Dumper=_NoAliasDumper, allow_unicode=True, sort_keys=False), encoding="utf-8")


def make_project(target: Path, listings: int, towns: int | None = None, seed: int = 9) -> dict[str, int]:
    """A buildable copy of the project at `target` with `listings` synthetic listings added to the real
    data and synthetic municipalities up to `towns` (default: in proportion). Returns the counts."""
    for name in ("mkdocs.yml", "docs", "overrides", "generator", "data"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, target / name)
    data = target / "data"
    real_towns = yaml.safe_load((data / "municipalities.yml").read_text(encoding="utf-8"))
    real_regions = yaml.safe_load((data / "regions.yml").read_text(encoding="utf-8"))
    rng = random.Random(seed)
    towns = towns_for(listings) if towns is None else towns
    extra_towns, extra_regions = synthetic_towns(max(0, towns - len(real_towns["municipalities"])), rng)
    if extra_towns:
        real_towns["municipalities"] += extra_towns
        real_regions["regions"] += extra_regions
        write_yaml(data / "municipalities.yml", real_towns)
        write_yaml(data / "regions.yml", real_regions)
    every_town = real_towns["municipalities"]
    today = dt.date.today()
    for kind in KINDS:
        (data / kind).mkdir(exist_ok=True)
    for n in range(listings):
        kind = KINDS[n % len(KINDS)]
        listing = rich_listing(kind, n, every_town[(n // len(KINDS)) % len(every_town)], rng, today)
        write_yaml(data / kind / f"{listing['id']}.yml", listing)
    return {"towns": len(every_town), "listings": sum(len(list((data / k).glob("*.yml"))) for k in KINDS)}


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="write a synthetic project copy (never into the real data/)")
    parser.add_argument("target", type=Path)
    parser.add_argument("--listings", type=int, default=1000)
    parser.add_argument("--towns", type=int, default=None)
    args = parser.parse_args()
    args.target.mkdir(parents=True)
    print(make_project(args.target, args.listings, args.towns))
