"""Write listings back to data/ — for `intake` (issue forms) and `import-sheet` (spreadsheets).

Two promises: the YAML written here loads back through `load.py` to the very same model (a test
round-trips every listing in data/), and a write that the validator refuses is undone, so a failed
intake or import leaves data/ exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from ..registry.checks import load_registry
from ..registry.kinds import BY_FOLDER, BY_NAME
from ..registry.models import Listing, PartialDate
from ..registry.problems import Problem


class _Dumper(yaml.SafeDumper):
    """Block style; text that a YAML reader could take for a number, date, time or boolean is quoted."""


_LOOKS_TYPED = re.compile(r"^(?:[-+]?[\d.:_ ]+|true|false|yes|no|on|off|null|~|y|n)$", re.IGNORECASE)


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    if _LOOKS_TYPED.match(value) or value != value.strip():
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="'")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def _list(dumper: yaml.SafeDumper, value: list) -> yaml.SequenceNode:
    # Short lists of words stay on one line, as in the hand-written files: `days: [mon, tue]`.
    short = all(isinstance(v, (str, int)) and "\n" not in str(v) for v in value) and len(str(value)) < 70
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=short)


def _partial_date(dumper: yaml.SafeDumper, value: PartialDate) -> yaml.ScalarNode:
    # 2026-04-01 as a YAML date, as people write it; 2020-11 and '2020' as the text they are
    return dumper.represent_date(value) if value.precision == "day" else _str(dumper, value.isoformat())


_Dumper.add_representer(str, _str)
_Dumper.add_representer(PartialDate, _partial_date)
_Dumper.add_representer(list, _list)


def _keep_maintainer_notes(listing: Listing, data: dict) -> None:
    """model_dump leaves maintainers' notes out (so no export can carry them); the file keeps them."""
    for i, source in enumerate(listing.source):
        if source.maintainer_note:
            data["source"][i]["maintainer_note"] = source.maintainer_note
    if listing.maintainer_note:
        data["maintainer_note"] = listing.maintainer_note
    if listing.maintainer_accounts:
        data["maintainer_accounts"] = list(listing.maintainer_accounts)


def keep_private(new: Listing, old: Listing) -> Listing:
    """A sheet or export carries no maintainers' notes or accounts (they are never published): when it
    overwrites a listing, they come from the file it replaces (a source's note only if that source is unchanged)."""
    sources = []
    for i, source in enumerate(new.source):
        same = i < len(old.source) and old.source[i].model_copy(update={"maintainer_note": None}) == source
        sources.append(
            source.model_copy(update={"maintainer_note": old.source[i].maintainer_note})
            if same and not source.maintainer_note
            else source
        )
    return new.model_copy(
        update={
            "source": sources,
            "maintainer_note": new.maintainer_note or old.maintainer_note,
            "maintainer_accounts": new.maintainer_accounts or old.maintainer_accounts,
        }
    )


def listing_yaml(kind: str, listing: Listing) -> str:
    """The file text for a listing: schema line for editors, then the fields in model order."""
    data = listing.model_dump(mode="python", exclude_unset=True)
    _keep_maintainer_notes(listing, data)
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    return f"# yaml-language-server: $schema=../../schemas/{kind}.schema.json\n{body}"


def listing_path(root: Path, kind: str, id_: str) -> Path:
    return root / "data" / BY_NAME[kind].folder / f"{id_}.yml"


def kind_of_folder(folder: str) -> str:
    return BY_FOLDER[folder].name


def write_validated(root: Path, files: dict[Path, str], today: dt.date | None = None) -> list[Problem]:
    """Write `files`, validate the whole registry, and keep the files only if they hold no error.

    Returns the problems found in these files (errors and warnings). Problems in other files
    were there before and are not this write's concern. On any error every file is restored.
    """
    before = {path: path.read_bytes() if path.exists() else None for path in files}
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    shown = {str(path.relative_to(root)) for path in files}
    problems = [p for p in load_registry(root, today).problems if p.file in shown]
    if any(p.severity == "error" for p in problems):
        for path, old in before.items():
            if old is None:
                path.unlink()
            else:
                path.write_bytes(old)
    return problems
