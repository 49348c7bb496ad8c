"""import-sheet: one YAML file per row of a CSV or XLSX, or every bad row named by row and column."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, TODAY, run_generator
from openpyxl import Workbook, load_workbook

from generator.contribute.import_sheet import import_sheet, template_csv, template_headers, template_xlsx
from generator.contribute.sheet import HEADER
from generator.contribute.sheet_columns import known_headers
from generator.registry.kinds import FOLDERS
from generator.registry.load import load_file
from generator.registry.models import FamilyGroup, Ibasho, Window

HEADERS = [
    "NO",
    "都道府県コード又は市区町村コード",
    "名称",
    "名称_カナ",
    "住所",
    "方書",
    "緯度",
    "経度",
    "電話番号",
    "利用可能曜日",
    "開始時間",
    "終了時間",
    "説明",
    "URL",
    "備考",
    "ID",
    "種類",
    "運営者の種類",
    "団体名",
    "対象地域",
    "相談方法",
    "対象",
    "窓口の範囲",
    "位置の公開",
    "予約なしで立ち寄れる",
    "情報確認日",
    "出典名",
    "出典URL",
]
WINDOW_ROW = [
    "1",
    "202011",
    "テスト相談窓口",
    "てすとそうだんまどぐち",
    "長野市テスト町1-1",
    "テストビル2階",
    "",
    "",
    "026-000-0000",
    "月,火,水,木,金",
    "8:30",
    "17:15",
    "テストの説明です。",
    "https://example.org/",
    "",
    "test-sheet-window",
    "相談窓口",
    "市町村 (municipality)",
    "テスト市 福祉課",
    "202011",
    "電話,来所 (出向いて相談)",
    "どなたでも",
    "municipal",
    "exact",
    "",
    "2026-04-01",
    "テスト市 一覧",
    "https://example.org/list",
]
IBASHO_ROW = [
    "2",
    "202011",
    "テストの居場所",
    "てすとのいばしょ",
    "",
    "",
    "",
    "",
    "",
    "土",
    "13:00",
    "16:00",
    "ただいるだけでもいい場所です。",
    "https://example.org/ibasho",
    "",
    "test-sheet-ibasho",
    "居場所",
    "npo",
    "テストNPO",
    "202011",
    "visit",
    "person",
    "",
    "municipality",
    "はい",
    "2026-04-01",
    "",
    "https://example.org/ibasho",
]


@pytest.fixture
def root(tmp_path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    out = io.StringIO()
    csv.writer(out).writerows([HEADERS, *rows])
    path.write_text(out.getvalue(), encoding=encoding)
    return path


def listing(root: Path, rel: str, model):
    return model.model_validate(load_file(root / rel).data, strict=True)


def test_csv_good_rows_become_one_file_each(root, tmp_path):
    sheet = write_csv(tmp_path / "一覧.csv", [WINDOW_ROW, IBASHO_ROW])
    result = import_sheet(root, sheet, today=TODAY)
    assert result.problems == []
    assert [p.relative_to(root).as_posix() for p in result.written] == [
        "data/ibasho/test-sheet-ibasho.yml",
        "data/windows/test-sheet-window.yml",
    ]
    window = listing(root, "data/windows/test-sheet-window.yml", Window)
    assert window.location.address == "長野市テスト町1-1 テストビル2階"
    assert window.methods == ["phone", "visit"] and window.audience == ["anyone"]
    assert window.schedule.slots[0].days == ["mon", "tue", "wed", "thu", "fri"]
    assert (window.schedule.slots[0].opens, window.contacts.website) == ("08:30", "https://example.org/")
    ibasho = listing(root, "data/ibasho/test-sheet-ibasho.yml", Ibasho)
    assert (ibasho.drop_in, ibasho.location.precision, ibasho.operator.type) == (True, "municipality", "npo")


def test_bad_rows_are_all_named_by_row_and_column_and_nothing_is_written(root, tmp_path):
    bad_phone = WINDOW_ROW.copy()
    bad_phone[8], bad_phone[15] = "026-12", "test-bad-phone"
    bad_kind_column = IBASHO_ROW.copy()
    bad_kind_column[22] = "municipal"  # 窓口の範囲 on an ibasho row
    bad_day = WINDOW_ROW.copy()
    bad_day[9], bad_day[15], bad_day[25] = "月曜と火曜", "test-bad-day", "2026/13/01"
    sheet = write_csv(tmp_path / "一覧.csv", [WINDOW_ROW, bad_phone, bad_kind_column, bad_day, WINDOW_ROW])
    result = import_sheet(root, sheet, today=TODAY)
    errors = [p.format("一覧.csv") for p in result.errors]
    assert errors == [
        "一覧.csv:3: 列「電話番号」(I列) error: 電話番号の形式が正しくありません (not a valid Japanese phone number)",
        "一覧.csv:4: 列「窓口の範囲」(W列) error: この列は居場所では使えません (column does not apply to this kind)",
        "一覧.csv:5: 列「利用可能曜日」(J列) error: 使えない値です。使える値: 月 (mon)、火 (tue)、水 (wed)、木 (thu)"
        "、金 (fri)、土 (sat)、日 (sun) (not an allowed value): '月曜と火曜'",
        "一覧.csv:5: 列「情報確認日」(Z列) error: 日付は 2026-04-01 のように書いてください (must be a date,"
        " YYYY-MM-DD): '2026/13/01'",
        "一覧.csv:6: 列「ID」(P列) error: 2 行目と同じ ID です (duplicate id)",
    ]
    assert result.written == [] and not (root / "data/windows/test-sheet-window.yml").exists()


def test_a_note_in_bikou_is_a_warning_not_lost_silently(root, tmp_path):
    row = WINDOW_ROW.copy()
    row[14] = "内部メモ"
    result = import_sheet(root, write_csv(tmp_path / "一覧.csv", [row]), today=TODAY)
    assert [p.format("一覧.csv") for p in result.problems] == [
        "一覧.csv:2: 列「備考」(O列) warning: この列は取りこみません。公開したい内容は「説明」に書いてください"
        " (column is not imported)"
    ]
    assert len(result.written) == 1


def test_unknown_headers_and_existing_ids_are_refused(root, tmp_path):
    sheet = tmp_path / "x.csv"
    sheet.write_text("ID,名前\nmaisapo-nagano-city,テスト\n", encoding="utf-8")
    result = import_sheet(root, sheet, default_kind="window", today=TODAY)
    assert [p.format("x.csv") for p in result.errors] == [
        "x.csv:1: 列「名前」(B列) error: この見出しは使えません。テンプレートの見出しと同じにしてください (unknown"
        " column)"
    ]
    sheet.write_text("ID,名称\nmaisapo-nagano-city,テスト\n", encoding="utf-8")
    result = import_sheet(root, sheet, default_kind="window", today=TODAY)
    assert "data/windows/maisapo-nagano-city.yml がすでにあります" in result.errors[0].message


def test_shift_jis_csv_from_excel_is_read(root, tmp_path):
    sheet = write_csv(tmp_path / "sjis.csv", [WINDOW_ROW], encoding="cp932")
    assert import_sheet(root, sheet, today=TODAY).errors == []


def _xlsx(path: Path, rows: list[list]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_xlsx_cells_typed_by_excel_are_understood(root, tmp_path):
    row = list(WINDOW_ROW)
    # What Excel stores when a clerk types into unformatted cells: numbers, dates and times.
    row[1], row[6], row[7] = 202011, 36.64, 138.19
    row[10], row[11], row[25] = dt.time(8, 30), dt.time(17, 15), dt.datetime(2026, 4, 1)
    family = [
        "3",
        202011,
        "テスト家族会",
        "てすとかぞくかい",
        "",
        "",
        "",
        "",
        "",
        "土",
        "",
        "",
        "家族で話す会です。",
        "https://example.org/family",
        "",
        "test-sheet-family",
        "家族会",
        "peer-group",
        "テスト家族会",
        "202011",
        "visit",
        "family",
        "",
        "municipality",
        "",
        "2026-04-01",
        "テスト家族会の案内",
        "https://example.org/family",
    ]
    result = import_sheet(root, _xlsx(tmp_path / "一覧.xlsx", [row, family]), today=TODAY)
    assert result.errors == [], [p.format("一覧.xlsx") for p in result.errors]
    window = listing(root, "data/windows/test-sheet-window.yml", Window)
    assert (window.municipality, window.location.lat, window.schedule.slots[0].closes) == ("202011", 36.64, "17:15")
    assert str(window.last_verified) == "2026-04-01"
    assert listing(root, "data/family-groups/test-sheet-family.yml", FamilyGroup).audience == ["family"]


def test_xlsx_bad_row_through_the_command(root, tmp_path):
    row = list(WINDOW_ROW)
    row[6], row[7] = 35.0, 139.9  # outside Nagano: a cross-file check, after the rows themselves are fine
    sheet = _xlsx(tmp_path / "一覧.xlsx", [row])
    result = run_generator(root, "import-sheet", str(sheet))
    assert result.returncode == 1
    assert (
        "一覧.xlsx:2: 列「緯度」(G列) error: 長野県の外の座標です (coordinates are outside Nagano): 35.0, 139.9"
        in result.stdout
    )
    assert "どのファイルも書いていません" in result.stdout
    assert not (root / "data/windows/test-sheet-window.yml").exists()


def test_blank_templates_have_every_column_and_open_in_excel_form(tmp_path):
    text = template_csv()
    assert text.startswith("\ufeff全国地方公共団体コード,")  # BOM: Excel shows the Japanese headers
    assert next(csv.reader(io.StringIO(text.lstrip("\ufeff")))) == template_headers() == HEADER  # = listings.csv
    (tmp_path / "t.xlsx").write_bytes(template_xlsx())
    book = load_workbook(tmp_path / "t.xlsx")
    assert [c.value for c in book["掲載"][1]] == template_headers()
    assert book["項目の説明"]["A2"].value == "全国地方公共団体コード"  # the export's first column
    assert "都道府県コード又は市区町村コード" in known_headers()  # the 2020 header is still read


def test_the_exported_listings_csv_imports_back_into_the_same_data(tmp_path):
    """listings.csv → import-sheet into a data/ without listings → the registry holds the same listings."""
    from generator.engine.pipeline import generate
    from generator.publish.export import export_files
    from generator.registry.checks import load_registry

    original, index, _pages = generate(ROOT, site_url="https://example.org/hub/")
    exported = export_files(index, [], "https://example.org/hub/")
    sheet = tmp_path / "listings.csv"
    sheet.write_bytes(exported["api/v1/listings.csv"])
    root = tmp_path / "project"
    shutil.copytree(ROOT / "data", root / "data")
    for folder in FOLDERS:
        for file in (root / "data" / folder).glob("*.yml"):
            file.unlink()
    result = run_generator(root, "import-sheet", str(sheet))
    assert result.returncode == 0, result.stdout + result.stderr
    back = load_registry(root)
    assert [p for p in back.problems if p.severity == "error"] == []
    from generator.registry.index import without_maintainer_notes  # notes for maintainers are never exported

    for kind, listings in original.listings.items():
        published = {id_: without_maintainer_notes(listing) for id_, listing in listings.items()}
        assert back.listings[kind] == published, kind
    assert sum(len(listings) for listings in back.listings.values()) == len(index.all_entries)
