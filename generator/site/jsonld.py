"""schema.org JSON-LD for each listing page, so that search engines read what a person reads.

A window run by a municipality, the prefecture or the state is a `GovernmentService` (provider, channels:
phone, place, web); every other listing is an `Organization` (telephone, e-mail, address, contact points,
place). Opening hours become `OpeningHoursSpecification` where schema.org can say them: weekly slots only
("第2土曜" has no schema.org form; the calendar feed carries it). Built from `Entry.public`, so a place whose
precision is `municipality` shows its town and nothing finer.
"""

from __future__ import annotations

import json
from typing import Any

import phonenumbers
from markupsafe import Markup

from ..registry.checks import Registry
from ..registry.index import Entry
from ..registry.kinds import BY_FOLDER
from ..registry.models import PhoneContact, TimeSlot

GOVERNMENT = ("municipality", "prefecture", "national")
DAY_URI = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}


def telephone(phone: PhoneContact) -> str:
    """International form, as schema.org recommends: +81 265-00-0000."""
    parsed = phonenumbers.parse(phone.number, "JP")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def opening_hours(slots: list[TimeSlot]) -> list[dict[str, Any]]:
    """Weekly slots with a start time; 24:00 is written 23:59 as schema.org asks."""
    out = []
    for slot in slots:
        if not slot.days or slot.nth or slot.month_days or not slot.opens:
            continue
        spec: dict[str, Any] = {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": [f"https://schema.org/{DAY_URI[d]}" for d in slot.days],
            "opens": slot.opens,
        }
        if slot.closes:
            spec["closes"] = "23:59" if slot.closes == "24:00" else slot.closes
        out.append(spec)
    return out


def _address(entry: Entry, prefecture: str) -> dict[str, Any] | None:
    loc = entry.public.location
    if entry.town is None:
        return None
    address: dict[str, Any] = {
        "@type": "PostalAddress",
        "addressCountry": "JP",
        "addressRegion": prefecture,
        "addressLocality": entry.town.name,
    }
    if loc is not None and loc.address:
        address["streetAddress"] = loc.address
    if loc is not None and loc.postal_code:
        address["postalCode"] = loc.postal_code
    return address


def _place(entry: Entry, prefecture: str) -> dict[str, Any] | None:
    """Where one can go: only for listings with a location (a phone line has no place)."""
    loc = entry.public.location
    if loc is None:
        return None
    place: dict[str, Any] = {"@type": "Place", "name": entry.listing.name}
    if (address := _address(entry, prefecture)) is not None:
        place["address"] = address
    if loc.lat is not None and loc.lon is not None:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": loc.lat, "longitude": loc.lon}
    hours = opening_hours(entry.listing.schedule.slots if entry.listing.schedule else [])
    if hours:
        place["openingHoursSpecification"] = hours
    return place


def _contact_points(entry: Entry) -> list[dict[str, Any]]:
    listing = entry.public
    schedule_hours = opening_hours(listing.schedule.slots if listing.schedule else [])
    points = []
    for phone in listing.contacts.phones:
        point: dict[str, Any] = {
            "@type": "ContactPoint",
            "telephone": telephone(phone),
            "contactType": phone.label or "相談",
        }
        hours = opening_hours(phone.hours) or schedule_hours
        if hours:
            point["hoursAvailable"] = hours
        if listing.languages:
            point["availableLanguage"] = listing.languages
        points.append(point)
    return points


def _areas(entry: Entry, registry: Registry) -> list[dict[str, Any]]:
    towns, regions, prefecture = registry.municipalities, registry.regions, registry.site.prefecture
    areas = []
    for area in entry.listing.service_area:
        if area == "national":
            areas.append({"@type": "Country", "name": "日本"})
        elif area == "prefecture":
            areas.append({"@type": "State", "name": prefecture})
        elif area in towns:
            areas.append({"@type": "City", "name": towns[area].name})
        elif area in regions:
            areas.append({"@type": "AdministrativeArea", "name": regions[area].name})
    return areas


def listing_jsonld(entry: Entry, site_url: str, registry: Registry) -> dict[str, Any]:
    listing = entry.public
    page = f"{site_url}{entry.url}" if site_url else None
    contacts = listing.contacts
    place = _place(entry, registry.site.prefecture)
    points = _contact_points(entry)
    data: dict[str, Any] = {"@context": "https://schema.org"}
    if BY_FOLDER[entry.kind].government_service and listing.operator.type in GOVERNMENT:
        data.update(
            {
                "@type": "GovernmentService",
                "name": listing.name,
                "description": listing.description,
                "serviceType": BY_FOLDER[entry.kind].label,
                "provider": {"@type": "GovernmentOrganization", "name": listing.operator.name},
            }
        )
        channels = [{"@type": "ServiceChannel", "name": "電話", "servicePhone": p} for p in points]
        if place is not None and "visit" in listing.methods:
            channels.append({"@type": "ServiceChannel", "name": "来所", "serviceLocation": place})
        for name, url in (
            ("チャット", contacts.chat),
            ("相談フォーム", contacts.web_form),
            ("ウェブサイト", contacts.website),
        ):
            if url:
                channels.append({"@type": "ServiceChannel", "name": name, "serviceUrl": url})
        if channels:
            data["availableChannel"] = channels
    else:
        data.update({"@type": "Organization", "name": listing.name, "description": listing.description})
        if listing.operator.name != listing.name:
            data["parentOrganization"] = {"@type": "Organization", "name": listing.operator.name}
        if contacts.phones:
            data["telephone"] = telephone(contacts.phones[0])
        if contacts.emails:
            data["email"] = contacts.emails[0]
        if place is not None:
            if "address" in place:
                data["address"] = place["address"]
            data["location"] = place
        if points:
            data["contactPoint"] = points
        if contacts.website:
            data["sameAs"] = contacts.website
        if listing.languages:
            data["knowsLanguage"] = listing.languages
    if page:
        data["url"] = page
        data["@id"] = f"{page}#listing"
    if areas := _areas(entry, registry):
        data["areaServed"] = areas
    return data


def script_tag(data: dict[str, Any]) -> Markup:
    """`<script type="application/ld+json">`; <, > and & are \\u-escaped so data can never close the tag."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/ld+json">{text}</script>')
