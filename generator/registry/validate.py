"""Stage 2 — validate one file: read it (load.py) and build its model; pydantic's errors become problems in the
clerk's words, Japanese and English, each with file, line and field. `checks.py` adds what no single file can.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .load import Document, LoadError, dotted, load_file
from .problems import Problem

M = TypeVar("M", bound=BaseModel)


# ---------------------------------------------------------------- pydantic errors → clerk's words

_TYPE_WORDS = {
    "string_type": ("wrong-type", "文字で書いてください (must be text)"),
    "bool_type": ("wrong-type", "true か false で書いてください (must be true or false)"),
    "int_type": ("wrong-type", "整数で書いてください (must be a whole number)"),
    "float_type": ("wrong-type", "数値で書いてください (must be a number)"),
    "list_type": ("wrong-type", "「- 」で始まるリストで書いてください (must be a list)"),
    "dict_type": ("wrong-type", "「項目名: 値」の形で書いてください (must be a mapping of keys to values)"),
    "model_type": ("wrong-type", "「項目名: 値」の形で書いてください (must be a mapping of keys to values)"),
    "date_type": ("wrong-type", "日付は 2026-01-31 のように書いてください (must be a date, YYYY-MM-DD)"),
    "missing": ("missing", "必須の項目がありません (required field is missing)"),
    "extra_forbidden": ("unknown-key", "この項目名は使えません。綴りを確認してください (unknown key)"),
}

_PATTERN_WORDS = {
    "id": "英小文字・数字・ハイフンで書いてください (use lowercase ascii letters, digits and hyphens)",
    "name_kana": "ひらがなかカタカナで書いてください (write the reading in kana)",
    "kana": "ひらがなかカタカナで書いてください (write the reading in kana)",
    "postal_code": "郵便番号は 380-0000 のように書いてください (postal code must look like 380-0000)",
    "extension": "内線番号は数字だけで書いてください (extension must be digits)",
}


def problems_from_validation(doc: Document, exc: ValidationError, prefix: tuple = ()) -> list[Problem]:
    out = []
    for err in exc.errors(include_url=False):
        loc = prefix + tuple(err["loc"])
        code, message = describe(err, loc)
        line, col = doc.position(loc)
        value = (
            ""
            if err["type"] in ("missing", "extra_forbidden") or isinstance(err.get("input"), (dict, list))
            else f": {_short(err.get('input'))}"
        )
        out.append(Problem.error(doc.path, line, col, code, dotted(loc), message + value))
    return out


def describe(err: dict[str, Any], loc: tuple) -> tuple[str, str]:
    kind = err["type"]
    if kind in _TYPE_WORDS:
        return _TYPE_WORDS[kind]
    if kind.endswith(("_parsing", "_from_float")) or kind.startswith(("date_", "datetime_")):
        base = kind.split("_")[0]
        return _TYPE_WORDS.get(f"{base}_type", ("wrong-type", f"型が違います ({err['msg']})"))
    if kind == "literal_error":
        return "invalid-value", f"使えない値です。使える値: {err['ctx']['expected']} (not an allowed value)"
    if kind == "string_pattern_mismatch":
        last = next((p for p in reversed(loc) if isinstance(p, str)), "")
        return "invalid-format", _PATTERN_WORDS.get(last, "形式が正しくありません (does not match the expected format)")
    if kind in ("too_short", "string_too_short"):
        return "empty", "空にはできません。少なくとも1つ書いてください (must not be empty)"
    if kind.startswith(("greater_than", "less_than")):
        return "out-of-range", f"範囲外の値です (out of range: {err['msg']})"
    # Our own PydanticCustomError types already are a code and a bilingual message.
    return kind, err["msg"]


def _short(value: Any) -> str:
    text = repr(value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value)
    return text if len(text) <= 80 else text[:77] + "..."


# ---------------------------------------------------------------- loading


def load_document(root: Path, path: Path, problems: list[Problem]) -> Document | None:
    try:
        return load_file(path, path.relative_to(root))
    except LoadError as exc:
        problems.append(exc.problem)
        return None


def build_model(doc: Document, model: type[M], problems: list[Problem]) -> M | None:
    if not isinstance(doc.data, dict):
        problems.append(
            Problem.error(
                doc.path,
                1,
                1,
                "wrong-type",
                "",
                "ファイル全体を「項目名: 値」の形で書いてください (the file must be a mapping)",
            )
        )
        return None
    try:
        return model.model_validate(doc.data, strict=True)
    except ValidationError as exc:
        problems.extend(problems_from_validation(doc, exc))
        return None


def load_model(root: Path, rel: str | Path, model: type[M], problems: list[Problem]) -> tuple[Document, M] | None:
    """One YAML mapping file read and validated as `model` (data/finder.yml, data/yasashii.yml); None, with the
    problems appended, when it cannot be."""
    doc = load_document(root, root / rel, problems)
    built = build_model(doc, model, problems) if doc is not None else None
    return (doc, built) if built is not None else None


def load_and_build(root: Path, path: Path, model: type[M]) -> tuple[Document | None, M | None, list[Problem]]:
    problems: list[Problem] = []
    doc = load_document(root, path, problems)
    return doc, (build_model(doc, model, problems) if doc else None), problems
