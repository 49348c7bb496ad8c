"""What a resident sees, in Debian's chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import time
from urllib.parse import urlparse

import pytest
from conftest import ROOT

from generator.engine.audit import CHROMIUM, serve
from generator.engine.audit import CHROMIUM_ARGS as ARGS
from generator.registry.checks import load_registry

pytestmark = pytest.mark.browser
playwright = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server(built_site):
    """The built site at the server's root (tests compare paths without /hub/); the audit's own server."""
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A phone-sized page that records every request it makes."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP", is_mobile=True)
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.csp_violations = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and page.csp_violations.append(msg.text))
    yield page
    assert page.csp_violations == [], "the theme's own scripts must pass the CSP"
    assert context.cookies() == [], "the site must set no cookie"
    hosts = {urlparse(url).hostname for url in page.requests if not url.startswith(("data:", "blob:"))}
    assert hosts <= {"127.0.0.1"}, f"requests left the site: {hosts}"
    context.close()


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_home_leads_with_the_message_and_three_doors(phone, server):
    phone.goto(server + "/")
    main = phone.locator("article")
    assert main.locator(".hub-hero__message").inner_text() == "ひきこもりは、ダメなことではありません。"
    doors = main.locator(".hub-doors a")
    assert doors.all_inner_texts()[0].startswith("ご本人の方")
    assert [d.locator(".hub-door__title").inner_text() for d in doors.all()] == [
        "ご本人の方",
        "ご家族の方",
        "支援者・地域の方",
    ]
    # message before everything else in the content
    hero_y = main.locator(".hub-hero").bounding_box()["y"]
    assert hero_y < doors.first.bounding_box()["y"]
    assert phone.evaluate("document.cookie") == ""
    assert no_horizontal_scroll(phone)


def test_three_taps_from_home_to_a_way_to_talk(phone, server):
    phone.goto(server + "/")
    phone.get_by_role("link", name="飯島町", exact=True).click()  # tap 1: the town
    phone.wait_for_url("**/municipalities/203840/")
    phone.get_by_role("link", name="あなたのいばしょ チャット相談").first.click()  # tap 2: a listing
    phone.wait_for_url("**/windows/anata-no-ibasho-chat/")
    chat = phone.get_by_role("link", name="チャットで相談する (https://talkme.jp/chat/)")
    assert chat.get_attribute("href") == "https://talkme.jp/chat/"  # tap 3 would open the chat


def test_town_without_a_window_of_its_own_leads_with_its_regions_window(phone, server):
    phone.goto(server + "/municipalities/203840/")
    assert phone.locator("h1").inner_text() == "飯島町"
    first = phone.locator("#own ~ .hub-cards").first.locator(".hub-card").first
    assert "まいさぽ上伊那" in first.locator(".hub-card__title").inner_text()
    assert "飯島町" in first.locator(".hub-card__area").inner_text()  # it says whom it serves
    assert first.locator("a.hub-tel").get_attribute("href").startswith("tel:+81-")
    hall = load_registry(ROOT).municipalities["203840"].town_hall
    door = phone.locator(".hub-townhall")
    assert hall.name in door.inner_text() and "担当の窓口がわからないときの代表番号です" in door.inner_text()
    assert door.locator("a.hub-tel").inner_text() == hall.phone
    assert first.bounding_box()["y"] < door.bounding_box()["y"] < phone.locator("#no-phone").bounding_box()["y"]
    cards = phone.locator("#no-phone ~ .hub-cards").first.locator(".hub-card__title")
    names = cards.all_inner_texts()
    assert "あなたのいばしょ チャット相談" in names and "こころのほっとチャット" in names
    assert "伊那保健福祉事務所" in phone.locator("#wide + p").inner_text()  # one sentence, with a link
    assert no_horizontal_scroll(phone)


def test_town_with_listings_offers_tap_to_call(phone, server):
    phone.goto(server + "/municipalities/202011/")
    own_cards = phone.locator("#own ~ .hub-cards").first.locator(".hub-card")
    titles = own_cards.locator(".hub-card__title").all_inner_texts()
    assert "長野市生活就労支援センター「まいさぽ長野市」" in titles
    call = own_cards.locator("a.hub-tel", has_text="026-219-6880")
    assert call.get_attribute("href") == "tel:+81-26-219-6880"
    box = call.bounding_box()
    assert box["height"] >= 40  # a large tap target


def test_list_filter_narrows_to_anonymous_windows(phone, server):
    phone.goto(server + "/windows/")
    registry = load_registry(ROOT)
    total = len(registry.listings["windows"])
    anonymous = sum(1 for w in registry.listings["windows"].values() if w.anonymous_ok)
    assert phone.locator(".hub-card:visible").count() == total
    phone.get_by_label("名前を言わなくてよい").check()
    assert phone.locator(".hub-card:visible").count() == anonymous
    assert phone.locator(".hub-filters__count").inner_text() == f"{anonymous}件 表示しています (全{total}件)"
    phone.get_by_label("LINE").check()
    line_anon = sum(1 for w in registry.listings["windows"].values() if w.anonymous_ok and "line" in w.methods)
    assert phone.locator(".hub-card:visible").count() == line_anon


def test_listing_page_reads_plainly(phone, server):
    phone.goto(server + "/ibasho/ina-maisapo-room/")
    text = phone.locator("article").inner_text()
    assert "毎月最終金曜 20:00〜21:00" in text
    assert "名前を言わずに相談できます" in text
    assert "情報確認日" in text and "2023年11月" in text and "2023年11月1日" not in text  # as precise as its source
    edit = phone.get_by_role("link", name="この情報を修正する")
    assert edit.get_attribute("href").endswith("/edit/main/data/ibasho/ina-maisapo-room.yml")


PAGE_TYPES = [
    "/",
    "/person/",
    "/family/",
    "/supporters/",
    "/municipalities/",
    "/municipalities/202011/",
    "/regions/nagano/",
    "/windows/",
    "/ibasho/",
    "/family-groups/",
    "/windows/yorisoi-hotline/",
    "/messages/",
    "/map/",
    "/search/?q=%E8%A6%AA%E3%81%AE%E4%BC%9A",
    "/flyers/",
    "/flyers/202011/",
    "/status/",
    "/open-data/",
    "/contribute/",
    "/consulting/",
    "/privacy/",
    "/about/",
    "/accessibility/",
]


def test_no_page_type_sets_a_cookie_or_contacts_another_host(phone, server):
    """The `phone` fixture asserts, after all these pages, no cookie and no request off 127.0.0.1."""
    for url in PAGE_TYPES:
        response = phone.goto(server + url)
        assert response.ok, url
        phone.wait_for_load_state("networkidle")
        assert phone.evaluate("document.cookie") == "", url
    assert len({urlparse(u).path for u in phone.requests}) > len(PAGE_TYPES)  # the pages' own assets were seen


@pytest.mark.parametrize("url", ["/", "/windows/", "/municipalities/202011/"])
def test_nothing_jumps_while_the_page_loads(phone, server, url):
    """Controls that scripts reveal are drawn from the first paint: a tap never lands on what moved."""
    phone.add_init_script("""window.__shifts = 0;
        new PerformanceObserver(list => list.getEntries().forEach(e => { if (!e.hadRecentInput) window.__shifts +=
        e.value; }))
          .observe({type: 'layout-shift', buffered: true});""")

    def slow_script(route):  # as on a slow phone network: the page paints before its scripts arrive
        time.sleep(0.4)
        route.continue_()

    phone.route("**/*.js", slow_script)
    phone.goto(server + url, wait_until="load")
    phone.wait_for_timeout(300)
    assert phone.evaluate("window.__shifts") < 0.01


# Page-height budgets on a 390×844 phone (px), by page type. Measured 2026-11-30 after issue #15 (before: town
# pages 11,800–13,300 with the first window ~1,060 px down): towns 10.1–11.9k, /person/ ~9.6k, a listing ~3.2–3.6k.
HEIGHT_BUDGET = {
    "/municipalities/204463/": 12_500,
    "/municipalities/203840/": 12_500,
    "/municipalities/202011/": 12_500,
    "/": 9_500,
    "/person/": 11_000,
    "/family/": 7_500,
    "/consulting/": 10_500,
    "/windows/maisapo-okaya/": 4_000,
    "/ibasho/hamuing-hami-spo/": 4_000,
}
TOWN_PAGES = [url for url in HEIGHT_BUDGET if url.startswith("/municipalities/")]


@pytest.mark.parametrize("url", sorted(HEIGHT_BUDGET))
def test_each_page_type_stays_within_its_height_budget_with_no_card_twice(phone, server, url):
    phone.goto(server + url)
    links = phone.locator(".hub-card__title a").evaluate_all("(as) => as.map(a => a.getAttribute('href'))")
    assert len(links) == len(set(links))  # no card twice
    assert phone.evaluate("document.documentElement.scrollHeight") <= HEIGHT_BUDGET[url]
    assert phone.get_by_text("古い情報の可能性があります").count() == 0  # one calm sentence, not a warning per card


@pytest.mark.parametrize("url", TOWN_PAGES)
def test_a_town_page_starts_with_a_window_on_the_first_screen(phone, server, url):
    phone.goto(server + url)
    first = phone.locator(".hub-card").first
    assert first.bounding_box()["y"] + 80 < 844  # its name and kind are on the first screen, before any scroll
    assert "窓口" in first.locator(".hub-card__meta").inner_text()
