"""Shared test fixtures: paths, a fixture registry, and one real site build per session."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
TODAY = dt.date(2026, 11, 27)  # fixed, so freshness warnings in fixtures do not drift
sys.path.insert(0, str(ROOT))


def copy_project(target: Path, data: Path | None = None) -> Path:
    """A buildable copy of the project, optionally with another data/ folder."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "docs", "overrides", "generator"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, target / name)
    shutil.copytree(data or ROOT / "data", target / "data")
    return target


def fixture_data(target: Path, *overlays: str) -> Path:
    """tests/fixtures/valid/data, with the listings of tests/fixtures/<overlay>/ laid over it, at target/data."""
    shutil.copytree(FIXTURES / "valid" / "data", target / "data")
    for overlay in overlays:
        for folder in (FIXTURES / overlay).iterdir():
            if folder.is_dir():
                shutil.copytree(folder, target / "data" / folder.name, dirs_exist_ok=True)
    return target / "data"


def run_generator(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """`python -m generator` on a project folder; uses its own generator/ when it has a copy."""
    code = root if (root / "generator").is_dir() else ROOT
    environ = dict(os.environ, PYTHONPATH=str(code), **env)
    return subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=environ,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real site, built once through `python -m generator build` (the same path as `make build`)."""
    root = tmp_path_factory.mktemp("project")
    copy_project(root)
    result = run_generator(root, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "site"


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory) -> Path:
    """A site built from the synthetic fixtures plus tests/fixtures/privacy/ (schedules, private and approximate
    places)."""
    data = fixture_data(tmp_path_factory.mktemp("fixture-data"), "privacy")
    root = copy_project(tmp_path_factory.mktemp("fixture-project"), data=data)
    result = run_generator(root, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "site"
