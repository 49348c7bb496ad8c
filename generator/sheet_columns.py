"""The flat view of a listing: one column per field, shared by spreadsheets, issue forms and (later) CSV export.

Clerks keep lists in the 自治体標準オープンデータセット「公共施設一覧」 column style (名称, 名称_カナ, 住所,
緯度, 経度, 電話番号, 利用可能曜日, 開始時間, 終了時間, 説明, URL, 備考 …). `COLUMNS` maps each column
header to a field path in the pydantic models; everything else (the widget in an issue form, the
allowed values, 必須/任意, how a cell's text becomes a value) is derived from the model at that path,
so a new model field needs one line here and nothing more.

A flat row holds one phone, one time slot, one LINE account and one source. Listings that need
more are edited as YAML; the row only sets the first of each (see docs/contribute.md).
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .models import FamilyGroup, Ibasho, Listing, Window
from .render import (ACCEPTS_JA, AUDIENCE_JA, DAY_JA, FORMAT_JA, LEVEL_JA, METHOD_JA, OPERATOR_JA,
                     RESERVATION_JA)

Path_ = tuple[str | int, ...]

# Listing kind as `python -m generator new` names it → (data folder, model, Japanese name)
SHEET_KINDS: dict[str, tuple[str, type[Listing], str]] = {
    "window": ("windows", Window, "相談窓口"),
    "ibasho": ("ibasho", Ibasho, "居場所"),
    "family-group": ("family-groups", FamilyGroup, "家族会"),
}
ALL = tuple(SHEET_KINDS)


@dataclass(frozen=True)
class Column:
    header: str                 # the spreadsheet header and the issue form label
    path: Path_                 # where the value goes in the model; 0 = the first item of a list
    kinds: tuple[str, ...] = ALL
    standard: bool = False      # a column of the 自治体標準オープンデータセット 公共施設一覧
    long: bool = False          # several lines of text (a textarea in forms)
    help: str = ""              # extra words for clerks, after the model's own description

    @property
    def key(self) -> str:
        """An ascii id for issue forms (labels are Japanese)."""
        return "-".join(str(p) for p in self.path).replace("_", "-")


KIND_HEADER = "種類"  # our column: 相談窓口 / 居場所 / 家族会 (or window / ibasho / family-group)

COLUMNS: tuple[Column, ...] = (
    # ---- 自治体標準オープンデータセット 公共施設一覧 (in its order)
    Column("都道府県コード又は市区町村コード", ("municipality",), standard=True,
           help="6桁の市町村コード (例: 202011 = 長野市)"),
    Column("名称", ("name",), standard=True),
    Column("名称_カナ", ("name_kana",), standard=True),
    Column("住所", ("location", "address"), standard=True),
    Column("緯度", ("location", "lat"), standard=True, help="例: 36.6513"),
    Column("経度", ("location", "lon"), standard=True, help="例: 138.1810"),
    Column("電話番号", ("contacts", "phones", 0, "number"), standard=True),
    Column("内線番号", ("contacts", "phones", 0, "extension"), standard=True),
    Column("団体名", ("operator", "name"), standard=True, help="運営している団体・部署"),
    Column("利用可能曜日", ("schedule", "slots", 0, "days"), standard=True, help="例: 月,火,水,木,金"),
    Column("開始時間", ("schedule", "slots", 0, "opens"), standard=True),
    Column("終了時間", ("schedule", "slots", 0, "closes"), standard=True),
    Column("利用可能日時特記事項", ("schedule", "note"), standard=True),
    Column("説明", ("description",), standard=True, long=True),
    Column("バリアフリー情報", ("accessibility",), standard=True),
    Column("URL", ("contacts", "website"), standard=True),
    # ---- our own columns
    Column("ID", ("id",), help="英小文字・数字・ハイフン。ファイル名になります (例: iijima-soudan)"),
    Column("運営者の種類", ("operator", "type")),
    Column("対象地域", ("service_area",), help="市町村コード、地域ID、prefecture (県全体) をカンマで区切って"),
    Column("受け入れ", ("accepts_from",)),
    Column("郵便番号", ("location", "postal_code")),
    Column("位置の公開", ("location", "precision")),
    Column("相談方法", ("methods",)),
    Column("メールアドレス", ("contacts", "emails")),
    Column("LINEアカウント名", ("contacts", "line", 0, "name")),
    Column("LINEのURL", ("contacts", "line", 0, "url")),
    Column("チャット相談のURL", ("contacts", "chat")),
    Column("相談フォームのURL", ("contacts", "web_form")),
    Column("電話の受付時間の補足", ("contacts", "phones", 0, "hours_note")),
    Column("通話料無料", ("contacts", "phones", 0, "toll_free")),
    Column("第何週", ("schedule", "slots", 0, "nth"), help="例: 2 (第2)、1,3 (第1・第3)、-1 (最終)。毎週なら空"),
    Column("祝日は休み", ("schedule", "holidays_closed")),
    Column("無料", ("cost", "free")),
    Column("費用の補足", ("cost", "note")),
    Column("名前を言わずに相談できる", ("anonymous_ok",)),
    Column("家族だけの相談ができる", ("family_only_ok",)),
    Column("予約", ("reservation",)),
    Column("対象", ("audience",)),
    Column("窓口の範囲", ("level",), kinds=("window",)),
    Column("対応する職種", ("staff",), kinds=("window",), help="例: 保健師, 精神保健福祉士"),
    Column("予約なしで立ち寄れる", ("drop_in",), kinds=("ibasho",)),
    Column("いるだけでもよい", ("just_being_ok",), kinds=("ibasho",)),
    Column("活動", ("activities",), kinds=("ibasho",), help="例: 読書, ボードゲーム"),
    Column("オンラインの居場所", ("online",), kinds=("ibasho",)),
    Column("開催の頻度", ("meeting_pattern",), kinds=("family-group",)),
    Column("形式", ("format",), kinds=("family-group",)),
    Column("加盟団体", ("affiliation",), kinds=("family-group",)),
    Column("初めての方へ", ("first_contact",), kinds=("family-group",), long=True),
    Column("情報確認日", ("last_verified",), help="出典でその情報を確かめた日 (例: 2026-04-01)"),
    Column("出典名", ("source", 0, "title")),
    Column("出典URL", ("source", 0, "url")),
    Column("出典の日付", ("source", 0, "date")),
    Column("出典の補足", ("source", 0, "note"), long=True, help="例: 2026年4月1日に福祉課が電話で確認"),
    Column("更新者", ("updated_by",), help="個人名でなく部署名でもかまいません"),
)
# Only the 掲載終了 form writes these.
CLOSE_COLUMNS: tuple[Column, ...] = (
    Column("掲載終了日", ("closed", "date"), help="例: 2026-03-31"),
    Column("掲載終了の理由", ("closed", "reason"), long=True),
)
# Columns of the standard that hold nothing we publish: accepted in a sheet and left out.
IGNORED_STANDARD = ("NO", "都道府県名", "市区町村名", "名称_英字", "POIコード", "法人番号")
# Standard columns whose text we cannot place: a non-empty cell is a warning, never silently dropped.
UNPLACED_STANDARD = {"方書": "住所の列に続けて書いてください", "備考": "公開したい内容は「説明」に書いてください"}

SOURCE_HEADERS = tuple(c.header for c in COLUMNS if c.path[0] == "source")

# Japanese words for allowed values, per field name (the last string of a path).
BOOL_JA = {True: "はい", False: "いいえ"}
UNKNOWN_JA = "わからない"
CHOICE_JA: dict[str, dict[str, str]] = {
    "methods": METHOD_JA, "audience": {k: v for k, v in AUDIENCE_JA.items() if k != "community"},
    "level": LEVEL_JA, "accepts_from": ACCEPTS_JA, "reservation": RESERVATION_JA, "type": OPERATOR_JA,
    "format": FORMAT_JA, "days": DAY_JA,
    "precision": {"exact": "正確な住所を公開", "approximate": "おおよその場所を公開",
                  "municipality": "市町村名だけ公開 (住所は出さない)"},
}


def columns_for(kind: str) -> list[Column]:
    return [c for c in COLUMNS if kind in c.kinds]


# ---------------------------------------------------------------- the model at a column's path

def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(inner type, optional?) with `X | None` and Annotated[...] removed."""
    optional = False
    if get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        optional = len(args) < len(get_args(annotation))
        annotation = args[0] if len(args) == 1 else annotation
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation, optional


