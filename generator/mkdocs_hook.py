"""MkDocs adapter: runs the generator and hands its pages to MkDocs. Event handlers only.

Everything essential lives in `generator.pipeline` and `generator.export`; a successor engine that
ignores hooks can build the same site from `python -m generator pages docs-generated/` and
`python -m generator export SITE_DIR`.
"""

from __future__ import annotations

import functools
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # hooks are loaded as loose files, not as part of the package
    sys.path.insert(0, str(ROOT))

from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.structure.files import File, Files  # noqa: E402

from generator.export import write_files  # noqa: E402
from generator.harden import add_csp  # noqa: E402
from generator.parallel import InBackground, can_fork  # noqa: E402
from generator.pipeline import base_url, generate_pages, published_files  # noqa: E402
from generator.problems import InvalidData  # noqa: E402

log = logging.getLogger("mkdocs.hooks.generator")
_pages: dict[str, str] = {}
_serving = False  # `mkdocs serve` injects its own inline live-reload script: no CSP there


def on_startup(command, dirty):
    global _serving
    _serving = command == "serve"


_published: list = []  # the files beside the pages: made in the background (build) or on demand (serve)


def on_config(config):
    site_url = base_url(config["site_url"])
    try:
        registry, index, pages = generate_pages(ROOT, site_url=site_url)
    except InvalidData as exc:
        raise PluginError(str(exc)) from None
    for problem in registry.problems:  # warnings only here; INFO so that --strict still builds
        log.info(problem.format())
    _pages.clear()
    _pages.update(pages)
    # Map and search data, open data and the sitemap need nothing MkDocs makes: on a build they are made on
    # the other core while MkDocs renders the pages (`serve` runs threads: there, after the pages).
    make = functools.partial(published_files, index, pages, Path(config["docs_dir"]), site_url)
    _published[:] = [InBackground(make).result if can_fork() else make]
    return config


def on_files(files: Files, config) -> Files:
    for path, text in _pages.items():
        existing = files.get_file_from_path(path)
        if existing is not None:
            raise PluginError(f"docs/{path} would be overwritten by a generated page; rename or remove it")
        files.append(File.generated(config, path, content=text))
    return files


def on_post_build(config):
    try:
        files = _published[0]()
    except RuntimeError as exc:
        raise PluginError(f"公開用のファイルを作れませんでした (could not make the published files):\n{exc}") from None
    write_files(files, Path(config["site_dir"]))


def on_serve(server, config, builder):
    for folder in ("data", "generator"):
        server.watch(str(ROOT / folder))
    return server


def on_post_page(output, page, config):
    return output if _serving else add_csp(output)


def on_post_template(output, template_name, config):
    return output if _serving or not template_name.endswith(".html") else add_csp(output)
