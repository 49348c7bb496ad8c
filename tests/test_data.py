"""The real registries in data/: the contract of issue #2 and of ../shared/reference/."""

import re

import pytest
from conftest import ROOT

from generator.registry.checks import load_registry

REG = load_registry(ROOT)
DATA_FILES = sorted((ROOT / "data").rglob("*.yml"))


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_data_file_declares_its_schema(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert re.fullmatch(r"# yaml-language-server: \$schema=(\.\./)+schemas/[a-z-]+\.schema\.json", first)
    assert (path.parent / first.split("=", 1)[1]).resolve().exists()


def test_every_listing_is_reachable_and_sourced():
    for _kind, listing in REG.all_listings():
        assert listing.source, listing.id
        reachable = listing.contacts.reachable() or (listing.location and listing.location.address)
        assert reachable, listing.id


def test_places_without_contact_details_are_not_listings():
    names = [listing.name for _kind, listing in REG.all_listings()]
    assert not any("ひきこもり支援センター" in n or "保健福祉事務所" in n for n in names)


def test_known_wrong_numbers_are_absent():
    text = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "data").rglob("*.yml") if "windows" in str(p))
    for wrong in ("0570-046-556", "0570-0-78310", "0120-556-338"):
        for line in text.splitlines():
            if wrong in line:
                assert "使わない" in line, line  # only ever mentioned as a warning in a source note


def test_messages_cover_every_audience_and_pillar():
    assert len(REG.messages) >= 12
    assert {m.audience for m in REG.messages.values()} == {"person", "family", "supporter", "community"}
    assert {p for m in REG.messages.values() for p in m.pillars} == {
        "知ってください",
        "問題視しないでください",
        "寄り添ってください",
        "必要としたときに手助けしてください",
    }


def test_nagano_city_is_not_covered_by_the_prefectural_office():
    nagano = REG.regions["nagano"]
    assert "202011" in nagano.municipalities and "202011" not in nagano.health_office.covers


def test_there_is_a_way_without_a_phone_call():
    assert any(listing.no_phone_ways() for _kind, listing in REG.all_listings())
