"""intake: a submitted issue form becomes exactly one listing file, or a clear Japanese error.

Bodies are rendered exactly as GitHub renders a submitted form (tests/intake_bodies.py). Every case
checks that no other file under data/ changed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, TODAY, run_generator
from intake_bodies import render_body

from generator.contribute.intake import MAX_BODY, comment_markdown, intake
from generator.registry.load import load_file
from generator.registry.models import Window

ID = "ID (相談窓口のファイル名)"
NEW_WINDOW = {
    ID: "test-soudan",
    "都道府県コード又は市区町村コード": "202011",
    "名称": "テスト相談窓口",
    "名称_カナ": "てすとそうだんまどぐち",
    "団体名": "テスト市 福祉課",
    "運営者の種類": "市町村 (municipality)",
    "対象地域": "202011",
    "相談方法": ["電話 (phone)", "メール (email)"],
    "電話番号": "026-000-0000",
    "メールアドレス": "soudan@example.org",
    "利用可能曜日": ["月 (mon)", "水 (wed)"],
    "開始時間": "8:30",
    "終了時間": "17:15",
    "対象": ["ご本人 (person)", "ご家族 (family)"],
    "名前を言わずに相談できる": "はい",
    "家族だけの相談ができる": "わからない",
    "窓口の範囲": "市町村の窓口 (municipal)",
    "説明": "テストの説明です。\n2行目です。",
    "情報確認日": "2026-04-01",
    "出典名": "テスト市 広報 2026年4月号",
    "出典URL": "https://example.org/koho",
}
NEW_WINDOW_YAML = """\
# yaml-language-server: $schema=../../schemas/window.schema.json
id: test-soudan
name: テスト相談窓口
name_kana: てすとそうだんまどぐち
operator:
  name: テスト市 福祉課
  type: municipality
municipality: '202011'
service_area: ['202011']
methods: [phone, email]
contacts:
  phones:
  - number: 026-000-0000
  emails: [soudan@example.org]
schedule:
  slots:
  - days: [mon, wed]
    opens: '08:30'
    closes: '17:15'
anonymous_ok: true
audience: [person, family]
description: |-
  テストの説明です。
  2行目です。
last_verified: 2026-04-01
source:
- title: テスト市 広報 2026年4月号
  url: https://example.org/koho
