"""「どこに相談したらいい？」 — a static guided finder (issue #19), from `data/finder.yml`.

The tree is data so that staff can change the questions: each question has options; an option sets
list filters (the same URL parameters the list pages read: `?method=phone&flag=nophone&audience=family`)
and leads to another question, or ends. Every step is its own page, `/finder/<slug>/<slug>/…/`, so
each is a plain link: it works without JavaScript, the back button works and every result can be shared.
An option that ends has its own result page too (`/finder/…/<slug>/`): the matching cards, decided at
build by generator/site/filters.py with hub.js's rules, so a visitor without JavaScript sees the same result;
it links to the list with the same filters preset (`windows/?method=phone#list`) to change them. A `towns`
question lists every town: choosing one ends at that town's page, at the section that answers the list
(a page per town and way through would be thousands of pages); the town page is static and complete.
Nothing identifying is asked; the choices live only in the page address.

Validation (`load_finder`) refuses, with file:line, a dead end (a way through that ends without a list),
a loop, an unknown filter, list or question, and a question without a 「まだ決めなくていい」 way out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import get_args
from urllib.parse import urlencode

from pydantic import Field

from . import urls
from .kinds import BY_FOLDER, FOLDERS, Folder
from .load import Document
from .models import SLUG, Method, Strict
from .problems import Problem

FINDER_FILE = Path("data") / "finder.yml"
# The list pages' filters the finder may preset (generator/site/filters.py decides what each means; a test keeps the
# flags here among its FLAGS, which this stage cannot import).
FILTERS = {
    "method": get_args(Method),
    "flag": ("nophone", "anonymous", "family-only", "free", "weekday", "evening", "weekend"),
    "audience": ("person", "family", "supporter"),
}
LATER = "まだ決めなくていい"


class Option(Strict):
    slug: str = Field(pattern=SLUG, description="この選択のページの住所 (英小文字・数字・-)")
    label: str = Field(min_length=1, description="ボタンのことば")
    hint: str | None = Field(default=None, description="ボタンの下の小さな説明")
    later: bool = Field(default=False, description="「まだ決めなくていい」の選択肢なら true")
    shows: Folder | None = Field(default=None, description=f"行き先の一覧 ({' / '.join(FOLDERS)})")
    filters: dict[str, list[str]] = Field(
        default_factory=dict, description="一覧のしぼりこみ (method / flag / audience)"
    )
    next: str | None = Field(default=None, description="次の質問の id (書かなければ、ここで一覧へ)")


class Question(Strict):
    id: str = Field(pattern=SLUG)
    question: str = Field(min_length=1)
    note: str | None = None
    towns: bool = Field(default=False, description="true なら、市町村の一覧を選択肢として出します")
    options: list[Option] = Field(min_length=1)


class FinderFile(Strict):
    title: str
    lead: str
    start: str
    questions: list[Question] = Field(min_length=1)


@dataclass(frozen=True)
class Choice:
    """One option as shown on a step page: where the link goes."""

    label: str
    hint: str | None
    later: bool
    href: str  # site-relative: finder/…/ (a next question or a result)


def _page_path(slugs: tuple[str, ...]) -> str:
    """The docs path of a finder page (a step or a result) reached by `slugs`."""
    return "/".join(("finder", *slugs, "index.md"))


def _page_url(slugs: tuple[str, ...]) -> str:
    return urls.page_url(_page_path(slugs))


class _AtSlugs:
    """A finder page's file and address, from the `slugs` of the choices that lead to it."""

    @property
    def path(self) -> str:
        return _page_path(self.slugs)

    @property
    def url(self) -> str:
        return _page_url(self.slugs)


@dataclass(frozen=True)
class Result(_AtSlugs):
    """The page an option that ends leads to: the list and filters chosen on the way."""

    slugs: tuple[str, ...]
    chosen: tuple[str, ...]  # the labels chosen, the last one included
    list: str
    filters: tuple[tuple[str, str], ...]  # duplicates dropped, order kept

    @property
    def list_url(self) -> str:
        """The same result on the list page, whose filters can be changed (a shareable address)."""
        return result_url(self.list, self.filters)


@dataclass
class Step(_AtSlugs):
    """One page of the finder: the question reached by `slugs`, and what was chosen on the way."""

    slugs: tuple[str, ...]
    question: Question
    chosen: tuple[str, ...]  # the labels chosen so far, in order
    list: str | None
    filters: tuple[tuple[str, str], ...]
    choices: tuple[Choice, ...] = ()
    towns: dict[str, str] = field(default_factory=dict)  # town code → its result (a `towns` question only)
    results: tuple[Result, ...] = ()  # the result pages of this step's options that end


@dataclass
class Finder:
    file: FinderFile
    questions: dict[str, Question] = field(default_factory=dict)

    def steps(self, town_codes: list[str]) -> list[Step]:
        """Every page of the tree, parents before children (the tree is checked to have no loop)."""
        out: list[Step] = []

        def walk(question: Question, slugs, chosen, list_, filters) -> None:
            choices, results = [], []
            towns = {code: town_url(code, list_, filters) for code in town_codes} if question.towns else {}
            after = []  # (option, where it leads): one computation serves this page and the walk below
            for option in question.options:
                new_filters = filters + tuple((k, v) for k, values in option.filters.items() for v in values)
                ahead = (slugs + (option.slug,), chosen + (option.label,), option.shows or list_, new_filters)
                if option.next:
                    after.append((option, ahead))
                else:
                    results.append(Result(*ahead[:3], tuple(dict.fromkeys(new_filters))))
                choices.append(Choice(option.label, option.hint, option.later, _page_url(ahead[0])))
            out.append(Step(slugs, question, chosen, list_, filters, tuple(choices), towns, tuple(results)))
            for option, ahead in after:
                walk(self.questions[option.next], *ahead)

        walk(self.questions[self.file.start], (), (), None, ())
        return out


