"""The spreadsheet columns: ONE table for `/api/v1/listings.csv`, the blank sheets on /contribute/,
`import-sheet` and the issue forms.

`COLUMNS` is the sheet, in order: the 23 columns of 自治体標準オープンデータセット「公共施設一覧」 first,
in the standard's order, then our own, so that the full model fits and an exported row reads back into
exactly the listing it came from. Each column says where its value lives in the model (`field`, a
whole field; or `part`, a field of the FIRST item of a list, e.g. 電話番号 = the first phone's number);
everything else (the widget in an issue form, allowed values, 必須/任意, how a cell is written and
read) is derived from the model at that path, so a new model field needs one line here.

Four kinds of column:
- data (`field`): carries a model field. Nested records that come in lists (電話_詳細, LINE,
  受付時間_詳細, 出典) are one JSON cell each, as in listings.json.
- part (`part`): a flat view of the first item of such a list. The standard's 電話番号・内線番号・
  利用可能曜日・開始時間・終了時間 are parts; the record columns also name `flat` parts that are not
  columns of the CSV (出典名, LINEのURL…). The issue forms ask for data and part columns (one phone,
  one time slot, one source); a sheet may give parts instead of the JSON column. When the sheet has
  the JSON cell too, the parts are checked against it, so an edit in one of them is never lost.
- reference (`derive`): written for people (地方公共団体名, 利用可能日時特記事項, 備考, 掲載ページ, 地域),
  never read as data.
- unused standard columns (名称_通称, POIコード, 法人番号; and 方書, whose text is added to 住所).

`label` is how an issue form asks for a column; with `aliases` it is also accepted as a header when a
sheet lacks the column's own header (older templates, the 2020 edition of the standard).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ..registry import kinds
from ..registry.models import Listing, PartialDate, TimeSlot
from ..registry.vocab import (
    ACCEPTS_JA,
    AUDIENCE_JA,
    DAY_JA,
    FORMAT_JA,
    LEVEL_JA,
    METHOD_JA,
    OPERATOR_JA,
    RESERVATION_JA,
    WEEK,
    slot_ja,
)

if TYPE_CHECKING:
    from ..registry.index import Entry

Path_ = tuple[str | int, ...]


# ---------------------------------------------------------------- cell codecs (value ↔ text)

_SPLIT = re.compile(r"\s*[,、，;；\n]\s*")


def _text_out(value: Any) -> str:
    return "" if value is None else str(value)


def _bool_out(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def _json_in(cell: str) -> Any:
    try:
        value = json.loads(cell)
    except json.JSONDecodeError as exc:
        raise CellError(f"JSON の書き方に誤りがあります (invalid JSON: {exc.msg})") from None
    if not isinstance(value, list):
        raise CellError("[ ] で囲んだ JSON の配列で書いてください (must be a JSON array)")
    return value


def _list_out(value: list) -> str:
    items = [str(v) for v in value]
    if any(_SPLIT.search(item) or item != item.strip() or not item for item in items) or (
        items and items[0].startswith("[")
    ):
        return json.dumps(items, ensure_ascii=False)  # an item holds a separator: JSON keeps it whole
    return ";".join(items)


def _list_in(cell: str) -> list:
    if cell.strip().startswith("["):
        return _json_in(cell.strip())
    return [item for item in _SPLIT.split(cell.strip()) if item]


def _records_out(value: list[BaseModel]) -> str:
    return json.dumps(
        [item.model_dump(mode="json", exclude_defaults=True) for item in value],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _days_out(value: list[str]) -> str:
    return "".join(DAY_JA[d] for d in value)


# Spreadsheet formulas: Excel and LibreOffice run a cell that starts with = + - @ (tab and CR are skipped
# first) as a formula, so a name such as =HYPERLINK("https://evil.example/","x") would be a live link in
# listings.csv. One rule for every text cell we write: such a cell gets a leading ' (the text mark Excel
# knows). A text that already starts with ' before such a character gets one more, so `restore` takes off
# exactly one and a sheet read back gives the same text. Machine values (numbers, dates, -1FR) are not text.
_FORMULA_START = re.compile(r"'*[=+\-@\t\r]")


def neutralise(text: str) -> str:
    return "'" + text if _FORMULA_START.match(text) else text


def restore(text: str) -> str:
    return text[1:] if text.startswith("'") and _FORMULA_START.match(text, 1) else text


@dataclass(frozen=True)
class Codec:
    name: str  # shown on /open-data/
    write: Callable[[Any], str]
    read: Callable[[str], Any]  # text level only; parse_cell() adds what the model's type needs


TEXT = Codec("文字", _text_out, lambda cell: cell)
BOOL = Codec("true / false", _bool_out, lambda cell: _bool(cell))
DATE = Codec("日付 (YYYY-MM-DD)", _text_out, lambda cell: _date(cell))
PARTIAL_DATE = Codec(
    "日付 (YYYY-MM-DD、出典に月・年までしかなければ YYYY-MM・YYYY)", _text_out, lambda cell: _partial_date(cell)
)
NUMBER = Codec("数値", _text_out, lambda cell: _number(cell))
LIST = Codec("「;」区切り", _list_out, _list_in)
RECORDS = Codec("JSON の配列", _records_out, _json_in)
DAYS = Codec("曜日 (月火水木金)", _days_out, lambda cell: _days(cell, WEEK))


# ---------------------------------------------------------------- views of a listing for the standard's columns


def first_phone(listing: Listing):
    return listing.contacts.phones[0] if listing.contacts.phones else None


def availability(listing: Listing) -> list[TimeSlot]:
    """The slots the standard's 利用可能曜日・開始時間・終了時間 describe: the schedule, else the first phone's
    hours."""
    if listing.schedule and listing.schedule.slots:
        return list(listing.schedule.slots)
    phone = first_phone(listing)
    return list(phone.hours) if phone else []


def simple_hours(listing: Listing) -> tuple[list[str], str, str]:
    """(days, opens, closes) when every slot is weekly with one time range, else nothing."""
    slots = availability(listing)
    if not slots or any(s.nth or s.month_days or not s.days for s in slots):
        return [], "", ""
    if len({(s.opens, s.closes) for s in slots}) != 1:
        return [], "", ""
    days = sorted({d for s in slots for d in s.days}, key=WEEK.index)
    return days, slots[0].opens or "", slots[0].closes or ""


def hours_text(listing: Listing) -> str:
    parts = [slot_ja(s) for s in availability(listing)]
    if listing.schedule and listing.schedule.holidays_closed:
        parts.append("祝日は休み")
    if listing.schedule and listing.schedule.year_end_closed:
        parts.append("年末年始 (12月29日〜1月3日) は休み")
    if listing.schedule and listing.schedule.note:
        parts.append(listing.schedule.note)
    return " / ".join(parts)


def remarks(listing: Listing) -> str:
    parts = ["相談の方法: " + "、".join(METHOD_JA[m] for m in listing.methods)]
    if listing.anonymous_ok:
        parts.append("名前を言わずに相談できます")
    if listing.family_only_ok:
        parts.append("ご家族だけの相談もできます")
    if listing.cost and listing.cost.free:
        parts.append("無料")
    parts.append(f"情報確認日: {listing.last_verified.isoformat()}")
    return "。".join(parts)


# ---------------------------------------------------------------- columns


def _path(dotted_path: str) -> Path_:
    return tuple(int(p) if p.isdigit() else p for p in dotted_path.split("."))


@dataclass(frozen=True)
class Column:
    name: str  # the header, in listings.csv and in the blank sheets
    help: str = ""  # what to write; forms fall back to the model's description
    field: str | None = None  # data column: a whole model field (dotted)
    part: str | None = None  # part column: a field of the first item of a list ("contacts.phones.0.number")
    standard: bool = False  # a column of 公共施設一覧
    kinds: tuple[str, ...] = ()  # only for these kinds (data folders); empty: all
    label: str = ""  # the issue form's wording, also accepted as a header; default: name
    aliases: tuple[str, ...] = ()  # more headers accepted when reading
    long: bool = False  # several lines (a textarea in forms)
    flat: tuple[Column, ...] = ()  # parts of this record column that forms ask for (not CSV columns)
    view: Callable[[Listing], Any] | None = None  # a part's value when the standard means more than the first item
    derive: Callable[[Entry, str, str], str] | None = None  # reference: (entry, site_url, prefecture) → cell

    # path, model and codec are read for every cell written (a sheet of 4,000 listings): worked out once each
    @cached_property
    def path(self) -> Path_:
        return _path(self.field or self.part or "")

    @property
    def form_label(self) -> str:
        return self.label or self.name

    @property
    def headers(self) -> tuple[str, ...]:
        """Headers this column is read from, in order of preference."""
        return tuple(dict.fromkeys((self.name, self.form_label, *self.aliases)))

    @property
    def key(self) -> str:
        """An ascii id for issue forms (labels are Japanese)."""
        return "-".join(str(p) for p in self.path).replace("_", "-")

    @property
    def records(self) -> str | None:
        """For a part: the list field whose first item it shows."""
        return self.part.split(".0.")[0] if self.part else None

    def applies_to(self, kind: str) -> bool:
        """`kind` as a data folder (windows) or as `new` names it (window)."""
        return not self.kinds or (kinds.BY_NAME[kind].folder if kind in kinds.BY_NAME else kind) in self.kinds

    @cached_property
    def model(self) -> type[Listing]:
        """A listing model that has this column's field."""
        return next(k.model for k in kinds.KINDS if self.applies_to(k.folder))

    @cached_property
    def codec(self) -> Codec:
        if self.field is None and self.part is None:
            return TEXT
        at = field_at(self.model, self.path)
        if last_name(self.path) == "days":
            return DAYS
        if at.item is not None:
            return RECORDS if isinstance(at.item, type) and issubclass(at.item, BaseModel) else LIST
        return {bool: BOOL, float: NUMBER, int: NUMBER, dt.date: DATE, PartialDate: PARTIAL_DATE}.get(
            at.annotation, TEXT
        )

    @property
    def role(self) -> str:
        """data | kind | checked (a part: repeats a data column) | reference (参考) | unused"""
        if self.field is not None:
            return "data"
        if self.name == KIND_COLUMN:
            return "kind"
        if self.part is not None:
            return "checked"
        return "reference" if self.derive is not None else "unused"


