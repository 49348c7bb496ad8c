"""Stage 2 — models: the single source of truth for every registry file.

The pydantic models mirror the YAML exactly (`extra="forbid"`: a misspelt key is an error, never
silently dropped). JSON Schema for editors (`schemas/*.json`), the commented templates of
`python -m generator new`, and the error messages are all derived from these classes.
Format checks that need no other file live here; checks across files live in `checks.py`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

import phonenumbers
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

# ---------------------------------------------------------------- field types

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
GITHUB_LOGIN = r"^[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}$"
KANA = r"^[\u3041-\u309f\u30a0-\u30ffー・\s　A-Za-z0-9（）()]+$"


def _check_phone(value: str) -> str:
    try:
        parsed = phonenumbers.parse(value, "JP")
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number_for_region(parsed, "JP"):
        raise PydanticCustomError(
            "phone-invalid", "電話番号の形式が正しくありません (not a valid Japanese phone number)"
        )
    return value


_BAD_SCHEMES = ("javascript:", "data:", "vbscript:", "file:")


def _check_url(value: str, allow_http: bool) -> str:
    lowered = re.sub(r"\s", "", value).lower()
    if lowered.startswith(_BAD_SCHEMES):
        raise PydanticCustomError(
            "url-scheme-forbidden", "このリンクは使えません (javascript:/data: links are not allowed)"
        )
    if lowered.startswith("http://") and not allow_http:
        raise PydanticCustomError("url-not-https", "リンクは https:// で始めてください (links must use https)")
    # A user part makes the host the text after "@": https://www.city.nagano.nagano.jp@evil.example/
    # opens evil.example. A backslash is read as "/" by browsers, so it may not hide in the host either.
    host_part = re.match(r"^[a-z]+:/*([^/?#]*)", value, re.I)
    if host_part and re.search(r"[@\\]", host_part.group(1)):
        raise PydanticCustomError(
            "url-userinfo",
            "アドレスの「//」のあとに「@」や「\\」は書けません。ホームページのアドレスだけを書いてください "
            "(a link must not carry a user or password part)",
        )
    if not re.match(r"^https?://[^\s/?#<>\"']+\.[^\s/?#<>\"']+(?:[/?#][^\s<>\"]*)?$", value):
        raise PydanticCustomError("url-invalid", "リンクの形式が正しくありません (not a valid web address)")
    return value


def _check_https(value: str) -> str:
    return _check_url(value, allow_http=False)


def _check_source_url(value: str) -> str:
    # A source is evidence, not a link we send people to: http is accepted where the source has no https.
    return _check_url(value, allow_http=True)


def _check_email(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+", value):
        raise PydanticCustomError(
            "email-invalid",
            "メールアドレスの形式が正しくありません (not a valid e-mail address; use ASCII characters only)",
        )
    return value


def _check_time(value: str) -> str:
    match = re.fullmatch(r"([01]?\d|2[0-4]):([0-5]\d)", value)
    if not match or (match.group(1) == "24" and match.group(2) != "00"):
        raise PydanticCustomError(
            "time-invalid", "時刻は 08:30 のように書いてください (write times as HH:MM, e.g. 08:30)"
        )
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _check_not_future(value: dt.date) -> dt.date:
    if value > dt.date.today():
        raise PydanticCustomError("date-in-future", "未来の日付は使えません (date is in the future)")
    return value


class PartialDate(dt.date):
    """A date as precise as its source: 2020-11-01, 2020-11 (a month) or 2020 (a year).

    It is a `datetime.date` (the earliest day it could be, so age and staleness err on the old side) that
    remembers its precision: pages say 「2020年11月」 or 「2020年ごろ」 and files write `2020-11`, never an
    invented day such as 2020-11-01.
    """

    precision: str  # "day" | "month" | "year"

    def __new__(cls, year: int, month: int = 1, day: int = 1, precision: str = "day") -> PartialDate:
        self = super().__new__(cls, year, month, day)
        self.precision = precision
        return self

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", str(value).strip())
        if not match:
            raise ValueError(value)
        year, month, day = match.groups()
        precision = "day" if day else "month" if month else "year"
        return cls(int(year), int(month or 1), int(day or 1), precision)

    def isoformat(self) -> str:
        return {"day": super().isoformat(), "month": f"{self.year:04d}-{self.month:02d}", "year": f"{self.year:04d}"}[
            self.precision
        ]

    __str__ = isoformat

    def __repr__(self) -> str:
        return f"PartialDate({self.isoformat()!r})"

    def __reduce__(self):  # pickled across the build's worker processes
        return (PartialDate.parse, (self.isoformat(),))

    def finer_than(self, other: PartialDate) -> bool:
        order = ("year", "month", "day")
        return order.index(self.precision) > order.index(other.precision)


_PARTIAL_DATE_PREFIX = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?![\d-])")


def source_date(text: str | None) -> PartialDate | None:
    """The date a source states, read from the start of its free text ('2019-07 (URL path)' → 2019-07)."""
    match = _PARTIAL_DATE_PREFIX.match(text or "")
    if not match:
        return None
    try:
        return PartialDate.parse(match.group(0))
    except ValueError:
        return None


def _parse_partial_date(value: object) -> PartialDate:
    try:
        parsed = PartialDate.parse(value)
    except ValueError:
        raise PydanticCustomError(
            "date-invalid",
            "日付は 2026-04-01、2026-04 (月まで) か 2026 (年まで) のように書いてください "
            "(write a date as YYYY-MM-DD, YYYY-MM or YYYY, as precise as the source)",
        ) from None
    return _check_not_future(parsed)


Phone = Annotated[str, AfterValidator(_check_phone)]
HttpsUrl = Annotated[str, AfterValidator(_check_https)]
SourceUrl = Annotated[str, AfterValidator(_check_source_url)]
Email = Annotated[str, AfterValidator(_check_email)]
Time = Annotated[str, AfterValidator(_check_time), Field(examples=["08:30"])]
PastDate = Annotated[dt.date, AfterValidator(_check_not_future)]
# As precise as the source: 2020-11-01, 2020-11 or 2020.
SourcePrecisionDate = Annotated[
    PartialDate,
    PlainValidator(_parse_partial_date),
    PlainSerializer(lambda d: d.isoformat(), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$", "examples": ["2026-04-01", "2020-11"]}),
]
Text = Annotated[str, Field(min_length=1)]
MunicipalityCode = Annotated[str, Field(pattern=r"^\d{6}$")]
# A source's date is whatever the source states ("2020頃" too); an unquoted YAML date is read as text.
DateText = Annotated[str, BeforeValidator(lambda v: v.isoformat() if isinstance(v, dt.date) else v)]

Method = Literal["phone", "email", "line", "visit", "home-visit", "outreach", "online", "letter"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Audience = Literal["person", "family", "supporter", "anyone"]
Pillar = Literal["知ってください", "問題視しないでください", "寄り添ってください", "必要としたときに手助けしてください"]

NO_PHONE_METHODS = ("email", "line", "online", "letter")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


# ---------------------------------------------------------------- shared parts


class Via(Strict):
    """A compilation the source was read through (e.g. an open dataset that copied an official list).
    Credited wherever the source is shown, as its licence asks."""

    name: Text = Field(description="経由した資料・データの名前と運営者 (例: くらし支援ナビ（運営: JUNKBRANDING）)")
    url: SourceUrl | None = Field(None, description="その資料・データの URL")
    license: str | None = Field(None, description="そのデータのライセンス (例: CC BY 4.0)")


class SourceRef(Strict):
    """Where a fact comes from. Real listings always name a public page or a dated confirmation."""

    title: str | None = Field(None, description="資料名 (title of the source)")
    url: SourceUrl | None = Field(None, description="資料の URL (address of the source)")
    date: DateText | None = Field(None, description="資料の日付 (date as the source states it)")
    note: str | None = Field(None, description="補足。ページに表示されます (e.g. 2026年11月に町の担当者が電話で確認)")
    via: Via | None = Field(
        None, description="この出典を別の資料・データ経由で読んだときの、その資料 (クレジットを表示します)"
    )
    maintainer_note: str | None = Field(
        None,
        exclude=True,
        description="管理者むけのメモ (どの参照データの行か、使ってはいけない番号など)。"
        "ページ・オープンデータ・チラシには出ません",
    )

    @model_validator(mode="after")
    def _url_or_note(self) -> SourceRef:
        if not (self.url or self.note or self.title):
            raise PydanticCustomError(
                "source-empty", "出典には url か note を書いてください (a source needs a url or a note)"
            )
        return self


Sources = Annotated[list[SourceRef], Field(min_length=1, description="出典 (where the facts come from)")]


class Operator(Strict):
    name: Text = Field(description="運営者名")
    type: Literal[
        "municipality", "prefecture", "national", "social-welfare-council", "npo", "company", "peer-group", "other"
    ] = Field(description="運営者の種類")


class Location(Strict):
    address: str | None = Field(None, description="住所 (precision: municipality なら公開されません)")
    postal_code: str | None = Field(None, pattern=r"^\d{3}-\d{4}$", description="郵便番号 (例: 380-0000)")
    lat: float | None = Field(None, description="緯度 (省略すると市町村の代表点に表示)")
    lon: float | None = Field(None, description="経度")
    precision: Literal["exact", "approximate", "municipality"] = Field(
        description="exact=正確 / approximate=おおよそ / municipality=市町村名だけ公開し住所を出さない"
    )

    @model_validator(mode="after")
    def _both_or_neither(self) -> Location:
        if (self.lat is None) != (self.lon is None):
            raise PydanticCustomError(
                "coordinates-incomplete", "緯度と経度は両方書いてください (give both lat and lon, or neither)"
            )
        return self


class TimeSlot(Strict):
    """One recurring opening: e.g. mon–fri 08:30–17:15, or the 2nd Saturday 13:30–16:00."""

    days: list[Weekday] = Field(default_factory=list, description="曜日 (mon tue wed thu fri sat sun)")
    nth: list[Annotated[int, Field(ge=-1, le=5)]] = Field(
        default_factory=list, description="第何週か (2 = 第2, -1 = 最終)。空なら毎週"
    )
    month_days: list[Annotated[int, Field(ge=1, le=31)]] = Field(
        default_factory=list, description="毎月の日付 (例: 10 = 毎月10日)"
    )
    opens: Time | None = Field(None, description="開始時刻 (例: 08:30)")
    closes: Time | None = Field(
        None, description="終了時刻 (例: 17:15。開始と同じなら24時間後、翌日なら closes_next_day: true)"
    )
    closes_next_day: bool | None = Field(
        None, description="翌日に終わるか (例: 22:00〜翌6:00 なら true)。終了が開始より前の時刻なら必要です"
    )
    note: str | None = Field(None, description="この時間の補足")

    @model_validator(mode="after")
    def _has_when(self) -> TimeSlot:
        if not self.days and not self.month_days:
            raise PydanticCustomError(
                "schedule-no-days", "曜日 (days) か日付 (month_days) を書いてください (give days or month_days)"
            )
        if 0 in self.nth:
            raise PydanticCustomError("schedule-nth", "第何週かは 1〜5 か -1 (最終) です (nth must be 1..5 or -1)")
        return self

    @model_validator(mode="after")
    def _evaluable(self) -> TimeSlot:
        """A slot the site can check against the clock (「いま受付中」): one reading only, never a guess.

        opens < closes: the same day; opens == closes: 24 hours (08:00〜翌8:00); closes before opens: the next
        day, which the author says with `closes_next_day: true` (a swapped pair is a typo far more often)."""
        if self.nth and not self.days:
            raise PydanticCustomError(
                "schedule-nth-without-days",
                "第何週か (nth) には曜日 (days) が必要です (nth needs days, e.g. nth: [2] with days: [sat])",
            )
        if self.opens and self.closes and self.closes != "24:00":
            before = self.closes < self.opens
            if before and not self.closes_next_day:
                raise PydanticCustomError(
                    "schedule-closes-before-opens",
                    "終了時刻が開始より前です。翌日に終わるなら closes_next_day: true と書いてください "
                    "(closes is before opens; if it ends the next day, add closes_next_day: true)",
                )
            if self.closes_next_day and self.closes > self.opens:
                raise PydanticCustomError(
                    "schedule-next-day-too-long",
                    "翌日に終わる時間は、開始より前の時刻で終わります (a slot ending the next day must close before"
                    " it opened)",
                )
        if self.closes_next_day and not (self.opens and self.closes):
            raise PydanticCustomError(
                "schedule-next-day-without-times",
                "closes_next_day には開始と終了の時刻が必要です (closes_next_day needs opens and closes)",
            )
        return self


class Schedule(Strict):
    slots: list[TimeSlot] = Field(default_factory=list, description="受付・開催の時間")
    holidays_closed: bool | None = Field(None, description="祝日は休みか")
    year_end_closed: bool | None = Field(
        None, description="年末年始 (12月29日〜1月3日) は休みか (わからなければ書かない)"
    )
    note: str | None = Field(None, description="補足 (例: 年末年始は休み)")


class PhoneContact(Strict):
    number: Phone = Field(description="電話番号 (例: 026-000-0000)")
    label: str | None = Field(None, description="用途 (例: 子ども専用、岡谷市役所の代表番号)")
    representative: bool = Field(
        False, description="市役所・役場などの代表番号か (true なら label と ask_for が必要です)"
    )
    ask_for: str | None = Field(
        None,
        description="代表番号で、何につないでもらうか (例: まいさぽ (生活就労支援センター))。"
        "ページに「『…をお願いします』と伝えてください」と出ます",
    )
    extension: str | None = Field(None, pattern=r"^\d{1,6}$", description="内線番号")
    hours: list[TimeSlot] = Field(default_factory=list, description="この番号の受付時間")
    hours_note: str | None = Field(None, description="受付時間の補足")
    toll_free: bool | None = Field(None, description="通話料無料か")

    @property
    def advice(self) -> str | None:
        """What to say when the number is a town hall's main line: for someone who finds phoning hard, it matters."""
        if not self.representative:
            return None
        return f"{self.label}です。「{self.ask_for}をお願いします」と伝えてください。"

    @model_validator(mode="after")
    def _representative_says_what(self) -> PhoneContact:
        if self.representative and not (self.label and self.ask_for):
            raise PydanticCustomError(
                "representative-unlabelled",
                "代表番号には label (何の番号か) と ask_for (何につないでもらうか) を書いてください "
                "(a representative number needs a label and ask_for)",
            )
        return self


