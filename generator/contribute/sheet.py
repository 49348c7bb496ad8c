"""One row of the spreadsheet ↔ one listing, in the columns of `sheet_columns.COLUMNS`.

`/api/v1/listings.csv` is written with `listing_row()` and `write_table()`; every sheet that comes back
(the export edited in Excel, a blank template from /contribute/ filled in, an older sheet with the
2020 headers) is read with `parse_row()` and `finish_row()`, which `import-sheet` drives row by row and
`listing_from_row()` wraps for a single row. So whatever we write, `import-sheet` reads.

Cells: text as written; true / false (also はい, いいえ, わからない…); dates as 2026-10-01 (also
2026/10/1); a list as items joined by `;` (or `,` `、`), or a JSON array when an item holds one of those;
nested records as a JSON array of objects, as in listings.json; an empty cell is "not stated".

Parts (電話番号, 利用可能曜日…, 出典名…) make the first item of their list when the sheet has no JSON
cell for it; when it has, they must agree with it. 利用可能曜日・開始時間・終了時間 show the first phone's
hours when there is no schedule: such a row reads back into no schedule, as it was written.
"""

from __future__ import annotations

import copy
import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import BaseModel, ValidationError

from ..registry import kinds
from ..registry.index import Entry
from ..registry.load import dotted
from ..registry.models import Listing
from ..registry.validate import describe
from .sheet_columns import (
    BY_FIELD,
    BY_NAME,
    COLUMNS,
    FLAT_PARTS,
    HEADER,
    KIND_COLUMN,
    KIND_WORDS,
    CellError,
    Column,
    hours_text,
    known_headers,
    neutralise,
    parse_cell,
    remarks,
    restore,
    set_path,
)

__all__ = [
    "BY_FIELD",
    "BY_NAME",
    "COLUMNS",
    "HEADER",
    "SheetError",
    "listing_row",
    "write_table",
    "read_table",
    "parse_row",
    "finish_row",
    "listing_from_row",
]

BOM = "\ufeff"
# Reference columns a clerk might type into: read never, but a changed cell is a warning, not lost silently.
REFERENCE_ADVICE = {
    "備考": "公開したい内容は「説明」に書いてください",
    "利用可能日時特記事項": "「受付時間の補足」に書いてください",
}
REFERENCE_VALUE = {"備考": remarks, "利用可能日時特記事項": hours_text}


class SheetError(Exception):
    """Problems in one row, each naming its column; the message is for a municipal clerk."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems  # (column, message)
        super().__init__("; ".join(f"{column}: {message}" for column, message in problems))


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _get(obj: Any, path: tuple) -> Any:
    for step in path:
        if obj is None:
            return None
        if isinstance(step, int):
            obj = obj[step] if len(obj) > step else None
        else:
            obj = getattr(obj, step, None)
    return obj


@cache  # asked for every empty list of every row; pydantic inspects the default factory each time
def _empty_by_default(model: type[BaseModel], path: str) -> bool:
    """The field at `path` is an empty list unless written (so an empty list need not be written out)."""
    *parents, last = path.split(".")
    for part in parents:
        model = model.model_fields[part].annotation
        model = next(
            a for a in getattr(model, "__args__", (model,)) if isinstance(a, type) and issubclass(a, BaseModel)
        )
    return model.model_fields[last].get_default(call_default_factory=True) == []


def part_value(listing: Listing, column: Column) -> Any:
    """What a part column shows for a listing (its view, or the first item's field)."""
    return column.view(listing) if column.view else _get(listing, column.path)


# ---------------------------------------------------------------- writing


def listing_row(entry: Entry, site_url: str = "", prefecture: str = "") -> dict[str, str]:
    """One row, from what may be published (`Entry.public`)."""
    listing = entry.public
    model = kinds.BY_FOLDER[entry.kind].model
    row = {}
    for column in COLUMNS:
        if column.derive is not None:
            row[column.name] = neutralise(column.derive(entry, site_url, prefecture))
        elif (column.field is None and column.part is None) or not column.applies_to(entry.kind):
            row[column.name] = ""
        else:
            value = part_value(listing, column) if column.part else _get(listing, column.path)
            if value == [] and column.field and not _empty_by_default(model, column.field):
                row[column.name] = "[]"  # an empty list that is not the default (languages)
            elif value == [] or value is None:
                row[column.name] = ""
            else:
                cell = column.codec.write(value)
                row[column.name] = neutralise(cell) if _is_text(value) else cell
    return row


def _is_text(value: Any) -> bool:
    """Text written by people (a name, a list of names, JSON records); not numbers or codes such as -1."""
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, (str, dict)) for v in value))


