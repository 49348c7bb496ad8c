"""Vocabulary: the Japanese words the site uses for the registry's codes (methods, days, audiences, levels…)
and the plain formatting of times and dates. At the bottom of the package: it imports nothing of ours, so every
stage (index, render, maps, search, exports, sheets) reads the same words without importing the renderer.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for the annotation only
    from .models import TimeSlot

DAY_JA = {"mon": "月", "tue": "火", "wed": "水", "thu": "木", "fri": "金", "sat": "土", "sun": "日"}
WEEK = list(DAY_JA)
METHOD_JA = {
    "phone": "電話",
    "email": "メール",
    "line": "LINE",
    "visit": "来所 (出向いて相談)",
    "home-visit": "訪問 (自宅に来てもらう)",
    "outreach": "出張相談",
    "online": "オンライン・チャット",
    "letter": "手紙",
}
AUDIENCE_JA = {
    "person": "ご本人",
    "family": "ご家族",
    "supporter": "支援者",
    "anyone": "どなたでも",
    "community": "地域の方",
}
LEVEL_JA = {
    "municipal": "市町村の窓口",
    "regional": "広域の窓口",
    "prefectural": "県の窓口",
    "national": "全国の窓口",
    "private": "民間の窓口",
}
ACCEPTS_JA = {
    "own-municipality": "その市町村にお住まいの方",
    "region": "同じ地域 (広域圏) にお住まいの方",
    "prefecture": "長野県内にお住まいの方",
    "anywhere": "どこにお住まいの方でも",
}
RESERVATION_JA = {"required": "予約が必要です", "preferred": "予約をおすすめします", "not-needed": "予約はいりません"}
OPERATOR_JA = {
    "municipality": "市町村",
    "prefecture": "県",
    "national": "国",
    "social-welfare-council": "社会福祉協議会",
    "npo": "NPO",
    "company": "会社",
    "peer-group": "当事者グループ",
    "other": "その他",
}
# Filters of the list pages that other pages link to (?flag=…); the list form shows the same words.
FLAG_JA = {
    "nophone": "電話以外で相談できる",
    "anonymous": "名前を言わなくてよい",
    "family-only": "ご家族だけの相談ができる",
}
# a listing page's answers to 名前を言わずに / ご家族だけで (None: the source does not say)
ANONYMOUS_JA = {True: "名前を言わずに相談できます", False: "名前を伝える必要があります", None: "記載がありません"}
FAMILY_ONLY_JA = {True: "ご家族だけの相談もできます", False: "ご本人といっしょの相談です", None: "記載がありません"}
FORMAT_JA = {"in-person": "会って話す", "online": "オンライン", "both": "会って話す・オンライン"}


def days_ja(days: list[str]) -> str:
    ordered = sorted(set(days), key=WEEK.index)
    if len(ordered) == 7:
        return "毎日"
    if ordered == WEEK[:5]:
        return "平日 (月〜金)"
    idx = [WEEK.index(d) for d in ordered]
    if len(idx) >= 3 and idx == list(range(idx[0], idx[-1] + 1)):
        return f"{DAY_JA[ordered[0]]}〜{DAY_JA[ordered[-1]]}曜"
    return "・".join(DAY_JA[d] for d in ordered) + "曜"


def _clock(value: str) -> str:
    hour, minute = value.split(":")
    return f"{int(hour)}:{minute}"


def slot_ja(slot: TimeSlot) -> str:
    """第2土曜 13:30〜16:00 / 平日 (月〜金) 8:30〜17:15 / 毎日 24時間 / 毎月10日 8:00〜翌8:00"""
    when = []
    if slot.days:
        if slot.nth:
            nth = "・".join("最終" if n == -1 else f"第{n}" for n in slot.nth)
            when.append(f"毎月{nth}" + "・".join(DAY_JA[d] for d in sorted(set(slot.days), key=WEEK.index)) + "曜")
        else:
            when.append(days_ja(slot.days))
    if slot.month_days:
        when.append("毎月" + "・".join(f"{d}日" for d in slot.month_days))
    text = " ".join(when)
    if slot.opens and slot.closes:
        if slot.opens == "00:00" and slot.closes == "24:00":
            text += " 24時間"
        elif slot.closes <= slot.opens:
            text += f" {_clock(slot.opens)}〜翌{_clock(slot.closes)}"
        else:
            text += f" {_clock(slot.opens)}〜{_clock(slot.closes)}"
    elif slot.opens:
        text += f" {_clock(slot.opens)}〜"
    if slot.note:
        text += f" ({slot.note})"
    return text


def date_ja(value: dt.date) -> str:
    """As precise as the date is: 2020年11月1日, 2020年11月 (a month), 2020年ごろ (a year); never an invented day."""
    precision = getattr(value, "precision", "day")
    if precision == "year":
        return f"{value.year}年ごろ"
    if precision == "month":
        return f"{value.year}年{value.month}月"
    return f"{value.year}年{value.month}月{value.day}日"


def month_ja(value: dt.date) -> str:
    """A card's muted 「確認: 2025年8月」: the month is enough there (the listing page has the day)."""
    return f"{value.year}年ごろ" if getattr(value, "precision", "day") == "year" else f"{value.year}年{value.month}月"


def months_since(value: dt.date, today: dt.date) -> int:
    """Whole calendar months from `value` to `today`, as 「…か月以上」 needs: 2025-08-15 → 2026-11-14 is 14 (the 15th
    month is full on 2026-11-15), never more than have passed."""
    return (today.year - value.year) * 12 + today.month - value.month - (1 if today.day < value.day else 0)


def months_ja(months: int) -> str:
    """「12か月」."""
    return f"{months}か月"


def period_ja(months: int) -> str:
    """A period as people say it: whole years in years (「1年」), else in months (「18か月」)."""
    return f"{months // 12}年" if months % 12 == 0 else months_ja(months)


def age_ja(months: int) -> str:
    """How long ago, for 「…以上前に確認したものです」: months up to two years (「15か月」), then years (「3年」)."""
    return f"{months // 12}年" if months >= 24 else months_ja(months)


def cost_ja(cost, unknown: str | None = "記載がありません") -> str | None:
    """A listing's 費用 in words (its page, HSDS): 「無料」「有料。1回500円」「参加費 300円」, or `unknown` when the
    source says nothing (`cost` is a listing's Cost or None)."""
    said = {True: "無料", False: "有料"}.get(cost.free, "") if cost is not None else ""
    note = cost.note if cost is not None else None
    if note:
        return f"{said}。{note}" if said else note
    return said or unknown


# ---------------------------------------------------------------- environment and pages
