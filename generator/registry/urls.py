"""The one URL rule. Every page address the site prints, links to or encodes in a QR code is made here, site-relative
and without a leading slash (templates put `root` before it; feeds and open data put the site's URL before it).
These addresses are permanent (../PRODUCT.md: printed QR codes point at them): a change here needs a redirect.

Python calls the functions; templates use the same functions (render registers the module as the global `urls`:
`{{ root }}{{ urls.town(town.code) }}`; the MkDocs hook does the same for the theme's 404 page). JavaScript reads
the pattern it needs from the page's data (the town finder's `data-route` is `ROUTES["town"]`) or gets finished
addresses (search results, map points), so search.js and hub.js build no address by hand. tests/test_urls.py
finds any address spelt elsewhere.
"""

from __future__ import annotations

from .kinds import NEARBY

# name → pattern; the only place an address's shape is written
ROUTES = {
    "towns": "municipalities/",
    "regions": "regions/",
    "flyers": "flyers/",
    "list": "{kind}/",
    "listing": "{kind}/{id}/",
    "town": "municipalities/{code}/",
    "region": "regions/{id}/",
    "town_flyer": "flyers/{code}/",
    "region_flyer": "flyers/regions/{id}/",
    "town_pack": "contribute/towns/{code}/",
}

# The town page's sections: the index's name for one (TownView's `own`, `no_phone`…, a nearby kind's folder) → its
# anchor in the address (municipalities/<code>/#no-phone). As permanent as the addresses: the finder's answers,
# the やさしい日本語 page and printed links point at them. In the page's order.
TOWN_SECTIONS = {
    "town": "town",  # the page's title
    "own": "own",
    "no_phone": "no-phone",
    "crisis": "crisis",
    **{kind.folder: kind.folder for kind in NEARBY},
    "elsewhere": "elsewhere",
    "wide": "wide",
    "map": "map",
    "national": "national",
}


def towns() -> str:
    """The list of every town (市町村からさがす)."""
    return ROUTES["towns"]


def regions() -> str:
    return ROUTES["regions"]


def flyers() -> str:
    return ROUTES["flyers"]


def kind_list(kind: str) -> str:
    return ROUTES["list"].format(kind=kind)


def listing(kind: str, id: str) -> str:
    return ROUTES["listing"].format(kind=kind, id=id)


def town(code: str) -> str:
    return ROUTES["town"].format(code=code)


def region(id: str) -> str:
    return ROUTES["region"].format(id=id)


def town_anchor(section: str) -> str:
    """A town page section's id (the heading's `{#…}`, the page's own `href="#…"`)."""
    return TOWN_SECTIONS[section]


def town_section(code: str, section: str) -> str:
    """A town's page at one of its sections: town_section("203840", "no_phone") → municipalities/203840/#no-phone."""
    return f"{town(code)}#{town_anchor(section)}"


def town_flyer(code: str) -> str:
    return ROUTES["town_flyer"].format(code=code)


def region_flyer(id: str) -> str:
    return ROUTES["region_flyer"].format(id=id)


def town_pack(code: str) -> str:
    return ROUTES["town_pack"].format(code=code)


def feed(page: str) -> str:
    """The Atom feed beside a page (changes/, a town, a region): changes/ → changes/feed.xml."""
    return page + "feed.xml"


def page_url(path: str) -> str:
    """Docs-relative Markdown path → site-relative URL (use_directory_urls): a/b.md → a/b/, a/index.md → a/."""
    stem = path[:-3]
    if stem == "index":
        return ""
    return (stem[: -len("/index")] if stem.endswith("/index") else stem) + "/"


def page_path(url: str) -> str:
    """The inverse of `page_url` for the pages the generator writes: a/b/ → a/b.md, "" → index.md."""
    return url.rstrip("/") + ".md" if url else "index.md"


def depth(path: str) -> int:
    """How many folders deep a page's URL is: the number of ../ back to the site root."""
    return page_url(path).count("/")
