"""掲載内容の確認 (変更なし): the confirm form → intake → a change that moves only `last_confirmed`.

Bodies are rendered as GitHub renders a submitted form (tests/intake_bodies.py); every case checks which
files under data/ changed (none, for bad input).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, TODAY, run_generator
from intake_bodies import render_body

from generator.contribute.intake import EventContext, comment_markdown, confirm_pull_request_body, intake
from generator.registry.load import load_file
from generator.registry.models import Window

ID = "ID (相談窓口のファイル名)"
EXISTING = "maisapo-nagano-city"  # a real listing in data/windows/
OTHER = "nagano-city-kokoro-sodan"


@pytest.fixture
def root(tmp_path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path


def name_of(root: Path, id_: str) -> str:
    return load_file(root / f"data/windows/{id_}.yml").data["name"]


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "data").rglob("*")) if p.is_file()}


def run(root: Path, answers: dict, context: EventContext | None = None):
    before = snapshot(root)
    result = intake(root, render_body("confirm-window", answers), TODAY, context)
    after = snapshot(root)
    return result, {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


def test_a_confirmation_moves_only_the_confirmation_date(root):
    path = root / f"data/windows/{EXISTING}.yml"
    old_text = path.read_text(encoding="utf-8")
    old = Window.model_validate(load_file(path).data)
    result, touched = run(root, {ID: EXISTING, "名称": name_of(root, EXISTING)}, EventContext(author="someone"))
    assert result.ok, result.messages
    assert touched == {f"data/windows/{EXISTING}.yml"}
    new = Window.model_validate(load_file(path).data)
    assert new.last_confirmed == TODAY
    assert new.last_verified == old.last_verified and new.changed_on == old.changed_on
    assert new.model_dump(exclude={"last_confirmed"}) == old.model_dump(exclude={"last_confirmed"})
    # the file's diff is the one new line
    added = set(path.read_text(encoding="utf-8").splitlines()) - set(old_text.splitlines())
    assert added == {f"last_confirmed: {TODAY.isoformat()}"}
    assert "掲載内容の確認 (変更なし)" in comment_markdown(result)


def test_a_confirmation_from_the_recorded_maintainer_is_told_apart(root):
    path = root / f"data/windows/{EXISTING}.yml"
    path.write_text(path.read_text(encoding="utf-8") + "maintainer_accounts: [test-fukushi]\n", encoding="utf-8")
    answers = {ID: EXISTING, "名称": name_of(root, EXISTING)}
    by_maintainer, _ = run(root, answers, EventContext(author="Test-Fukushi"))
    assert by_maintainer.ok, by_maintainer.messages
    assert "maintainer_accounts: [test-fukushi]" in path.read_text(encoding="utf-8")  # kept by the writeback
    text = confirm_pull_request_body(by_maintainer, "12")
    assert "登録された担当者 (@Test-Fukushi) からの確認です" in text and "Closes #12" in text
    by_other, _ = run(root, answers, EventContext(author="passer-by"))
    assert by_other.ok
    other_text = confirm_pull_request_body(by_other, "13")
    assert "登録された担当者 (@test-fukushi) 以外の方 (@passer-by) からの確認です" in other_text
    assert "運営者に確かめてから" in other_text


def test_a_listing_without_a_recorded_maintainer_says_so(root):
    result, _ = run(root, {ID: EXISTING, "名称": name_of(root, EXISTING)}, EventContext(author="someone"))
    assert "担当者が登録されていません。確認したのは @someone です" in confirm_pull_request_body(result, "1")


def test_unknown_listing_writes_nothing(root):
    result, touched = run(root, {ID: "no-such-window", "名称": "テスト"})
    assert not result.ok and touched == set()
    assert result.messages == [
        "相談窓口に ID「no-such-window」の掲載がありません。掲載ページの「変更なし」のリンクから"
        "開き直してください (no such listing: data/windows/no-such-window.yml)"
    ]
    assert "まだ提案は作っていません" in comment_markdown(result)


def test_closed_listing_writes_nothing(root):
    path = root / f"data/windows/{EXISTING}.yml"
    path.write_text(
        path.read_text(encoding="utf-8") + "closed:\n  date: 2026-03-31\n  reason: テストの終了です。\n",
        encoding="utf-8",
    )
    result, touched = run(root, {ID: EXISTING, "名称": name_of(root, EXISTING)})
    assert not result.ok and touched == set()
    assert result.messages[0].startswith(f"ID「{EXISTING}」の掲載は、すでに終了しています。確認はいりません")


def test_a_name_that_is_not_the_listings_writes_nothing(root):
    result, touched = run(root, {ID: EXISTING, "名称": name_of(root, OTHER)})
    assert not result.ok and touched == set()
    assert f"ID「{EXISTING}」の掲載の名称「{name_of(root, EXISTING)}」と合いません" in result.messages[0]


def test_a_confirmation_edited_into_another_listing_writes_nothing(root):
    first = render_body("confirm-window", {ID: EXISTING, "名称": name_of(root, EXISTING)})
    result, touched = run(
        root, {ID: OTHER, "名称": name_of(root, OTHER)}, EventContext(author="someone", previous_body=first)
    )
    assert not result.ok and touched == set()
    assert result.messages[0].startswith(f"この Issue は、ID「{EXISTING}」の確認として作られました")
    # editing the same confirmation (e.g. the ticks) is fine
    again, _ = run(
        root, {ID: EXISTING, "名称": name_of(root, EXISTING)}, EventContext(author="someone", previous_body=first)
    )
    assert again.ok, again.messages


def test_the_workflow_command_reads_author_and_edit_from_the_event(root, tmp_path):
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    event = {
        "action": "opened",
        "issue": {
            "number": 7,
            "user": {"login": "passer-by"},
            "body": render_body("confirm-window", {ID: EXISTING, "名称": name_of(root, EXISTING)}),
        },
    }
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps(event, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    result = run_generator(
        root,
        "intake",
        str(event_file),
        "--event",
        "--comment",
        str(out / "c.md"),
        "--pr-body",
        str(out / "pr.md"),
        "--issue",
        "7",
        "--github-output",
        str(out / "o.txt"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "確認したのは @passer-by です" in (out / "pr.md").read_text(encoding="utf-8")
    assert "form=confirm-window\nid=maisapo-nagano-city\n" in (out / "o.txt").read_text(encoding="utf-8")
