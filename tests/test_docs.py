"""README.md and HACKING.md stay true: every module is listed once, every path and symbol they name exists,
and every command they tell a maintainer to run is one the command line has."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PATH_PREFIXES = ("generator/", "data/", "tests/", "docs/", "benchmarks/", ".github/", "schemas/", "overrides/")


def layout_rows() -> list[list[str]]:
    """The backticked names of each row of README's 構成 table, bare names resolved in the row's first folder."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("## 構成", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in table.splitlines():
        if not line.startswith("|") or "---" in line:
            continue
        names = re.findall(r"`([^`]+)`", line.split("|")[2])
        folder = ""
        resolved = []
        for name in names:
            if "/" in name:
                folder = name.rsplit("/", 1)[0] + "/" if name.endswith(".py") else folder
                resolved.append(name)
            else:
                resolved.append(folder + name)
        rows.append(resolved)
    return rows


def backticked_paths(name: str) -> list[str]:
    text = (ROOT / name).read_text(encoding="utf-8")
    found = re.findall(r"`([^`\s]+)`", text)
    return sorted({p.split("::")[0] for p in found if p.startswith(PATH_PREFIXES) and not set("<*{") & set(p)})


def test_every_module_is_listed_once_in_the_readme_layout():
    listed = [name for row in layout_rows() for name in row if name.endswith(".py")]
    modules = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "generator").rglob("*.py") if p.name != "__init__.py")
    assert sorted(set(listed)) == modules, set(listed) ^ set(modules)
    assert len(listed) == len(set(listed)), [n for n in listed if listed.count(n) > 1]


@pytest.mark.parametrize("doc", ["README.md", "HACKING.md"])
def test_named_paths_exist(doc):
    missing = [p for p in backticked_paths(doc) if not (ROOT / p.rstrip("/")).exists()]
    assert missing == []


def test_symbols_named_in_hacking_exist():
    """`generator/registry/checks.py::STALE_AFTER_DAYS` and the like: the file defines the name."""
    text = (ROOT / "HACKING.md").read_text(encoding="utf-8")
    pairs = re.findall(r"`([\w/.-]+\.py)::(\w+)`", text)
    assert pairs, "HACKING.md names the places to edit as path::Symbol"
    missing = [
        f"{path}::{name}"
        for path, name in pairs
        if not re.search(rf"^(?:class |def |)\s*{name}\b", (ROOT / path).read_text(encoding="utf-8"), re.M)
    ]
    assert missing == []


def test_commands_in_hacking_exist():
    text = (ROOT / "HACKING.md").read_text(encoding="utf-8")
    commands = set(re.findall(r"python -m generator ([a-z-]+)", text))
    targets = set(re.findall(r"`make ([a-z-]+)", text))
    assert commands and targets
    help_text = subprocess.run(
        [sys.executable, "-m", "generator", "--help"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    assert {c for c in commands if c not in help_text} == set()
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert {t for t in targets if not re.search(rf"^{t}:", makefile, re.M)} == set()


def test_readme_names_the_freshness_rule_not_its_period():
    """The period lives in checks.STALE_AFTER_DAYS only (HACKING: "one line"): README points at it and writes none of
    the words derived from it, so changing the rule leaves no stale sentence behind."""
    from generator.contribute.reminders import MONTHS
    from generator.registry.checks import STALE_JA, STALE_MONTHS_JA
    from generator.registry.vocab import months_ja

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "STALE_AFTER_DAYS" in text
    assert [words for words in (STALE_JA, STALE_MONTHS_JA, months_ja(MONTHS)) if words in text] == []