def _town(entry: Entry, url: str, pref: str) -> str:
    return f"{pref}{entry.town.name}" if entry.town else ""


KIND_COLUMN = "種別"
COLUMNS: list[Column] = [
    # -- 自治体標準オープンデータセット「公共施設一覧」, in its order
    Column(
        "全国地方公共団体コード",
        "所在する市町村のコード (6桁。例: 202011 = 長野市)。全国・県全体の窓口は空",
        "municipality",
        standard=True,
        label="都道府県コード又は市区町村コード",
    ),
    Column(
        "ID",
        "英小文字・数字・ハイフン。ファイル名と掲載ページの URL の最後の部分になります (例: iijima-soudan)",
        "id",
        standard=True,
    ),
    Column("地方公共団体名", "所在する市町村 (都道府県名から)", standard=True, derive=_town),
    Column("名称", "", "name", standard=True),
    Column("名称_カナ", "", "name_kana", standard=True),
    Column("名称_通称", "(使っていません)", standard=True),
    Column("POIコード", "(使っていません)", standard=True),
    Column("住所", "住所。所在地を公開していない場所は空", "location.address", standard=True),
    Column("方書", "建物名など。取りこむときは 住所 に続けます (書き出すときは空。住所に含めています)", standard=True),
    Column(
        "緯度",
        "緯度 (世界測地系。例: 36.6513)。おおよその場所は小数第2位まで。所在地を公開していない場所は空",
        "location.lat",
        standard=True,
    ),
    Column("経度", "経度 (例: 138.1810)", "location.lon", standard=True),
    Column("電話番号", "最初の電話番号 (電話_詳細 の1件目)", part="contacts.phones.0.number", standard=True),
    Column("内線番号", "最初の電話番号の内線", part="contacts.phones.0.extension", standard=True),
    Column("法人番号", "(使っていません)", standard=True),
    Column("団体名", "運営している団体・部署", "operator.name", standard=True),
    Column(
        "利用可能曜日",
        "受付・開催の曜日 (例: 月火水木金)。毎週同じ時間のときだけ。ほかは 受付時間_詳細 に",
        part="schedule.slots.0.days",
        standard=True,
        view=lambda listing: simple_hours(listing)[0],
    ),
    Column(
        "開始時間",
        "開始時刻 (例: 08:30)",
        part="schedule.slots.0.opens",
        standard=True,
        view=lambda listing: simple_hours(listing)[1] or None,
    ),
    Column(
        "終了時間",
        "終了時刻 (例: 17:15。開始と同じなら24時間。翌日に終わる時間は 受付時間_詳細 に closes_next_day: true"
        " と書きます)",
        part="schedule.slots.0.closes",
        standard=True,
        view=lambda listing: simple_hours(listing)[2] or None,
    ),
    Column(
        "利用可能日時特記事項",
        "受付・開催の時間を文で (例: 毎月第2土曜 13:30〜16:00)。取りこむときは、"
        "受付時間の補足 の列がないシートでだけ、その内容として読みます",
        standard=True,
        derive=lambda e, url, pref: hours_text(e.public),
    ),
    Column("説明", "", "description", standard=True, long=True),
    Column("バリアフリー情報", "", "accessibility", standard=True),
    Column("URL", "ウェブサイト", "contacts.website", standard=True),
    Column(
        "備考",
        "相談の方法、名前を言わずに相談できるか、費用、情報確認日の要約。取りこみません (公開したい内容は 説明 に)",
        standard=True,
        derive=lambda e, url, pref: remarks(e.public),
    ),
    # -- this site's own columns
    Column(
        KIND_COLUMN,
        f"{kinds.SHORT_LIST} ({'・'.join(kinds.FOLDERS)} でも可)",
        aliases=("種類",),
        derive=lambda e, url, pref: e.kind,
    ),
    Column("掲載ページ", "このサイトの掲載ページ", derive=lambda e, url, pref: f"{url}{e.url}"),
    Column("地域", "所在する地域 (広域圏)", derive=lambda e, url, pref: e.region.name if e.region else ""),
    Column("運営者の種類", "", "operator.type"),
    Column(
        "対象地域", "市町村コード、地域 ID、prefecture (県全体)、national (全国) をカンマで区切って", "service_area"
    ),
    Column("受け入れ", "", "accepts_from"),
    Column("位置の精度", "", "location.precision", label="位置の公開"),
    Column("郵便番号", "郵便番号 (例: 380-0000)", "location.postal_code"),
    Column("相談の方法", "", "methods", label="相談方法"),
    Column(
        "電話_詳細",
        "電話番号ごとの 番号・内線・用途・受付時間・通話料無料か (JSON)",
        "contacts.phones",
        flat=(
            Column("電話の受付時間の補足", part="contacts.phones.0.hours_note"),
            Column("通話料無料", part="contacts.phones.0.toll_free"),
        ),
    ),
    Column("メール", "", "contacts.emails", label="メールアドレス"),
    Column(
        "LINE",
        "LINE のアカウント (名前・ID・URL・補足。JSON)",
        "contacts.line",
        flat=(Column("LINEアカウント名", part="contacts.line.0.name"), Column("LINEのURL", part="contacts.line.0.url")),
    ),
    Column("チャット", "チャット相談のページ", "contacts.chat", label="チャット相談のURL"),
    Column("相談フォーム", "相談フォームのページ", "contacts.web_form", label="相談フォームのURL"),
    Column(
        "受付時間_詳細",
        "受付・開催の時間 (曜日・第何週・日付・開始・終了・補足。JSON)",
        "schedule.slots",
        flat=(Column("第何週", "例: 2 (第2)、1,3 (第1・第3)、-1 (最終)。毎週なら空", part="schedule.slots.0.nth"),),
    ),
    Column("祝日休み", "", "schedule.holidays_closed", label="祝日は休み"),
    Column("年末年始休み", "12月29日〜1月3日は休み", "schedule.year_end_closed", label="年末年始は休み"),
    Column("受付時間の補足", "受付・開催の時間の補足", "schedule.note", label="利用可能日時特記事項"),
    Column("無料", "", "cost.free"),
    Column("費用の補足", "", "cost.note"),
    Column("名前を言わずに", "", "anonymous_ok", label="名前を言わずに相談できる"),
    Column("家族だけで", "", "family_only_ok", label="家族だけの相談ができる"),
    Column("予約", "", "reservation"),
    Column("対象", "", "audience"),
    Column("年齢の下限", "例: 15 (15歳以上)。出典に書かれていなければ空", "age_min"),
    Column("年齢の上限", "例: 18 (18歳まで)。出典に書かれていなければ空", "age_max"),
    Column("子どもむけ", "", "for_children", label="子ども (と保護者) のための場所"),
    Column("言語", "", "languages"),
    Column("情報確認日", "出典でその情報を確かめた日 (例: 2026-04-01)", "last_verified"),
    Column(
        "出典",
        "出典 (資料名・URL・日付・補足。JSON)",
        "source",
        flat=(
            Column("出典名", part="source.0.title"),
            Column("出典URL", part="source.0.url"),
            Column("出典の日付", part="source.0.date"),
            Column("出典の補足", "例: 2026年4月1日に福祉課が電話で確認", part="source.0.note", long=True),
        ),
    ),
    Column("更新者", "個人名でなく部署名でもかまいません", "updated_by"),
    Column("窓口の範囲", "", "level", kinds=("windows",)),
    Column("職種", "例: 保健師, 精神保健福祉士", "staff", kinds=("windows",), label="対応する職種"),
    Column("とてもつらいとき", "", "crisis_line", kinds=("windows",), label="とてもつらいときに話せる電話・チャット"),
    Column("立ち寄り", "", "drop_in", kinds=("ibasho",), label="予約なしで立ち寄れる"),
    Column("いるだけでよい", "", "just_being_ok", kinds=("ibasho",), label="いるだけでもよい"),
    Column("活動", "例: 読書, ボードゲーム", "activities", kinds=("ibasho",)),
    Column("オンライン", "", "online", kinds=("ibasho",), label="オンラインの居場所"),
    Column("開催の頻度", "", "meeting_pattern", kinds=("family-groups",)),
    Column("形式", "", "format", kinds=("family-groups",)),
    Column("加盟団体", "", "affiliation", kinds=("family-groups",)),
    Column("初めての方へ", "", "first_contact", kinds=("family-groups",), long=True),
    # Only the 掲載終了 form asks for these (see forms.py); a sheet may close a listing too.
    Column("掲載終了日", "例: 2026-03-31", "closed.date"),
    Column("掲載終了の理由", "", "closed.reason", long=True),
    # Added in 2026-11 (issue #16): at the end, so that /api/v1/listings.csv only grows.
    Column("変更なしの確認日", "運営者・担当者が、内容が変わっていないと確かめた日 (例: 2026-11-30)", "last_confirmed"),
    Column("内容の更新日", "このサイトの掲載を最後に書きかえた日", "last_changed"),
]
HEADER = [c.name for c in COLUMNS]
BY_NAME = {c.name: c for c in COLUMNS}
BY_FIELD = {c.field: c for c in COLUMNS if c.field}
# The parts that are not columns of the CSV (forms ask for them; a sheet may carry them).
FLAT_PARTS = [p for c in COLUMNS for p in c.flat]
CLOSE_COLUMNS: tuple[Column, ...] = (BY_FIELD["closed.date"], BY_FIELD["closed.reason"])
# Columns of the 2020 edition of the standard that hold nothing we publish: accepted in a sheet and left out.
IGNORED_STANDARD = ("NO", "都道府県名", "市区町村名", "名称_英字")
# What a sheet's 種類 column may say → the kind's folder: its folder, its name, its words
KIND_WORDS = {word: k.folder for k in kinds.KINDS for word in (k.name, k.folder, k.short, k.label, *k.extra_words)}


