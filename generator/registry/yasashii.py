"""やさしい日本語 pages (issue #19): `/yasashii/…` for what a first visit needs.

Written by hand after the 出入国在留管理庁・文化庁「在留支援のためのやさしい日本語ガイドライン」: short sentences,
one idea each, no double negatives, no honorific chains, plain words, numbers in digits. The page texts live in
`generator/site/templates/yasashii/`; the messages' やさしい versions in `data/yasashii.yml` (one per message id);
each town's top is generated from the same data as its page, so all 77 have one.

`SWITCH` pairs each ordinary page with its やさしい version; `_yasashii_switch.j2` links either way.
`HARD_WORDS` and `MAX_SENTENCE` are the guideline's measurable parts that tests/test_yasashii.py checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import Field

from . import urls
from .models import Strict
from .problems import Problem

YASASHII_FILE = Path("data") / "yasashii.yml"
MAX_SENTENCE = 40  # characters in one sentence (the guideline: short, one idea each)

# Words the ordinary pages use that a やさしい page must say another way (the guideline's examples of hard
# words, honorific chains and double negatives, and this site's own jargon from issue #19).
HARD_WORDS = (
    # jargon and kanji compounds (issue #19: 「出典」「管轄表」「中核市」)
    "出典",
    "管轄",
    "中核市",
    "該当",
    "所管",
    "掲載",
    "当事者",
    "詮索",
    "高圧的",
    "機関",
    "同意",
    "受付",
    "来所",
    "利用",
    "各種",
    "および",
    "ならびに",
    "自己責任",
    "広域圏",
    "保健福祉事務所",
    # loanwords in katakana that have a plain Japanese word
    "ペース",
    "サービス",
    "プログラム",
    "ゴール",
    "サポート",
    "アセスメント",
    "アウトリーチ",
    "ピア",
    # honorifics (尊敬語・謙譲語) and their chains
    "ご本人",
    "ご家族",
    "お住まい",
    "いただ",
    "ございます",
    "おります",
    "申し上げ",
    "くださいませ",
    "なさい",
    "なさる",
    "なさっ",
    "いらっしゃ",
    "召し上が",
    "お越し",
    "ご覧",
    # double negatives
    "ないわけでは",
    "なくはな",
    "ないことはな",
    "ないではいられ",
    "ないとは限ら",
    "なくもな",
    "ざるを得",
)


class YasashiiMessage(Strict):
    title: str = Field(min_length=1)
    body: str = Field(min_length=1)


class YasashiiFile(Strict):
    messages: dict[str, YasashiiMessage] = Field(default_factory=dict)


@dataclass
class Yasashii:
    file: YasashiiFile


# Ordinary page (docs path) → its やさしい version (site-relative URL); towns are added per code.
FIXED = {
    "index.md": "yasashii/",
    "person.md": "yasashii/person/",
    "family.md": "yasashii/family/",
    "consulting.md": "yasashii/consulting/",
    "messages/index.md": "yasashii/messages/",
}
PAGES = {
    "yasashii/index.md": "yasashii/home.md.j2",
    "yasashii/person.md": "yasashii/person.md.j2",
    "yasashii/family.md": "yasashii/family.md.j2",
    "yasashii/consulting.md": "yasashii/consulting.md.j2",
    "yasashii/messages.md": "yasashii/messages.md.j2",
}


def switch_map(town_codes: list[str]) -> dict[str, str]:
    """Both directions: docs path of a page → site-relative URL of its pair."""
    pairs = dict(FIXED) | {urls.page_path(urls.town(code)): "yasashii/" + urls.town(code) for code in town_codes}
    back = {}
    for original, easy in pairs.items():
        easy_path = urls.page_path(easy) if easy != "yasashii/" else "yasashii/index.md"
        back[easy_path] = urls.page_url(original)
    return pairs | back


def load_yasashii(root: Path, message_ids: list[str], problems: list[Problem]) -> Yasashii | None:
    if not (root / YASASHII_FILE).exists():
        return None
    from .validate import load_model

    loaded = load_model(root, YASASHII_FILE, YasashiiFile, problems)
    if loaded is None:
        return None
    doc, file = loaded
    for key in file.messages:
        if key not in message_ids:
            line, col = doc.position(("messages", key))
            problems.append(
                Problem.error(
                    doc.path,
                    line,
                    col,
                    "unknown-message",
                    f"messages.{key}",
                    f"その id のメッセージはありません (no such message in data/messages/): '{key}'",
                )
            )
    for key in message_ids:
        if key not in file.messages:
            line, col = doc.position(("messages",))
            problems.append(
                Problem.warning(
                    doc.path,
                    line,
                    col,
                    "yasashii-missing",
                    "messages",
                    f"やさしい日本語の版がまだありません (no やさしい日本語 version yet): '{key}'",
                )
            )
    return Yasashii(file)


def plan(page, index) -> None:
    """Add the やさしい pages through `page(path, template, **context)` (render.plan_pages)."""
    for path, template in PAGES.items():
        page(path, template)
    for code, view in index.towns.items():
        page("yasashii/" + urls.page_path(urls.town(code)), "yasashii/town.md.j2", view=view)
