"""Spreadsheet → listing files: `python -m generator import-sheet FILE` (CSV or XLSX).

One row is one listing, in the columns of `sheet_columns` (the 自治体標準オープンデータセット
公共施設一覧 style plus our own). Every row is checked first and every problem reported at once,
named by row number and column (header and Excel letter); only when no row has an error are the
files written, then validated with the whole registry, and undone if the validator refuses any.
So a sheet is imported entirely or not at all, and the clerk fixes the sheet and runs it again.

Excel in Japan saves CSV as Shift_JIS (cp932) unless told otherwise: both that and UTF-8 are read.
The blank templates offered on /contribute/ come from `template_csv()` and `template_xlsx()`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from pydantic import ValidationError

from .checks import _describe
from .load import dotted
from .models import SLUG
from .sheet_columns import (BOOL_JA, COLUMNS, IGNORED_STANDARD, KIND_HEADER, SHEET_KINDS, UNKNOWN_JA,
                            UNPLACED_STANDARD, CellError, choice_label, column_for_location, field_at,
                            last_name, parse_cell, set_path)
from .writeback import listing_path, listing_yaml, write_validated

MAX_ROWS = 2000
KIND_WORDS = {**{k: k for k in SHEET_KINDS}, **{ja: k for k, (_f, _m, ja) in SHEET_KINDS.items()},
              "家族会・親の会": "family-group", "窓口": "window"}


@dataclass
class SheetProblem:
    row: int                    # as the spreadsheet numbers it (the header is row 1)
    column: str                 # header, "" for the whole row
    letter: str
    message: str
    severity: str = "error"

    def format(self, file: str) -> str:
        where = f" 列「{self.column}」({self.letter}列)" if self.column else ""
        return f"{file}:{self.row}:{where} {self.severity}: {self.message}"


@dataclass
class SheetResult:
    written: list[Path] = field(default_factory=list)
    problems: list[SheetProblem] = field(default_factory=list)

    @property
    def errors(self) -> list[SheetProblem]:
        return [p for p in self.problems if p.severity == "error"]


# ---------------------------------------------------------------- reading

def read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """Headers and (row number, cells) of the first sheet; empty rows are skipped."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        book = load_workbook(path, read_only=True, data_only=True)
        sheet = book["掲載"] if "掲載" in book.sheetnames else book.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        book.close()
    else:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp932")  # Excel's default CSV encoding in Japan
        rows = [list(r) for r in csv.reader(io.StringIO(text))]
    if not rows:
        return [], []
    headers = [str(h).strip() if h is not None else "" for h in rows[0]]
    body = [(i + 2, r) for i, r in enumerate(rows[1:])
            if any(c is not None and str(c).strip() for c in r)]
    return headers, body


# ---------------------------------------------------------------- one row

def _known_headers() -> set[str]:
    return {c.header for c in COLUMNS} | {KIND_HEADER} | set(IGNORED_STANDARD) | set(UNPLACED_STANDARD)


def _row_kind(cells: dict[str, Any], default: str | None) -> str | None:
    text = str(cells.get(KIND_HEADER) or "").strip()
    return KIND_WORDS.get(text) if text else default


def row_to_data(kind: str, cells: dict[str, Any], letters: dict[str, str], row: int) -> tuple[dict, list[SheetProblem]]:
    model = SHEET_KINDS[kind][1]
    data: dict = {}
    problems: list[SheetProblem] = []
    for column in COLUMNS:
        value = cells.get(column.header)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if kind not in column.kinds:
            problems.append(SheetProblem(row, column.header, letters[column.header],
                                         f"この列は{SHEET_KINDS[kind][2]}では使えません (column does not apply to this kind)"))
            continue
        try:
            parsed = parse_cell(model, column, value)
        except CellError as exc:
            problems.append(SheetProblem(row, column.header, letters[column.header], str(exc)))
            continue
        if parsed is not None:
            set_path(data, column.path, parsed)
    extra = str(cells.get("方書") or "").strip()
    if extra:
        if data.get("location", {}).get("address"):
            data["location"]["address"] += f" {extra}"
        else:
            problems.append(SheetProblem(row, "方書", letters["方書"], "「住所」も書いてください (方書 needs 住所)"))
    for header, advice in UNPLACED_STANDARD.items():
        if header != "方書" and str(cells.get(header) or "").strip():
            problems.append(SheetProblem(row, header, letters[header],
                                         f"この列は取りこみません。{advice} (column is not imported)", "warning"))
    return data, problems


def _from_validation(kind: str, exc: ValidationError, row: int, letters: dict[str, str]) -> list[SheetProblem]:
    columns = [c for c in COLUMNS if kind in c.kinds]
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        _code, message = _describe(err, loc)
        column = column_for_location(loc, columns)
        header = column.header if column else ""
        where = "" if not loc or (column and column.path == loc) else f" ({dotted(loc)})"
        out.append(SheetProblem(row, header, letters.get(header, ""), message + where))
    return out


# ---------------------------------------------------------------- the whole sheet

