"""Calendar feeds: parsed with icalendar, and their next occurrences expanded by recurring-ical-events."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from conftest import TODAY, fixture_data

from generator.engine.pipeline import generate
from generator.publish.export import export_files
from generator.publish.ical import Recurrence, event_times, recurrences
from generator.registry.models import TimeSlot

SITE = "https://example.org/hub/"
JST = ZoneInfo("Asia/Tokyo")
AFTER = dt.datetime.combine(TODAY, dt.time(0, 0), JST)  # 2026-11-27, a Friday


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("ical")
    fixture_data(root, "privacy")
    _registry, index, pages = generate(root, TODAY, site_url=SITE)
    return {path: content for path, content in export_files(index, list(pages), SITE).items() if path.endswith(".ics")}


def calendar(files, path: str) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(files[f"api/v1/calendars/{path}.ics"])


def next_three(cal: icalendar.Calendar, uid_part: str = "") -> list[tuple[dt.datetime, dt.datetime | None]]:
    occurrences = (e for e in recurring_ical_events.of(cal).after(AFTER) if uid_part in str(e["UID"]))
    return [(e["DTSTART"].dt, e["DTEND"].dt if "DTEND" in e else None) for e in itertools.islice(occurrences, 3)]


def at(y, m, d, hh, mm):
    return dt.datetime(y, m, d, hh, mm, tzinfo=JST)


@pytest.mark.parametrize(
    "slot, rules",
    [
        (dict(days=["sat"], nth=[2], opens="13:30"), [Recurrence("MONTHLY", byday=("2SA",))]),
        (dict(days=["fri"], nth=[-1]), [Recurrence("MONTHLY", byday=("-1FR",))]),
        (dict(days=["thu", "mon"], nth=[1, 3]), [Recurrence("MONTHLY", byday=("1MO", "1TH", "3MO", "3TH"))]),
        (dict(days=["mon", "thu"]), [Recurrence("WEEKLY", byday=("MO", "TH"))]),
        (dict(month_days=[10]), [Recurrence("MONTHLY", bymonthday=(10,))]),
        (
            dict(days=["sun"], month_days=[1]),
            [Recurrence("WEEKLY", byday=("SU",)), Recurrence("MONTHLY", bymonthday=(1,))],
        ),
    ],
)
def test_slots_become_rrules(slot, rules):
    assert recurrences(TimeSlot.model_validate(slot)) == rules


def test_first_occurrence_and_times():
    assert Recurrence("MONTHLY", byday=("-1SU",)).first_on_or_after(dt.date(2026, 8, 1)) == dt.date(2026, 8, 30)
    assert Recurrence("MONTHLY", byday=("2SA",)).first_on_or_after(dt.date(2026, 10, 1)) == dt.date(2026, 10, 10)
    assert Recurrence("MONTHLY", byday=("5FR",)).first_on_or_after(dt.date(2026, 2, 1)) == dt.date(2026, 5, 29)
    assert Recurrence("MONTHLY", bymonthday=(31,)).first_on_or_after(dt.date(2026, 2, 1)) == dt.date(2026, 3, 31)
    overnight = TimeSlot(month_days=[10], opens="22:00", closes="06:00", closes_next_day=True)
    assert event_times(overnight, dt.date(2026, 1, 10)) == (at(2026, 1, 10, 22, 0), at(2026, 1, 11, 6, 0))
    allday = TimeSlot(days=["sun"], nth=[-1])
    assert event_times(allday, dt.date(2026, 1, 25)) == (dt.date(2026, 1, 25), dt.date(2026, 1, 26))
    always = TimeSlot(days=["mon"], opens="00:00", closes="24:00")
    assert event_times(always, dt.date(2026, 1, 5)) == (at(2026, 1, 5, 0, 0), at(2026, 1, 6, 0, 0))


def test_second_saturday_next_three(files):
    cal = calendar(files, "windows/test-iijima-soudanshitsu")
    [event] = cal.walk("VEVENT")  # the window's weekday office hours are not events; its 第2土曜 is
    assert event["RRULE"].to_ical() == b"FREQ=MONTHLY;BYDAY=2SA"
    assert next_three(cal) == [
        (at(2026, 12, 12, 13, 30), at(2026, 12, 12, 16, 0)),
        (at(2027, 1, 9, 13, 30), at(2027, 1, 9, 16, 0)),
        (at(2027, 2, 13, 13, 30), at(2027, 2, 13, 16, 0)),
    ]


def test_last_sunday_next_three(files):
    cal = calendar(files, "family-groups/test-kazokukai")
    [event] = cal.walk("VEVENT")
    assert event["RRULE"].to_ical() == b"FREQ=MONTHLY;BYDAY=-1SU"
    assert next_three(cal) == [
        (at(2026, 11, 29, 10, 0), at(2026, 11, 29, 12, 0)),
        (at(2026, 12, 27, 10, 0), at(2026, 12, 27, 12, 0)),
        (at(2027, 1, 31, 10, 0), at(2027, 1, 31, 12, 0)),
    ]
    assert event["DTSTART"].dt == at(2026, 8, 30, 10, 0)  # the first last-Sunday on or after last_verified
    assert "毎月最終日曜 10:00〜12:00" in str(event["DESCRIPTION"])
    assert str(event["URL"]) == SITE + "family-groups/test-kazokukai/"


def test_weekly_and_overnight_monthly_next_three(files):
    cal = calendar(files, "ibasho/test-approx-ibasho")
    assert next_three(cal, "-0@") == [
        (at(2026, 11, 30, 18, 0), at(2026, 11, 30, 21, 0)),
        (at(2026, 12, 3, 18, 0), at(2026, 12, 3, 21, 0)),
        (at(2026, 12, 7, 18, 0), at(2026, 12, 7, 21, 0)),
    ]
    assert next_three(cal, "-1@") == [
        (at(2026, 12, 10, 22, 0), at(2026, 12, 11, 6, 0)),
        (at(2027, 1, 10, 22, 0), at(2027, 1, 11, 6, 0)),
        (at(2027, 2, 10, 22, 0), at(2027, 2, 11, 6, 0)),
    ]
    for event in cal.walk("VEVENT"):
        assert event["GEO"].to_ical() == "35.73;137.93"  # the rounded, published point


def test_private_place_shows_its_town_only(files):
    event = calendar(files, "family-groups/test-secret-kazokukai").walk("VEVENT")[0]
    assert str(event["LOCATION"]) == "伊那市"
    assert "GEO" not in event


def test_region_feed_gathers_the_region_and_every_feed_is_valid(files):
    region = calendar(files, "regions/kamiina")
    uids = {str(e["UID"]).split("@")[0] for e in region.walk("VEVENT")}
    assert uids == {
        "windows-test-iijima-soudanshitsu-0",
        "family-groups-test-kazokukai-0",
        "family-groups-test-secret-kazokukai-0",
        "ibasho-test-approx-ibasho-0",
        "ibasho-test-approx-ibasho-1",
    }
    assert "test-ken-madoguchi" not in files  # no schedule: no feed
    for path, content in files.items():
        cal = icalendar.Calendar.from_ical(content)
        assert cal["VERSION"] == "2.0" and cal.walk("VTIMEZONE")[0]["TZID"] == "Asia/Tokyo", path
        for event in cal.walk("VEVENT"):
            assert {"UID", "DTSTAMP", "DTSTART", "RRULE", "SUMMARY"} <= set(event), path
        assert all(len(line.encode("utf-8")) <= 75 for line in content.decode("utf-8").split("\r\n")), path
