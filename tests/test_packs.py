"""Verification packs: /contribute/towns/<code>/ (out of search) and its pre-filled sheet, which goes back
through import-sheet without losing anything (maintainers' notes and accounts included)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT, TODAY

from generator.contribute.import_sheet import import_sheet
from generator.registry.checks import load_registry
from generator.registry.index import build_index
from generator.registry.kinds import KINDS
from generator.registry.load import load_file
from generator.site.packs import pack_entries, pack_sheet
from generator.site.render import plan_pages


@pytest.fixture
def root(tmp_path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path


def _listings(root: Path) -> dict[str, object]:
    out = {}
    for kind, model in ((k.folder, k.model) for k in KINDS):
        for path in sorted((root / "data" / kind).glob("*.yml")):
            out[f"{kind}/{path.stem}"] = model.model_validate(load_file(path).data)
    return out


def test_every_towns_sheet_goes_back_through_import_sheet_without_loss(root):
    index = build_index(load_registry(root, TODAY), TODAY)
    before = _listings(root)
    assert any(x.maintainer_note or any(s.maintainer_note for s in x.source) for x in before.values())
    towns = [code for code in index.registry.municipalities if pack_entries(index, code)]
    assert towns
    for code in towns:
        sheet = root / f"kakunin-{code}.csv"
        sheet.write_bytes(pack_sheet(index, code, "https://example.org/"))
        result = import_sheet(root, sheet, overwrite=True, today=TODAY)
        assert result.errors == [], [p.format(sheet.name) for p in result.problems]
        assert len(result.written) == len(pack_entries(index, code))
    after = _listings(root)
    for key, listing in before.items():
        assert after[key] == listing, key  # equal models, private fields included


def test_a_changed_cell_comes_back_as_that_change_only(root):
    index = build_index(load_registry(root, TODAY), TODAY)
    code = next(c for c in index.registry.municipalities if pack_entries(index, c))
    entry = pack_entries(index, code)[0]
    old_phone = entry.listing.contacts.phones[0].number
    text = pack_sheet(index, code, "").decode("utf-8-sig")
    sheet = root / "edited.csv"
    sheet.write_bytes(("\ufeff" + text.replace(old_phone, "026-000-0000")).encode("utf-8"))
    before = _listings(root)
    assert import_sheet(root, sheet, overwrite=True, today=TODAY).errors == []
    after = _listings(root)
    key = f"{entry.kind}/{entry.id}"
    assert after[key].contacts.phones[0].number == "026-000-0000"
    assert {k for k in before if before[k] != after[k]} == {key}


def test_each_town_has_a_pack_page_out_of_search():
    index = build_index(load_registry(ROOT, TODAY), TODAY)
    pages = plan_pages(index).render_all()
    for code in index.registry.municipalities:
        text = pages[f"contribute/towns/{code}.md"]
        assert "search:\n  exclude: true" in text.split("---")[1]
        entries = pack_entries(index, code)
        for e in entries:
            assert f"{e.listing.name}" in text and "□ 変更なし" in text
        if entries:
            assert f'href="kakunin-{code}.csv"' in text and f"contribute/towns/{code}/kakunin-{code}.csv" in pages
        else:
            assert "まだありません" in text