def import_sheet(root: Path, path: Path, default_kind: str | None = None, overwrite: bool = False,
                 today: dt.date | None = None) -> SheetResult:
    result = SheetResult()
    problems = result.problems
    headers, rows = read_rows(path)
    letters = {h: get_column_letter(i + 1) for i, h in enumerate(headers) if h}
    for header in list(letters) + list(_known_headers()):
        letters.setdefault(header, "?")
    unknown = [h for h in headers if h and h not in _known_headers()]
    for header in unknown:
        problems.append(SheetProblem(1, header, letters[header],
                                     "この見出しは使えません。テンプレートの見出しと同じにしてください (unknown column)"))
    if len(set(h for h in headers if h)) != len([h for h in headers if h]):
        problems.append(SheetProblem(1, "", "", "同じ見出しの列が2つあります (duplicate column header)"))
    if "ID" not in headers:
        problems.append(SheetProblem(1, "ID", "?", "「ID」の列がありません (the ID column is required)"))
    if not rows:
        problems.append(SheetProblem(2, "", "", "データの行がありません (no rows)"))
    if len(rows) > MAX_ROWS:
        problems.append(SheetProblem(MAX_ROWS + 2, "", "", f"{MAX_ROWS} 行までです (too many rows)"))
    if result.errors:
        return result

    files: dict[Path, str] = {}
    row_of_file: dict[str, int] = {}
    kind_of_row: dict[int, str] = {}
    seen: dict[str, int] = {}
    for row, cells_list in rows:
        cells = {h: v for h, v in zip(headers, cells_list) if h}
        kind = _row_kind(cells, default_kind)
        if kind is None:
            problems.append(SheetProblem(row, KIND_HEADER, letters[KIND_HEADER],
                                         "種類 (相談窓口・居場所・家族会) を書くか、--kind を指定してください (kind is missing or unknown)"))
            continue
        data, row_problems = row_to_data(kind, cells, letters, row)
        problems.extend(row_problems)
        listing_id = str(data.get("id", ""))
        if not listing_id or not re.fullmatch(SLUG, listing_id):
            if not any(p.column == "ID" for p in row_problems):
                problems.append(SheetProblem(row, "ID", letters["ID"],
                                             f"英小文字・数字・ハイフンで書いてください (use lowercase ascii letters, digits and hyphens): {listing_id!r}"))
            continue
        if listing_id in seen:
            problems.append(SheetProblem(row, "ID", letters["ID"], f"{seen[listing_id]} 行目と同じ ID です (duplicate id)"))
            continue
        seen[listing_id] = row
        target = listing_path(root, kind, listing_id)
        others = [k for k in SHEET_KINDS if k != kind and listing_path(root, k, listing_id).exists()]
        if others or (target.exists() and not overwrite):
            where = listing_path(root, (others or [kind])[0], listing_id).relative_to(root)
            problems.append(SheetProblem(row, "ID", letters["ID"],
                                         f"{where} がすでにあります。上書きするときは --overwrite を付けてください (already exists)"))
            continue
        if any(p.row == row and p.severity == "error" for p in row_problems):
            continue
        try:
            listing = SHEET_KINDS[kind][1].model_validate(data)
        except ValidationError as exc:
            problems.extend(_from_validation(kind, exc, row, letters))
            continue
        files[target] = listing_yaml(kind, listing)
        row_of_file[str(target.relative_to(root))] = row
        kind_of_row[row] = kind
    if result.errors or not files:
        return result

    # Every row is well-formed: write them together and let the registry check across files.
    for problem in write_validated(root, files, today):
        row = row_of_file[problem.file]
        columns = [c for c in COLUMNS if kind_of_row[row] in c.kinds]
        column = next((c for c in columns if dotted(c.path) == problem.field), None) or \
            next((c for c in columns if problem.field.startswith(dotted(c.path))), None)
        header = column.header if column else ""
        problems.append(SheetProblem(row, header, letters.get(header, ""), problem.message, problem.severity))
    if not result.errors:
        result.written = sorted(files)
    return result


# ---------------------------------------------------------------- blank templates for /contribute/

def template_headers() -> list[str]:
    return [KIND_HEADER] + [c.header for c in COLUMNS]


def column_notes() -> list[tuple[str, str, str, str]]:
    """(header, 必須/任意, which kinds, what to write) for every template column."""
    notes = [(KIND_HEADER, "必須", "すべて", "相談窓口・居場所・家族会 のどれか")]
    for column in COLUMNS:
        ats = [field_at(SHEET_KINDS[k][1], column.path) for k in column.kinds]
        at = ats[0]
        required = "必須" if all(a.required for a in ats) else "任意"
        kinds = "すべて" if len(column.kinds) == len(SHEET_KINDS) else "・".join(SHEET_KINDS[k][2] for k in column.kinds)
        what = column.help or at.info.description or ""
        name = last_name(column.path)
        if at.choices:
            what += (" " if what else "") + "使える値: " + "、".join(choice_label(name, c) for c in at.choices)
            if at.item is not None:
                what += " (いくつでも。カンマで区切る)"
        elif at.is_bool:
            what += (" " if what else "") + f"{BOOL_JA[True]}・{BOOL_JA[False]}・{UNKNOWN_JA} (空でもよい)"
        if column.standard:
            what += " [公共施設一覧の列]"
        notes.append((column.header, required, kinds, what.strip()))
    return notes


def template_csv() -> str:
    """Header row only, with a BOM so that Excel opens the Japanese headers correctly."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(template_headers())
    return "\ufeff" + out.getvalue()


def template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "掲載"
    sheet.append(template_headers())
    for i, header in enumerate(template_headers(), start=1):
        sheet.cell(row=1, column=i).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(i)].width = max(12, len(header) * 2 + 2)
        sheet.cell(row=1, column=i).number_format = "@"
    for i in range(1, len(template_headers()) + 1):  # codes, IDs and times stay text (not 202011.0 or 0.354)
        for row in range(2, 202):
            sheet.cell(row=row, column=i).number_format = "@"
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("項目の説明")
    notes.append(["見出し", "必須・任意", "種類", "書き方"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for note in column_notes():
        notes.append(list(note))
    notes.column_dimensions["A"].width = 30
    notes.column_dimensions["D"].width = 100
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
