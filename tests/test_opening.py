"""「いま受付中」「次は 月曜 8:30 から」: the hours data (generator/site/opening.py) and what a visitor reads at fixed
clock times (a weekday, a Saturday night, a public holiday, 12/31), whatever the time zone of the visitor's phone."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest
from conftest import copy_project, fixture_data, run_generator

from generator.registry.models import Schedule, TimeSlot
from generator.site.opening import calendar_data, hours_data, year_end

JST = dt.timezone(dt.timedelta(hours=9))
WEEK_JA = "月火水木金土日"


# ---------------------------------------------------------------- the data Python decides


def test_the_calendar_holds_public_holidays_and_year_end():
    data = calendar_data(dt.date(2026, 12, 1))
    base = dt.date.fromisoformat(data["b"])
    assert base == dt.date(2026, 11, 30)
    days = {why: {base + dt.timedelta(days=n) for n in ns} for why, ns in data["days"].items()}
    assert {dt.date(2027, 1, 11), dt.date(2027, 1, 1), dt.date(2027, 11, 23)} <= days["祝日"]
    assert dt.date(2027, 1, 12) not in days["祝日"]
    assert {dt.date(2026, 12, 29), dt.date(2027, 1, 3)} <= days["年末年始"]
    assert dt.date(2026, 12, 28) not in days["年末年始"] and dt.date(2027, 1, 4) not in days["年末年始"]
    assert data["to"] == 731


def test_what_a_listing_does_on_those_days_comes_from_the_data():
    slot = TimeSlot(days=["mon", "tue", "wed", "thu", "fri"], opens="08:30", closes="17:15")
    data = hours_data([slot], Schedule(holidays_closed=True, year_end_closed=True))
    assert data == {"s": [[[1, 2, 3, 4, 5], [], [], 8 * 60 + 30, 17 * 60 + 15, 0]], "on": {"祝日": 1, "年末年始": 1}}
    assert hours_data([slot], Schedule(holidays_closed=False))["on"] == {"祝日": 0, "年末年始": -1}
    assert hours_data([slot], None)["on"] == {"祝日": -1, "年末年始": -1}  # not said: the page asks, never guesses


def test_a_daily_line_keeps_its_hours_and_an_overnight_slot_ends_the_next_morning():
    night = TimeSlot(
        days=["mon", "tue", "wed", "thu", "fri", "sat", "sun"], opens="20:00", closes="06:00", closes_next_day=True
    )
    same = TimeSlot(month_days=[10], opens="08:00", closes="08:00")  # 24 hours: 8:00〜翌8:00
    data = hours_data([night, same], None)
    assert data["s"] == [[[0, 1, 2, 3, 4, 5, 6], [], [], 1200, 1800, 1], [[], [], [10], 480, 1920, 0]]


def test_no_times_no_data_and_some_times_partial():
    assert hours_data([TimeSlot(days=["mon"])], None) is None
    assert hours_data([], None) is None
    data = hours_data([TimeSlot(days=["mon"]), TimeSlot(days=["tue"], opens="10:00", closes="12:00")], None)
    assert data["part"] == 1


# ---------------------------------------------------------------- what a visitor reads


@pytest.fixture(scope="module")
def opening_site(tmp_path_factory):
    data = fixture_data(tmp_path_factory.mktemp("opening-data"), "opening")
    root = copy_project(tmp_path_factory.mktemp("opening-project"), data=data)
    result = run_generator(root, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "site"


@pytest.fixture(scope="module")
def server(opening_site):
    from generator.engine.audit import serve

    with serve(opening_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    from generator.engine.audit import CHROMIUM, CHROMIUM_ARGS

    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def visit(browser, server, when: dt.datetime, path="/windows/", **options):
    """The page at a fixed moment, on a phone whose own clock is set to another time zone."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="ja-JP", timezone_id="America/Los_Angeles", **options
    )
    page = context.new_page()
    page.clock.set_fixed_time(when)
    page.goto(server + path)
    return page


def now_text(page, name: str) -> str:
    return page.locator(".hub-card", has_text=name).locator(".hub-now").inner_text()


JP_HOLIDAYS = holidays.country_holidays("JP", years=range(dt.date.today().year, dt.date.today().year + 2))


def closed_day(day: dt.date) -> bool:
    return day in JP_HOLIDAYS or year_end(day)


def next_day(start: dt.date, ok) -> dt.date:
    day = start
    while not ok(day):
        day += dt.timedelta(days=1)
    return day


def said(day: dt.date, today: dt.date) -> str:
    """How the page names a day (hub.js whenDay)."""
    gap = (day - today).days
    if gap == 0:
        return "きょう"
    if gap == 1:
        return "あす"
    if gap < 7:
        return WEEK_JA[day.weekday()] + "曜"
    return f"{day.month}月{day.day}日 ({WEEK_JA[day.weekday()]})"


def first_weekday_open(after: dt.date) -> dt.date:
    return next_day(after + dt.timedelta(days=1), lambda d: d.weekday() < 5 and not closed_day(d))


TODAY = dt.date.today()


