"""Stage 5b — search: a sharded full-text index of every page, built from the generator's own output.

Japanese has no spaces, and the ready-made static engines segment it differently at index time and
at query time (issue #3). Here both sides use the same two small functions, written twice — here
in Python and in `docs/assets/javascripts/search.js` — and pinned to agree by tests:

- `normalise()`: NFKC (full/half width), lower case, katakana → hiragana, and the common variants
  (引き籠もり/引きこもり → ひきこもり, 家族の会 → 家族会, 子供/子ども → こども).
- `tokens()`: CJK runs become overlapping bigrams (a single character stays whole), Latin and digit
  runs become whole words. Names (titles, town names and readings) also get an exact token `=name`.

The index is split into shards by the first character of a token (`codepoint % buckets`), so a
query only fetches the shards of its own tokens, and nothing is fetched before the first keystroke.
A one-character query reads one shard and matches every token that starts with it (prefix search).
Each result's title, kind, town and text for the snippet live in their own small file, fetched only
for the results that are shown.

Files (all under `search/`): `meta.json` (version, page count, bucket count), `t/<bucket>.json`
({token: [doc, weight, doc, weight, ...]} with doc ids delta-encoded) and `d/<doc>.json`.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .index import KIND_LABELS, Index
from .render import METHOD_JA, page_url

SEARCH_DIR = "search"
SNIPPET_CHARS = 800   # text kept per page for snippets; the index itself covers the whole page
FIELD_BONUS = {"title": 3.0, "names": 2.0}  # added to a body weight of at most K1 + 1 = 2.2
EXACT_WEIGHT = 40.0   # `=name` tokens: typing a town's whole name (or reading) puts its page first
K1, B = 1.2, 0.75     # BM25 constants

# ---------------------------------------------------------------- normalisation (mirrored in search.js)

_VARIANTS = [
    # 引きこもり・引き籠もり・引籠り・ひきこもり (and ひきこもる…) → ひきこも…
    (re.compile(r"(?:引き?|ひき)(?:籠も?|篭も?|こも)"), "ひきこも"),
    (re.compile(r"家族の会"), "家族会"),
    (re.compile(r"子供|子ども"), "こども"),
    (re.compile(r"[ゖヶケけ](?=[\u4e00-\u9fff])"), "け"),  # 駒ヶ根・駒ケ根 (after katakana folding)
]
# ASCII capitals → small letters, katakana → hiragana: one character for one, as search.js's foldChars
_FOLD = str.maketrans({**{chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)},
                       **{chr(c): chr(c - 0x60) for c in range(0x30a1, 0x30f7)}})
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


def tokens(text: str) -> list[str]:
    """Bigrams for CJK runs (one character stays whole), whole words for Latin and digits."""
    out: list[str] = []
    for run in _RUN.findall(normalise(text)):
        if _is_cjk(run):
            out.extend([run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)])
        else:
            out.extend(w for w in re.split(r"[._@'-]", run) if w)
    return out


def exact_key(text: str) -> str:
    """`=name`: the whole name, normalised, without spaces or punctuation."""
    return "=" + "".join(_RUN.findall(normalise(text)))


def bucket(token: str, buckets: int) -> int:
    """Shard of a token: by its first character, so a prefix query needs one shard."""
    return ord(token.lstrip("=")[0]) % buckets


# ---------------------------------------------------------------- documents

@dataclass
class Doc:
    url: str              # site-relative, directory style ("windows/foo/")
    title: str
    kind: str             # 相談窓口・居場所・家族会・親の会・市町村・地域・メッセージ・案内
    town: str = ""
    body: str = ""
    names: list[str] = field(default_factory=list)  # readings, town names, methods: searchable, not shown
    exact: list[str] = field(default_factory=list)  # the page's own names: typing one whole puts it first


_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)


def page_text(markdown: str) -> str:
    """Visible text of a generated or hand-written Markdown page (tags, attributes and syntax removed)."""
    text = _FRONT_MATTER.sub("", markdown)
    text = re.sub(r"\{#[^}]*\}|\{:[^}]*\}", "", text)                 # heading ids, attr_list
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)            # Markdown links keep their text
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
    entries = {f"{e.kind}/{e.id}.md": e for e in index.all_entries}
    towns = {f"municipalities/{code}.md": view.town for code, view in index.towns.items()}
    regions = {f"regions/{r.id}.md": r for r in reg.regions.values()}
    sources = dict(pages)
    if docs_dir is not None and docs_dir.is_dir():
        for path in sorted(docs_dir.rglob("*.md")):
            sources.setdefault(path.relative_to(docs_dir).as_posix(), path.read_text(encoding="utf-8"))

    docs = []
    for path, markdown in sorted(sources.items()):
        if not path.endswith(".md") or path == "search.md" or excluded_from_search(markdown):
            continue
        doc = Doc(url=page_url(path), title=page_title(markdown) or path, kind="案内", body=page_text(markdown))
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
        elif path.endswith("/index.md") and path.split("/")[0] in KIND_LABELS:
            doc.kind = "一覧"
        docs.append(doc)
    return docs


def _without_suffix(name: str) -> str:
    """飯島町 → 飯島, いいじままち → いいじま: what people type for a town."""
    return re.sub(r"(?:市|町|村|し|まち|ちょう|むら|そん)$", "", name)


# ---------------------------------------------------------------- index files

def _weights(doc: Doc, body: Counter, avg_len: float) -> dict[str, float]:
    """Token → weight for one page: BM25 over the body, plus a fixed bonus for a hit in the title or
    in the page's names (saturating them together would let a long page's body drown a short title)."""
    norm = K1 * (1 - B + B * sum(body.values()) / avg_len)
    weights = {token: tf * (K1 + 1) / (tf + norm) for token, tf in body.items()}
    for name, text in (("title", doc.title), ("names", " ".join(doc.names))):
        for token in set(tokens(text)):
            weights[token] = weights.get(token, 0.0) + FIELD_BONUS[name]
    for name in [doc.title, *doc.exact]:
        key = exact_key(name)
        if len(key) > 1:
            weights[key] = EXACT_WEIGHT
    return weights


def build_search_files(docs: list[Doc], buckets: int | None = None) -> dict[str, str]:
    """{site-relative path: JSON text} for the whole index."""
    buckets = buckets or max(64, min(1024, len(docs) // 4))
    bodies = [Counter(tokens(doc.body)) for doc in docs]
    avg_len = sum(sum(body.values()) for body in bodies) / max(1, len(docs)) or 1.0
    postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for doc_id, (doc, body) in enumerate(zip(docs, bodies)):
        for token, weight in _weights(doc, body, avg_len).items():
            postings[token].append((doc_id, max(1, round(weight * 10))))

    shards: dict[int, dict[str, list[int]]] = defaultdict(dict)
    for token in sorted(postings):
        flat, previous = [], 0
        for doc_id, weight in postings[token]:
            flat += [doc_id - previous, weight]
            previous = doc_id
        shards[bucket(token, buckets)][token] = flat

    files = {f"{SEARCH_DIR}/meta.json": _json({"version": 1, "pages": len(docs), "buckets": buckets})}
    for number, shard in shards.items():
        files[f"{SEARCH_DIR}/t/{number}.json"] = _json(shard)
    for doc_id, doc in enumerate(docs):
        files[f"{SEARCH_DIR}/d/{doc_id}.json"] = _json(
            {"url": doc.url, "title": doc.title, "kind": doc.kind, "town": doc.town,
             "text": unicodedata.normalize("NFKC", doc.body)[:SNIPPET_CHARS]})
    return files


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def search_files(index: Index, pages: dict[str, str], docs_dir: Path, site_url: str) -> dict[str, str]:
    """Everything search needs, as files to publish beside the pages: the index and OpenSearch."""
    files = build_search_files(collect_docs(index, pages, docs_dir))
    files["opensearch.xml"] = opensearch_xml(index.registry.site.title, site_url)
    return files


# ---------------------------------------------------------------- the same ranking, for tests and benchmarks

def query_terms(query: str) -> list[tuple[str, bool]]:
    """(token, is_prefix) pairs: a lone CJK character and the last Latin word match as prefixes."""
    runs = _RUN.findall(normalise(query))
    terms: list[tuple[str, bool]] = []
    for i, run in enumerate(runs):
        last = i == len(runs) - 1
        if _is_cjk(run):
            terms += [(run, True)] if len(run) == 1 else [(run[j:j + 2], False) for j in range(len(run) - 1)]
        else:
            words = [w for w in re.split(r"[._@'-]", run) if w]
            terms += [(w, last and k == len(words) - 1) for k, w in enumerate(words)]
    return list(dict.fromkeys(terms))


def opensearch_xml(site_title: str, site_url: str) -> str:
    """OpenSearch description, so a browser's own site search can use /search/?q=…"""
    base = site_url.rstrip("/") + "/"
    esc = lambda s: html.escape(s, quote=True)  # noqa: E731
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">\n'
        f"  <ShortName>{esc(site_title[:16])}</ShortName>\n"
        f"  <Description>{esc(site_title)}の中をさがす</Description>\n"
        "  <InputEncoding>UTF-8</InputEncoding>\n"
        "  <Language>ja</Language>\n"
        f'  <Url type="text/html" method="get" template="{esc(base)}search/?q={{searchTerms}}"/>\n'
        f'  <Url type="application/opensearchdescription+xml" rel="self" template="{esc(base)}opensearch.xml"/>\n'
        "</OpenSearchDescription>\n")
