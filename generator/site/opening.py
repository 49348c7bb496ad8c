"""Stage 4b — opening hours as data: what 「いま受付中」「次は 月曜 8:30 から」 is computed from.

Python decides everything a calendar needs: which slots can be checked against a clock, in minutes
from midnight; which days are public holidays or 年末年始 (12/29〜1/3), from the `holidays` package
at build time (nothing is fetched when a page is read); and what a listing does on those days — closed,
open as usual, or unknown, in which case the page says to check with the listing rather than guess.
`hub.js` only places the given slots on the visitor's calendar in Asia/Tokyo time and finds the one
open now or the next one. A listing with no slot it can check gets no data, and its card says so.

The data comes in two parts, so that a page of thousands of cards does not repeat the calendar in each:

`assets/javascripts/hub-calendar.js` (one small generated file, loaded before hub.js) sets `HubCalendar`:
    b    base date, YYYY-MM-DD: day numbers count from it (the build date, minus one day)
    to   the last day number covered; after it (a site left unbuilt for years) nothing is claimed
    days {"祝日": [day numbers], "年末年始": [day numbers]}
    ask  what a card says when the clock cannot tell (ASK_HOURS_JA; the cards without any time say it too)

and one JSON object per listing (the `data-hours` attribute of its card):
    s    slots: [weekdays (0 = Sunday … 6 = Saturday, as JavaScript's getUTCDay), nth weeks of the month
         (1–5, -1 = last; [] = every week), days of the month, opens, closes, daily] — opens and closes in
         minutes from the opening day's midnight (closes above 1440 ends on the next day); daily is 1 for a
         slot of every day of the week, which keeps its hours on days the listing says nothing about
    on   {"祝日": 1 | 0 | -1, "年末年始": 1 | 0 | -1}: on those days the listing is closed (1), open as usual
         (0), or does not say (-1: the page says to check rather than claim either). A day that is both
         (元日) is closed if either says closed.
    part 1 when some slots have no times: then only 「いま受付中」 may be said, never 「次は」
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache

import holidays
from markupsafe import Markup

from ..registry.models import Schedule, TimeSlot

# What a card says instead of 「いま受付中」 when its times cannot be checked: the card of a listing without any time
# (_macros.j2), and hub.js when the calendar has run out or finds no time ahead (HubCalendar.ask).
ASK_HOURS_JA = "受付時間は連絡先でご確認ください"
HORIZON_DAYS = 730  # two years of holidays: a page built today stays right until the site is built again
JS_DAY = {"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}
DAY = 24 * 60


def minutes(clock: str) -> int:
    hour, minute = clock.split(":")
    return int(hour) * 60 + int(minute)


def slot_span(slot: TimeSlot) -> tuple[int, int] | None:
    """(opens, closes) in minutes from the opening day's midnight, or None when the slot has no times.

    The rule (validated in models.TimeSlot): closes after opens is the same day; the same time is 24
    hours (08:00〜翌8:00); an earlier time is the next day, which the data says with closes_next_day."""
    if not (slot.opens and slot.closes):
        return None
    opens, closes = minutes(slot.opens), minutes(slot.closes)
    if closes <= opens:
        closes += DAY
    return opens, closes


def year_end(day: dt.date) -> bool:
    """年末年始: 12月29日〜1月3日 (the days national and local offices close, 行政機関の休日に関する法律)."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


@lru_cache(maxsize=8)
def public_holidays(first: dt.date, last: dt.date) -> frozenset[dt.date]:
    """Japan's public holidays (振替休日 and 国民の休日 included) between two dates."""
    calendar = holidays.country_holidays("JP", years=range(first.year, last.year + 1))
    return frozenset(day for day in calendar if first <= day <= last)


def every_day(slot: TimeSlot) -> bool:
    """Open every day of the week (a daily line): a holiday is just another day for it, unless the data says
    otherwise."""
    return len(set(slot.days)) == 7 and not slot.nth


def policy(closed: bool | None) -> int:
    """The data's answer for a kind of day: 1 closed, 0 open as usual, -1 not said."""
    return -1 if closed is None else int(closed)


def hours_data(slots: list[TimeSlot], schedule: Schedule | None) -> dict | None:
    """The `data-hours` object for a listing's slots (its schedule and its phones' hours), or None."""
    timed = [(slot, span) for slot in slots if (span := slot_span(slot)) is not None]
    if not timed:
        return None
    data = {
        "s": [
            [
                sorted(JS_DAY[d] for d in set(slot.days)),
                list(slot.nth),
                list(slot.month_days),
                *span,
                1 if every_day(slot) else 0,
            ]
            for slot, span in timed
        ],
        "on": {
            "祝日": policy(schedule.holidays_closed if schedule else None),
            "年末年始": policy(schedule.year_end_closed if schedule else None),
        },
    }
    if len(timed) < len(slots):
        data["part"] = 1
    return data


def calendar_data(today: dt.date) -> dict:
    """Which days are public holidays and 年末年始, from yesterday to HORIZON_DAYS on, and what to say when the
    clock cannot tell."""
    base = today - dt.timedelta(days=1)  # a slot that opened yesterday evening may still be open
    last = today + dt.timedelta(days=HORIZON_DAYS)
    span = [base + dt.timedelta(days=n) for n in range((last - base).days + 1)]
    in_range = public_holidays(base, last)
    return {
        "b": base.isoformat(),
        "to": (last - base).days,
        "days": {
            "祝日": [n for n, day in enumerate(span) if day in in_range],
            "年末年始": [n for n, day in enumerate(span) if year_end(day)],
        },
        "ask": ASK_HOURS_JA,
    }


CALENDAR_JS = "assets/javascripts/hub-calendar.js"


def calendar_js(today: dt.date) -> str:
    """The generated script that hub.js reads the calendar from (mkdocs.yml lists it before hub.js)."""
    return (
        "// Generated by generator/site/opening.py at build time:"
        " public holidays (the holidays package) and 年末年始.\n"
        f"var HubCalendar = {json.dumps(calendar_data(today), ensure_ascii=False, separators=(',', ':'))};\n"
    )


def hours_attr(slots: list[TimeSlot], schedule: Schedule | None) -> Markup:
    """The JSON for a card's data-hours='…' attribute, single-quoted ("" when there is nothing to check).

    Escaped for that attribute only (& < > '), so the JSON's own quotes stay one character each."""
    data = hours_data(slots, schedule)
    if not data:
        return Markup("")
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;"))