@dataclass(frozen=True)
class FieldAt:
    info: FieldInfo
    annotation: Any           # with Optional and Annotated removed
    required: bool            # required at every level of the path (a listing cannot exist without it)

    @property
    def item(self) -> Any:
        """The item type of a list field, else None."""
        if get_origin(self.annotation) is list:
            return _unwrap(get_args(self.annotation)[0])[0]
        return None

    @property
    def choices(self) -> list[str]:
        target = self.item or self.annotation
        return [str(a) for a in get_args(target)] if get_origin(target) is Literal else []

    @property
    def is_bool(self) -> bool:
        return self.annotation is bool


def field_at(model: type[BaseModel], path: Path_) -> FieldAt:
    required = True
    current: Any = model
    info: FieldInfo | None = None
    annotation: Any = None
    for step in path:
        if isinstance(step, int):
            annotation = _unwrap(get_args(annotation)[0])[0]  # list item
            current = annotation
            continue
        info = current.model_fields[step]
        required = required and info.is_required()
        annotation, _optional = _unwrap(info.annotation)
        current = annotation
    assert info is not None
    return FieldAt(info, annotation, required)


def choice_label(field: str, value: str) -> str:
    """「電話 (phone)」: the Japanese word first, the stored value in brackets."""
    words = CHOICE_JA.get(field, {})
    return f"{words[value]} ({value})" if value in words else value