level: municipal
"""
EXISTING = "maisapo-nagano-city"  # a real listing in data/windows/


@pytest.fixture
def root(tmp_path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "data").rglob("*")) if p.is_file()}


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


def run(root: Path, form: str, answers: dict, **kw):
    before = snapshot(root)
    result = intake(root, render_body(form, answers, **kw), TODAY)
    return result, changed(before, snapshot(root))


# ---------------------------------------------------------------- the three forms


def test_new_writes_exactly_the_expected_yaml(root):
    result, touched = run(root, "new-window", NEW_WINDOW)
    assert result.ok, result.messages
    assert touched == {"data/windows/test-soudan.yml"}
    assert (root / "data/windows/test-soudan.yml").read_text(encoding="utf-8") == NEW_WINDOW_YAML
    assert "誤りはありませんでした" in comment_markdown(result)


def test_change_updates_only_the_given_fields_and_adds_the_new_source_first(root):
    old = Window.model_validate(load_file(root / f"data/windows/{EXISTING}.yml").data, strict=True)
    answers = {
        "ID (相談窓口のファイル名)": EXISTING,
        "電話番号": "026-219-6881",
        "情報確認日": "2026-10-01",
        "出典の補足": "2026年10月1日にテスト市 福祉課が電話で確認",
    }
    result, touched = run(root, "change-window", answers)
    assert result.ok, result.messages
    assert touched == {f"data/windows/{EXISTING}.yml"}
    new = Window.model_validate(load_file(root / f"data/windows/{EXISTING}.yml").data, strict=True)
    assert new.contacts.phones[0].number == "026-219-6881"
    assert str(new.last_verified) == "2026-10-01"
    assert new.source[0].note == "2026年10月1日にテスト市 福祉課が電話で確認"
    assert new.source[1:] == old.source
    assert new.last_changed == TODAY and new.last_confirmed == old.last_confirmed
    unchanged = {"contacts", "last_verified", "source", "last_changed"}
    assert new.model_dump(exclude=unchanged) == old.model_dump(exclude=unchanged)


def test_close_marks_the_listing_closed_and_it_leaves_every_list(root):
    answers = {
        ID: EXISTING,
        "掲載終了日": "2026-03-31",
        "掲載終了の理由": "2026年3月で事業を終了しました。",
        "出典名": "テスト市 お知らせ",
    }
    result, touched = run(root, "close-window", answers)
    assert result.ok, result.messages
    assert touched == {f"data/windows/{EXISTING}.yml"}
    text = (root / f"data/windows/{EXISTING}.yml").read_text(encoding="utf-8")
    assert "\nclosed:\n  date: 2026-03-31\n  reason: 2026年3月で事業を終了しました。\n" in text

    from generator.engine.pipeline import generate

    shutil.copytree(ROOT / "docs", root / "docs")
    _reg, index, pages = generate(root, TODAY)
    assert EXISTING not in [e.id for e in index.entries["windows"]]
    assert EXISTING not in pages["windows/index.md"] and EXISTING not in pages["municipalities/202011.md"]
    page = pages[f"windows/{EXISTING}.md"]
    assert "掲載を終了しました (2026年3月31日)" in page and "2026年3月で事業を終了しました。" in page


# ---------------------------------------------------------------- hostile and mistaken bodies


def test_shell_metacharacters_are_just_text(root):
    name = "テスト$(touch /tmp/pwned);`id` && rm -rf / | cat ${HOME} > x"
    result, touched = run(root, "new-window", {**NEW_WINDOW, "名称": name})
    assert result.ok, result.messages
    assert touched == {"data/windows/test-soudan.yml"}
    assert Window.model_validate(load_file(root / "data/windows/test-soudan.yml").data, strict=True).name == name
    assert not Path("/tmp/pwned").exists()


def test_html_is_stored_as_text_and_escaped_on_the_page(root):
    html = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    result, _ = run(root, "new-window", {**NEW_WINDOW, "説明": html})
    assert result.ok, result.messages
    from generator.engine.pipeline import generate

    _reg, _index, pages = generate(root, TODAY)
    page = pages["windows/test-soudan.md"]
    assert "<script>" not in page and "<img" not in page and "&lt;script&gt;" in page


def test_a_value_that_starts_a_new_key_stays_inside_its_field(root):
    sneaky = "テストの説明です。\nid: maisapo-nagano-city\nlevel: national\nclosed:\n  date: 2020-01-01"
    result, touched = run(root, "new-window", {**NEW_WINDOW, "説明": sneaky})
    assert result.ok, result.messages
    assert touched == {"data/windows/test-soudan.yml"}
    listing = Window.model_validate(load_file(root / "data/windows/test-soudan.yml").data, strict=True)
    assert (listing.id, listing.level, listing.closed, listing.description) == (
        "test-soudan",
        "municipal",
        None,
        sneaky,
    )


def test_a_one_line_field_refuses_a_second_line(root):
    result, touched = run(root, "new-window", {**NEW_WINDOW, "名称": "テスト\nid: other"})
    assert not result.ok and touched == set()
    assert result.messages == ["項目「名称」は1行で書いてください (must be one line)"]


def test_a_heading_hidden_in_an_answer_is_refused(root):
    result, touched = run(
        root, "new-window", {**NEW_WINDOW, "説明": "テスト\n\n### ID (相談窓口のファイル名)\n\nmaisapo-nagano-city"}
    )
    assert not result.ok and touched == set()
    assert "項目「ID (相談窓口のファイル名)」が2回あります" in result.messages[0]


@pytest.mark.parametrize("bad_id", ["../windows/maisapo-nagano-city", "Test_ID", "a;rm -rf /", "テスト", "x" * 81])
def test_ids_that_are_not_slugs_never_become_paths(root, bad_id):
    result, touched = run(root, "new-window", {**NEW_WINDOW, ID: bad_id})
    assert not result.ok and touched == set()
    assert result.messages[0].startswith("項目「ID (相談窓口のファイル名)」: 英小文字・数字・ハイフンで書いてください")


def test_new_refuses_an_id_that_exists_in_any_kind(root):
    result, touched = run(root, "new-ibasho", {"ID (居場所のファイル名)": EXISTING})
    assert not result.ok and touched == set()
    assert f"ID「{EXISTING}」はすでに使われています (data/windows/{EXISTING}.yml)" in result.messages[0]


def test_change_of_another_kind_finds_nothing_and_touches_nothing(root):
    result, touched = run(root, "change-ibasho", {"ID (居場所のファイル名)": EXISTING, "情報確認日": "2026-10-01"})
    assert not result.ok and touched == set()
    assert result.messages[0].startswith(f"居場所に ID「{EXISTING}」の掲載がありません")


def test_oversized_text_is_refused(root):
    result, touched = run(root, "new-window", {**NEW_WINDOW, "説明": "あ" * 5000})
    assert not result.ok and touched == set()
    assert result.messages == ["項目「説明」が長すぎます (5000 文字。4000 文字まで) (too long)"]
    huge = intake(root, "### 名称\n\n" + "x" * (MAX_BODY + 1), TODAY)
    assert not huge.ok and "本文が長すぎます" in huge.messages[0]


def test_control_characters_are_refused(root):
    result, touched = run(root, "new-window", {**NEW_WINDOW, "名称": "テスト\u202eevil"})
    assert not result.ok and touched == set()
    assert "U+202E" in result.messages[0]


def test_unticked_confirmation_is_refused(root):
    result, touched = run(root, "new-window", NEW_WINDOW, tick_all=False)
    assert not result.ok and touched == set()
    assert result.messages == ["「確認」のチェックをすべて入れてください (please tick every confirmation)"]


def test_an_ordinary_issue_is_not_a_form(root):
    result = intake(root, "サイトの文字が小さいです。\n\n### 名称\n\nテスト", TODAY)
    assert not result.ok and "フォームの形が合いません" in result.messages[0]


def test_model_errors_name_the_form_field_and_nothing_is_written(root):
    result, touched = run(
        root, "new-window", {**NEW_WINDOW, "電話番号": "026-12", "緯度": "北緯36度", "名称_カナ": "Test相談"}
    )
    assert not result.ok and touched == set()
    assert result.messages == ["項目「緯度」: 数値で書いてください (must be a number): '北緯36度'"]
    result, touched = run(root, "new-window", {**NEW_WINDOW, "電話番号": "026-12", "名称_カナ": "テスト相談!"})
    assert not result.ok and touched == set()
    assert result.messages == [
        "項目「名称_カナ」: ひらがなかカタカナで書いてください (write the reading in kana)",
        "項目「電話番号」: 電話番号の形式が正しくありません (not a valid Japanese phone number)",
    ]
    assert "まだ提案は作っていません" in comment_markdown(result)


def test_cross_file_checks_undo_the_write(root):
    result, touched = run(root, "new-window", {**NEW_WINDOW, "都道府県コード又は市区町村コード": "999999"})
    assert not result.ok and touched == set()
    assert result.messages == [
        "項目「都道府県コード又は市区町村コード」: 市町村コードが見つかりません (unknown municipality code): '999999'"
    ]


# ---------------------------------------------------------------- the command, as the workflow runs it


def test_cli_reads_the_event_file_and_writes_comment_and_outputs(root, tmp_path):
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps({"issue": {"number": 7, "body": render_body("new-window", NEW_WINDOW)}}), encoding="utf-8"
    )
    out, comment, pr = tmp_path / "out.txt", tmp_path / "comment.md", tmp_path / "pr.md"
    result = run_generator(
        root,
        "intake",
        "--event",
        str(event),
        "--comment",
        str(comment),
        "--pr-body",
        str(pr),
        "--issue",
        "7",
        "--github-output",
        str(out),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        out.read_text(encoding="utf-8")
        == "ok=true\nform=new-window\nid=test-soudan\npath=data/windows/test-soudan.yml\n"
    )
    assert "Closes #7" in pr.read_text(encoding="utf-8")
    assert comment.read_text(encoding="utf-8").startswith("ありがとうございます。")
