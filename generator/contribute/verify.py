"""Links that ask the people who run a place to keep its listing true.

Each listing page links to the 掲載内容の確認 (変更なし) form and to the change form, prefilled through
the URL (GitHub issue forms read `?template=…&<field id>=value`), and, when `data/site.yml` gives the
maintainers' address, to a mailto: with the listing's id. Reminder issues and the verification packs use
the same links, so they are built here once.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from ..registry.kinds import BY_NAME
from ..registry.models import Listing, Site
from .forms import ACTION_JA, FORM_ORDER, FORMS
from .writeback import kind_of_folder


def form_file(action: str, folder: str) -> str:
    return f"{FORM_ORDER[action]}-{action}-{kind_of_folder(folder)}.yml"


def form_url(site: Site, action: str, folder: str, listing: Listing) -> str:
    kind = kind_of_folder(folder)
    form = FORMS[f"{action}-{kind}"]
    values = {
        "template": form_file(action, folder),
        "title": f"[{ACTION_JA[action]}] {BY_NAME[kind].short}: {listing.name}",
    }
    for field in form.fields:
        if field.column is not None and field.column.path == ("id",):
            values[field.column.key] = listing.id
        elif action == "confirm" and field.column is not None and field.column.path == ("name",):
            values[field.column.key] = listing.name
    return f"{site.repository}/issues/new?{urlencode(values, quote_via=quote)}"


def mailto(site: Site, folder: str, listing: Listing, page_url: str) -> str | None:
    if not site.maintainers_email:
        return None
    subject = f"掲載のまちがい: {listing.name} ({folder}/{listing.id})"
    body = (
        f"掲載ページ: {page_url}\nID: {folder}/{listing.id}\n\n"
        "まちがっているところ、正しい内容、それがわかる資料 (あれば) を書いてください:\n"
    )
    return f"mailto:{site.maintainers_email}?{urlencode({'subject': subject, 'body': body}, quote_via=quote)}"


@dataclass(frozen=True)
class VerifyLinks:
    confirm: str  # 掲載内容の確認 (変更なし), prefilled
    change: str  # 掲載内容の変更, prefilled with the id
    mailto: str | None


def verify_links(site: Site, folder: str, listing: Listing, page_url: str) -> VerifyLinks:
    return VerifyLinks(
        form_url(site, "confirm", folder, listing),
        form_url(site, "change", folder, listing),
        mailto(site, folder, listing, page_url),
    )