class LineContact(Strict):
    name: Text = Field(description="LINE アカウント名")
    line_id: str | None = Field(None, description="LINE ID (例: @example)")
    url: HttpsUrl | None = Field(None, description="友だち追加などのページ")
    note: str | None = Field(None, description="補足")

    @property
    def add_friend_url(self) -> str | None:
        """The page that adds the account: the one given, or LINE's own for an official account's @ID."""
        if self.url:
            return self.url
        if self.line_id and re.fullmatch(r"@[A-Za-z0-9._-]+", self.line_id):
            return f"https://line.me/R/ti/p/{self.line_id}"
        return None


class Contacts(Strict):
    phones: list[PhoneContact] = Field(default_factory=list, description="電話")
    emails: list[Email] = Field(default_factory=list, description="メールアドレス")
    line: list[LineContact] = Field(default_factory=list, description="LINE")
    chat: HttpsUrl | None = Field(None, description="チャット相談のページ")
    web_form: HttpsUrl | None = Field(None, description="相談フォーム")
    website: HttpsUrl | None = Field(None, description="ウェブサイト")

    def reachable(self) -> bool:
        return bool(self.phones or self.emails or self.line or self.chat or self.web_form or self.website)


class Cost(Strict):
    free: bool | None = Field(None, description="無料か (わからなければ書かない)")
    note: str | None = Field(None, description="費用の補足 (例: 通話料がかかります)")


