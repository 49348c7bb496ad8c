"""Derived from the models, never written by hand: JSON Schema for editors, and the commented
YAML templates that `python -m generator new KIND` writes for contributors.
"""

from __future__ import annotations

import json
import types
import typing
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel

from .finder import FinderFile
from .kinds import KINDS
from .models import Message, MunicipalitiesFile, RegionsFile, Site, ToneFile
from .yasashii import YasashiiFile

SCHEMAS: dict[str, type[BaseModel]] = {
    **{k.name: k.model for k in KINDS},
    "message": Message,
    "municipalities": MunicipalitiesFile,
    "regions": RegionsFile,
    "site": Site,
    "tone": ToneFile,
    "finder": FinderFile,
    "yasashii": YasashiiFile,
}
# `new KIND` name → (folder under data/, model, its word in the template's first line)
TEMPLATES: dict[str, tuple[str, type[BaseModel], str]] = {
    **{k.name: (k.folder, k.model, k.short) for k in KINDS},
    "message": ("messages", Message, "メッセージ"),
}


def schema_text(model: type[BaseModel]) -> str:
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in SCHEMAS.items():
        path = folder / f"{name}.schema.json"
        path.write_text(schema_text(model), encoding="utf-8")
        written.append(path)
    return written


def stale_schemas(folder: Path) -> list[str]:
    """Schema files that differ from what the models generate now."""
    return [
        name
        for name, model in SCHEMAS.items()
        if not (folder / f"{name}.schema.json").exists()
        or (folder / f"{name}.schema.json").read_text(encoding="utf-8") != schema_text(model)
    ]


# ---------------------------------------------------------------- commented templates


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(inner type, optional?) for `X | None`."""
    if get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _allowed(annotation: Any) -> list[str]:
    if get_origin(annotation) is Literal:
        return [str(a) for a in get_args(annotation)]
    if get_origin(annotation) is list:
        return _allowed(get_args(annotation)[0])
    return []


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def template_lines(model: type[BaseModel], indent: str = "", id_: str = "") -> list[str]:
    lines: list[str] = []
    for name, info in model.model_fields.items():
        inner, optional = _unwrap(info.annotation)
        required = info.is_required()
        mark = "必須 (required)" if required else "任意 (optional)"
        comment = f"{indent}# {mark}" + (f": {info.description}" if info.description else "")
        allowed = _allowed(inner)
        if allowed:
            comment += f" — 使える値 (allowed): {' | '.join(allowed)}"
        lines.append(comment)
        prefix = indent if required else f"{indent}# "
        if _is_model(inner):
            lines.append(f"{prefix}{name}:")
            lines.extend(_nested(template_lines(inner, indent + "  "), required))
        elif get_origin(inner) is list and _is_model(get_args(inner)[0]):
            lines.append(f"{prefix}{name}:")
            item = template_lines(get_args(inner)[0], indent + "    ")
            # The first key of a list item carries the "- ", and is shown even when optional.
            first = next(i for i, line in enumerate(item) if not line.lstrip().startswith(("# 必須", "# 任意")))
            key = item[first].lstrip().removeprefix("# ")
            item[first] = f"{indent}  - {key}"
            lines.extend(_nested(item, required))
        elif get_origin(inner) is list:
            lines.append(f"{prefix}{name}: []")
        else:
            value = id_ if name == "id" else ""
            lines.append(f"{prefix}{name}: {value}".rstrip())
    return lines


def _nested(lines: list[str], required: bool) -> list[str]:
    if required:
        return lines
    return [line if line.lstrip().startswith("#") else _comment_out(line) for line in lines]


def _comment_out(line: str) -> str:
    stripped = line.lstrip()
    return line[: len(line) - len(stripped)] + "# " + stripped


def template_text(kind: str, id_: str) -> str:
    folder, model, word = TEMPLATES[kind]
    head = [
        f"# yaml-language-server: $schema=../../schemas/{kind}.schema.json",
        f"# 新しい{word}の記入用テンプレート。",
        "# 「必須」の項目をすべて書き、使う「任意」の項目は行頭の # を消して書いてください。",
        f"# 書いたら `python -m generator validate` で確認できます (保存先: data/{folder}/{id_}.yml)。",
        "",
    ]
    return "\n".join(head + template_lines(model, id_=id_)) + "\n"
