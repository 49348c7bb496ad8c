"""A build that uses the machine's other core writes the same site, byte for byte, as one that stays on this core.

`make build` forks (generator/engine/parallel.py: the pages rendered on both cores, the published files made
while MkDocs renders, ふりがな added to each built page by another process: mkdocs_hook.RubyElsewhere);
`mkdocs serve` never forks (ふりがな added inline, before the CSP). Both must publish the same files, or the speed
would cost residents something."""

from __future__ import annotations

from pathlib import Path

from conftest import copy_project
from mkdocs.commands.build import build
from mkdocs.config import load_config

from generator.engine.parallel import stay_on_this_core

# Its zip records when each part was written: the only file two builds of the same data may write differently.
TIMESTAMPED = {"contribute/listings-template.xlsx"}


def files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_a_build_on_both_cores_writes_what_a_build_on_one_core_writes(built_site, tmp_path):
    root = copy_project(tmp_path / "project")
    site = tmp_path / "site"
    stay_on_this_core()  # as `mkdocs serve` does: no fork anywhere in this build
    try:
        build(load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(site)))
    finally:
        stay_on_this_core(False)
    forked, serial = files(built_site), files(site)
    assert sorted(forked) == sorted(serial)
    assert TIMESTAMPED <= set(serial)
    with_ruby = [path for path, text in forked.items() if path.endswith(".html") and b"<ruby>" in text]
    assert len(with_ruby) > 100  # the readings are compared too, not only pages without any
    different = [path for path in serial if path not in TIMESTAMPED and forked[path] != serial[path]]
    assert different == [], different[:20]