def town_url(code: str, list_: str | None, filters: tuple[tuple[str, str], ...]) -> str:
    """A town's page, at the section that answers what was chosen (`urls.TOWN_SECTIONS`)."""
    if list_ in BY_FOLDER and BY_FOLDER[list_].nearby:
        section = list_
    elif ("flag", "nophone") in filters:
        section = "no_phone"
    else:
        section = "own"
    return urls.town_section(code, section)


def result_url(list_: str | None, filters: tuple[tuple[str, str], ...]) -> str:
    """The list page with its filters preset in the address; duplicates dropped, order kept."""
    seen = list(dict.fromkeys(filters))
    query = urlencode(seen)
    return urls.kind_list(list_) + (f"?{query}" if query else "") + "#list"


# ---------------------------------------------------------------- loading and checking


def load_finder(root: Path, problems: list[Problem]) -> Finder | None:
    """Read and check data/finder.yml; append every problem found. A missing file means no finder."""
    if not (root / FINDER_FILE).exists():
        return None
    from .validate import load_model

    loaded = load_model(root, FINDER_FILE, FinderFile, problems)
    if loaded is None:
        return None
    doc, file = loaded
    found = check_tree(doc, file)
    problems.extend(found)
    if any(p.severity == "error" for p in found):
        return None
    return Finder(file, {q.id: q for q in file.questions})


def check_tree(doc: Document, file: FinderFile) -> list[Problem]:
    out: list[Problem] = []

    def err(loc: tuple, code: str, field_: str, message: str) -> None:
        line, col = doc.position(loc)
        out.append(Problem.error(doc.path, line, col, code, field_, message))

    ids: dict[str, int] = {}
    for qi, q in enumerate(file.questions):
        where = f"questions[{qi}]"
        if q.id in ids:
            err(
                ("questions", qi, "id"),
                "duplicate-id",
                f"{where}.id",
                f"同じ id の質問がほかにもあります (duplicate question id): '{q.id}'",
            )
        ids.setdefault(q.id, qi)
        if not any(o.later for o in q.options):
            err(
                ("questions", qi, "options"),
                "finder-no-way-out",
                f"{where}.options",
                f"「{LATER}」の選択肢 (later: true) がありません (every question needs a way out that decides nothing)",
            )
        slugs = set()
        for oi, o in enumerate(q.options):
            owhere = f"{where}.options[{oi}]"
            if o.slug in slugs:
                err(
                    ("questions", qi, "options", oi, "slug"),
                    "duplicate-id",
                    f"{owhere}.slug",
                    f"同じ質問の中で slug が重なっています (duplicate slug): '{o.slug}'",
                )
            slugs.add(o.slug)
            for key, values in o.filters.items():
                if key not in FILTERS:
                    err(
                        ("questions", qi, "options", oi, "filters", key),
                        "finder-unknown-filter",
                        f"{owhere}.filters.{key}",
                        f"使えないしぼりこみです。使えるもの: {', '.join(FILTERS)} (unknown filter): '{key}'",
                    )
                    continue
                for vi, value in enumerate(values):
                    if value not in FILTERS[key]:
                        err(
                            ("questions", qi, "options", oi, "filters", key, vi),
                            "finder-unknown-filter",
                            f"{owhere}.filters.{key}[{vi}]",
                            f"使えない値です。使える値: {', '.join(FILTERS[key])} (unknown filter value): '{value}'",
                        )
    for qi, q in enumerate(file.questions):
        for oi, o in enumerate(q.options):
            if o.next is not None and o.next not in ids:
                err(
                    ("questions", qi, "options", oi, "next"),
                    "finder-unknown-target",
                    f"questions[{qi}].options[{oi}].next",
                    f"その id の質問はありません (no such question): '{o.next}'",
                )
    if file.start not in ids:
        err(
            ("start",),
            "finder-unknown-target",
            "start",
            f"その id の質問はありません (no such question): '{file.start}'",
        )
    if out:
        return out
    out += _walk_paths(doc, file, ids, err)
    return out


def _walk_paths(doc: Document, file: FinderFile, ids: dict[str, int], err) -> list[Problem]:
    """Follow every way through the tree: refuse loops, and ways that end without a list to show."""
    reported: set[tuple] = set()

    def once(loc: tuple, code: str, field_: str, message: str) -> None:
        if (loc, code) not in reported:
            reported.add((loc, code))
            err(loc, code, field_, message)

    def walk(qid: str, list_: str | None, trail: tuple[str, ...]) -> None:
        qi = ids[qid]
        q = file.questions[qi]
        if q.towns and list_ is None:
            once(
                ("questions", qi, "towns"),
                "finder-dead-end",
                f"questions[{qi}].towns",
                "市町村を選んだあとに表示する一覧 (shows) が、ここまでの選択で決まっていません "
                "(a towns question reached without a list to show)",
            )
        for oi, o in enumerate(q.options):
            loc = ("questions", qi, "options", oi)
            new_list = o.shows or list_
            if o.next is None:
                if new_list is None:
                    once(
                        loc,
                        "finder-dead-end",
                        f"questions[{qi}].options[{oi}]",
                        "行き止まりです: 次の質問 (next) も、表示する一覧 (shows) もありません "
                        "(a dead end: no next question and no list to show)",
                    )
            elif o.next in trail:
                once(
                    loc + ("next",),
                    "finder-loop",
                    f"questions[{qi}].options[{oi}].next",
                    f"質問がひとまわりして元に戻ります (a loop): {' → '.join((*trail, o.next))}",
                )
            else:
                walk(o.next, new_list, trail + (o.next,))

    walk(file.start, None, (file.start,))
    return []