class Closure(Strict):
    """掲載終了: the place closed or stopped taking people. The page stays (printed QR codes point at it)."""

    date: PastDate = Field(description="掲載を終えた日 (例: 2026-03-31)")
    reason: Text = Field(description="理由 (例: 2026年3月で事業を終了しました)")


# ---------------------------------------------------------------- listings


class Listing(Strict):
    """Fields shared by windows, ibasho and family groups."""

    id: str = Field(pattern=SLUG, description="ID。ファイル名と同じ英小文字・数字・ハイフン")
    name: Text = Field(description="名称")
    name_kana: str = Field(pattern=KANA, description="名称のよみ (ひらがな・カタカナ)")
    operator: Operator = Field(description="運営者")
    municipality: MunicipalityCode | None = Field(
        None, description="所在する市町村のコード (全国・オンラインのみなら省略)"
    )
    service_area: list[str] = Field(
        min_length=1, description="対象地域: 市町村コード、地域ID、prefecture (県全体)、national (全国)"
    )
    accepts_from: Literal["own-municipality", "region", "prefecture", "anywhere"] | None = Field(
        None, description="どこに住む人を受け入れるか (出典に書かれていなければ省略)"
    )
    location: Location | None = Field(None, description="所在地 (precision で公開の範囲を決めます)")
    methods: list[Method] = Field(min_length=1, description="相談・参加の方法")
    contacts: Contacts = Field(default_factory=Contacts, description="連絡先")
    schedule: Schedule | None = Field(None, description="受付・開催の時間")
    cost: Cost | None = Field(None, description="費用")
    anonymous_ok: bool | None = Field(None, description="名前を言わずに相談できるか (わからなければ書かない)")
    family_only_ok: bool | None = Field(None, description="家族だけの相談ができるか")
    reservation: Literal["required", "preferred", "not-needed"] | None = Field(
        None, description="予約 (required=必要 preferred=おすすめ not-needed=不要)"
    )
    audience: list[Audience] = Field(
        min_length=1, description="対象 (person=ご本人 family=ご家族 supporter=支援者 anyone=どなたでも)"
    )
    age_min: int | None = Field(
        None, ge=0, le=120, description="対象の年齢の下限 (出典に書かれていれば。例: 15 = 15歳以上)"
    )
    age_max: int | None = Field(
        None, ge=0, le=120, description="対象の年齢の上限 (出典に書かれていれば。例: 18 = 18歳まで)"
    )
    for_children: bool = Field(
        False,
        description="子ども (とその保護者) のための場所か。大人むけのページでは後ろに、「子どもむけ」と添えて並びます",
    )
    languages: list[str] = Field(
        default_factory=lambda: ["ja"], description="使える言語 (ISO 639-1 の記号。例: ja, en)"
    )
    accessibility: str | None = Field(None, description="バリアフリー・配慮 (例: 車いすで入れます)")
    description: Text = Field(description="説明 (やさしい言葉で)")
    last_verified: SourcePrecisionDate = Field(
        description="情報確認日 (出典でその事実が確認できた日。出典に日付がなければ 2020-11 や 2020 のように、"
        "わかる精度で)"
    )
    last_confirmed: SourcePrecisionDate | None = Field(
        None,
        description="変更なしの確認日 (運営者・担当者が、掲載の内容が今も変わっていないと確かめた日。"
        "「掲載内容の確認」のフォームで自動で入ります)",
    )
    last_changed: SourcePrecisionDate | None = Field(
        None,
        description="内容の更新日 (このサイトの掲載の中身を最後に書きかえた日。"
        "書かなければ情報確認日と同じとみなします)",
    )
    source: Sources
    updated_by: str | None = Field(None, description="更新した人・部署")
    maintainer_accounts: list[Annotated[str, Field(pattern=GITHUB_LOGIN)]] = Field(
        default_factory=list,
        exclude=True,
        description="この掲載を確かめる担当者の GitHub アカウント名 (例: nagano-fukushi)。確認のお願いでお知らせし、"
        "確認がこの方からか見分けます。ページ・オープンデータには出ません",
    )
    maintainer_note: str | None = Field(
        None, exclude=True, description="管理者むけのメモ。ページ・オープンデータ・チラシには出ません"
    )
    closed: Closure | None = Field(
        None, description="掲載終了。書くと一覧・地図から外れ、ページに終了のお知らせを表示します"
    )

    @model_validator(mode="after")
    def _reachable(self) -> Listing:
        visitable = self.location is not None and self.location.address and self.location.precision != "municipality"
        if not self.contacts.reachable() and not visitable:
            raise PydanticCustomError(
                "no-contact", "連絡先か住所を少なくとも1つ書いてください (give at least one way to reach this listing)"
            )
        return self

    @property
    def checked_on(self) -> PartialDate:
        """The last time anyone saw these facts true: from the source, or confirmed unchanged by the operator."""
        return max(d for d in (self.last_verified, self.last_confirmed) if d is not None)

    @property
    def changed_on(self) -> PartialDate:
        """When the listing's content last changed here; before the field existed, the facts' own date."""
        return self.last_changed or self.last_verified

    def no_phone_ways(self) -> bool:
        """Reachable without a phone call: the path the prefecture's phone-only centre lacked. A LINE account
        counts only with an ID or a link to add it (a name alone leaves people to phone and ask)."""
        by_method = any(m in NO_PHONE_METHODS for m in self.methods)
        line = any(account.url or account.line_id for account in self.contacts.line)
        return by_method and bool(
            self.contacts.emails or line or self.contacts.chat or self.contacts.web_form or "letter" in self.methods
        )


