"""Downloads for /contribute/: commented YAML templates per kind, blank CSV/XLSX sheets, and the
page that lists them with every column explained. All generated from the models at build time,
never a hand-kept second copy.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from jinja2 import Environment

from ..contribute.import_sheet import column_notes, template_csv, template_xlsx
from ..registry import urls
from ..registry.kinds import KINDS
from ..registry.schema import template_text

FOLDER = "contribute"
SHEET_NAME = "listings-template"


def contribute_files(env: Environment) -> dict[str, Callable[[], str | bytes]]:
    """{docs path: how to make it}: made where the pages are rendered (the .xlsx takes openpyxl ~0.3 s)."""
    files: dict[str, Callable[[], str | bytes]] = {}
    templates = []
    for kind in KINDS:
        text = template_text(kind.name, "your-id")
        files[f"{FOLDER}/template-{kind.name}.yml"] = lambda text=text: text
        templates.append((kind.name, kind.short, f"template-{kind.name}.yml", text))
    files[f"{FOLDER}/{SHEET_NAME}.csv"] = template_csv
    files[f"{FOLDER}/{SHEET_NAME}.xlsx"] = template_xlsx
    path = f"{FOLDER}/templates.md"
    page = functools.partial(
        env.get_template("contribute_templates.md.j2").render,
        root="../" * urls.depth(path),
        templates=templates,
        notes=column_notes(),
        sheet=SHEET_NAME,
    )
    files[path] = page
    return files
