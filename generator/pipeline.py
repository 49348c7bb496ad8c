"""The whole pipeline as verb-named steps, shared by the CLI and the MkDocs hook.

load + validate (checks.load_registry) → index → render. Nothing here knows about MkDocs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .checks import Registry, load_registry
from .index import Index, build_index
from .maps import map_files
from .problems import InvalidData
from .render import render_pages
from .search import search_files

ROOT = Path(__file__).resolve().parent.parent


def validated_registry(root: Path = ROOT, today: dt.date | None = None) -> Registry:
    """Load and check every registry file; raise InvalidData listing every error."""
    registry = load_registry(root, today)
    if registry.errors:
        raise InvalidData(registry.problems)
    return registry


def generate(root: Path = ROOT, today: dt.date | None = None) -> tuple[Registry, Index, dict[str, str]]:
    # Load and validate the registries (all errors at once)
    registry = validated_registry(root, today)
    # Index: derived views per town, region and kind
    index = build_index(registry, today)
    # Render: ordinary Markdown pages
    pages = render_pages(index)
    # Maps: one marker-data file per map, loaded by its page only when the visitor asks for the map
    pages.update(map_files(index))
    # Search: a sharded index of those pages (and docs/), plus the OpenSearch description
    pages.update(search_files(index, pages, root))
    return registry, index, pages