class Window(Listing):
    """相談窓口"""

    level: Literal["municipal", "regional", "prefectural", "national", "private"] = Field(description="窓口の範囲")
    staff: list[str] = Field(default_factory=list, description="対応する職種 (例: 保健師)")
    crisis_line: bool = Field(
        False,
        description="とてもつらいときに話せる電話・チャットか (夜間や休日も受けるものは「夜や休日、"
        "とてもつらいとき」に並びます)",
    )


class Ibasho(Listing):
    """居場所"""

    drop_in: bool | None = Field(None, description="予約なしで立ち寄れるか")
    just_being_ok: bool | None = Field(None, description="何もせずにいるだけでもよいか")
    activities: list[str] = Field(default_factory=list, description="活動の内容")
    online: bool = Field(False, description="オンラインの居場所か")


class FamilyGroup(Listing):
    """家族会・親の会"""

    meeting_pattern: str | None = Field(None, description="開催の頻度 (例: 毎月第2土曜)")
    format: Literal["in-person", "online", "both"] | None = Field(
        None, description="形式 (in-person=会って話す online=オンライン both=両方)"
    )
    affiliation: str | None = Field(None, description="加盟団体 (例: KHJ)")
    first_contact: str | None = Field(None, description="初めての方はどうすればよいか")


