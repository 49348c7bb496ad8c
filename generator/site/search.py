"""Stage 5b — search: a sharded full-text index of every page, built from the generator's own output.

Japanese has no spaces, and the ready-made static engines segment it differently at index time and
at query time (issue #3). Here both sides use the same two small functions, written twice — here
in Python and in `docs/assets/javascripts/search.js` — and pinned to agree by tests:

- `normalise()`: NFKC (full/half width), lower case, katakana → hiragana, and the common variants
  (引き籠もり/引きこもり → ひきこもり, 家族の会 → 家族会, 子供/子ども → こども).
- `tokens()`: CJK runs become the three characters starting at each position (the run's last two
  positions give two and one), Latin and digit runs become whole words. Names (titles, town names and
  readings) also get an exact token `=name`. A query matches its characters in order (issue #15: 親の会
  is one token, so a page with 親…の…会 apart does not match): three or more characters look up their
  overlapping triples, one or two characters the prefix key of every token they start. Only when no page
  holds the phrase does a query fall back to its pairs of characters anywhere on the page (`partial`).

The index is a set of keys with postings, split into shards by a hash of the whole key, so a query
fetches only the shards of its own keys (issue #9: sharding by a key's first character made
ひきこもり fetch every token starting with ひ, き, こ and も). Keys are a token (`相談`), a prefix
`<p>*` (`相*`: every token that starts with 相, merged, for a one-character query; `li*`, `lin*`, …
for each beginning of a Latin word, the last word of a query being matched as a prefix), and an
exact name `=name`. Nothing is fetched before the first keystroke. Each result's title, kind, town
and text for the snippet live in their own small file, fetched only for the results that are shown.

Pages that gather listings (town, region and list pages: they show cards) are near-identical to each
other for most words; `meta.json` lists them (`gather`, ranges of page ids) and the ranking keeps at most
GATHER_ON_TOP of them before the other results, so they do not crowd out the listings themselves.

Files (all under `search/`): `meta.json` (version, page count, bucket count, gather), `t/<bucket>.json`
({key: postings}, the postings as lists of numbers: see `encode_postings`) and `d/<doc>.json`.
"""

from __future__ import annotations

import html
import json
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..registry import urls
from ..registry.index import Index
from ..registry.kinds import BY_FOLDER
from ..registry.vocab import METHOD_JA

SEARCH_DIR = "search"
VERSION = 4  # meta.json (search.js reads no other): CJK triples, keys hashed to shards, delta lists
GATHER_ON_TOP = 2  # pages that gather listings (town, region, list pages) kept in place; the rest follow the others
SNIPPET_CHARS = 800  # text kept per page for snippets; the index itself covers the whole page
FIELD_BONUS = {"title": 3.0, "names": 2.0}  # added to a body weight of at most K1 + 1 = 2.2
EXACT_WEIGHT = 40.0  # `=name` tokens: typing a town's whole name (or reading) puts its page first
K1, B = 1.2, 0.75  # BM25 constants

# ---------------------------------------------------------------- normalisation (mirrored in search.js)

_VARIANTS = [
    # 引きこもり・引き籠もり・引籠り・ひきこもり (and ひきこもる…) → ひきこも…
    (re.compile(r"(?:引き?|ひき)(?:籠も?|篭も?|こも)"), "ひきこも"),
    (re.compile(r"家族の会"), "家族会"),
    (re.compile(r"子供|子ども"), "こども"),
    (re.compile(r"[ゖヶケけ](?=[\u4e00-\u9fff])"), "け"),  # 駒ヶ根・駒ケ根 (after katakana folding)
]
# ASCII capitals → small letters, katakana → hiragana: one character for one, as search.js's foldChars
_FOLD = str.maketrans(
    {
        **{chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)},
        **{chr(c): chr(c - 0x60) for c in range(0x30A1, 0x30F7)},
    }
)
_CJK = r"\u3041-\u3096\u30fc\u3005\u3006\u4e00-\u9fff\uf900-\ufaff\u3400-\u4dbf"
_RUN = re.compile(rf"[{_CJK}]+|[a-z0-9]+(?:[._@'-][a-z0-9]+)*")


