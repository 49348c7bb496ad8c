"""Stage 5 — render: ordinary Markdown page files from the index, through Jinja2 templates.

`plan_pages()` lists every page (path, template, context) before any is rendered; `render_pages()`
returns {docs-relative path: Markdown text}. The MkDocs hook adds them to the build as generated
files (rendered on the other core while MkDocs reads them, `PagePlan.render_each`); `python -m
generator pages DIR` writes them to a folder, so any engine that reads Markdown (MkDocs today, its
successor tomorrow) can build the same site.

Escaping: every template is autoescaped; data that lands in Markdown context (headings) goes
through the `md` filter, which also entity-encodes Markdown punctuation so data cannot add links,
emphasis or HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import phonenumbers
from jinja2 import BytecodeCache, Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from ..contribute.reminders import FREQUENT_MONTHS, due_groups, facts
from ..contribute.reminders import MONTHS as REMIND_MONTHS
from ..contribute.verify import verify_links
from ..registry import urls, yasashii
from ..registry.checks import STALE_JA, STALE_MONTHS_JA
from ..registry.finder import result_url
from ..registry.index import Entry, Index, region_calendar_path
from ..registry.kinds import BY_FOLDER, FOLDERS, KINDS, NEARBY, shorts
from ..registry.models import PhoneContact, SourceRef
from ..registry.vocab import (
    ACCEPTS_JA,
    ANONYMOUS_JA,
    AUDIENCE_JA,
    FAMILY_ONLY_JA,
    FLAG_JA,
    FORMAT_JA,
    LEVEL_JA,
    METHOD_JA,
    OPERATOR_JA,
    RESERVATION_JA,
    age_ja,
    cost_ja,
    date_ja,
    month_ja,
    months_ja,
    months_since,
    slot_ja,
)
from .changes import FEED_LIMIT, VERB_JA, all_events, freshness
from .contribute_pages import contribute_files
from .filters import CONDITION_JA, TIME_JA, card_data, search_shortcuts
from .filters import count as filter_count
from .filters import fits as filter_fits
from .filters import wider as filter_wider
from .flyers import PHONES_PER_ROW, flyer_makers, no_phone_ways, opening_slots
from .jsonld import listing_jsonld, script_tag
from .maps import template_globals as map_globals
from .opening import ASK_HOURS_JA, CALENDAR_JS, calendar_js, hours_attr
from .packs import pack_entries, pack_files, sheet_name
from .search import town_choices

TEMPLATES = Path(__file__).parent / "templates"

# ---------------------------------------------------------------- formatting helpers


def md(text: object) -> Markup:
    """Escape for Markdown context: HTML-escape, then entity-encode Markdown punctuation."""
    # An apostrophe is plain text in Markdown and HTML; html.escape(quote=True) would make it `&#x27;`, whose
    # `#` the next step encodes again, so the page showed "&#x27;" (issue 17).
    escaped = html.escape(str(text), quote=False).replace('"', "&quot;")
    return Markup(re.sub(r"[\\`*_{}\[\]()#+\-.!|~>:^=]", lambda m: f"&#{ord(m.group())};", escaped))


def paragraphs(text: str) -> Markup:
    """Plain text with blank-line paragraphs → escaped <p> elements."""
    parts = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return Markup("".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in parts))


def tel_uri(phone: PhoneContact | str) -> str:
    number, extension = (phone, None) if isinstance(phone, str) else (phone.number, phone.extension)
    uri = phonenumbers.format_number(phonenumbers.parse(number, "JP"), phonenumbers.PhoneNumberFormat.RFC3966)
    return uri + (f";ext={extension}" if extension else "")


def no_phone_words(entries: Iterable[Entry]) -> str:
    """「チャット、LINE、メール」: the ways without a call that these listings really offer (flyers.no_phone_ways)."""
    words = dict.fromkeys(label for entry in entries for label, _value in no_phone_ways(entry))
    return "、".join(words) or "電話以外の方法"


def via_credit(source: SourceRef) -> str | None:
    """「くらし支援ナビ（運営: JUNKBRANDING）経由、CC BY 4.0」: the credit a compilation's licence asks for."""
    if source.via is None:
        return None
    return f"{source.via.name} のデータ経由" + (f"、{source.via.license}" if source.via.license else "")