def test_weekday_morning(browser, server):
    day = next_day(TODAY + dt.timedelta(days=2), lambda d: d.weekday() == 2 and not closed_day(d))
    page = visit(browser, server, dt.datetime.combine(day, dt.time(10, 0), JST))
    assert now_text(page, "テスト平日窓口") == "いま受付中 (17:15 まで)"
    assert now_text(page, "テスト祝日不明窓口") == "いま受付中 (16:00 まで)"
    assert now_text(page, "テスト夜の電話") == "次は きょう 20:00 から"
    assert now_text(page, "テスト時間なし窓口") == "受付時間は連絡先でご確認ください"
    # 「いま相談できる」 keeps only what is open now; a card without hours is never among them
    page.get_by_label("いま相談できる").check()
    shown = page.locator(".hub-card:visible .hub-card__title").all_inner_texts()
    assert "テスト平日窓口" in shown and "テスト祝日不明窓口" in shown
    assert "テスト夜の電話" not in shown and "テスト時間なし窓口" not in shown
    assert "flag=now" in page.url
    page.context.close()


def test_saturday_night(browser, server):
    day = next_day(
        TODAY + dt.timedelta(days=2),
        lambda d: d.weekday() == 5 and not closed_day(d + dt.timedelta(days=2)) and not year_end(d),
    )
    page = visit(browser, server, dt.datetime.combine(day, dt.time(22, 0), JST))
    assert now_text(page, "テスト平日窓口") == "次は 月曜 8:30 から"
    assert now_text(page, "テスト祝日不明窓口") == "次は 月曜 10:00 から"
    assert now_text(page, "テスト夜の電話") == "いま受付中 (あす 6:00 まで)"
    page.context.close()


def test_public_holiday(browser, server):
    day = next_day(TODAY + dt.timedelta(days=2), lambda d: d in JP_HOLIDAYS and d.weekday() < 5 and not year_end(d))
    page = visit(browser, server, dt.datetime.combine(day, dt.time(11, 0), JST))
    assert now_text(page, "テスト平日窓口") == f"次は {said(first_weekday_open(day), day)} 8:30 から"
    assert now_text(page, "テスト祝日不明窓口") == "きょうは祝日です。受付しているかは連絡先でご確認ください"
    assert now_text(page, "テスト夜の電話") == "次は きょう 20:00 から"  # a daily line keeps its hours
    page.context.close()


def test_new_years_eve(browser, server):
    day = next_day(TODAY + dt.timedelta(days=2), lambda d: d.month == 12 and d.day == 31)
    page = visit(browser, server, dt.datetime.combine(day, dt.time(15, 0), JST))
    assert now_text(page, "テスト平日窓口") == f"次は {said(first_weekday_open(day), day)} 8:30 から"
    assert now_text(page, "テスト祝日不明窓口") == "きょうは年末年始です。受付しているかは連絡先でご確認ください"
    page.context.close()


def test_a_site_left_unbuilt_past_its_calendar_claims_no_time(browser, server):
    """Past the holidays the build knew, hub.js says what a card without any time says, and never 受付中."""
    page = visit(browser, server, dt.datetime.combine(TODAY + dt.timedelta(days=3 * 365), dt.time(10, 0), JST))
    for name in ("テスト平日窓口", "テスト夜の電話", "テスト時間なし窓口"):
        assert now_text(page, name) == "受付時間は連絡先でご確認ください", name
    page.context.close()


def test_the_listing_page_says_it_too(browser, server):
    day = next_day(TODAY + dt.timedelta(days=2), lambda d: d.weekday() == 2 and not closed_day(d))
    page = visit(
        browser, server, dt.datetime.combine(day, dt.time(9, 0), JST), path="/windows/test-heijitsu-madoguchi/"
    )
    assert page.locator("article.md-content__inner > .hub-now").inner_text() == "いま受付中 (17:15 まで)"
    page.context.close()


def test_without_javascript_the_times_stay_and_nothing_is_claimed(browser, server):
    day = next_day(TODAY + dt.timedelta(days=2), lambda d: d.weekday() == 2 and not closed_day(d))
    page = visit(browser, server, dt.datetime.combine(day, dt.time(10, 0), JST), java_script_enabled=False)
    card = page.locator(".hub-card", has_text="テスト平日窓口")
    assert "平日 (月〜金) 8:30〜17:15" in card.inner_text()
    assert "受付中" not in page.locator("article.md-content__inner").inner_text()
    assert not page.get_by_label("いま相談できる").is_visible()
    assert now_text(page, "テスト時間なし窓口") == "受付時間は連絡先でご確認ください"
    page.context.close()


def test_the_words_follow_the_clock_while_the_page_stays_open(browser, server):
    day = next_day(
        TODAY + dt.timedelta(days=2),
        lambda d: d.weekday() == 2 and not closed_day(d) and not closed_day(d + dt.timedelta(days=1)),
    )
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP")
    page = context.new_page()
    page.clock.install(time=dt.datetime.combine(day, dt.time(17, 10), JST))
    page.goto(server + "/windows/")
    assert now_text(page, "テスト平日窓口") == "いま受付中 (17:15 まで)"
    page.clock.run_for(6 * 60 * 1000)
    assert now_text(page, "テスト平日窓口") == "次は あす 8:30 から"
    context.close()
