"""schema.org JSON-LD, parsed from the built listing pages."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from conftest import ROOT

from generator.engine.pipeline import site_settings
from generator.registry.checks import load_registry
from generator.site.jsonld import script_tag

SITE_URL = site_settings(ROOT).site_url
DAYS = {
    f"https://schema.org/{d}" for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
}


class JsonLd(HTMLParser):
    """Collects the text of every <script type="application/ld+json"> element."""

    def __init__(self):
        super().__init__()
        self.blocks: list[str] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        self._inside = tag == "script" and ("type", "application/ld+json") in attrs
        if self._inside:
            self.blocks.append("")

    def handle_endtag(self, tag):
        self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.blocks[-1] += data


def jsonld(site: Path, url: str) -> dict:
    parser = JsonLd()
    parser.feed((site / url / "index.html").read_text(encoding="utf-8"))
    [block] = parser.blocks
    return json.loads(block)


def find(value, key):
    """Every value of `key` anywhere in the JSON-LD tree."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k == key:
                yield v
            yield from find(v, key)
    elif isinstance(value, list):
        for item in value:
            yield from find(item, key)


def test_every_listing_page_carries_parseable_jsonld(built_site):
    registry = load_registry(ROOT)
    for kind, listing in registry.all_listings():
        data = jsonld(built_site, f"{kind}/{listing.id}")
        assert data["@context"] == "https://schema.org"
        assert data["@type"] in ("GovernmentService", "Organization")
        assert data["name"] == listing.name and data["description"] == listing.description
        assert data["url"] == f"{SITE_URL}{kind}/{listing.id}/"
        phones = list(find(data, "telephone"))
        assert len(phones) >= len(listing.contacts.phones[:1])
        assert all(re.fullmatch(r"\+81 [\d-]+", p) for p in phones)
        for spec in find(data, "openingHoursSpecification"):
            for item in spec:
                assert set(item["dayOfWeek"]) <= DAYS and re.fullmatch(r"\d\d:\d\d", item["opens"])
        for hours in find(data, "hoursAvailable"):
            assert all(set(item["dayOfWeek"]) <= DAYS for item in hours)
        if listing.operator.type == "municipality" and kind == "windows":
            assert data["@type"] == "GovernmentService" and data["provider"]["@type"] == "GovernmentOrganization"


def test_government_window_with_hours(built_site):
    data = jsonld(built_site, "windows/maisapo-nagano-city")
    assert data["@type"] == "GovernmentService"
    phone = data["availableChannel"][0]["servicePhone"]
    assert phone["telephone"] == "+81 26-219-6880"
    assert phone["hoursAvailable"][0] == {
        "@type": "OpeningHoursSpecification",
        "opens": "08:30",
        "closes": "17:15",
        "dayOfWeek": [f"https://schema.org/{d}" for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")],
    }
    place = next(c for c in data["availableChannel"] if "serviceLocation" in c)["serviceLocation"]
    assert place["address"]["streetAddress"] == "長野市大字鶴賀緑町1714-5 ふれあい福祉センター2階"
    assert place["address"]["addressLocality"] == "長野市" and place["address"]["addressRegion"] == "長野県"


def test_private_place_gives_its_town_and_nothing_finer(fixture_site):
    data = jsonld(fixture_site, "family-groups/test-secret-kazokukai")
    assert data["@type"] == "Organization"
    assert data["address"] == {
        "@type": "PostalAddress",
        "addressCountry": "JP",
        "addressRegion": "長野県",
        "addressLocality": "伊那市",
    }
    assert not list(find(data, "geo")) and not list(find(data, "streetAddress")) and not list(find(data, "postalCode"))
    exact = jsonld(fixture_site, "windows/test-iijima-soudanshitsu")
    place = next(c for c in exact["availableChannel"] if "serviceLocation" in c)["serviceLocation"]
    assert place["geo"] == {"@type": "GeoCoordinates", "latitude": 35.6764, "longitude": 137.9194}
    approx = jsonld(fixture_site, "ibasho/test-approx-ibasho")
    assert approx["location"]["geo"] == {"@type": "GeoCoordinates", "latitude": 35.73, "longitude": 137.93}
    weekly = approx["location"]["openingHoursSpecification"]
    assert weekly == [
        {
            "@type": "OpeningHoursSpecification",
            "opens": "18:00",
            "closes": "21:00",
            "dayOfWeek": ["https://schema.org/Monday", "https://schema.org/Thursday"],
        }
    ]


def test_data_cannot_close_the_script_element():
    tag = str(script_tag({"name": "</script><script>alert(1)</script> & <!--"}))
    assert tag.count("</script>") == 1 and "<!--" not in tag
    assert json.loads(tag.removeprefix('<script type="application/ld+json">').removesuffix("</script>")) == {
        "name": "</script><script>alert(1)</script> & <!--"
    }