def write_table(rows: Iterable[dict[str, str]]) -> bytes:
    """UTF-8 with BOM and CRLF, so that Excel opens it in Japanese without asking."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return (BOM + out.getvalue()).encode("utf-8")


# ---------------------------------------------------------------- reading


def decode_csv(data: bytes | str) -> list[list[str]]:
    """Rows of a CSV in UTF-8 (with or without BOM) or in Shift_JIS, Excel's default in Japan."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            data = data.decode("cp932")
    return [list(r) for r in csv.reader(io.StringIO(data.removeprefix(BOM)))]


def unknown_headers(header: Sequence[str]) -> list[str]:
    known = known_headers()
    return [h for h in header if h and h not in known]


def read_table(data: bytes | str) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a CSV. Unknown headers, or no 種別 column, raise SheetError."""
    rows = decode_csv(data)
    header = [h.strip() for h in rows[0]] if rows else []
    unknown = unknown_headers(header)
    if unknown:
        raise SheetError([(h, "この列名は使えません。綴りを確認してください (unknown column)") for h in unknown])
    if not set(BY_NAME[KIND_COLUMN].headers) & set(header):
        raise SheetError([(KIND_COLUMN, "種別 の列が必要です (the 種別 column is required)")])
    return header, [{h: (v or "").strip() for h, v in zip(header, r)} for r in rows[1:] if any(c.strip() for c in r)]


def sources(header: Sequence[str]) -> dict[str, str]:
    """Column name → the sheet header it is read from: its own, else its form label or an alias."""
    present = set(header)
    out = {}
    for column in COLUMNS + FLAT_PARTS:
        found = next((h for h in column.headers if h in present), None)
        if found is not None:
            out[column.name] = found
    return out


@dataclass
class ParsedRow:
    """A row's cells as model data, before the model has checked them."""

    kind: str | None  # data folder: windows / ibasho / family-groups
    data: dict = field(default_factory=dict)
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (sheet header, message, severity)
    used: dict[str, Column] = field(default_factory=dict)  # sheet header → column read from it
    checks: list[tuple[Column, str, Any]] = field(default_factory=list)  # parts to compare with the JSON cell
    views: list[tuple[Column, Any]] = field(default_factory=list)  # parts that may only repeat the phone's hours
    cells: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(severity == "error" for _h, _m, severity in self.problems)

    def error(self, header: str, message: str) -> None:
        self.problems.append((header, message, "error"))


def _reading_order() -> list[Column]:
    """Every readable column in sheet order, a record column's flat parts right after it."""
    return [c for column in COLUMNS for c in (column, *column.flat) if c.field or c.part]


def parse_row(cells: dict[str, Any], header: Sequence[str], default_kind: str | None = None) -> ParsedRow:
    """Cells by header → model data; problems name the sheet's own header. `default_kind` when no 種別 cell."""
    cells = {h: restore(v) if isinstance(v, str) else v for h, v in cells.items()}  # '=… as listings.csv writes it
    where = sources(header)
    kind_header = where.get(KIND_COLUMN, KIND_COLUMN)
    text = str(cells.get(kind_header) or "").strip()
    kind = KIND_WORDS.get(text) if text else KIND_WORDS.get(default_kind or "")
    parsed = ParsedRow(kind, cells=cells)
    if kind is None:
        parsed.error(
            kind_header,
            f"種別 ({kinds.SHORT_LIST}) を書くか、--kind を指定してください (kind is missing or unknown): {text!r}",
        )
        return parsed
    model = kinds.BY_FOLDER[kind].model
    later: list[tuple[Column, str, Any]] = []
    for column in _reading_order():
        source = where.get(column.name)
        value = cells.get(source) if source else None
        if _empty(value):
            continue
        parsed.used[source] = column
        if not column.applies_to(kind):
            parsed.error(
                source,
                f"この列は{kinds.BY_FOLDER[kind].short}では使えません (column does not apply to this kind)",
            )
            continue
        try:
            value = parse_cell(model, column, value)
        except CellError as exc:
            parsed.error(source, str(exc))
            continue
        if column.part:
            later.append((column, source, value))
        elif value is not None:
            set_path(parsed.data, column.path, value)
    for column, source, value in later:
        records = BY_FIELD[column.records]
        records_source = where.get(records.name)
        if records_source and not _empty(cells.get(records_source)):
            parsed.checks.append((column, source, value))  # the JSON cell holds the data
            continue
        if records_source and column.view:
            parsed.views.append((column, value))  # maybe only the phone's hours, as the export writes them
        set_path(parsed.data, column.path, value)
    _address_extra(parsed, where)
    return parsed