class _MemoryBytecodeCache(BytecodeCache):
    """Compiled templates shared by every environment of this process (serve rebuilds, tests).

    Keys include a checksum of the template source, so an edited template is compiled again.
    """

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if (code := self._store.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


_BYTECODE = _MemoryBytecodeCache()


def environment(index: Index, site_url: str = "") -> Environment:
    # Comments are {## ##}: Markdown heading ids `{#id}` would otherwise open a Jinja comment.
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        bytecode_cache=_BYTECODE,
        comment_start_string="{##",
        comment_end_string="##}",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        md=md,
        paragraphs=paragraphs,
        slot_ja=slot_ja,
        tel_uri=tel_uri,
        date_ja=date_ja,
        month_ja=month_ja,
        via_credit=via_credit,
        cost_ja=cost_ja,
        card_data=card_data,
        shorts=shorts,  # 相談窓口・居場所・家族会
    )
    site = index.registry.site
    hours: dict[tuple[str, str], str] = {}  # a card appears on many pages; its hours data is made once

    def hours_of(entry) -> str:
        key = (entry.kind, entry.id)
        if key not in hours:
            schedule = entry.listing.schedule
            hours[key] = hours_attr(entry.slots, schedule)
        return hours[key]

    env.filters["hours"] = hours_of
    # list pages show a filter option only when some listing there matches it (generator/site/filters.py)
    env.tests.update(
        {
            f"{name}_used": (lambda value, entries, name=name: filter_count(entries, name, value) > 0)
            for name in ("method", "flag", "audience")
        }
    )
    env.globals.update(search_shortcuts=lambda: search_shortcuts(index.entries))
    env.globals.update(
        site=site,
        index=index,
        reg=index.registry,
        today=index.today,
        urls=urls,
        town_choices=town_choices,
        METHOD_JA=METHOD_JA,
        AUDIENCE_JA=AUDIENCE_JA,
        LEVEL_JA=LEVEL_JA,
        ACCEPTS_JA=ACCEPTS_JA,
        RESERVATION_JA=RESERVATION_JA,
        OPERATOR_JA=OPERATOR_JA,
        FORMAT_JA=FORMAT_JA,
        FLAG_JA=FLAG_JA,
        KINDS=KINDS,
        # a list page with its filters preset: list_url("windows", town=code, flag="nophone") (finder.result_url)
        list_url=lambda kind, **preset: result_url(kind, tuple((k, v) for k, v in preset.items() if v)),
        NEARBY=NEARBY,  # the kinds a town page shows nearest first
        see_also=lambda kind: getattr(site, kind.see_also) if kind.see_also else [],  # the kind's links elsewhere
        KIND=BY_FOLDER,
        FOLDERS=FOLDERS,
        ANONYMOUS_JA=ANONYMOUS_JA,
        FAMILY_ONLY_JA=FAMILY_ONLY_JA,
        no_phone_words=no_phone_words,
        CONDITION_JA=CONDITION_JA,
        TIME_JA=TIME_JA,
        ASK_HOURS_JA=ASK_HOURS_JA,
        STALE_JA=STALE_JA,
        STALE_MONTHS_JA=STALE_MONTHS_JA,
        REMIND_MONTHS_JA=months_ja(REMIND_MONTHS),
        FREQUENT_MONTHS_JA=months_ja(FREQUENT_MONTHS),  # chat, LINE and night lines are asked more often
        checked_ago=lambda entry: age_ja(months_since(entry.listing.checked_on, index.today)),  # 「15か月」「3年」
        edit_url=lambda kind, id_: f"{site.repository}/edit/{site.branch}/data/{kind}/{id_}.yml",
        jsonld=lambda entry: script_tag(listing_jsonld(entry, site_url, index.registry)),
        region_calendar_path=region_calendar_path,
        page_link=lambda url: site_url.rstrip("/") + "/" + url if site_url else "",  # absolute, for 「LINEで送る」
        verify_links=lambda entry: verify_links(site, entry.kind, entry.listing, f"{site_url}{entry.url}"),
        freshness=lambda: freshness(index),
        reminder_groups=lambda: due_groups(index, index.today),
        change_events=lambda: all_events(index)[:FEED_LIMIT],
        VERB_JA=VERB_JA,
        pack_facts=lambda entry: [line[2:] for line in facts(entry, date_ja)],
    )
    env.globals.update(map_globals(index))
    env.globals.update(
        YASASHII=yasashii.switch_map(list(index.registry.municipalities)) if index.registry.yasashii else {}
    )
    return env


Job = tuple[str, str | None, Callable[[], dict]]  # docs path, template (None: the text as is), its context


@dataclass
class PagePlan:
    """Every page of the site, listed before any is rendered, in the order they are rendered and read."""

    env: Environment
    jobs: list[Job]

    @property
    def paths(self) -> list[str]:
        return [path for path, _, _ in self.jobs]

    def add_texts(self, texts: dict[str, str]) -> None:
        self.jobs += [(path, None, lambda text=text: {"text": text}) for path, text in texts.items()]

    def render(self, job: Job) -> str | bytes:
        path, template, context = job
        if template is None:
            return context()["text"]
        return self.env.get_template(template).render(root="../" * urls.depth(path), path=path, **context())

    def render_each(self) -> Iterator[tuple[str, str | bytes]]:
        """(path, text) one page after another, here."""
        for job in self.jobs:
            yield job[0], self.render(job)

    def render_all(self) -> dict[str, str | bytes]:
        """Every page, here."""
        return dict(self.render_each())


