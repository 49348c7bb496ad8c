"""The list pages' filters, decided once: which options any listing matches, and the filtered lists that
search offers for words such as 土日・夜・LINE・匿名 (issue #15).

A filter option no listing of a kind matches is not shown on that kind's list (a box that can only empty the
list leads nowhere). `matches()` is the same test hub.js makes against a card's data attributes (methods,
data-<flag>, audience), so a count here is the count a visitor gets by ticking the box.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from ..registry.finder import result_url
from ..registry.index import Entry
from ..registry.kinds import BY_FOLDER
from ..registry.vocab import FLAG_JA
from .opening import slot_span

# flag → the card's data attribute value, from the entry (index.Entry decides each)
FLAGS = {
    "nophone": lambda e: e.no_phone,
    "anonymous": lambda e: bool(e.listing.anonymous_ok),
    "family-only": lambda e: bool(e.listing.family_only_ok),
    "free": lambda e: e.free,
    "weekday": lambda e: e.weekday,
    "evening": lambda e: e.evening,
    "weekend": lambda e: e.weekend,
    "now": lambda e: any(slot_span(s) for s in e.slots),  # has hours to check; whether open now, hub.js tells
}


# the list pages' boxes (list.md.j2) and the finder's offers (render.FILTER_JA) say the flags in these words
CONDITION_JA = FLAG_JA | {"free": "無料"}
TIME_JA = {"now": "いま相談できる", "weekday": "平日", "evening": "夜 (18時以降)", "weekend": "土日"}
CARD_FLAGS = tuple(flag for flag in FLAGS if flag != "now")  # "now": hub.js's clock decides


def card_data(entry: Entry) -> Markup:
    """A card's data attributes, which hub.js's list filters read: the same values `matches()` tests, so a list
    filtered in the browser shows what the counts here say. Who may use it and where it is come from
    Entry.open_to and Entry.regions; hub.js only looks a town or region up in them."""
    values = {"kind": entry.kind, "methods": " ".join(entry.listing.methods)}
    values |= {flag: "1" if FLAGS[flag](entry) else "0" for flag in CARD_FLAGS}
    values |= {
        "audience": " ".join(entry.audiences),
        "open-to": " ".join(entry.open_to),
        "regions": " ".join(entry.regions),
    }
    return Markup(" ".join(f'data-{name}="{escape(value)}"' for name, value in values.items()))


def matches(entry: Entry, name: str, value: str) -> bool:
    if name == "method":
        return value in entry.listing.methods
    if name == "audience":
        return value in entry.audiences  # a listing for anyone (どなたでも) names every audience
    return FLAGS[value](entry)


def count(entries: list[Entry], name: str, value: str) -> int:
    return sum(1 for e in entries if matches(e, name, value))


def fits(entry: Entry, filters: tuple[tuple[str, str], ...]) -> bool:
    """Every filter of a list address at once, as hub.js's fits(): each method and flag must match; of the
    audiences, one is enough (a listing for families fits 「ご本人・ご家族」)."""
    audiences = [value for name, value in filters if name == "audience"]
    return all(matches(entry, name, value) for name, value in filters if name != "audience") and (
        not audiences or any(matches(entry, "audience", value) for value in audiences)
    )


def wider(
    entries: list[Entry], filters: tuple[tuple[str, str], ...], limit: int = 3
) -> list[tuple[tuple[str, str], int]]:
    """When nothing fits: each filter that, taken away alone, brings listings back, with how many, the fewest
    first (the closest to what was asked) — what hub.js's offerWider() offers on a list page."""
    out = []
    for taken in dict.fromkeys(filters):
        n = sum(1 for e in entries if fits(e, tuple(f for f in filters if f != taken)))
        if n:
            out.append((taken, n))
    return sorted(out, key=lambda item: item[1])[:limit]


# Words a resident types → the filtered list that answers them. search.js compares them normalised
# (= search.normalise), as part of the query: 「土日に相談」 offers the weekend list.
SHORTCUTS = [
    (("土日", "週末", "土曜", "日曜", "休日"), "flag", "weekend", "土日に受け付けているところ"),
    (("夜", "夕方", "夜間"), "flag", "evening", "夜 (18時以降) に受け付けているところ"),
    (("いま", "今すぐ", "今から"), "flag", "now", "いま相談できるところ"),
    (("メール",), "method", "email", "メールで相談できるところ"),
    (("line", "ライン"), "method", "line", "LINE で相談できるところ"),
    (("チャット", "オンライン", "ネット"), "method", "online", "チャット・オンラインで相談できるところ"),
    (("匿名", "名前"), "flag", "anonymous", "名前を言わなくてよいところ"),
    (("家族", "親"), "audience", "family", "ご家族が相談できるところ"),
    (("電話以外", "電話なし", "声を出さず"), "flag", "nophone", "電話以外で相談できるところ"),
    (("無料",), "flag", "free", "無料のところ"),
]


def search_shortcuts(entries_by_kind: dict[str, list[Entry]]) -> list[dict]:
    """[{words, label, links: [{label, url, count}]}] for search.js: each list that holds at least one listing.

    URLs are site-relative (search.js prefixes the site root); the counts are what the list will show
    (none for 「いま相談できる」, which the list decides by the visitor's clock)."""
    out = []
    for words, name, value, label in SHORTCUTS:
        # no count for 「いま」: how many are open depends on the visitor's clock, which the list page checks
        links = [
            {
                "label": BY_FOLDER[kind].label,
                "url": result_url(kind, ((name, value),)),
                "count": None if value == "now" else n,
            }
            for kind, entries in entries_by_kind.items()
            if (n := count(entries, name, value))
        ]
        if links:
            out.append({"words": list(words), "label": label, "links": links})
    return out
