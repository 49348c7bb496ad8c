"""The listings as one table, in the column style of 自治体標準オープンデータセット「公共施設一覧」.

This module is the only place that knows the table's columns: `/api/v1/listings.csv` is written with
`listing_row()`, and a spreadsheet coming back (`import-sheet`) is read with `read_table()` and
`listing_from_row()`. The 23 standard columns come first, in the standard's order; our own columns
follow, so that the full model fits and a row reads back into exactly the listing it came from.

Cells:
- text as written; `true` / `false` (also TRUE, はい, いいえ, 1, 0 when read); dates as 2026-10-01
  (also 2026/10/1); an empty cell is "not stated".
- a list: items joined by `;` (対象地域 `202096;kamiina`), or a JSON array when an item itself holds
  a `;` or starts with `[`.
- nested records (電話_詳細, LINE, 受付時間_詳細, 出典): a JSON array of objects, as in listings.json.

Some standard columns are views of our own ones and are checked when read: 電話番号 and 内線番号
(the first of 電話_詳細), and 利用可能曜日・開始時間・終了時間 (受付時間_詳細, or else the first
phone's hours, when every slot is weekly with one time range). A sheet without the 電話_詳細 or
受付時間_詳細 column may fill the standard columns alone; they are then read into one phone and one
weekly slot. Columns marked 参考 (地方公共団体名, 利用可能日時特記事項, 備考, 掲載ページ, 地域) are
written for people and ignored when read, except that 利用可能日時特記事項 becomes the schedule's note
in a sheet without the 受付時間の補足 column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from pydantic import BaseModel, ValidationError

from .index import Entry
from .models import LISTING_KINDS, Listing, TimeSlot
from .render import DAY_JA, METHOD_JA, WEEK, slot_ja

BOM = "\ufeff"


class SheetError(Exception):
    """Problems in one row, each naming its column; the message is for a municipal clerk."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems  # (column, message)
        super().__init__("; ".join(f"{column}: {message}" for column, message in problems))


# ---------------------------------------------------------------- cell codecs

def _text_out(value: Any) -> str:
    return "" if value is None else str(value)