def plan_pages(index: Index, site_url: str = "") -> PagePlan:
    """`site_url` (absolute, ending in /) makes the JSON-LD's URLs absolute; without it they are left out.

    A page's context may be a function, so that costly parts (a flyer's QR code) are made where the page
    is rendered."""
    env = environment(index, site_url)
    reg = index.registry
    jobs: list[Job] = []

    def page(path: str, template: str, **context) -> None:
        jobs.append((path, template, lambda: context))

    page("index.md", "home.md.j2")
    for audience, path in (("person", "person.md"), ("family", "family.md"), ("supporter", "supporters.md")):
        page(path, "door.md.j2", audience=audience)
    page(urls.towns() + "index.md", "municipalities.md.j2")
    for code, view in index.towns.items():
        page(urls.page_path(urls.town(code)), "town.md.j2", view=view)
    page(urls.regions() + "index.md", "regions.md.j2")
    for region in reg.regions.values():
        page(urls.page_path(urls.region(region.id)), "region.md.j2", region=region)
    for kind in FOLDERS:
        page(urls.kind_list(kind) + "index.md", "list.md.j2", kind=kind, entries=index.entries[kind])
        for entry in index.entries[kind]:
            page(urls.page_path(entry.url), "listing.md.j2", entry=entry, listing=entry.listing, kind=kind)
    for entry in index.closed:
        page(urls.page_path(entry.url), "listing.md.j2", entry=entry, listing=entry.listing, kind=entry.kind)
    for path, make in contribute_files(env).items():  # the same environment: built once
        jobs.append((path, None, lambda make=make: {"text": make()}))
    page("about.md", "about.md.j2")  # with the contact from data/site.yml
    page("consulting.md", "consulting.md.j2")  # with the night and holiday lines from the data
    page("contribute.md", "contribute.md.j2")
    page("messages/index.md", "messages.md.j2")
    page("status/index.md", "status.md.j2")
    page("changes/index.md", "changes.md.j2")
    # Verification packs: a printable 確認票 and a pre-filled sheet per town, for its staff (out of search)
    for code, town in reg.municipalities.items():
        page(
            urls.page_path(urls.town_pack(code)),
            "town_pack.md.j2",
            town=town,
            entries=pack_entries(index, code),
            sheet=sheet_name(code),
            site_url=site_url,
        )
    for path, make in pack_files(index, site_url).items():
        jobs.append((path, None, lambda make=make: {"text": make()}))
    page("map/index.md", "map.md.j2")
    page("search.md", "search.md.j2")
    jobs.append((CALENDAR_JS, None, lambda: {"text": calendar_js(index.today)}))  # 「いま受付中」's holidays
    if reg.finder is not None:  # 「どこに相談したらいい？」: one page per step (generator/registry/finder.py)
        steps = reg.finder.steps(list(reg.municipalities))
        results = [r for step in steps for r in step.results]
        for step in steps:
            page(step.path, "finder.md.j2", step=step, finder=reg.finder.file)
        for result in results:
            page(result.path, "finder_result.md.j2", finder=reg.finder.file, **finder_result(index, result, results))
    if reg.yasashii is not None:  # やさしい日本語 pages (generator/registry/yasashii.py)
        yasashii.plan(page, index)
    # Flyers: one A4 sheet per town and per region (generator/site/flyers.py decides what fits)
    page(urls.flyers() + "index.md", "flyers.md.j2")
    for path, make_flyer in flyer_makers(index, slot_ja, site_url):
        jobs.append(
            (
                path,
                "flyer.md.j2",
                lambda make=make_flyer: {
                    "flyer": make(),
                    "no_phone_ways": no_phone_ways,
                    "opening_slots": opening_slots,
                    "PHONES_PER_ROW": PHONES_PER_ROW,
                },
            )
        )
    return PagePlan(env, jobs)


FILTER_JA = {"method": METHOD_JA, "audience": AUDIENCE_JA, "flag": CONDITION_JA | TIME_JA}


def finder_result(index: Index, result, results: list) -> dict:
    """A finder result page's cards, decided here by hub.js's rules (filters.fits), so that it needs no script.
    Nothing fits: the wider results hub.js would offer, each a finder result page when one has those choices
    (static), else the list with them preset."""
    entries = index.entries.get(result.list, [])
    matching = [e for e in entries if filter_fits(e, result.filters)]
    pages = {(r.list, frozenset(r.filters)): r.url for r in results}
    offers = []
    for (name, value), n in [] if matching else filter_wider(entries, result.filters):
        rest = tuple(f for f in result.filters if f != (name, value))
        offers.append(
            {
                "label": FILTER_JA[name].get(value, value),
                "count": n,
                "href": pages.get((result.list, frozenset(rest)), result_url(result.list, rest)),
            }
        )
    return {"result": result, "entries": matching, "wider": offers}


def render_pages(index: Index, site_url: str = "") -> dict[str, str | bytes]:
    return plan_pages(index, site_url).render_all()


def write_pages(pages: dict[str, str], out: Path) -> Iterable[Path]:
    for rel, text in pages.items():
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):  # downloads such as the blank .xlsx template
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")
        yield target