def normalise(text: str) -> str:
    """The one normal form both sides compare: width, case, script and spelling variants folded."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_FOLD)
    for pattern, replacement in _VARIANTS:
        text = pattern.sub(replacement, text)
    return text


def _is_cjk(run: str) -> bool:
    return not ("a" <= run[0] <= "z" or "0" <= run[0] <= "9")


def runs(text: str) -> list[str]:
    """The normalised text's runs of CJK characters, and of Latin letters and digits."""
    return _RUN.findall(normalise(text))


def tokens(text: str) -> list[str]:
    """For CJK runs, the (up to) three characters starting at each position; whole words for Latin and digits."""
    return run_tokens(runs(text))


def run_tokens(found: list[str]) -> list[str]:
    """`tokens()` of a text whose `runs()` are at hand."""
    out: list[str] = []
    for run in found:
        if _is_cjk(run):
            out.extend(run[i : i + 3] for i in range(len(run)))
        else:
            out.extend(w for w in re.split(r"[._@'-]", run) if w)
    return out


def exact_key(text: str) -> str:
    """`=name`: the whole name, normalised, without spaces or punctuation."""
    return "=" + "".join(runs(text))


def bucket(key: str, buckets: int) -> int:
    """Shard of an index key: FNV-1a (32 bit) over its code points, as search.js's bucket()."""
    h = 0x811C9DC5
    for char in key:
        h = ((h ^ ord(char)) * 0x01000193) & 0xFFFFFFFF
    return h % buckets


def term_key(token: str, prefix: bool) -> str:
    """The index key a query term looks up: the token itself, or `token*` for a prefix."""
    return token + "*" if prefix else token


def _prefixes(token: str) -> list[str]:
    """The prefix keys a token is merged into: a CJK token's first character (a lone character is all a
    query matches as a prefix; two characters have keys of their own, `pairs`), every beginning of a
    Latin word (the word itself included)."""
    if token[0] == "=" or token.endswith("*"):
        return []
    if _is_cjk(token):
        return [token[0] + "*"]
    return [token[:k] + "*" for k in range(1, len(token) + 1)]


def pairs(text: str) -> list[str]:
    """`ab*` keys: every two CJK characters side by side, counted as such (a query of two characters, and a
    longer one on no page in order, looks them up; a merge of the triples would lose how often they occur)."""
    return run_pairs(runs(text))


def run_pairs(found: list[str]) -> list[str]:
    """`pairs()` of a text whose `runs()` are at hand."""
    return [run[i : i + 2] + "*" for run in found if _is_cjk(run) for i in range(len(run) - 1)]


# ---------------------------------------------------------------- documents


@dataclass
class Doc:
    url: str  # site-relative, directory style ("windows/foo/")
    title: str
    kind: str  # 相談窓口・居場所・家族会・親の会・市町村・地域・メッセージ・案内
    town: str = ""
    body: str = ""
    names: list[str] = field(default_factory=list)  # readings, town names, methods: searchable, not shown
    exact: list[str] = field(default_factory=list)  # the page's own names: typing one whole puts it first
    gathers: bool = False  # shows other listings' cards (town, region, list pages): see GATHER_ON_TOP


_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)


def page_text(markdown: str) -> str:
    """Visible text of a generated or hand-written Markdown page (tags, attributes and syntax removed)."""
    text = _FRONT_MATTER.sub("", markdown)
    text = re.sub(r"\{#[^}]*\}|\{:[^}]*\}", "", text)  # heading ids, attr_list
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # Markdown links keep their text
    text = re.sub(r"<(script|style|form|noscript)\b.*?</\1>", " ", text, flags=re.S)  # controls are not content
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"^\s*(?:#+|>|[-*+]|\d+\.)\s+", "", text, flags=re.M)
    text = re.sub(r"[*_`]{1,3}", "", text)
    text = html.unescape(text)
    return re.sub(r"\s+", " ", text).strip()


def page_title(markdown: str) -> str:
    match = re.search(r"^# (.+?)(?:\s*\{#[^}]*\})?\s*$", _FRONT_MATTER.sub("", markdown), re.M)
    return html.unescape(match.group(1)).strip() if match else ""


_FRONT_MATTER_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~10× faster


def excluded_from_search(markdown: str) -> bool:
    """Front matter `search: {exclude: true}` (Material's convention) keeps staff-only pages out of results."""
    if not markdown.startswith("---"):
        return False
    meta = yaml.load(markdown.split("---", 2)[1], Loader=_FRONT_MATTER_LOADER) or {}
    return isinstance(meta.get("search"), dict) and meta["search"].get("exclude") is True


