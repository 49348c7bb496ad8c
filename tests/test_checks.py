"""Stages 2–3: every invalid fixture produces exactly its pinned errors; valid data produces none."""

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, TODAY, run_generator

from generator.registry.checks import load_registry

CASES = sorted(p.name for p in (FIXTURES / "invalid").iterdir() if p.is_dir())


def fixture_root(tmp_path: Path, case: str | None = None) -> Path:
    shutil.copytree(FIXTURES / "valid" / "data", tmp_path / "data")
    if case:
        shutil.copytree(
            FIXTURES / "invalid" / case,
            tmp_path / "data",
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns("expected.txt", "README"),
        )
    if case == "file-too-large":  # 10 MB is not worth committing; it is written here instead
        (tmp_path / "data" / "windows" / "test-big.yml").write_bytes(b"id: test-big\n" + b"# x\n" * 2_500_000)
    return tmp_path


def test_valid_fixture_has_no_errors(tmp_path):
    registry = load_registry(fixture_root(tmp_path), TODAY)
    assert registry.errors == []
    assert [p.code for p in registry.problems] == ["stale"]  # test-ken-madoguchi: 2024-01-15


@pytest.mark.parametrize("case", CASES)
def test_invalid_fixture_gives_its_exact_errors(tmp_path, case):
    registry = load_registry(fixture_root(tmp_path, case), TODAY)
    expected = (FIXTURES / "invalid" / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert [p.format() for p in registry.errors] == expected


def test_enough_invalid_cases():
    assert len(CASES) >= 40


def test_validate_command_reports_all_errors_and_exits_1(tmp_path):
    root = fixture_root(tmp_path)
    for case in ("phone-invalid", "javascript-link", "unknown-key"):
        shutil.copytree(
            FIXTURES / "invalid" / case,
            root / "data",
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns("expected.txt"),
        )
    result = run_generator(root, "validate")
    assert result.returncode == 1
    assert "error[phone-invalid] contacts.phones[0].number" in result.stdout
    assert "error[url-scheme-forbidden] contacts.website" in result.stdout
    assert "error[unknown-key] phone_number" in result.stdout
    assert "3 件のエラー" in result.stdout


def test_github_annotations(tmp_path):
    root = fixture_root(tmp_path, "phone-invalid")
    result = run_generator(root, "validate", GITHUB_ACTIONS="true")
    assert "::error file=data/windows/test-phone.yml,line=21,col=7::" in result.stdout


def test_tone_lexicon_warns(tmp_path):
    root = fixture_root(tmp_path)
    path = root / "data" / "windows" / "test-iijima-soudanshitsu.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "description: テスト用の架空の相談室です。", "description: 社会復帰を目指します。"
        ),
        encoding="utf-8",
    )
    registry = load_registry(root, TODAY)
    tone = [p for p in registry.problems if p.code == "tone"]
    assert len(tone) == 1 and tone[0].severity == "warning" and tone[0].field == "description"
    assert "「社会復帰」は避けたい言葉です" in tone[0].message


def test_stale_listing_warns_but_builds(tmp_path):
    registry = load_registry(fixture_root(tmp_path), TODAY)
    (stale,) = [p for p in registry.problems if p.code == "stale"]
    assert stale.file == "data/windows/test-ken-madoguchi.yml" and stale.line == 17


def test_real_data_is_valid():
    registry = load_registry(ROOT)
    assert [p.format() for p in registry.errors] == []
    assert len(registry.municipalities) == 77 and len(registry.regions) == 10


@pytest.mark.parametrize(
    "url",
    [
        "https://www.city.nagano.nagano.jp@evil.example/",
        "https://user:pw@example.org/",
        "https://example.org\\@evil.example/",
    ],
)
def test_a_link_with_a_user_part_is_refused_for_links_and_sources(url):
    from pydantic import TypeAdapter, ValidationError

    from generator.registry.models import HttpsUrl, SourceUrl

    for kind in (HttpsUrl, SourceUrl):
        with pytest.raises(ValidationError, match="url-userinfo|user or password"):
            TypeAdapter(kind).validate_python(url)
    assert TypeAdapter(HttpsUrl).validate_python("https://example.org/a@b?q=c@d") == "https://example.org/a@b?q=c@d"