def last_name(path: Path_) -> str:
    return next(p for p in reversed(path) if isinstance(p, str))


# ---------------------------------------------------------------- cell text → value

class CellError(ValueError):
    """A cell's text cannot become the field's value; the message speaks to a clerk."""


_SPLIT = re.compile(r"\s*[,、，;；\n]\s*")
_WEEK = list(DAY_JA)
_DAY_WORDS = {**{v: k for k, v in DAY_JA.items()}, **{f"{v}曜": k for k, v in DAY_JA.items()},
              **{f"{v}曜日": k for k, v in DAY_JA.items()}}


def _choice(field: str, text: str, allowed: list[str]) -> str:
    text = text.strip()
    match = re.fullmatch(r".*\(([a-z-]+)\)", text)  # 「電話 (phone)」 as issue forms show it
    if match and match.group(1) in allowed:
        return match.group(1)
    if text in allowed:
        return text
    by_word = {w: v for v, w in CHOICE_JA.get(field, {}).items() if v in allowed}
    if field == "days":
        by_word.update(_DAY_WORDS)
    if text in by_word:
        return by_word[text]
    shown = "、".join(choice_label(field, a) for a in allowed)
    raise CellError(f"使えない値です。使える値: {shown} (not an allowed value): {text!r}")


def _days(text: str, allowed: list[str]) -> list[str]:
    days: list[str] = []
    for token in _SPLIT.split(text.strip()):
        token = token.replace("・", "")
        if token in ("平日", "月〜金", "月～金", "月-金", "月~金"):
            days.extend(_WEEK[:5])
        elif token in ("毎日", "全日"):
            days.extend(_WEEK)
        elif len(token) > 1 and all(ch in _DAY_WORDS for ch in token):  # 「月水金」
            days.extend(_DAY_WORDS[ch] for ch in token)
        elif token:
            days.append(_choice("days", token, allowed))
    return sorted(set(days), key=_WEEK.index)


