"""The whole pipeline as verb-named steps, shared by the CLI and the MkDocs hook.

load + validate (checks.load_registry) → index → render → export. Nothing here knows about MkDocs:
`mkdocs.yml` is read only for the two settings every engine shares (`site_url`, `docs_dir`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..publish.export import docs_pages, export_files, open_data_pages
from ..registry.checks import Registry, load_registry
from ..registry.index import Index, build_index
from ..registry.problems import InvalidData
from ..site.maps import map_files
from ..site.render import PagePlan, plan_pages
from ..site.search import search_files

ROOT = Path(__file__).resolve().parents[2]


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
    return SiteSettings(
        site_url=base_url(config.get("site_url")), docs_dir=root / str(config.get("docs_dir") or "docs")
    )


def validated_registry(root: Path = ROOT, today: dt.date | None = None) -> Registry:
    """Load and check every registry file; raise InvalidData listing every error."""
    registry = load_registry(root, today)
    if registry.errors:
        raise InvalidData(registry.problems)
    return registry


def plan_site(
    root: Path = ROOT, today: dt.date | None = None, site_url: str | None = None
) -> tuple[Registry, Index, PagePlan]:
    """Validated registry, index, and the list of every page to render."""
    site_url = site_settings(root).site_url if site_url is None else base_url(site_url)
    # Load and validate the registries (all errors at once)
    registry = validated_registry(root, today)
    # Index: derived views per town, region and kind
    index = build_index(registry, today)
    # Render (listed here, rendered by the caller): ordinary Markdown pages (listing pages carry schema.org JSON-LD)
    plan = plan_pages(index, site_url=site_url)
    # Export's own page: what each open-data file holds, generated from the models
    plan.add_texts(open_data_pages(index, site_url))
    return registry, index, plan


def generate_pages(
    root: Path = ROOT, today: dt.date | None = None, site_url: str | None = None
) -> tuple[Registry, Index, dict[str, str]]:
    """Validated registry, index, and every Markdown page ({docs path: text})."""
    registry, index, plan = plan_site(root, today, site_url)
    return registry, index, plan.render_all()


def data_files(index: Index, pages: dict[str, str], docs_dir: Path, site_url: str) -> dict[str, str]:
    """The files the pages fetch: map markers and the search index."""
    # Maps: one marker-data file per map, loaded by its page only when the visitor asks for the map
    files = map_files(index)
    # Search: a sharded index of the pages (and docs/), plus the OpenSearch description
    files.update(search_files(index, pages, docs_dir, site_url))
    return files


def generate(
    root: Path = ROOT, today: dt.date | None = None, site_url: str | None = None
) -> tuple[Registry, Index, dict[str, str]]:
    """Pages and the files they fetch: everything but the open data (`published_files` adds that)."""
    settings = site_settings(root)
    site_url = settings.site_url if site_url is None else base_url(site_url)
    registry, index, pages = generate_pages(root, today, site_url)
    pages.update(data_files(index, pages, settings.docs_dir, site_url))
    return registry, index, pages


def published_files(index: Index, pages: dict[str, str], docs_dir: Path, site_url: str) -> dict[str, str | bytes]:
    """Everything published beside the Markdown pages: map and search data, open data and the sitemap."""
    files: dict[str, str | bytes] = dict(data_files(index, pages, docs_dir, site_url))
    files.update(export_files(index, [*pages, *docs_pages(docs_dir)], site_url))
    return files


def pages_then_published(
    plan: PagePlan, index: Index, docs_dir: Path, site_url: str, emit: Callable[[tuple[str, str | bytes]], None]
) -> dict[str, str | bytes]:
    """Each page as it is rendered (`emit((path, text))`, in the plan's order), then every published file."""
    pages = {}
    for path, text in plan.render_each():
        emit((path, text))
        pages[path] = text
    return published_files(index, pages, docs_dir, site_url)
