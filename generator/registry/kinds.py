"""The kind registry: one record per kind of listing. Everything that differs by kind — the data folder and URL,
the words, the model, where the kind appears — is read from here; models' unions, JSON Schemas, issue forms,
sheet columns, exports, maps, lists, navigation and the tests are derived from `KINDS`.

Adding a kind (HACKING.md, "Add a kind"), by hand:
  1. its record here (its place in `KINDS` is its place in menus, lists and exports);
  2. its model in models.py (a subclass of `Listing`);
  3. its map pin's colour and shape in docs/assets/stylesheets/hub-map.css (`.hub-pin--<folder>`);
  4. a sheet column in contribute/sheet_columns.py for each field only its model has;
  5. a synthetic fixture, tests/fixtures/valid/data/<folder>/test-….yml;
then `python -m generator schema` and `python -m generator forms` (JSON Schema, issue forms, intake workflow), and
tests/test_kinds.py checks it end to end (`UPDATE_GOLDEN=1` if the fixture lands on a golden map).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from .models import FamilyGroup, Ibasho, Listing, Window


@dataclass(frozen=True)
class Kind:
    folder: str  # data/<folder>/<id>.yml, the pages /<folder>/ and /<folder>/<id>/, `kind` in the open data
    name: str  # one of them, in commands and file names: `python -m generator new family-group`, 1-new-family-group.yml
    label: str  # the site's word for them: 家族会・親の会
    short: str  # where room is short (forms, sheets, map legends): 家族会
    model: type[Listing]
    intro: str = ""  # what they are, in a sentence: the lead of the list page, and of its section on town pages
    glyph: str = ""  # the letter on its map pins (hub-map.css gives each kind's pin its colour and shape)
    # On town pages and flyers, the nearest few that take the town's residents, in a section of their own. Windows
    # are not: a town page sorts them by who runs them (the town's own, the region's, other towns', national).
    nearby: bool = True
    # Its weekly slots are office hours, not events: only monthly days (a 相談会 on the 2nd Saturday) go in
    # the calendars. An ibasho's or a family group's every meeting is an event.
    office_hours: bool = False
    # Run by a town or the prefecture, its JSON-LD is a GovernmentService (schema.org); otherwise an Organization.
    government_service: bool = False
    see_also: str = ""  # a list of links in data/site.yml shown under its lists (`family_networks`)
    extra_words: tuple[str, ...] = ()  # more words a sheet's 種類 column may hold for it (窓口)


# In display order: adults' first-contact windows, then places to be, then families' groups.
KINDS: tuple[Kind, ...] = (
    Kind(
        "windows",
        "window",
        "相談窓口",
        "相談窓口",
        Window,
        intro="ひきこもりについて相談できる窓口です。ご本人でも、ご家族だけでも相談できます。",
        glyph="相",
        nearby=False,
        office_hours=True,
        government_service=True,
        extra_words=("窓口",),
    ),
    Kind(
        "ibasho",
        "ibasho",
        "居場所",
        "居場所",
        Ibasho,
        intro="家の外で、安心して過ごせる場所です。何もしなくても、ただいるだけでもかまいません。",
        glyph="居",
    ),
    Kind(
        "family-groups",
        "family-group",
        "家族会・親の会",
        "家族会",
        FamilyGroup,
        intro="同じ立場のご家族が集まって話せる場です。聞いているだけでもかまいません。",
        glyph="家",
        see_also="family_networks",
    ),
)
BY_FOLDER: dict[str, Kind] = {k.folder: k for k in KINDS}
BY_NAME: dict[str, Kind] = {k.name: k for k in KINDS}
FOLDERS: tuple[str, ...] = tuple(BY_FOLDER)
NAMES: tuple[str, ...] = tuple(BY_NAME)
NEARBY: tuple[Kind, ...] = tuple(k for k in KINDS if k.nearby)
# `kind` wherever a schema names one (open data, the finder): one of the folders
Folder = Literal[FOLDERS]  # type: ignore[valid-type]


def shorts(kinds: Iterable[Kind], sep: str = "・") -> str:
    """「相談窓口・居場所・家族会」: kinds named in a sentence (also the templates' `shorts` filter)."""
    return sep.join(k.short for k in kinds)


SHORT_LIST = shorts(KINDS)  # every kind
EVENT_LIST = shorts(k for k in KINDS if not k.office_hours)  # 「居場所・家族会」: every meeting is an event (calendars)