def collect_docs(index: Index, pages: dict[str, str], docs_dir: Path | None) -> list[Doc]:
    """One Doc per page: generated pages (with what the data knows about them) and hand-written guides."""

    reg = index.registry
    entries = {urls.page_path(e.url): e for e in index.all_entries}
    towns = {urls.page_path(urls.town(code)): view.town for code, view in index.towns.items()}
    regions = {urls.page_path(urls.region(r.id)): r for r in reg.regions.values()}
    sources = dict(pages)
    if docs_dir is not None and docs_dir.is_dir():
        for path in sorted(docs_dir.rglob("*.md")):
            sources.setdefault(path.relative_to(docs_dir).as_posix(), path.read_text(encoding="utf-8"))

    docs = []
    for path, markdown in sorted(sources.items()):
        if not path.endswith(".md") or path == "search.md" or excluded_from_search(markdown):
            continue
        doc = Doc(
            url=urls.page_url(path),
            title=page_title(markdown) or path,
            kind="案内",
            body=page_text(markdown),
            gathers='class="hub-card"' in markdown,
        )
        if path in entries:
            entry = entries[path]
            listing = entry.listing
            doc.kind, doc.town = entry.kind_label, entry.town.name if entry.town else ""
            doc.names = [listing.name_kana, *(METHOD_JA[m] for m in listing.methods)]
            if entry.town:
                doc.names += [entry.town.name, entry.town.kana]
            if entry.no_phone:
                doc.names.append("電話以外")
            if entry.free:
                doc.names.append("無料")
            doc.exact = [listing.name_kana]
        elif path in towns:
            town = towns[path]
            doc.kind, doc.town = "市町村", town.name
            doc.names = [town.kana, town.romaji]
            doc.exact = [town.kana, town.romaji, _without_suffix(town.name), _without_suffix(town.kana)]
        elif path in regions:
            region = regions[path]
            doc.kind, doc.names, doc.exact = "地域", [region.kana], [region.kana]
        elif path.startswith("messages/"):
            doc.kind = "メッセージ"
        elif path.endswith("/index.md") and path.split("/")[0] in BY_FOLDER:
            doc.kind = "一覧"
        docs.append(doc)
    return docs


def _without_suffix(name: str) -> str:
    """飯島町 → 飯島, いいじままち → いいじま: what people type for a town."""
    return re.sub(r"(?:市|町|村|し|まち|ちょう|むら|そん)$", "", name)


# ---------------------------------------------------------------- index files


def _weights(doc: Doc, body: Counter, body_pairs: list[str], avg_len: float) -> dict[str, float]:
    """Token → weight for one page: BM25 over the body, plus a fixed bonus for a hit in the title or
    in the page's names (saturating them together would let a long page's body drown a short title)."""
    norm = K1 * (1 - B + B * sum(body.values()) / avg_len)
    counts = body.copy()
    counts.update(body_pairs)
    weights = {token: tf * (K1 + 1) / (tf + norm) for token, tf in counts.items()}
    for name, text in (("title", doc.title), ("names", " ".join(doc.names))):
        found = runs(text)
        for token in set(run_tokens(found)) | set(run_pairs(found)):
            weights[token] = weights.get(token, 0.0) + FIELD_BONUS[name]
    for name in [doc.title, *doc.exact]:
        key = exact_key(name)
        if len(key) > 1:
            weights[key] = EXACT_WEIGHT
    return weights


