"""Freshness: one rule (checks.STALE_AFTER_DAYS, `is_stale`) and every wording of it derived from it.

tests/fixtures/freshness/ holds a window checked 15 months before TODAY and one checked 11 months before: the
first is stale and the second is not, so moving the threshold to 18 months (or to 10) fails here. What a resident
and a clerk read is pinned as they read it (「1年」「12か月」「15か月以上前」).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import TODAY, fixture_data

from generator.engine.pipeline import generate_pages
from generator.publish.export import export_files
from generator.registry.checks import load_registry
from generator.registry.vocab import age_ja, cost_ja, months_since, period_ja

SITE = "https://hub.example.org/"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("freshness")
    fixture_data(root, "freshness")
    registry, index, pages = generate_pages(root, TODAY, site_url=SITE)
    return root, registry, index, pages


def test_checked_fifteen_months_ago_is_stale_and_eleven_is_not(built):
    _root, _registry, index, _pages = built
    stale = {e.id: e.stale for e in index.entries["windows"]}
    assert stale["test-fifteen-months"] is True
    assert stale["test-eleven-months"] is False
    assert [e.id for e in index.stale_entries()] == ["test-ken-madoguchi", "test-fifteen-months"]


def test_the_validator_warns_in_the_same_words(built):
    root, _registry, _index, _pages = built
    warnings = [p.format() for p in load_registry(root, TODAY).problems if p.code == "stale"]
    assert warnings == [
        "data/windows/test-fifteen-months.yml:18:1: warning[stale] last_verified: "
        "情報確認日から 15 か月以上たっています。内容を確認してください "
        "(last verified more than 12 months ago): '2025-08-01'",
        "data/windows/test-ken-madoguchi.yml:17:1: warning[stale] last_verified: "
        "情報確認日から 34 か月以上たっています。内容を確認してください "
        "(last verified more than 12 months ago): '2024-01-15'",
    ]


@pytest.mark.parametrize(("today", "months"), [(dt.date(2026, 11, 14), 33), (dt.date(2026, 11, 15), 34)])
def test_the_warning_counts_whole_calendar_months(built, today, months):
    """Checked 2024-01-15: the 34th month is full on 2026-11-15, not a day before (1,034 days // 30 said 34)."""
    root, _registry, _index, _pages = built
    [warning] = [p for p in load_registry(root, today).problems if p.code == "stale" and "ken-madoguchi" in p.format()]
    assert f"情報確認日から {months} か月以上たっています。" in warning.format()


@pytest.mark.parametrize(
    ("checked", "today", "months"),
    [
        ("2025-08-15", "2026-11-14", 14),
        ("2025-08-15", "2026-11-15", 15),
        ("2025-08-31", "2025-09-30", 0),  # a month without a 31st: the month is full on 10-01
        ("2025-08-31", "2025-10-01", 1),
        ("2024-02-29", "2025-02-28", 11),
        ("2024-02-29", "2025-03-01", 12),
        ("2025-12-20", "2026-01-19", 0),
        ("2025-12-20", "2026-01-20", 1),
    ],
)
def test_months_since_counts_only_months_that_have_passed(checked, today, months):
    assert months_since(dt.date.fromisoformat(checked), dt.date.fromisoformat(today)) == months


def test_the_listing_page_says_how_long_ago(built):
    _root, _registry, _index, pages = built
    assert "この情報は15か月以上前に確認したものです。" in pages["windows/test-fifteen-months.md"]
    assert "この情報は2年以上前に確認したものです。" in pages["windows/test-ken-madoguchi.md"]  # 34 months
    assert "hub-stale" not in pages["windows/test-eleven-months.md"]


def test_status_and_contribute_pages_name_the_period(built):
    _root, _registry, _index, pages = built
    status = pages["status/index.md"]
    assert "## 確認から1年以上たった情報 {#stale}" in status
    stale_section = status.split("{#stale}")[1].split("{#verification}")[0]
    assert "テスト十五か月窓口" in stale_section and "テスト十一か月窓口" not in stale_section
    assert "1年以内に確認された掲載" in status
    assert "情報確認日から12か月以上たった情報は" in pages["contribute.md"]


def test_open_data_says_stale_and_describes_it(built):
    _root, _registry, index, pages = built
    files = export_files(index, list(pages), SITE)
    listings = {item["id"]: item for item in json.loads(files["api/v1/listings.json"])["listings"]}
    assert listings["test-fifteen-months"]["derived"]["stale"] is True
    assert listings["test-eleven-months"]["derived"]["stale"] is False
    schema = json.loads(files["api/v1/schemas/listings.schema.json"])
    assert "情報確認日から1年以上たっているか" in json.dumps(schema, ensure_ascii=False)


@pytest.mark.parametrize(
    ("months", "period", "age"),
    [(12, "1年", "12か月"), (18, "18か月", "18か月"), (24, "2年", "2年"), (34, "34か月", "2年")],
)
def test_period_words(months, period, age):
    assert period_ja(months) == period and age_ja(months) == age


class _Cost:
    def __init__(self, free, note=None):
        self.free, self.note = free, note


@pytest.mark.parametrize(
    ("cost", "page", "hsds"),
    [
        (None, "記載がありません", None),
        (_Cost(None), "記載がありません", None),
        (_Cost(True), "無料", "無料"),
        (_Cost(False, "1回500円"), "有料。1回500円", "有料。1回500円"),
        (_Cost(None, "参加費 300円"), "参加費 300円", "参加費 300円"),
    ],
)
def test_cost_words(cost, page, hsds):
    assert cost_ja(cost) == page and cost_ja(cost, unknown=None) == hsds
