"""The 公共施設一覧-style table: written for Excel, and read back into exactly the listings it came from."""

from __future__ import annotations

import typing

import pytest
from conftest import ROOT, TODAY, fixture_data
from pydantic import BaseModel

from generator.contribute.sheet import (
    BY_FIELD,
    COLUMNS,
    HEADER,
    SheetError,
    listing_from_row,
    listing_row,
    read_table,
    write_table,
)
from generator.engine.pipeline import generate
from generator.publish.export import export_files
from generator.registry.kinds import KINDS

SITE = "https://example.org/hub/"
STANDARD = [
    "全国地方公共団体コード",
    "ID",
    "地方公共団体名",
    "名称",
    "名称_カナ",
    "名称_通称",
    "POIコード",
    "住所",
    "方書",
    "緯度",
    "経度",
    "電話番号",
    "内線番号",
    "法人番号",
    "団体名",
    "利用可能曜日",
    "開始時間",
    "終了時間",
    "利用可能日時特記事項",
    "説明",
    "バリアフリー情報",
    "URL",
    "備考",
]


@pytest.fixture(scope="module", params=["fixtures", "real"])
def index(request, tmp_path_factory):
    if request.param == "real":
        return generate(ROOT, site_url=SITE)[1]
    root = tmp_path_factory.mktemp("sheet")
    fixture_data(root, "privacy")
    return generate(root, TODAY, site_url=SITE)[1]


def csv_bytes(index) -> bytes:
    return export_files(index, [], SITE)["api/v1/listings.csv"]


def test_csv_opens_in_excel_and_leads_with_the_standard_columns(index):
    data = csv_bytes(index)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads Japanese correctly
    first_line = data.decode("utf-8").removeprefix("\ufeff").split("\r\n")[0]
    assert first_line.split(",")[:23] == STANDARD
    assert first_line.split(",") == HEADER


def test_csv_round_trip_gives_back_every_listing_without_loss(index):
    header, rows = read_table(csv_bytes(index))
    assert len(rows) == len(index.all_entries)
    for row, entry in zip(rows, index.all_entries):
        kind, listing = listing_from_row(row, header)
        assert kind == entry.kind
        assert listing == entry.public, entry.id  # equal models: every field, nested ones included


