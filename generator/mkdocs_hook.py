"""MkDocs adapter: runs the generator and hands its pages to MkDocs. Event handlers only.

Everything essential lives in `generator.pipeline`; a successor engine that ignores hooks can
build the same site from `python -m generator pages docs-generated/`.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # hooks are loaded as loose files, not as part of the package
    sys.path.insert(0, str(ROOT))

from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.structure.files import File, Files  # noqa: E402

from generator.harden import add_csp  # noqa: E402
from generator.pipeline import generate  # noqa: E402
from generator.problems import InvalidData  # noqa: E402

log = logging.getLogger("mkdocs.hooks.generator")
_pages: dict[str, str] = {}
_serving = False  # `mkdocs serve` injects its own inline live-reload script: no CSP there


def on_startup(command, dirty):
    global _serving
    _serving = command == "serve"


def on_config(config):
    try:
        registry, _index, pages = generate(ROOT)
    except InvalidData as exc:
        raise PluginError(str(exc)) from None
    for problem in registry.problems:  # warnings only here; INFO so that --strict still builds
        log.info(problem.format())
    _pages.clear()
    _pages.update(pages)
    return config


def on_files(files: Files, config) -> Files:
    for path, text in _pages.items():
        existing = files.get_file_from_path(path)
        if existing is not None:
            raise PluginError(f"docs/{path} would be overwritten by a generated page; rename or remove it")
        files.append(File.generated(config, path, content=text))
    return files


def on_serve(server, config, builder):
    for folder in ("data", "generator"):
        server.watch(str(ROOT / folder))
    return server


def on_post_page(output, page, config):
    return output if _serving else add_csp(output)


def on_post_template(output, template_name, config):
    return output if _serving or not template_name.endswith(".html") else add_csp(output)
