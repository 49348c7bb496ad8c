"""The kind registry: one record per kind of listing. Everything that differs by kind — the data folder and URL,
the words, the model, where the kind appears — is read from here; models' unions, JSON Schemas, issue forms,
sheet columns, exports, maps, lists, navigation and the tests are derived from `KINDS`.

Adding a kind: its record here, its model in models.py, a template only if it needs its own, a test fixture
(HACKING.md, "Add a kind").
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import FamilyGroup, Ibasho, Listing, Window


@dataclass(frozen=True)
class Kind:
    folder: str  # data/<folder>/<id>.yml, the pages /<folder>/ and /<folder>/<id>/, `kind` in the open data
    name: str  # one of them, in commands and file names: `python -m generator new family-group`, 1-new-family-group.yml
    label: str  # the site's word for them: 家族会・親の会
    short: str  # where room is short (forms, sheets, map legends): 家族会
    model: type[Listing]


# In display order: adults' first-contact windows, then places to be, then families' groups.
KINDS: tuple[Kind, ...] = (
    Kind("windows", "window", "相談窓口", "相談窓口", Window),
    Kind("ibasho", "ibasho", "居場所", "居場所", Ibasho),
    Kind("family-groups", "family-group", "家族会・親の会", "家族会", FamilyGroup),
)
BY_FOLDER: dict[str, Kind] = {k.folder: k for k in KINDS}
BY_NAME: dict[str, Kind] = {k.name: k for k in KINDS}
