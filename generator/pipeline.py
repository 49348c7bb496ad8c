"""The whole pipeline as verb-named steps, shared by the CLI and the MkDocs hook.

load + validate (checks.load_registry) → index → render → export. Nothing here knows about MkDocs:
`mkdocs.yml` is read only for the two settings every engine shares (`site_url`, `docs_dir`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from .checks import Registry, load_registry
from .export import open_data_pages
from .index import Index, build_index
from .maps import map_files
from .problems import InvalidData
from .render import render_pages
from .search import search_files

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class SiteSettings:
    site_url: str  # absolute, ending in "/"; "" when not configured
    docs_dir: Path


class _AnyTagLoader(yaml.SafeLoader):
    """mkdocs.yml may hold `!ENV` or `!!python/name:` tags; their values are not needed here."""


_AnyTagLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def base_url(value: str | None) -> str:
    """A site URL as every stage joins it: "" (unknown) or ending in "/"."""
    value = (value or "").strip()
    return value if not value or value.endswith("/") else value + "/"


def site_settings(root: Path = ROOT) -> SiteSettings:
    config_file = root / "mkdocs.yml"
    config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_AnyTagLoader) if config_file.exists() else {}
    config = config or {}
    return SiteSettings(site_url=base_url(config.get("site_url")), docs_dir=root / str(config.get("docs_dir") or "docs"))


def validated_registry(root: Path = ROOT, today: dt.date | None = None) -> Registry:
    """Load and check every registry file; raise InvalidData listing every error."""
    registry = load_registry(root, today)
    if registry.errors:
        raise InvalidData(registry.problems)
    return registry


def generate(root: Path = ROOT, today: dt.date | None = None,
             site_url: str | None = None) -> tuple[Registry, Index, dict[str, str]]:
    settings = site_settings(root)
    site_url = settings.site_url if site_url is None else base_url(site_url)
    # Load and validate the registries (all errors at once)
    registry = validated_registry(root, today)
    # Index: derived views per town, region and kind
    index = build_index(registry, today)
    # Render: ordinary Markdown pages (listing pages carry schema.org JSON-LD)
    pages = render_pages(index, site_url=site_url)
    # Export's own page: what each open-data file holds, generated from the models
    pages.update(open_data_pages(index, site_url))
    # Maps: one marker-data file per map, loaded by its page only when the visitor asks for the map
    pages.update(map_files(index))
    # Search: a sharded index of those pages (and docs/), plus the OpenSearch description
    pages.update(search_files(index, pages, settings.docs_dir, site_url))
    return registry, index, pages
