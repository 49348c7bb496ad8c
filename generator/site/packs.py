"""A verification pack per town, for a clerk who works from paper or Excel: `/contribute/towns/<code>/`
(out of search) with a printable 確認票 of the town's listings and the same listings as a pre-filled sheet
in the import-sheet columns (`kakunin-<code>.csv`). The returned sheet goes back through
`python -m generator import-sheet FILE --overwrite`, and nothing is lost (tests/test_packs.py).
"""

from __future__ import annotations

from collections.abc import Callable

from ..contribute.sheet import listing_row, write_table
from ..registry import urls
from ..registry.index import Entry, Index


def pack_entries(index: Index, code: str) -> list[Entry]:
    """The open listings located in the town: the ones its staff can check."""
    return index.located_in(code)


def sheet_name(code: str) -> str:
    return f"kakunin-{code}.csv"


def pack_sheet(index: Index, code: str, site_url: str) -> bytes:
    prefecture = index.registry.site.prefecture
    return write_table(listing_row(e, site_url, prefecture) for e in pack_entries(index, code))


def pack_files(index: Index, site_url: str) -> dict[str, Callable[[], bytes]]:
    return {
        urls.town_pack(code) + sheet_name(code): (lambda code=code: pack_sheet(index, code, site_url))
        for code in index.registry.municipalities
        if pack_entries(index, code)
    }