def _bool_out(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def _bool_in(cell: str) -> bool:
    lowered = cell.strip().lower()
    if lowered in ("true", "1", "はい", "yes", "○"):
        return True
    if lowered in ("false", "0", "いいえ", "no", "×"):
        return False
    raise ValueError("true か false で書いてください (write true or false)")


def _date_in(cell: str) -> dt.date:
    match = re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", cell.strip())
    if not match:
        raise ValueError("日付は 2026-01-31 のように書いてください (write dates as YYYY-MM-DD)")
    return dt.date(*(int(g) for g in match.groups()))


def _float_in(cell: str) -> float:
    try:
        return float(cell)
    except ValueError:
        raise ValueError("数値で書いてください (must be a number)") from None


def _list_out(value: list[str]) -> str:
    items = [str(v) for v in value]
    if any(";" in item or item != item.strip() or not item for item in items) or (items and items[0].startswith("[")):
        return json.dumps(items, ensure_ascii=False)
    return ";".join(items)


def _list_in(cell: str) -> list[str]:
    if cell.startswith("["):
        return _json_in(cell)
    return [item.strip() for item in cell.split(";") if item.strip()]


def _records_out(value: list[BaseModel]) -> str:
    return json.dumps([item.model_dump(mode="json", exclude_defaults=True) for item in value],
                      ensure_ascii=False, separators=(",", ":"))


def _json_in(cell: str) -> Any:
    try:
        value = json.loads(cell)
    except json.JSONDecodeError as exc:
        raise ValueError(f"JSON の書き方に誤りがあります (invalid JSON: {exc.msg})") from None
    if not isinstance(value, list):
        raise ValueError("[ ] で囲んだ JSON の配列で書いてください (must be a JSON array)")
    return value


@dataclass(frozen=True)
class Codec:
    name: str  # shown on /open-data/
    write: Callable[[Any], str]
    read: Callable[[str], Any]


TEXT = Codec("文字", _text_out, lambda cell: cell)
BOOL = Codec("true / false", _bool_out, _bool_in)
DATE = Codec("日付 (YYYY-MM-DD)", _text_out, _date_in)
NUMBER = Codec("数値", _text_out, _float_in)
LIST = Codec("「;」区切り", _list_out, _list_in)
RECORDS = Codec("JSON の配列", _records_out, _json_in)


# ---------------------------------------------------------------- columns

@dataclass(frozen=True)
class Column:
    name: str
    help: str
    field: str | None = None  # dotted path in the listing model; None for a derived (参考) column
    codec: Codec = TEXT
    standard: bool = False  # a column of 公共施設一覧
    kinds: tuple[str, ...] = ()  # only for these kinds of listing (empty: all)
    derive: Callable[[Entry, str, str], str] | None = None  # (entry, site_url, prefecture) → cell

    @property
    def role(self) -> str:
        """data (carries a field) | kind | checked (repeats another column) | reference (参考) | unused"""
        if self.field is not None:
            return "data"
        if self.name == KIND_COLUMN:
            return "kind"
        if self.name in CHECKED:
            return "checked"
        return "reference" if self.derive is not None else "unused"


def _first_phone(listing: Listing):
    return listing.contacts.phones[0] if listing.contacts.phones else None


def availability(listing: Listing) -> list[TimeSlot]:
    """The slots the standard's 利用可能曜日・開始時間・終了時間 describe: the schedule, else the first phone's hours."""
    if listing.schedule and listing.schedule.slots:
        return list(listing.schedule.slots)
    phone = _first_phone(listing)
    return list(phone.hours) if phone else []


def simple_hours(listing: Listing) -> tuple[str, str, str]:
    """(利用可能曜日, 開始時間, 終了時間) when every slot is weekly with one time range, else empty cells."""
    slots = availability(listing)
    if not slots or any(s.nth or s.month_days or not s.days for s in slots):
        return "", "", ""
    if len({(s.opens, s.closes) for s in slots}) != 1:
        return "", "", ""
    days = sorted({d for s in slots for d in s.days}, key=WEEK.index)
    return "".join(DAY_JA[d] for d in days), slots[0].opens or "", slots[0].closes or ""


def _hours_text(listing: Listing) -> str:
    parts = [slot_ja(s) for s in availability(listing)]
    if listing.schedule and listing.schedule.holidays_closed:
        parts.append("祝日は休み")
    if listing.schedule and listing.schedule.note:
        parts.append(listing.schedule.note)
    return " / ".join(parts)


def _remarks(listing: Listing) -> str:
    parts = ["相談の方法: " + "、".join(METHOD_JA[m] for m in listing.methods)]
    if listing.anonymous_ok:
        parts.append("名前を言わずに相談できます")
    if listing.family_only_ok:
        parts.append("ご家族だけの相談もできます")
    if listing.cost and listing.cost.free:
        parts.append("無料")
    parts.append(f"情報確認日: {listing.last_verified.isoformat()}")
    return "。".join(parts)


COLUMNS: list[Column] = [
    # -- 自治体標準オープンデータセット「公共施設一覧」, in its order
    Column("全国地方公共団体コード", "所在する市町村のコード (6桁)。全国・県全体の窓口は空", "municipality", standard=True),
    Column("ID", "このサイトの ID (掲載ページの URL の最後の部分)", "id", standard=True),
    Column("地方公共団体名", "所在する市町村 (都道府県名から)", standard=True,
           derive=lambda e, url, pref: f"{pref}{e.town.name}" if e.town else ""),
    Column("名称", "名称", "name", standard=True),
    Column("名称_カナ", "名称のよみ (ひらがな・カタカナ。データに書かれたまま)", "name_kana", standard=True),
    Column("名称_通称", "(使っていません)", standard=True),
    Column("POIコード", "(使っていません)", standard=True),
    Column("住所", "住所。所在地を公開していない場所は空", "location.address", standard=True),
    Column("方書", "(使っていません。建物名などは住所に含めています)", standard=True),
    Column("緯度", "緯度 (世界測地系)。おおよその場所は小数第2位まで。所在地を公開していない場所は空",
           "location.lat", NUMBER, standard=True),
    Column("経度", "経度", "location.lon", NUMBER, standard=True),
    Column("電話番号", "最初の電話番号 (電話_詳細 の1件目)", standard=True,
           derive=lambda e, url, pref: p.number if (p := _first_phone(e.public)) else ""),
    Column("内線番号", "最初の電話番号の内線", standard=True,
           derive=lambda e, url, pref: (p.extension or "") if (p := _first_phone(e.public)) else ""),
    Column("法人番号", "(使っていません)", standard=True),
    Column("団体名", "運営者の名称", "operator.name", standard=True),
    Column("利用可能曜日", "受付・開催の曜日 (例: 月火水木金)。毎週同じ時間のときだけ。ほかは 利用可能日時特記事項 に",
           standard=True, derive=lambda e, url, pref: simple_hours(e.public)[0]),
    Column("開始時間", "開始時刻 (例: 08:30)", standard=True, derive=lambda e, url, pref: simple_hours(e.public)[1]),
    Column("終了時間", "終了時刻 (例: 17:15。開始より前なら翌日)", standard=True,
           derive=lambda e, url, pref: simple_hours(e.public)[2]),
    Column("利用可能日時特記事項", "受付・開催の時間を文で (例: 毎月第2土曜 13:30〜16:00)", standard=True,
           derive=lambda e, url, pref: _hours_text(e.public)),
    Column("説明", "説明", "description", standard=True),
    Column("バリアフリー情報", "バリアフリー・配慮", "accessibility", standard=True),
    Column("URL", "ウェブサイト", "contacts.website", standard=True),
    Column("備考", "相談の方法、名前を言わずに相談できるか、費用、情報確認日の要約", standard=True,
           derive=lambda e, url, pref: _remarks(e.public)),
    # -- this site's own columns
    Column("種別", "windows=相談窓口 ibasho=居場所 family-groups=家族会・親の会",
           derive=lambda e, url, pref: e.kind),
    Column("掲載ページ", "このサイトの掲載ページ", derive=lambda e, url, pref: f"{url}{e.url}"),
    Column("地域", "所在する地域 (広域圏)", derive=lambda e, url, pref: e.region.name if e.region else ""),
    Column("運営者の種類", "municipality prefecture national social-welfare-council npo company peer-group other",
           "operator.type"),
    Column("対象地域", "市町村コード、地域 ID、prefecture (県全体)、national (全国)", "service_area", LIST),
    Column("受け入れ", "どこに住む人を受け入れるか: own-municipality region prefecture anywhere", "accepts_from"),
    Column("位置の精度", "exact=正確 approximate=おおよそ municipality=市町村名だけ公開。空なら所在地なし",
           "location.precision"),
    Column("郵便番号", "郵便番号 (例: 380-0000)", "location.postal_code"),
    Column("相談の方法", "phone email line visit home-visit outreach online letter", "methods", LIST),
    Column("電話_詳細", "電話番号ごとの 番号・内線・用途・受付時間・通話料無料か", "contacts.phones", RECORDS),
    Column("メール", "メールアドレス", "contacts.emails", LIST),
    Column("LINE", "LINE のアカウント (名前・ID・URL・補足)", "contacts.line", RECORDS),
    Column("チャット", "チャット相談のページ", "contacts.chat"),
    Column("相談フォーム", "相談フォームのページ", "contacts.web_form"),
    Column("受付時間_詳細", "受付・開催の時間 (曜日・第何週・日付・開始・終了・補足)", "schedule.slots", RECORDS),
    Column("祝日休み", "祝日は休みか", "schedule.holidays_closed", BOOL),
    Column("受付時間の補足", "受付・開催の時間の補足", "schedule.note"),
    Column("無料", "無料か", "cost.free", BOOL),
    Column("費用の補足", "費用の補足", "cost.note"),
    Column("名前を言わずに", "名前を言わずに相談できるか", "anonymous_ok", BOOL),
    Column("家族だけで", "家族だけの相談ができるか", "family_only_ok", BOOL),
    Column("予約", "required=必要 preferred=おすすめ not-needed=不要", "reservation"),
    Column("対象", "person=ご本人 family=ご家族 supporter=支援者 anyone=どなたでも", "audience", LIST),
    Column("言語", "使える言語 (例: ja)", "languages", LIST),
    Column("情報確認日", "出典でその事実を確認できた日", "last_verified", DATE),
    Column("出典", "出典 (資料名・URL・日付・補足)", "source", RECORDS),
    Column("更新者", "更新した人・部署", "updated_by"),
    Column("窓口の範囲", "municipal regional prefectural national private (相談窓口だけ)", "level", kinds=("windows",)),
    Column("職種", "対応する職種 (相談窓口だけ)", "staff", LIST, kinds=("windows",)),
    Column("立ち寄り", "予約なしで立ち寄れるか (居場所だけ)", "drop_in", BOOL, kinds=("ibasho",)),
    Column("いるだけでよい", "何もせずにいるだけでもよいか (居場所だけ)", "just_being_ok", BOOL, kinds=("ibasho",)),
    Column("活動", "活動の内容 (居場所だけ)", "activities", LIST, kinds=("ibasho",)),
    Column("オンライン", "オンラインの居場所か (居場所だけ)", "online", BOOL, kinds=("ibasho",)),
    Column("開催の頻度", "開催の頻度 (家族会だけ)", "meeting_pattern", kinds=("family-groups",)),
    Column("形式", "in-person=会って話す online=オンライン both=両方 (家族会だけ)", "format", kinds=("family-groups",)),
    Column("加盟団体", "加盟団体 (家族会だけ)", "affiliation", kinds=("family-groups",)),
    Column("初めての方へ", "初めての方はどうすればよいか (家族会だけ)", "first_contact", kinds=("family-groups",)),
]
HEADER = [c.name for c in COLUMNS]
BY_NAME = {c.name: c for c in COLUMNS}
BY_FIELD = {c.field: c for c in COLUMNS if c.field}
KIND_COLUMN = "種別"
# Standard columns that are views of our own: checked against them when read.
CHECKED = {"電話番号": "contacts.phones", "内線番号": "contacts.phones", "利用可能曜日": "schedule.slots",
           "開始時間": "schedule.slots", "終了時間": "schedule.slots"}


def _get(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part, None)
    return obj


def _default(model: type[BaseModel], path: str) -> Any:
    *parents, last = path.split(".")
    for part in parents:
        model = model.model_fields[part].annotation
        model = next(a for a in getattr(model, "__args__", (model,)) if isinstance(a, type) and issubclass(a, BaseModel))
    return model.model_fields[last].get_default(call_default_factory=True)


# ---------------------------------------------------------------- writing

def listing_row(entry: Entry, site_url: str = "", prefecture: str = "") -> dict[str, str]:
    """One row, from what may be published (`Entry.public`)."""
    listing = entry.public
    model = LISTING_KINDS[entry.kind]
    row = {}
    for column in COLUMNS:
        if column.derive is not None:
            row[column.name] = column.derive(entry, site_url, prefecture)
        elif column.field is None or (column.kinds and entry.kind not in column.kinds):
            row[column.name] = ""
        else:
            value = _get(listing, column.field)
            if value == [] and _default(model, column.field) != []:
                row[column.name] = "[]"  # an empty list that is not the default (languages)
            elif value == [] or value is None:
                row[column.name] = ""
            else:
                row[column.name] = column.codec.write(value)
    return row


def write_table(rows: Iterable[dict[str, str]]) -> bytes:
    """UTF-8 with BOM and CRLF, so that Excel opens it in Japanese without asking."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return (BOM + out.getvalue()).encode("utf-8")


# ---------------------------------------------------------------- reading

def read_table(data: bytes | str) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a CSV; a BOM is ignored. Unknown headers raise SheetError."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    reader = csv.DictReader(io.StringIO(text.removeprefix(BOM)))
    header = [h.strip() for h in reader.fieldnames or []]
    unknown = [h for h in header if h not in BY_NAME]
    if unknown:
        raise SheetError([(h, "この列名は使えません。綴りを確認してください (unknown column)") for h in unknown])
    if KIND_COLUMN not in header:
        raise SheetError([(KIND_COLUMN, "種別 の列が必要です (the 種別 column is required)")])
    rows = [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]
    return header, rows


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value


def _days_in(cell: str) -> list[str]:
    """月火水木金 / 月,火,水 / 月〜金 / 平日 / 毎日 → ["mon", …]."""
    text = re.sub(r"[\s,、・;]", "", cell)
    if text in ("毎日", "全日"):
        return list(WEEK)
    if text == "平日":
        return WEEK[:5]
    text = re.sub(r"曜日?", "", text)
    by_char = {v: k for k, v in DAY_JA.items()}
    days: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char not in by_char:
            raise ValueError("曜日は 月火水木金 のように書いてください (write weekdays as 月火水木金)")
        if i + 2 < len(text) and text[i + 1] in "〜~～-ー" and text[i + 2] in by_char:
            start, end = WEEK.index(by_char[char]), WEEK.index(by_char[text[i + 2]])
            days.extend(WEEK[start:end + 1])
            i += 3
        else:
            days.append(by_char[char])
            i += 1
    return sorted(set(days), key=WEEK.index)


def listing_from_row(row: dict[str, str], header: Sequence[str]) -> tuple[str, Listing]:
    """(kind, listing) from one row. Raises SheetError naming every bad cell, or the model's errors by column."""
    problems: list[tuple[str, str]] = []
    kind = row.get(KIND_COLUMN, "")
    if kind not in LISTING_KINDS:
        raise SheetError([(KIND_COLUMN, f"windows, ibasho, family-groups のどれかにしてください (unknown kind): {kind!r}")])
    data: dict[str, Any] = {}
    for column in COLUMNS:
        cell = row.get(column.name, "")
        if column.field is None or not cell:
            continue
        if column.kinds and kind not in column.kinds:
            problems.append((column.name, f"この列は {'・'.join(column.kinds)} だけで使えます (not used for {kind})"))
            continue
        try:
            _put(data, column.field, column.codec.read(cell))
        except ValueError as exc:
            problems.append((column.name, str(exc)))
    # A sheet without our detailed columns may give the standard ones alone.
    if "電話_詳細" not in header and row.get("電話番号"):
        phone = {"number": row["電話番号"]} | ({"extension": row["内線番号"]} if row.get("内線番号") else {})
        _put(data, "contacts.phones", [phone])
    if "受付時間_詳細" not in header and (row.get("利用可能曜日") or row.get("開始時間") or row.get("終了時間")):
        try:
            slot = {"days": _days_in(row.get("利用可能曜日", ""))}
            slot.update({k: row[c] for k, c in (("opens", "開始時間"), ("closes", "終了時間")) if row.get(c)})
            _put(data, "schedule.slots", [slot])
        except ValueError as exc:
            problems.append(("利用可能曜日", str(exc)))
    if "受付時間の補足" not in header and row.get("利用可能日時特記事項"):
        _put(data, "schedule.note", row["利用可能日時特記事項"])
    if problems:
        raise SheetError(problems)
    try:
        listing = LISTING_KINDS[kind].model_validate(data, strict=False)
    except ValidationError as exc:
        raise SheetError([(_column_of(err["loc"]), err["msg"]) for err in exc.errors(include_url=False)]) from None
    _check_views(row, header, listing)
    return kind, listing


def _column_of(loc: tuple) -> str:
    path = [str(p) for p in loc if not isinstance(p, int)]
    while path:
        if (column := BY_FIELD.get(".".join(path))) is not None:
            return column.name
        path.pop()
    return ".".join(str(p) for p in loc)


def _check_views(row: dict[str, str], header: Sequence[str], listing: Listing) -> None:
    """The standard columns that repeat our own must agree with them, or an edit would be lost."""
    phone = _first_phone(listing)
    days, opens, closes = simple_hours(listing)
    expected = {"電話番号": phone.number if phone else "", "内線番号": (phone.extension or "") if phone else "",
                "利用可能曜日": days, "開始時間": opens, "終了時間": closes}
    problems = []
    for name, source in CHECKED.items():
        cell = row.get(name, "")
        if not cell or BY_FIELD[source].name not in header:
            continue
        given: Any = cell
        want: Any = expected[name]
        if name == "利用可能曜日":
            try:
                given, want = _days_in(cell), _days_in(want) if want else []
            except ValueError:
                pass  # unreadable: reported as a mismatch below
        elif name in ("開始時間", "終了時間"):
            given = re.sub(r"^(\d):", r"0\1:", cell)  # Excel writes 8:30 for 08:30
        if given != want:
            problems.append((name, f"{BY_FIELD[source].name} と食い違っています。どちらかに揃えてください "
                                   f"(disagrees with {BY_FIELD[source].name}): {cell!r}"))
    if problems:
        raise SheetError(problems)