def known_headers() -> set[str]:
    return {h for c in COLUMNS + FLAT_PARTS for h in c.headers} | set(IGNORED_STANDARD)


# Set by intake itself (a confirmation moves last_confirmed, a change last_changed): no form asks for them.
INTAKE_SETS = ("last_confirmed", "last_changed")


def columns_for(kind: str) -> list[Column]:
    """The flat view that issue forms ask for, in sheet order: data columns with their JSON record
    columns replaced by their parts, and the standard's part columns (one phone, one time slot)."""
    flat: list[Column] = []
    for column in COLUMNS:
        if not column.applies_to(kind) or column in CLOSE_COLUMNS or column.field in INTAKE_SETS:
            continue
        if column.part is not None or (column.field is not None and not column.flat):
            flat.append(column)
        flat.extend(column.flat)
    return flat


# Japanese words for allowed values, per field name (the last string of a path).
BOOL_JA = {True: "はい", False: "いいえ"}
UNKNOWN_JA = "わからない"
CHOICE_JA: dict[str, dict[str, str]] = {
    "methods": METHOD_JA,
    "audience": {k: v for k, v in AUDIENCE_JA.items() if k != "community"},
    "level": LEVEL_JA,
    "accepts_from": ACCEPTS_JA,
    "reservation": RESERVATION_JA,
    "type": OPERATOR_JA,
    "format": FORMAT_JA,
    "days": DAY_JA,
    "precision": {
        "exact": "正確な住所を公開",
        "approximate": "おおよその場所を公開",
        "municipality": "市町村名だけ公開 (住所は出さない)",
    },
}


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
    annotation: Any  # with Optional and Annotated removed
    required: bool  # required at every level of the path (a listing cannot exist without it)

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