def build_search_files(docs: list[Doc], buckets: int | None = None) -> dict[str, str]:
    """{site-relative path: JSON text} for the whole index."""
    # About a shard a page, so few other keys share a query's shards; at most 8,192 files (16,384 would save
    # ひきこもり another ~8 KB at 18,000 pages, for twice the files to write and upload)
    buckets = buckets or max(64, min(8192, len(docs)))
    body_runs = [runs(doc.body) for doc in docs]  # each page's text normalised once, for its tokens and pairs
    bodies = [Counter(run_tokens(found)) for found in body_runs]
    avg_len = sum(sum(body.values()) for body in bodies) / max(1, len(docs)) or 1.0
    postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for doc_id, (doc, body, found) in enumerate(zip(docs, bodies, body_runs)):
        for token, weight in _weights(doc, body, run_pairs(found), avg_len).items():
            postings[token].append((doc_id, max(1, round(weight * 10))))
    encoded = {token: encode_postings(found) for token, found in postings.items()}

    # Prefix keys: the tokens a prefix covers, merged (a page's best weight among them)
    covered: dict[str, list[str]] = defaultdict(list)
    for token in postings:
        for key in _prefixes(token):
            covered[key].append(token)
    for key, group in covered.items():
        if len(group) == 1:
            encoded[key] = encoded[group[0]]
            continue
        best: dict[int, int] = {}
        for token in group:
            for doc_id, weight in postings[token]:
                if best.get(doc_id, 0) < weight:
                    best[doc_id] = weight
        encoded[key] = encode_postings(sorted(best.items()))

    shards: dict[int, dict[str, list[int]]] = defaultdict(dict)
    for key in sorted(encoded):
        shards[bucket(key, buckets)][key] = encoded[key]
    meta = {
        "version": VERSION,
        "pages": len(docs),
        "buckets": buckets,
        "gather": _ranges([n for n, doc in enumerate(docs) if doc.gathers]),
    }
    files = {f"{SEARCH_DIR}/meta.json": _json(meta)}
    for number, shard in shards.items():
        files[f"{SEARCH_DIR}/t/{number}.json"] = _json(shard)
    for doc_id, doc in enumerate(docs):
        files[f"{SEARCH_DIR}/d/{doc_id}.json"] = _json(
            {
                "url": doc.url,
                "title": doc.title,
                "kind": doc.kind,
                "town": doc.town,
                "text": unicodedata.normalize("NFKC", doc.body)[:SNIPPET_CHARS],
            }
        )
    return files


def _ranges(ids: list[int]) -> list[list[int]]:
    """[3, 4, 5, 9] → [[3, 5], [9, 9]]: the town pages are one run of ids, however many towns."""
    out: list[list[int]] = []
    for n in ids:
        if out and out[-1][1] == n - 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return out


# Postings: for each page, its id's distance from the previous one, then its weight, as one flat JSON list
# ([gap, weight, gap, weight, …]): small numbers, so few digits. Index version 3 wrote them as base-45 text:
# it saved at most 1 KB of a first search's ~110 KB after gzip (1× and 4,000 listings, 2026-11-30), for a
# number format written twice (here and in search.js); on disk these lists are about twice as large.
def encode_postings(found: list[tuple[int, int]]) -> list[int]:
    """[(page id, weight), ...] in page order → [gap, weight, ...] (search.js's postings() decodes it)."""
    out, previous = [], 0
    for doc_id, weight in found:
        out += [doc_id - previous, weight]
        previous = doc_id
    return out


def decode_postings(numbers: list[int]) -> dict[int, int]:
    """[gap, weight, ...] → {page id: weight}."""
    out, doc_id = {}, 0
    for i in range(0, len(numbers), 2):
        doc_id += numbers[i]
        out[doc_id] = numbers[i + 1]
    return out


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def search_files(index: Index, pages: dict[str, str], docs_dir: Path, site_url: str) -> dict[str, str]:
    """Everything search needs, as files to publish beside the pages: the index and OpenSearch."""
    files = build_search_files(collect_docs(index, pages, docs_dir))
    files["opensearch.xml"] = opensearch_xml(index.registry.site.title, site_url)
    # The 404 page is the theme's, not generated: its town finder reads the towns from here (same host).
    files[f"{SEARCH_DIR}/towns.json"] = _json(town_choices(index.registry))
    return files


def town_choices(reg) -> list[dict[str, str]]:
    """The town finder's towns (search.js); it makes a town's address from `urls.ROUTES["town"]`, which the
    finder's box carries as `data-route`."""
    return [{"code": t.code, "name": t.name, "kana": t.kana, "romaji": t.romaji} for t in reg.municipalities.values()]


# ---------------------------------------------------------------- the same ranking, for tests and benchmarks


