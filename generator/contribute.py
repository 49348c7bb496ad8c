"""Downloads for /contribute/: commented YAML templates per kind, blank CSV/XLSX sheets, and the
page that lists them with every column explained. All generated from the models at build time,
never a hand-kept second copy.
"""

from __future__ import annotations

from .import_sheet import column_notes, template_csv, template_xlsx
from .index import Index
from .schema import KINDS, template_text
from .sheet_columns import SHEET_KINDS

FOLDER = "contribute"
SHEET_NAME = "listings-template"


def contribute_files(index: Index) -> dict[str, str | bytes]:
    from .render import environment  # late: render imports this module from inside render_pages
    files: dict[str, str | bytes] = {}
    templates = []
    for kind, (_folder, _model, ja) in SHEET_KINDS.items():
        text = template_text(kind, "your-id")
        files[f"{FOLDER}/template-{kind}.yml"] = text
        templates.append((kind, ja, f"template-{kind}.yml", text))
    files[f"{FOLDER}/{SHEET_NAME}.csv"] = template_csv()
    files[f"{FOLDER}/{SHEET_NAME}.xlsx"] = template_xlsx()
    page = environment(index).get_template("contribute_templates.md.j2")
    files[f"{FOLDER}/templates.md"] = page.render(root="../../", templates=templates, notes=column_notes(),
                                                 sheet=SHEET_NAME, kinds=KINDS)
    return files