class Message(Strict):
    """メッセージ: the site's own words to each audience."""

    id: str = Field(pattern=SLUG, description="ID。ファイル名と同じ")
    audience: Literal["person", "family", "supporter", "community"] = Field(
        description="だれへのことばか (person=ご本人 family=ご家族 supporter=支援者 community=地域の方)"
    )
    title: Text = Field(description="見出し")
    body: Text = Field(description="本文")
    pillars: list[Pillar] = Field(min_length=1, description="4つの柱のどれに当たるか")
    order: int = Field(100, description="並び順 (小さいほど先)")
    source: Sources


# ---------------------------------------------------------------- places and site


class TownHall(Strict):
    """The town's 役場・市役所: the door to ask for when the right window is unknown."""

    name: Text = Field(description="名称 (例: 麻績村役場)")
    phone: Phone = Field(description="代表電話番号")
    postal_code: str | None = Field(None, pattern=r"^\d{3}-\d{4}$", description="郵便番号")
    address: str | None = Field(None, description="住所")
    hours: str | None = Field(None, description="受付時間 (出典の表記のまま)")
    closed: str | None = Field(None, description="休み (出典の表記のまま)")
    last_verified: SourcePrecisionDate = Field(description="情報確認日")
    source: Sources


class Municipality(Strict):
    code: MunicipalityCode = Field(description="全国地方公共団体コード (6桁)")
    name: Text = Field(description="市町村名")
    kana: str = Field(pattern=KANA, description="よみ")
    romaji: Text = Field(description="ローマ字 (かなから機械的に作成)")
    type: Literal["市", "町", "村"] = Field(description="市・町・村")
    county: str | None = Field(None, description="郡")
    region: str = Field(pattern=SLUG, description="地域 (広域圏) の ID")
    lat: float = Field(description="代表点の緯度 (市役所・町村役場)")
    lon: float = Field(description="代表点の経度")
    # As each town's `source` lists it: three village sites still had no https (SourceUrl allows http there).
    website: SourceUrl = Field(description="公式サイト")
    town_hall: TownHall | None = Field(None, description="役場・市役所の代表番号と所在地")
    source: Sources