_WEEK = list(DAY_JA)
_DAY_WORDS = {
    **{v: k for k, v in DAY_JA.items()},
    **{f"{v}曜": k for k, v in DAY_JA.items()},
    **{f"{v}曜日": k for k, v in DAY_JA.items()},
}


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
    """月火水木金 / 月,火,水 / 月〜金 / 平日 / 毎日 → ["mon", …]."""
    days: list[str] = []
    for token in _SPLIT.split(text.strip()):
        token = token.replace("・", "")
        ranged = re.fullmatch(r"(.)曜?日?[〜~～ー-](.)曜?日?", token)
        if token in ("平日",):
            days.extend(_WEEK[:5])
        elif token in ("毎日", "全日"):
            days.extend(_WEEK)
        elif ranged and all(ch in _DAY_WORDS for ch in ranged.groups()):  # 「月〜金」
            start, end = (_WEEK.index(_DAY_WORDS[ch]) for ch in ranged.groups())
            days.extend(_WEEK[start : end + 1])
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
    raise CellError(
        f"「はい」「いいえ」「{UNKNOWN_JA}」のどれかで書いてください (must be yes, no or unknown): {text!r}"
    )


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


def _partial_date(value: Any) -> dt.date | str:
    """A full date as `_date` reads it, or a month or year alone (2020-11, 2020年11月, 2020) as text for the model."""
    if not isinstance(value, (dt.date, dt.datetime)):
        text = str(value).strip()
        if match := re.fullmatch(r"(\d{4})(?:[-/.年](\d{1,2})月?)?年?", text):
            year, month = match.groups()
            return f"{year}-{int(month):02d}" if month else year
    return _date(value)


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
    if annotation is PartialDate:
        return _partial_date(value)
    if name == "date":  # a source's date is text as the source states it
        return _date(value).isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value).strip()
    if annotation is float:
        return _number(value)
    if annotation is int:
        number = _number(value)
        if not float(number).is_integer():
            raise CellError(f"整数で書いてください (must be a whole number): {value!r}")
        return int(number)
    if at.is_bool:
        return _bool(str(value))
    if name == "municipality":
        return _code(value)
    if item is not None:
        text = str(value)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return _json_in(text.strip())  # records: the model checks each one
        if name == "days":
            return _days(text, at.choices)
        tokens = [_code(t) for t in _list_in(text)]
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
