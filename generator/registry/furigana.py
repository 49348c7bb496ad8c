"""ふりがな (issue #19): ruby readings over the kanji of every built page, made at build time.

Readings come from the registries first (a town's `kana`, a region's `kana`, a listing's `name_kana`: names are
where an analyser guesses worst, e.g. 南牧村 is みなみまきむら, not なんもくむら), and from SudachiPy with
sudachidict-core for everything else. Nothing is fetched when a page is read.

The markup is `<ruby>漢字<rt data-r=かんじ></ruby>`: the reading lives in an attribute and is drawn by
CSS only when the visitor switches ふりがな on (`html.hub-furigana rt::before { content: attr(data-r) / "" }`,
docs/assets/stylesheets/words.css). So the page's text stays the text without readings: copying it copies no
reading, find-in-page and screen readers meet each word once (the drawn reading's alternative text is empty),
and with the switch off nothing changes on screen or paper. The search index is built from the Markdown pages
(generator/site/search.py), before any ruby is added.

`Furigana.html(page)` is called on each built HTML page (the MkDocs hook's `on_post_page`; another engine can
run it over its output the same way). `strip_ruby()` gives back the page's text without readings.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape

KANJI = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005\u3006\u30f6\u30f5"  # with 々 〆 ヶ ヵ (駒ヶ根)
_HAS_KANJI = re.compile(f"[{KANJI}]")
_RUNS = re.compile(f"[{KANJI}]+|[\u3041-\u309f\u30a0-\u30ff]+|[^{KANJI}\u3041-\u309f\u30a0-\u30ff]+")
_KANA = re.compile("^[\u3041-\u309f\u30fc]+$")
# split() gives text, then per tag: the tag, "/" of an end tag, the name, "/" of a self-closing tag (None: comment)
_TAG = re.compile(r"(<!--.*?-->|<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)>)", re.S)
# Elements whose text gets no ruby: code, form controls that cannot hold markup, and ruby already there.
SKIP = frozenset(
    {
        "script",
        "style",
        "code",
        "pre",
        "kbd",
        "samp",
        "textarea",
        "title",
        "option",
        "optgroup",
        "select",
        "svg",
        "math",
        "ruby",
        "template",
        "head",
    }
)
_STRIP = re.compile(r"<ruby>(.*?)<rt[^>]*>(?:</rt>)?</ruby>", re.S)

Span = tuple[str, str | None]  # (text, reading of the text or None)

# Where the dictionary's first reading is wrong for how this site speaks: (the word before, the word) → reading.
# 「お住まいの方」「ご家族の方」: 方 after の is a person here (かた), not a direction (ほう).
CONTEXT = {("の", "方"): "かた", ("確認", "日"): "び", ("開催", "日"): "び", ("いつも", "通り"): "どおり"}
# (the word, the word after) → reading: 何も・何か・何を (なに), 一つ (the dictionary leaves 一 unread there).
NEXT = {("何", "も"): "なに", ("何", "か"): "なに", ("何", "を"): "なに", ("何", "が"): "なに", ("一", "つ"): "ひと"}
# Days of the week written short, as schedules do: 月・木・金曜, (月〜金), 火・水・土・日曜.
WEEKDAY = {"月": "げつ", "火": "か", "水": "すい", "木": "もく", "金": "きん", "土": "ど", "日": "にち"}
_WEEKDAYS = re.compile(r"(?<![\u3400-\u9fff])[月火水木金土日](?:[・〜～][月火水木金土日])+(?:曜日?)?")
# 本 counted after a number: 1本 いっぽん, 3本 さんぼん, 4本 よんほん (the dictionary says ぽん after any digit).
_HON = {"1": "ぽん", "3": "ぼん", "6": "ぽん", "8": "ぽん", "0": "ぽん"}
# 日 after a number: 2日 ふつか … 10日 とおか, 14日, 20日, 24日; 1日 is ついたち in a date (after 月), else いちにち.
_DAYS = {
    2: "ふつか",
    3: "みっか",
    4: "よっか",
    5: "いつか",
    6: "むいか",
    7: "なのか",
    8: "ようか",
    9: "ここのか",
    10: "とおか",
    14: "じゅうよっか",
    20: "はつか",
    24: "にじゅうよっか",
}


def _days(number: str, before: str) -> str:
    value = int(number)
    if value == 1:
        return "ついたち" if before.endswith("月") else "いちにち"
    reading = _DAYS.get(value, "にち")
    return reading


def hiragana(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in text)


def _attr(value: str) -> str:
    """An attribute value: bare when it is only kana (the usual case; the end tag of <rt> is left out as HTML
    allows)."""
    return value if _KANA.match(value) else '"' + escape(value) + '"'


def strip_ruby(html: str) -> str:
    """The page without its readings (what copy-paste, search and tests should see)."""
    return _STRIP.sub(r"\1", html)


def align(surface: str, reading: str) -> list[Span] | None:
    """Split a word's reading over its kanji runs: 聞い/きい → [(聞, き), (い, None)]; None when they disagree,
    or when two kanji runs stand with nothing readable between them (the split would be a guess)."""
    spans = _align(surface, reading)
    return None if spans is None else list(spans)


@functools.cache  # the same words come back on every page
def _align(surface: str, reading: str) -> tuple[Span, ...] | None:
    runs = _RUNS.findall(surface)
    pattern, kinds = "", []
    for run in runs:
        if _HAS_KANJI.match(run):
            if kinds and kinds[-1] in ("kanji", "other"):
                return None
            pattern += "(.+?)"
            kinds.append("kanji")
        elif re.match("[\u3041-\u309f\u30a0-\u30ff]", run):
            pattern += re.escape(hiragana(run))
            kinds.append("kana")
        elif _plain(run):  # latin letters, digits: read somehow, never under ruby
            if kinds and kinds[-1] == "kanji":
                return None
            pattern += "(?:.+?)"
            kinds.append("other")
        # spaces and brackets are not read: they add nothing to the pattern
    match = re.fullmatch(pattern, hiragana(reading))
    if not match:
        return None
    out, gi = [], 0
    for run in runs:
        if _HAS_KANJI.match(run):
            out.append((run, match.group(gi + 1)))
            gi += 1
        else:
            out.append((run, None))
    return tuple(out)


def _plain(text: str) -> str:
    """A name or reading compared without spaces, brackets and punctuation."""
    return re.sub(r"[\s\u3000「」『』()（）・、。,.#'\"]", "", text)


@dataclass
class Furigana:
    """The analyser plus the registry's own readings for names (longest name first)."""

    names: dict[str, str] = field(default_factory=dict)  # surface → reading (hiragana)
    unsure: list[str] = field(default_factory=list)  # names whose registry reading does not fit the name

    def __post_init__(self) -> None:
        from sudachipy import Dictionary, SplitMode  # late: only builds that add ruby load the dictionary

        self._tokenizer = Dictionary(dict="core").tokenizer(mode=SplitMode.C)
        self._cache: dict[str, str] = {}  # text → with ruby: the header, menu and footer repeat on every page
        self._name_spans: dict[str, list[Span]] = {}
        for name, reading in self.names.items():
            spans = self._name_reading(name, reading)
            if spans is None:
                self.unsure.append(name)
            else:
                self._name_spans[name] = spans
        names = sorted(self._name_spans, key=len, reverse=True)
        self._names = re.compile("|".join(map(re.escape, names))) if names else None

    @classmethod
    def for_registry(cls, registry, previous: Furigana | None = None) -> Furigana:
        """The readings for this registry: `previous` when its names are the same (serve: a warm cache), else the
        one validation read the names with (`Registry.furigana`), else a new one."""
        names = cls.registry_names(registry)
        for made in (previous, getattr(registry, "furigana", None)):
            if made is not None and made.names == names:
                return made
        return cls(names)

    @staticmethod
    def registry_names(registry) -> dict[str, str]:
        names: dict[str, str] = {}
        for town in registry.municipalities.values():
            names[town.name] = town.kana
        for region in registry.regions.values():
            names[region.name] = region.kana
        for _kind, listing in registry.all_listings():
            names[listing.name] = listing.name_kana
        return {k: hiragana(v) for k, v in names.items() if _HAS_KANJI.search(k)}

    def _name_reading(self, name: str, reading: str) -> list[Span] | None:
        """The registry's reading split over the name's kanji runs; the analyser's split when it reads the name
        the same way. None when the reading does not fit the name (e.g. it leaves out part of the name)."""
        analysed = self._analyse(name)
        if _plain(readings(analysed)) == _plain(hiragana(reading)):
            return analysed
        return align(name, _plain(reading))

    def unsure_words(self, name: str, reading: str) -> list[str]:
        """The kanji words of a listing's name that its `name_kana` does not cover and that the analyser reads
        without certainty: a word not in its dictionary, a proper noun (a place or family name, read many ways:
        鬼無里 きなさ) or one whose reading does not fit its kanji. What validate warns about
        (checks._check_readings). The registry's reading covers them when it fits the name read word by word,
        each sure word as the analyser reads it, each unsure one as any reading (東筑 ひがしちくま, where the
        analyser says とうちく); registry names inside the name (a town) are read as the registry says."""
        kana = _plain(hiragana(reading))
        if _plain(readings(self._analyse(name))) == kana:  # the analyser reads it as the registry does
            return []
        pattern, unsure, pos = "", [], 0
        inside = [m for m in (self._names.finditer(name) if self._names else ()) if m.group() != name]
        pieces: list[tuple[str, str | None]] = []  # (text, the registry's reading when it is a registry name)
        for m in inside:
            pieces += [(name[pos : m.start()], None), (m.group(), self.names[m.group()])]
            pos = m.end()
        pieces.append((name[pos:], None))
        for text, known in pieces:
            if known is not None:
                pattern += re.escape(_plain(known))
                continue
            for m in self._tokenizer.tokenize(text) if text else ():
                surface, read = text[m.begin() : m.end()], hiragana(m.reading_form())
                if not _HAS_KANJI.search(surface):
                    plain = _plain(surface)
                    pattern += (
                        re.escape(hiragana(plain))
                        if _KANA.match(hiragana(plain) or "x")
                        else ("(?:.+?)" if plain else "")
                    )
                elif m.is_oov() or m.part_of_speech()[1] == "固有名詞" or align(surface, read) is None:
                    pattern += "(.+?)"
                    unsure.append((surface, read))
                else:
                    pattern += re.escape(_plain(read))
        if re.fullmatch(pattern, kana):
            return []
        return list(dict.fromkeys(surface for surface, read in unsure if _plain(read) not in kana))

    # ------------------------------------------------------------ text

    def spans(self, text: str) -> list[Span]:
        """A text cut into spans, each kanji run with its reading (None where the analyser has none)."""
        out: list[Span] = []
        pos = 0
        for match in self._names.finditer(text) if self._names else ():
            out += self._analyse(text[pos : match.start()])
            out += self._name_spans[match.group()]
            pos = match.end()
        out += self._analyse(text[pos:])
        return out

    def _analyse(self, text: str) -> list[Span]:
        if not _HAS_KANJI.search(text):
            return [(text, None)] if text else []
        out: list[Span] = []
        pos = 0
        for match in _WEEKDAYS.finditer(text):  # schedules first: the analyser reads 火 as ひ, 水 as みず
            out += self._tokens(text[pos : match.start()])
            for char in match.group():
                out.append(
                    (char, WEEKDAY.get(char) or {"曜": "よう"}.get(char) or None)
                    if char != "日" or out[-1][0] != "曜"
                    else (char, "び")
                )
            pos = match.end()
        return out + self._tokens(text[pos:])

    def _tokens(self, text: str) -> list[Span]:
        if not _HAS_KANJI.search(text):
            return [(text, None)] if text else []
        out: list[Span] = []
        morphemes = list(self._tokenizer.tokenize(text))
        surfaces = [text[m.begin() : m.end()] for m in morphemes]
        for i, m in enumerate(morphemes):
            surface = surfaces[i]
            if not _HAS_KANJI.search(surface):
                out.append((surface, None))
                continue
            previous = surfaces[i - 1] if i else ""
            after = surfaces[i + 1] if i + 1 < len(surfaces) else ""
            reading = CONTEXT.get((previous, surface)) or NEXT.get((surface, after))
            if reading is None and surface == "本" and previous[-1:].isdigit():
                reading = _HON.get(previous[-1], "ほん")
            if reading is None and surface == "日" and previous.isdigit() and out and out[-1] == (previous, None):
                reading = _days(previous, surfaces[i - 2] if i > 1 else "")
                if reading != "にち":  # ふつか reads the number too: the ruby stands over 2日 whole
                    out[-1] = (previous + surface, reading)
                    continue
            if reading is None and m.is_oov():
                reading = ""
            reading = hiragana(m.reading_form()) if reading is None else reading
            spans = align(surface, reading) if _KANA.match(reading) else None
            if spans is None and len(_RUNS.findall(surface)) > 1:  # 記録（ログ）: read its kanji on their own
                spans = [
                    span
                    for run in _RUNS.findall(surface)
                    for span in (self._tokens(run) if _HAS_KANJI.match(run) and run != surface else [(run, None)])
                ]
            out += spans if spans is not None else [(surface, None)]
        return out

    def text(self, text: str) -> str:
        """HTML text (already escaped) with ruby over each kanji run that has a reading."""
        if not _HAS_KANJI.search(text):
            return text
        if (done := self._cache.get(text)) is None:
            done = self._cache[text] = self._ruby(text)
        return done

    def _ruby(self, text: str) -> str:
        return "".join(
            f"<ruby>{part}<rt data-r={_attr(read)}></ruby>" if read else part for part, read in self.spans(text)
        )

    def html(self, page: str) -> str:
        """Ruby over the text of a built page's <body>, outside SKIP elements."""
        body = page.find("<body")
        if body < 0:
            return page
        out, skipping = [page[:body]], []
        parts = _TAG.split(page[body:])
        for at in range(0, len(parts) - 1, 5):
            text, tag, closing, name, selfclosing = parts[at : at + 5]
            out.append(self.text(text) if not skipping and text else text)
            out.append(tag)
            name = (name or "").lower()
            if not name or selfclosing:
                continue
            if skipping:
                if name == skipping[-1]:
                    if closing:
                        skipping.pop()
                    else:
                        skipping.append(name)
            elif name in SKIP and not closing:
                skipping.append(name)
        out.append(parts[-1])  # after the last tag: nothing to read
        return "".join(out)


def has_kanji(text: str) -> bool:
    """Whether ふりがな has anything to read here (without loading the analyser)."""
    return bool(_HAS_KANJI.search(text))


def readings(spans: Iterable[Span]) -> str:
    """The whole reading of a text as the ruby shows it (kana outside ruby read as written)."""
    return "".join(read if read else hiragana(text) for text, read in spans)
