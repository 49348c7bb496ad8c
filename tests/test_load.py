"""Stage 1: YAML is read with the position of every field, and YAML's traps are refused."""

from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from generator.registry import load
from generator.registry.load import LoadError, load_file


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "x.yml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_positions_point_at_keys_and_items(tmp_path):
    doc = load_file(write(tmp_path, "# c\nid: a\ncontacts:\n  phones:\n    - number: '026'\n"))
    assert doc.positions[("id",)] == (2, 1)
    assert doc.positions[("contacts", "phones", 0, "number")] == (5, 7)
    # a missing key falls back to its nearest written parent
    assert doc.position(("contacts", "phones", 0, "label")) == (5, 7)


def test_times_and_words_stay_text(tmp_path):
    doc = load_file(write(tmp_path, "opens: 8:30\nanswer: no\nflag: true\ncount: 3\nday: 2026-01-31\n"))
    assert doc.data["opens"] == "8:30"  # YAML 1.1 would give 510
    assert doc.data["answer"] == "no"  # YAML 1.1 would give False
    assert doc.data["flag"] is True and doc.data["count"] == 3
    assert str(doc.data["day"]) == "2026-01-31"


def test_bom_is_ignored(tmp_path):
    assert load_file(write(tmp_path, b"\xef\xbb\xbfid: a\n")).data == {"id": "a"}


@pytest.mark.parametrize(
    "text, code, line",
    [
        ("a: 1\na: 2\n", "duplicate-key", 2),
        ("a: &x [1]\nb: *x\n", "yaml-alias", 2),
        ("a:\n\tb: 1\n", "yaml-tab", 2),
        ("", "empty-file", 1),
        ("a: [1\n", "yaml-syntax", 2),
    ],
)
def test_refused_with_position(tmp_path, text, code, line):
    with pytest.raises(LoadError) as err:
        load_file(write(tmp_path, text))
    assert err.value.problem.code == code
    assert err.value.problem.line == line


def test_billion_laughs_is_refused_fast(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(8)
    )
    with pytest.raises(LoadError) as err:
        load_file(write(tmp_path, bomb))
    assert err.value.problem.code == "yaml-alias"


def test_deep_nesting_is_refused(tmp_path):
    with pytest.raises(LoadError) as err:
        load_file(write(tmp_path, "a: " + "[" * 60 + "]" * 60 + "\n"))
    assert err.value.problem.code == "too-deep"


def test_alias_bomb_is_refused_with_bounded_memory(tmp_path):
    import time
    import tracemalloc

    layers = "".join(
        f"l{i}: &l{i} [*l{i - 1}, *l{i - 1}, *l{i - 1}, *l{i - 1}, *l{i - 1}, *l{i - 1}, *l{i - 1}, *l{i - 1},"
        f" *l{i - 1}]\n"
        for i in range(1, 10)
    )
    path = write(tmp_path, "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + layers)  # 9^10 nodes if expanded
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(LoadError):
        load_file(path)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 2_000_000 and elapsed < 1.0, (peak, elapsed)


def _shape(node):
    """A node tree as plain tuples: tag, value and where each node starts."""
    where = (node.tag, node.start_mark.line, node.start_mark.column)
    if isinstance(node, yaml.MappingNode):
        return where + (tuple((_shape(k), _shape(v)) for k, v in node.value),)
    if isinstance(node, yaml.SequenceNode):
        return where + (tuple(_shape(item) for item in node.value),)
    return where + (node.value,)


@pytest.mark.parametrize("folder", ["data", "tests/fixtures/valid/data"])
def test_libyaml_and_python_loaders_read_every_file_alike(folder):
    files = sorted((ROOT / folder).rglob("*.yml"))
    assert len(files) > 5
    for path in files:
        text = path.read_text(encoding="utf-8")
        fast, slow = load._compose(text, load._FastStrictLoader)[0], load._compose(text, load._StrictLoader)[0]
        assert _shape(fast) == _shape(slow), path


@pytest.mark.parametrize(
    "text, line, col, char",
    [
        ("id: a\nname: テスト\u202eevil\n", 2, 10, "U+202E"),  # written as it is: the exact column
        ('id: a\nname: "テスト\\u2067x"\n', 2, 7, "U+2067"),  # written as an escape: the value's start
        ("id: a\nnote: テスト\x1bx\n", 2, 10, "U+001B"),
    ],
)
def test_control_and_bidi_characters_are_refused_with_their_line(tmp_path, text, line, col, char):
    with pytest.raises(LoadError) as exc:
        load_file(write(tmp_path, text))
    problem = exc.value.problem
    assert (problem.code, problem.line, problem.column) == ("control-character", line, col)
    assert f"見えない制御文字 ({char})" in problem.message


def _read_with(loader_class: type, text: str, path: Path) -> tuple:
    node, loader = load._compose(text, loader_class)
    doc = load.Document(path=path, data=None)
    doc.data = load._to_python(node, (), doc, loader)
    return doc.data, doc.positions


def test_files_without_a_star_are_composed_by_libyaml_into_the_same_data_and_positions(tmp_path):
    """A text with no `*` cannot hold an alias, so libyaml composes it (faster); it must read every registry file
    as the composer that refuses aliases does, positions included."""
    files = sorted((ROOT / "data").rglob("*.yml"))
    assert len(files) > 40
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert _read_with(load._FastStrictLoader, text, path) == _read_with(load._FastestStrictLoader, text, path), path
    quoted = load_file(write(tmp_path, "name: 'テスト*相談室'\nnote: a*b\n"))  # a star that is no alias: read as text
    assert quoted.data == {"name": "テスト*相談室", "note": "a*b"}