def query_terms(query: str, apart: bool = False) -> list[tuple[str, bool]]:
    """(token, is_prefix) pairs: one or two CJK characters and the last Latin word match as prefixes; longer
    CJK runs are their overlapping triples, or with `apart` their pairs, found anywhere on the page."""
    query_runs = runs(query)
    terms: list[tuple[str, bool]] = []
    for i, run in enumerate(query_runs):
        last = i == len(query_runs) - 1
        if _is_cjk(run):
            size = 2 if apart else 3
            terms += (
                [(run, True)]
                if len(run) < size
                else [(run[j : j + 2], True) if apart else (run[j : j + 3], False) for j in range(len(run) - size + 1)]
            )
        else:
            words = [w for w in re.split(r"[._@'-]", run) if w]
            terms += [(w, last and k == len(words) - 1) for k, w in enumerate(words)]
    return list(dict.fromkeys(terms))


def rank(load: Callable[[str], dict], query: str) -> tuple[list[int], bool]:
    """search.js's rank(): (page ids best first, partial). `load(path)` reads a file under search/ ({}
    when it is missing). Pages holding the query's characters in order come first; when there are none,
    the pages holding all its pairs of characters anywhere, or else some of them, are `partial`."""
    terms, exact = query_terms(query), exact_key(query)
    if not terms:
        return [], False
    meta = load("meta.json")
    if meta.get("version") != VERSION:
        raise ValueError(f"search index version {meta.get('version')}, not {VERSION}")
    results, partial = _score(load, meta, terms, exact)
    wider = query_terms(query, apart=True)
    if partial or (not results and wider != terms):  # the phrase is on no page: its pieces, labelled partial
        results, partial = (_score(load, meta, wider, exact)[0] if wider != terms else results), True
    return _gathered_last(results, meta.get("gather", [])), partial and bool(results)


def _gathered_last(results: list[int], gather: list[list[int]]) -> list[int]:
    """Pages that gather listings beyond the first GATHER_ON_TOP go after all the others (order kept)."""

    def gathers(doc: int) -> bool:
        return any(first <= doc <= last for first, last in gather)

    kept, later, seen = [], [], 0
    for doc in results:
        if gathers(doc):
            seen += 1
            if seen > GATHER_ON_TOP:
                later.append(doc)
                continue
        kept.append(doc)
    return kept + later


def _score(
    load: Callable[[str], dict], meta: dict, terms: list[tuple[str, bool]], exact: str
) -> tuple[list[int], bool]:
    """(page ids best first, partial) for these terms: BM25-like sum; pages holding every term, or else any."""
    keys = [term_key(token, prefix) for token, prefix in terms] + ([exact] if len(exact) > 1 else [])
    shards = {b: load(f"t/{b}.json") for b in dict.fromkeys(bucket(key, meta["buckets"]) for key in keys)}
    found = {key: decode_postings(shards[bucket(key, meta["buckets"])].get(key, [])) for key in keys}
    total: dict[int, float] = {}
    hits: Counter = Counter()
    for key in keys[: len(terms)]:
        df = len(found[key])
        idf = math.log(1 + (meta["pages"] - df + 0.5) / (df + 0.5))
        for doc, weight in found[key].items():
            total[doc] = total.get(doc, 0) + idf * weight / 10
            hits[doc] += 1
    every = [doc for doc in total if hits[doc] == len(terms)]
    if len(exact) > 1:
        for doc, bonus in found[exact].items():
            if doc in total:
                total[doc] += bonus
    chosen = sorted(every or total, key=lambda doc: (-total[doc], doc))
    return chosen, not every and bool(total)


def opensearch_xml(site_title: str, site_url: str) -> str:
    """OpenSearch description, so a browser's own site search can use /search/#q=… (the words stay in the
    browser: nothing after "#" is sent; /search/?q=… still works for browsers that installed it before)."""
    base = site_url.rstrip("/") + "/"
    esc = lambda s: html.escape(s, quote=True)  # noqa: E731
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">\n'
        f"  <ShortName>{esc(site_title[:16])}</ShortName>\n"
        f"  <Description>{esc(site_title)}の中をさがす</Description>\n"
        "  <InputEncoding>UTF-8</InputEncoding>\n"
        "  <Language>ja</Language>\n"
        f'  <Url type="text/html" method="get" template="{esc(base)}search/#q={{searchTerms}}"/>\n'
        f'  <Url type="application/opensearchdescription+xml" rel="self" template="{esc(base)}opensearch.xml"/>\n'
        "</OpenSearchDescription>\n"
    )