class MunicipalitiesFile(Strict):
    municipalities: list[Municipality] = Field(min_length=1)


class HealthOffice(Strict):
    name: Text = Field(description="保健福祉事務所の名称")
    covers: list[MunicipalityCode] = Field(description="管轄の市町村")
    note: str | None = Field(None, description="補足")
    source: Sources


class Region(Strict):
    id: str = Field(pattern=SLUG, description="地域 (広域圏) の ID")
    name: Text = Field(description="地域名")
    kana: str = Field(pattern=KANA, description="よみ")
    municipalities: list[MunicipalityCode] = Field(min_length=1, description="地域の市町村のコード")
    health_office: HealthOffice = Field(description="地域の保健福祉事務所")
    source: Sources


class RegionsFile(Strict):
    regions: list[Region] = Field(min_length=1)


class PrefecturalCentre(Strict):
    """A place whose existence is sourced but whose contact details are not: prose only, never a listing."""

    name: Text
    description: Text
    source: Sources


class Site(Strict):
    title: Text
    short_title: Text
    description: Text
    repository: HttpsUrl = Field(description="GitHub repository; edit links are built from it")
    branch: str = "main"
    maintainers_email: Email | None = Field(
        None,
        description="サイトの管理者に届くメールアドレス。書くと、掲載ページの「まちがいを知らせる」にメールのリンクが出ます",
    )
    license: Text = Field(
        description="掲載データのライセンス (例: CC BY 4.0)。/open-data/ とすべてのファイルに書かれます"
    )
    prefecture: Text = Field("長野県", description="都道府県名 (オープンデータの住所・地方公共団体名に使います)")
    contact_email: Email | None = Field(
        None,
        description="サイトの連絡用メールアドレス (/about/ と /contribute/ に表示。実在するものだけ。なければ書かない)",
    )
    hero: Text
    hero_lead: Text
    prefectural_centre: PrefecturalCentre
    national_portals: list[SourceRef] = Field(default_factory=list)
    family_networks: list[SourceRef] = Field(default_factory=list)


class ToneEntry(Strict):
    avoid: Text
    suggest: Text
    why: Text


class ToneFile(Strict):
    words: list[ToneEntry] = Field(min_length=1)
