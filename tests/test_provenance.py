"""Provenance on the page (issue #14): a town hall's number says what to ask for, a compilation is credited,
a source's date is shown as precise as it is, and maintainers' notes never leave the registry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, TODAY, fixture_data, run_generator

from generator.registry.checks import load_registry
from generator.registry.index import build_index
from generator.registry.load import load_file
from generator.registry.models import PartialDate
from generator.site.render import date_ja

SECRETS = ("秘密-ABC", "秘密-XYZ")  # words only the fixture's maintainer notes hold


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """Every page (`generator pages`) and every open-data file (`generator export`) of the fixture registry."""
    root = tmp_path_factory.mktemp("provenance")
    fixture_data(root, "provenance")
    for command in ("pages", "export"):
        result = run_generator(root, command, str(root / "out"))
        assert result.returncode == 0, result.stdout + result.stderr
    return root / "out"


def page(published: Path, rel: str) -> str:
    return (published / rel).read_text(encoding="utf-8")


def text_files(folder: Path):
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".gz":
                continue  # the same bytes as its plain twin
            yield path, data.decode("utf-8", errors="replace")


def test_a_town_halls_number_says_what_to_ask_for(published):
    sentence = (
        "テスト飯島町役場の代表番号です。「テストまいさぽ (生活就労支援センター)をお願いします」と伝えてください。"
    )
    assert sentence in page(published, "windows/test-daihyo-soudan.md")
    assert sentence in page(published, "municipalities/203840.md")  # on the card too
    assert sentence in page(published, "flyers/203840.md")


def test_a_source_read_through_a_compilation_credits_it(published):
    listing = page(published, "windows/test-daihyo-soudan.md")
    assert "テストデータナビ（運営: テスト会社） のデータ経由、CC BY 4.0" in listing
    assert 'href="https://example.org/test-dataset.csv"' in listing
    assert "テストデータナビ（運営: テスト会社） (CC BY 4.0)" in page(published, "api/v1/listings.json")


def test_a_year_only_date_is_shown_as_a_year_never_as_an_invented_day(published):
    listing = page(published, "windows/test-daihyo-soudan.md")
    assert "情報確認日: <strong>2020年ごろ</strong>" in listing
    assert "2020年1月1日" not in listing and "2020-01-01" not in listing
    assert '"last_verified": "2020"' in page(published, "api/v1/listings.json")
    assert "2020年1月1日" not in page(published, "flyers/203840.md")


def test_no_page_or_file_holds_a_maintainers_note(published):
    leaks = [
        str(path.relative_to(published)) for path, text in text_files(published) if any(s in text for s in SECRETS)
    ]
    assert leaks == []
    assert "テスト用の公開の補足です。" in page(published, "windows/test-daihyo-soudan.md")  # the public note stays


@pytest.mark.parametrize(
    "value, shown", [("2020", "2020年ごろ"), ("2020-11", "2020年11月"), ("2020-11-05", "2020年11月5日")]
)
def test_dates_keep_their_precision(value, shown):
    date = PartialDate.parse(value)
    assert date_ja(date) == shown and date.isoformat() == value


# ---------------------------------------------------------------- the real registry

REAL = load_registry(ROOT)
REAL_INDEX = build_index(REAL, TODAY)


@pytest.mark.parametrize("code", sorted(REAL.municipalities))
def test_every_town_has_a_window_near_it_that_can_be_reached(code):
    view = REAL_INDEX.towns[code]
    nearby = [e for e in view.own + view.wide if e.level != "national" and e.contactable and e.serves(view.town)]
    assert nearby, view.town.name
    assert view.coverage in ("own", "region")
    assert view.town.town_hall is not None  # the door to ask for when nobody knows which window is right


def maintainer_notes(value) -> list[str]:
    if isinstance(value, dict):
        return [v for k, v in value.items() if k == "maintainer_note"] + [
            n for v in value.values() for n in maintainer_notes(v)
        ]
    if isinstance(value, list):
        return [n for v in value for n in maintainer_notes(v)]
    return []


def test_no_built_file_holds_a_maintainers_note_of_the_real_data(built_site):
    notes = {n for path in (ROOT / "data").rglob("*.yml") for n in maintainer_notes(load_file(path).data)}
    assert len(notes) > 20
    # each sentence of a note long enough to be its own (numbers alone may rightly appear elsewhere: a town hall's)
    needles = {part.strip() for n in notes for part in re.split(r"[。\n]", n) if len(part.strip()) >= 16}
    leaks = {
        (str(path.relative_to(built_site)), needle)
        for path, text in text_files(built_site)
        for needle in needles
        if needle in text
    }
    assert leaks == set()