def _address_extra(parsed: ParsedRow, where: dict[str, str]) -> None:
    source = where.get("方書")
    extra = str(parsed.cells.get(source) or "").strip() if source else ""
    if not extra:
        return
    if parsed.data.get("location", {}).get("address"):
        parsed.data["location"]["address"] += f" {extra}"
    else:
        parsed.error(source, "「住所」も書いてください (方書 needs 住所)")


def _validate(parsed: ParsedRow, data: dict) -> tuple[Listing | None, list[tuple[str, str, str]]]:
    try:
        return kinds.BY_FOLDER[parsed.kind].model.model_validate(data), []
    except ValidationError as exc:
        return None, [_at_column(parsed, err) for err in exc.errors(include_url=False)]


def _at_column(parsed: ParsedRow, err: dict) -> tuple[str, str, str]:
    loc = tuple(err["loc"])
    _code, message = describe(err, loc)
    header, path = column_at(parsed, loc)
    where = "" if not loc or path == loc else f" ({dotted(loc)})"
    return header, message + where, "error"


def column_at(parsed: ParsedRow, loc: tuple) -> tuple[str, tuple]:
    """(sheet header, column path) of the cell that wrote `loc`, or the nearest one above it."""
    loc = tuple(loc)
    while loc:
        for header, column in parsed.used.items():
            if column.path == loc:
                return header, column.path
        loc = loc[:-1]
    return "", ()


def _without_views(parsed: ParsedRow) -> dict:
    data = copy.deepcopy(parsed.data)
    slots = data.get("schedule", {}).get("slots")
    if slots:
        del slots[0]
        if not slots:
            del data["schedule"]["slots"]
        if not data["schedule"]:
            del data["schedule"]
    return data


def finish_row(parsed: ParsedRow) -> Listing | None:
    """The listing, checked by the model, with parts agreeing with their JSON cells; else None and problems."""
    if not parsed.ok:
        return None
    listing = None
    if parsed.views:
        # 利用可能曜日… beside an empty 受付時間_詳細: a view of the phone's hours when they say just that.
        plain, problems = _validate(parsed, _without_views(parsed))
        if plain is not None and all(part_value(plain, c) == v for c, v in parsed.views):
            listing = plain
    if listing is None:
        listing, problems = _validate(parsed, parsed.data)
        parsed.problems.extend(problems)
    if listing is None:
        return None
    for column, source, value in parsed.checks:
        if value != part_value(listing, column):
            records = BY_FIELD[column.records].name
            parsed.error(
                source,
                f"{records} と食い違っています。どちらかに揃えてください "
                f"(disagrees with {records}): {parsed.cells[source]!r}",
            )
    for name, advice in REFERENCE_ADVICE.items():
        cell = str(parsed.cells.get(name) or "").strip()
        if cell and name not in parsed.used and cell != REFERENCE_VALUE[name](listing):
            parsed.problems.append((name, f"この列は取りこみません。{advice} (column is not imported)", "warning"))
    return listing if parsed.ok else None


def listing_from_row(row: dict[str, str], header: Sequence[str]) -> tuple[str, Listing]:
    """(kind, listing) from one row. Raises SheetError naming every bad cell, or the model's errors by column."""
    parsed = parse_row(row, header)
    listing = finish_row(parsed)
    if listing is None:
        raise SheetError([(h, m) for h, m, severity in parsed.problems if severity == "error"])
    return parsed.kind, listing
