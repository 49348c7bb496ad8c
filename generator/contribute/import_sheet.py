"""Spreadsheet → listing files: `python -m generator import-sheet FILE` (CSV or XLSX).

One row is one listing, in the columns of `sheet_columns` (the 自治体標準オープンデータセット
公共施設一覧 style plus our own), read by `sheet.parse_row` / `sheet.finish_row`: the very layout of
`/api/v1/listings.csv`, so the export edited in Excel comes back in. Every row is checked first and
every problem reported at once, named by row number and column (header and Excel letter); only when no row has
an error are the files written, then validated with the whole registry, and undone if the validator refuses any.
So a sheet is imported entirely or not at all, and the clerk fixes the sheet and runs it again.

Excel in Japan saves CSV as Shift_JIS (cp932) unless told otherwise: both that and UTF-8 are read.
The blank templates offered on /contribute/ come from `template_csv()` and `template_xlsx()`: the
export's header row, in the export's order.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..registry import kinds
from ..registry.models import SLUG
from .sheet import HEADER, ParsedRow, column_at, decode_csv, finish_row, parse_row, unknown_headers, write_table
from .sheet_columns import BOOL_JA, COLUMNS, UNKNOWN_JA, choice_label, field_at, last_name
from .writeback import listing_path, listing_yaml, write_validated

MAX_ROWS = 2000


@dataclass
class SheetProblem:
    row: int  # as the spreadsheet numbers it (the header is row 1)
    column: str  # header, "" for the whole row
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
        from openpyxl import load_workbook  # here, not at the top: pages import this module for the template notes

        book = load_workbook(path, read_only=True, data_only=True)
        sheet = book["掲載"] if "掲載" in book.sheetnames else book.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        book.close()
    else:
        rows = decode_csv(path.read_bytes())
    if not rows:
        return [], []
    headers = [str(h).strip() if h is not None else "" for h in rows[0]]
    body = [(i + 2, r) for i, r in enumerate(rows[1:]) if any(c is not None and str(c).strip() for c in r)]
    return headers, body


# ---------------------------------------------------------------- one row


def _problems(parsed: ParsedRow, row: int, letters: dict[str, str], start: int = 0) -> list[SheetProblem]:
    return [
        SheetProblem(row, header, letters.get(header, "?") if header else "", message, severity)
        for header, message, severity in parsed.problems[start:]
    ]


def _kept_private(target: Path, kind: str, listing):
    from ..registry.load import LoadError, load_file
    from .writeback import keep_private

    try:
        old = type(listing).model_validate(load_file(target).data)
    except (LoadError, ValueError):
        return listing  # the file it replaces does not load: nothing to keep
    return keep_private(listing, old)


# ---------------------------------------------------------------- the whole sheet


def import_sheet(
    root: Path, path: Path, default_kind: str | None = None, overwrite: bool = False, today: dt.date | None = None
) -> SheetResult:
    from openpyxl.utils import get_column_letter

    result = SheetResult()
    problems = result.problems
    headers, rows = read_rows(path)
    letters = {h: get_column_letter(i + 1) for i, h in enumerate(headers) if h}
    for header in unknown_headers(headers):
        problems.append(
            SheetProblem(
                1,
                header,
                letters[header],
                "この見出しは使えません。テンプレートの見出しと同じにしてください (unknown column)",
            )
        )
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
    parsed_of_file: dict[str, tuple[int, ParsedRow]] = {}
    seen: dict[str, int] = {}
    for row, cells_list in rows:
        cells = {h: v for h, v in zip(headers, cells_list) if h}
        parsed = parse_row(cells, headers, default_kind)
        problems.extend(_problems(parsed, row, letters))
        if parsed.kind is None:
            continue
        kind = kinds.BY_FOLDER[parsed.kind].name
        listing_id = str(parsed.data.get("id", ""))
        if not listing_id or not re.fullmatch(SLUG, listing_id):
            if not any(header == "ID" for header, _m, _s in parsed.problems):
                problems.append(
                    SheetProblem(
                        row,
                        "ID",
                        letters["ID"],
                        f"英小文字・数字・ハイフンで書いてください (use lowercase ascii letters, digits and hyphens)"
                        f": {listing_id!r}",
                    )
                )
            continue
        if listing_id in seen:
            problems.append(
                SheetProblem(row, "ID", letters["ID"], f"{seen[listing_id]} 行目と同じ ID です (duplicate id)")
            )
            continue
        seen[listing_id] = row
        target = listing_path(root, kind, listing_id)
        others = [k for k in kinds.BY_NAME if k != kind and listing_path(root, k, listing_id).exists()]
        if others or (target.exists() and not overwrite):
            where = listing_path(root, (others or [kind])[0], listing_id).relative_to(root)
            problems.append(
                SheetProblem(
                    row,
                    "ID",
                    letters["ID"],
                    f"{where} がすでにあります。上書きするときは --overwrite を付けてください (already exists)",
                )
            )
            continue
        if not parsed.ok:
            continue
        before = len(parsed.problems)
        listing = finish_row(parsed)
        problems.extend(_problems(parsed, row, letters, before))
        if listing is None:
            continue
        if target.exists():  # an overwrite keeps what no sheet carries (maintainers' notes and accounts)
            listing = _kept_private(target, kind, listing)
        files[target] = listing_yaml(kind, listing)
        parsed_of_file[str(target.relative_to(root))] = (row, parsed)
    if result.errors or not files:
        return result

    # Every row is well-formed: write them together and let the registry check across files.
    for problem in write_validated(root, files, today):
        row, parsed = parsed_of_file[problem.file]
        header, _path = (
            column_at(parsed, tuple(int(p) if p.isdigit() else p for p in problem.field.split(".")))
            if problem.field
            else ("", ())
        )
        problems.append(SheetProblem(row, header, letters.get(header, ""), problem.message, problem.severity))
    if not result.errors:
        result.written = sorted(files)
    return result


# ---------------------------------------------------------------- blank templates for /contribute/


def template_headers() -> list[str]:
    """The header row of `/api/v1/listings.csv`, column for column."""
    return list(HEADER)


def column_notes() -> list[tuple[str, str, str, str]]:
    """(header, 必須/任意, which kinds, what to write) for every template column."""
    notes = []
    for column in COLUMNS:
        kinds_of = [k for k in kinds.KINDS if column.applies_to(k.folder)]
        only = "すべて" if len(kinds_of) == len(kinds.KINDS) else kinds.shorts(kinds_of)
        if column.field is None and column.part is None:
            role = {"kind": "必須", "reference": "参考"}.get(column.role, "")
            what = column.help + (" (書き出すときだけ。取りこみません)" if column.role == "reference" else "")
            notes.append((column.name, role, only, what.strip()))
            continue
        ats = [field_at(k.model, column.path) for k in kinds_of]
        at = ats[0]
        required = "必須" if column.field and all(a.required for a in ats) else "任意"
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
        if column.flat:
            what += " 1件だけなら、JSON の代わりに次の列でも書けます: " + "、".join(p.name for p in column.flat)
        notes.append((column.name, required, only, what.strip()))
    return notes


def template_csv() -> str:
    """Header row only, with a BOM so that Excel opens the Japanese headers correctly: the export, empty."""
    return write_table([]).decode("utf-8")


@functools.cache  # the same for every page build of a `mkdocs serve` session
def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

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