def _bool(text: str) -> bool | None:
    lowered = text.strip().lower()
    if lowered in ("はい", "true", "yes", "○", "〇", "◯", "1", "あり", "可"):
        return True
    if lowered in ("いいえ", "false", "no", "×", "✕", "0", "なし", "不可"):
        return False
    if lowered in (UNKNOWN_JA, "不明", ""):
        return None
    raise CellError(f"「はい」「いいえ」「{UNKNOWN_JA}」のどれかで書いてください (must be yes, no or unknown): {text!r}")


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if match:
        try:
            return dt.date(*map(int, match.groups()))
        except ValueError:
            pass
    raise CellError(f"日付は 2026-04-01 のように書いてください (must be a date, YYYY-MM-DD): {text!r}")


def _time(value: Any) -> str:
    if isinstance(value, (dt.time, dt.datetime)):
        return f"{value.hour:02d}:{value.minute:02d}"
    text = str(value).strip().replace("：", ":")
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::00)?", text) or re.fullmatch(r"(\d{1,2})時(\d{2})?分?", text)
    if match:
        return f"{int(match.group(1)):02d}:{match.group(2) or '00'}"
    return text  # the model explains what a time must look like


def _number(value: Any) -> float:
    try:
        return float(str(value).strip())
    except ValueError:
        raise CellError(f"数値で書いてください (must be a number): {value!r}") from None


def _code(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():  # Excel stores 202011 as a number
        value = int(value)
    return str(value).strip()


def parse_cell(model: type[BaseModel], column: Column, value: Any) -> Any:
    """The value a cell (text, or a number/date/time from Excel) stands for, per the model's field type.

    Returns None for an empty cell. Raises CellError with a clerk-readable message.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    at = field_at(model, column.path)
    name = last_name(column.path)
    item, annotation = at.item, at.annotation
    if name in ("opens", "closes"):
        return _time(value)
    if annotation is dt.date:
        return _date(value)
    if name == "date":  # a source's date is text as the source states it
        return _date(value).isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value).strip()
    if annotation is float:
        return _number(value)
    if at.is_bool:
        return _bool(str(value))
    if name == "municipality":
        return _code(value)
    if item is not None:
        text = str(value)
        if name == "days":
            return _days(text, at.choices)
        tokens = [_code(t) for t in _SPLIT.split(text.strip()) if t]
        if name == "service_area":
            tokens = [t if t != "県全体" else "prefecture" for t in tokens]
        if item is int:
            try:
                return [int(t) for t in tokens]
            except ValueError:
                raise CellError(f"数字をカンマで区切って書いてください (comma-separated numbers): {text!r}") from None
        if at.choices:
            return [_choice(name, t, at.choices) for t in tokens]
        return tokens
    if at.choices:
        return _choice(name, str(value), at.choices)
    if name == "extension":
        return _code(value)
    return str(value).strip()


def set_path(data: dict, path: Path_, value: Any) -> None:
    """Put `value` at `path` in nested dicts/lists, creating what is missing (0 = first item)."""
    node: Any = data
    for step, following in zip(path, path[1:]):
        fresh: Any = [] if isinstance(following, int) else {}
        if isinstance(step, int):
            while len(node) <= step:
                node.append(fresh)
            node = node[step]
        else:
            node = node.setdefault(step, fresh)
    last = path[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
    node[last] = value


def column_for_location(loc: Path_, columns: list[Column]) -> Column | None:
    """The column that wrote `loc` (a pydantic error location), or the nearest one above it."""
    loc = tuple(loc)
    while loc:
        for column in columns:
            if column.path == loc:
                return column
        loc = loc[:-1]
    return None
