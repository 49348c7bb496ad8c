"""「まちがいを知らせる」 and 「変更なし」 on every listing page: prefilled form links, and a mailto only where
site.yml gives an address."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from conftest import ROOT, TODAY

from generator.contribute.verify import verify_links
from generator.registry.checks import load_registry
from generator.registry.index import build_index
from generator.registry.kinds import BY_FOLDER
from generator.site.render import plan_pages


def _links(text: str) -> list[str]:
    import re

    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', text)]


def test_every_open_listing_page_links_to_both_prefilled_forms():
    index = build_index(load_registry(ROOT, TODAY), TODAY)
    pages = plan_pages(index).render_all()
    for entry in index.all_entries:
        text = pages[f"{entry.kind}/{entry.id}.md"]
        assert "まちがいを知らせる" in text and "「変更なし」と知らせる" in text, entry.id
        forms = {
            parse_qs(urlsplit(h).query)["template"][0]: parse_qs(urlsplit(h).query)
            for h in _links(text)
            if "/issues/new?" in h
        }
        kind = BY_FOLDER[entry.kind].name
        assert forms[f"2-change-{kind}.yml"]["id"] == [entry.id]
        assert forms[f"4-confirm-{kind}.yml"]["id"] == [entry.id]
        assert forms[f"4-confirm-{kind}.yml"]["name"] == [entry.listing.name]
        assert not any(h.startswith("mailto:") and entry.id in h for h in _links(text))  # no address in site.yml


def test_a_mailto_appears_only_with_the_maintainers_address():
    reg = load_registry(ROOT, TODAY)
    entry = build_index(reg, TODAY).entries["windows"][0]
    assert verify_links(reg.site, entry.kind, entry.listing, "https://example.org/x/").mailto is None
    site = reg.site.model_copy(update={"maintainers_email": "hub@example.org"})
    mail = verify_links(site, entry.kind, entry.listing, "https://example.org/x/").mailto
    query = parse_qs(urlsplit(mail).query)
    assert mail.startswith("mailto:hub@example.org?")
    assert f"(windows/{entry.id})" in query["subject"][0] and f"ID: windows/{entry.id}" in query["body"][0]