def leaf_fields(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Dotted paths of a model's fields; a nested record is a leaf when it comes in a list (a JSON cell)."""
    out = set()
    for name, info in model.model_fields.items():
        if info.exclude:  # maintainers' notes never leave the registry, so no sheet carries them
            continue
        if typing.get_origin(info.annotation) is list:
            out.add(f"{prefix}{name}")
            continue
        args = [a for a in typing.get_args(info.annotation) if a is not type(None)] or [info.annotation]
        nested = next((a for a in args if isinstance(a, type) and issubclass(a, BaseModel)), None)
        out |= leaf_fields(nested, f"{prefix}{name}.") if nested else {f"{prefix}{name}"}
    return out


def test_every_field_of_every_listing_has_exactly_one_column():
    fields = set().union(*(leaf_fields(model) for model in (k.model for k in KINDS)))
    carried = [c.field for c in COLUMNS if c.field]
    assert len(carried) == len(set(carried))
    assert set(carried) == fields, "add a Column in generator/contribute/sheet.py for every new model field"


def test_a_sheet_with_only_the_standard_columns_and_ours_that_matter():
    """What a clerk may type: no JSON columns, the phone and hours in the standard columns."""
    text = (
        "種別,ID,名称,名称_カナ,団体名,運営者の種類,窓口の範囲,全国地方公共団体コード,対象地域,相談の方法,電話番号,"
        "内線番号,利用可能曜日,開始時間,終了時間,利用可能日時特記事項,対象,説明,情報確認日,出典\r\n"
        "windows,test-clerk,テスト町の相談,てすとまちのそうだん,テスト町,municipality,municipal,203840,203840,phone;visit,"
        "0265-00-0000,12,平日,8:30,17:15,祝日は休み,person;family,町の相談窓口です。,2026/10/1,"
        '"[{""title"":""町の広報"",""url"":""https://example.org/koho""}]"\r\n'
    )
    header, rows = read_table(text)
    kind, window = listing_from_row(rows[0], header)
    assert kind == "windows"
    phone = window.contacts.phones[0]
    assert (phone.number, phone.extension) == ("0265-00-0000", "12")
    slot = window.schedule.slots[0]
    assert (slot.days, slot.opens, slot.closes) == (["mon", "tue", "wed", "thu", "fri"], "08:30", "17:15")
    assert window.schedule.note == "祝日は休み"
    assert str(window.last_verified) == "2026-10-01"


def exported_row(index, listing_id: str) -> tuple[list[str], dict[str, str]]:
    header, rows = read_table(csv_bytes(index))
    return header, next(r for r in rows if r["ID"] == listing_id)


def test_a_standard_column_that_disagrees_with_ours_is_an_error(tmp_path):
    fixture_data(tmp_path, "privacy")
    index = generate(tmp_path, TODAY, site_url=SITE)[1]
    header, row = exported_row(index, "test-iijima-soudanshitsu")
    assert row["電話番号"] == "0265-00-0000"
    row["電話番号"] = "0265-11-1111"  # edited in Excel, but 電話_詳細 still says 0265-00-0000
    with pytest.raises(SheetError) as exc:
        listing_from_row(row, header)
    assert exc.value.problems[0][0] == "電話番号" and "電話_詳細" in exc.value.problems[0][1]


def test_bad_cells_are_named_by_column(tmp_path):
    fixture_data(tmp_path)
    index = generate(tmp_path, TODAY, site_url=SITE)[1]
    header, row = exported_row(index, "test-iijima-soudanshitsu")
    row.update({"祝日休み": "たぶん", "情報確認日": "先週", "電話_詳細": "[{", "立ち寄り": "true"})
    with pytest.raises(SheetError) as exc:
        listing_from_row(row, header)
    columns = [column for column, _message in exc.value.problems]
    assert columns == ["電話_詳細", "祝日休み", "情報確認日", "立ち寄り"]
    row = exported_row(index, "test-iijima-soudanshitsu")[1] | {"予約": "maybe"}
    with pytest.raises(SheetError) as exc:
        listing_from_row(row, header)
    assert exc.value.problems[0][0] == "予約"


def test_unknown_columns_and_missing_kind_are_refused():
    with pytest.raises(SheetError) as exc:
        read_table("種別,名称,なまえ\r\nwindows,a,b\r\n")
    assert exc.value.problems == [("なまえ", "この列名は使えません。綴りを確認してください (unknown column)")]
    with pytest.raises(SheetError):
        read_table("名称\r\na\r\n")


def test_lists_fall_back_to_json_only_when_needed():
    by_name = {c.name: c for c in COLUMNS}
    assert by_name["職種"].codec.write(["保健師", "社会福祉士"]) == "保健師;社会福祉士"
    tricky = ["A;B", "[C]"]
    assert by_name["職種"].codec.read(by_name["職種"].codec.write(tricky)) == tricky
    assert BY_FIELD["languages"].name == "言語"
    assert write_table([]).decode("utf-8").startswith("\ufeff全国地方公共団体コード,")


def test_kind_specific_columns_stay_empty_for_other_kinds(index):
    for entry in index.all_entries:
        row = listing_row(entry, SITE, "長野県")
        for column in COLUMNS:
            if column.kinds and entry.kind not in column.kinds:
                assert row[column.name] == "", (entry.id, column.name)


FORMULAS = {
    "name": '=HYPERLINK("https://evil.example/","x")',
    "staff": ["@SUM(1+1)*cmd|' /C calc'!A0", "保健師"],
    "operator_name": "-2+3+cmd|' /C calc'!A0",
    "address": "'=not a formula, written with its own quote",
}


def test_text_that_would_be_a_formula_is_written_as_text_and_reads_back_the_same(tmp_path):
    fixture_data(tmp_path, "privacy")
    path = tmp_path / "data/windows/test-iijima-soudanshitsu.yml"
    text = path.read_text(encoding="utf-8")
    for old, new in [
        ("name: テスト飯島相談室", f"name: '{FORMULAS['name']}'"),
        ("staff: [保健師]", "staff: [\"@SUM(1+1)*cmd|' /C calc'!A0\", 保健師]"),
        ("  name: テスト運営者", "  name: \"-2+3+cmd|' /C calc'!A0\""),
        ("address: テスト町テスト1-1", 'address: "\'=not a formula, written with its own quote"'),
    ]:
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    index = generate(tmp_path, TODAY, site_url=SITE)[1]
    files = export_files(index, [], SITE)
    header, rows = read_table(files["api/v1/listings.csv"])
    row = next(r for r in rows if r["ID"] == "test-iijima-soudanshitsu")
    # As Excel sees the cells: none starts with = + - @, so none is run as a formula.
    assert row["名称"] == "'" + FORMULAS["name"]
    assert row["団体名"] == "'" + FORMULAS["operator_name"]
    assert row["住所"] == "''=not a formula, written with its own quote"
    assert row["職種"].startswith("'@SUM")
    for cells in rows:
        assert not [v for v in cells.values() if v[:1] in ("=", "+", "@", "\t", "\r")], cells["ID"]
    # Read back: every listing exactly as it was (the round trip stays lossless).
    for cells, entry in zip(rows, index.all_entries):
        assert listing_from_row(cells, header)[1] == entry.public, entry.id
    hsds = files["api/v1/hsds/services.csv"].decode("utf-8")
    assert "'=HYPERLINK(" in hsds and ",=HYPERLINK(" not in hsds
    # Machine values keep their form: the last Sunday of the month is -1SU, not '-1SU.
    assert ",-1SU," in files["api/v1/hsds/schedules.csv"].decode("utf-8")


@pytest.mark.parametrize("text", ["=1+1", "'=1+1", "''@x", "\tx", "\rx", "-1FR", "+81", "'", "''", "テスト", "", "x=1"])
def test_neutralise_then_restore_is_the_identity(text):
    from generator.contribute.sheet_columns import neutralise, restore

    cell = neutralise(text)
    assert restore(cell) == text
    assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r")
