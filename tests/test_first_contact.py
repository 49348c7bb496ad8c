"""Issue #15, in the browser on the real site: filters and search that lead somewhere; leaving, sharing and
noting; the edges (404, contribute, about, the map without tiles, no JavaScript)."""

from __future__ import annotations

import itertools
import re

import pytest
from conftest import ROOT

from generator.engine.pipeline import validated_registry
from generator.registry.index import build_index
from generator.registry.kinds import FOLDERS
from generator.site.filters import count, matches

pytestmark = pytest.mark.browser
pytest.importorskip("playwright.sync_api")
from test_browser import browser, no_horizontal_scroll, phone, server  # noqa: E402,F401  (fixtures reused)


@pytest.fixture(scope="module")
def index():
    return build_index(validated_registry(ROOT))


FLAG_LABELS = {
    "nophone": "電話以外で相談できる",
    "anonymous": "名前を言わなくてよい",
    "family-only": "ご家族だけの相談ができる",
    "free": "無料",
    "weekday": "平日",
    "evening": "夜 (18時以降)",
    "weekend": "土日",
}


# ---------------------------------------------------------------- filters that lead somewhere


def test_no_results_says_so_and_offers_the_nearest_wider_filter(phone, server, index):  # noqa: F811
    windows = index.entries["windows"]
    pairs = [
        (a, b)
        for a, b in itertools.combinations(FLAG_LABELS, 2)
        if count(windows, "flag", a)
        and count(windows, "flag", b)
        and not any(matches(e, "flag", a) and matches(e, "flag", b) for e in windows)
    ]
    if not pairs:
        pytest.skip("every pair of conditions finds a window in today's data")
    a, b = pairs[0]
    phone.goto(server + f"/windows/?flag={a}&flag={b}")
    assert phone.locator(".hub-card:visible").count() == 0
    none = phone.locator(".hub-filters__none")
    assert none.is_visible()
    assert "この条件に合うところは見つかりませんでした" in none.inner_text()
    offers = none.locator("button").all_inner_texts()
    want = sorted([(count(windows, "flag", b), FLAG_LABELS[a]), (count(windows, "flag", a), FLAG_LABELS[b])])
    assert offers == [
        f"「{label}」を外す ({n}件)" for n, label in want
    ]  # the fewest first: the closest to what was asked
    none.locator("button").first.click()
    assert phone.locator(".hub-card:visible").count() == want[0][0]
    assert not none.is_visible()


def test_only_options_some_listing_matches_are_shown(phone, server, index):  # noqa: F811
    for kind in FOLDERS:
        entries = index.entries[kind]
        phone.goto(server + f"/{kind}/")
        form = phone.locator("form[data-hub-filter]")
        if not entries:
            assert form.count() == 0, kind  # an empty list has nothing to filter
            continue
        shown = set(
            form.locator("input[type=checkbox]:visible").evaluate_all("els => els.map(e => e.name + '=' + e.value)")
        )
        for box in shown:
            name, value = box.split("=")
            assert count(entries, name, value) > 0, (kind, box)
        for value in FLAG_LABELS:
            if count(entries, "flag", value):
                assert f"flag={value}" in shown, (kind, value)


def test_a_link_to_an_option_no_listing_matches_still_filters_and_shows_it(phone, server, index):  # noqa: F811
    for kind in FOLDERS:
        entries = index.entries[kind]
        unused = [f for f in FLAG_LABELS if entries and not count(entries, "flag", f)]
        if unused:
            break
    else:
        pytest.skip("every option matches some listing of every kind")
    phone.goto(server + f"/{kind}/?flag={unused[0]}")
    assert phone.locator(".hub-card:visible").count() == 0
    box = phone.get_by_label(FLAG_LABELS[unused[0]], exact=True)
    assert box.is_visible() and box.is_checked()
    phone.locator(".hub-filters__none button").first.click()
    assert phone.locator(".hub-card:visible").count() == len(entries)
    assert not box.is_visible()  # taken away, it hides again


def test_search_words_offer_the_filtered_list_above_the_results(phone, server, index):  # noqa: F811
    windows = index.entries["windows"]
    for query, name, value in [
        ("土日に相談", "flag", "weekend"),
        ("LINE", "method", "line"),
        ("匿名", "flag", "anonymous"),
        ("夜", "flag", "evening"),
        ("家族", "audience", "family"),
    ]:
        phone.goto(server + "/search/?q=" + query)
        phone.wait_for_selector(".hub-search__status:not(:empty)")
        link = phone.locator("#search-offers a", has_text="相談窓口")
        n = count(windows, name, value)
        assert link.inner_text() == f"相談窓口 ({n}件)", query
        assert link.get_attribute("href").endswith(f"windows/?{name}={value}#list")
        assert link.bounding_box()["y"] < phone.locator("#search-results").bounding_box()["y"] + 1
    phone.goto(server + "/search/?q=いま相談できる")  # how many are open now, only the list can tell: no count
    phone.wait_for_selector(".hub-search__status:not(:empty)")
    assert phone.locator("#search-offers a", has_text="相談窓口").inner_text() == "相談窓口"
    phone.goto(server + "/search/?q=まいさぽ")
    phone.wait_for_selector("#search-results a")
    assert phone.locator("#search-offers a").count() == 0


def test_a_phrase_is_found_in_order(phone, server):  # noqa: F811
    phone.goto(server + "/search/?q=" + "県の窓口")
    phone.wait_for_selector("#search-results a")
    first = phone.locator("#search-results .hub-result").first
    first.locator("a").first.click()  # the page found holds the words side by side, in this order
    phone.wait_for_load_state()
    assert "県の窓口" in re.sub(r"\s", "", phone.locator("article.md-content__inner").inner_text())


# ---------------------------------------------------------------- leaving, sharing, noting

NEUTRAL = "https://www.jma.go.jp/bosai/forecast/"


@pytest.fixture
def leaving(browser):  # noqa: F811
    """A phone whose one allowed trip off the site is the neutral page, answered here (nothing leaves the machine)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP")
    context.route(
        "https://www.jma.go.jp/**",
        lambda route: route.fulfill(body="<title>天気予報</title>", content_type="text/html"),
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("path", ["/family/", "/consulting/"])
def test_quick_exit_replaces_the_page(leaving, server, path):  # noqa: F811
    leaving.goto(server + "/")
    leaving.goto(server + path)
    button = leaving.get_by_role("link", name="このページをすぐに閉じる")
    assert button.bounding_box()["y"] < 844  # in the first screen
    button.click()
    leaving.wait_for_url(NEUTRAL)
    leaving.go_back()
    assert leaving.url == server + "/"  # Back skips the page that was left


def test_quick_exit_by_pressing_shift_three_times(leaving, server):  # noqa: F811
    leaving.goto(server + "/consulting/")
    leaving.locator("#hub-header-q").focus()
    for key in ("Shift+A", "Shift+B", "Shift+C"):  # capitals typed with Shift: not a signal
        leaving.keyboard.press(key)
    assert leaving.locator("#hub-header-q").input_value() == "ABC" and leaving.url == server + "/consulting/"
    leaving.locator("#hub-header-q").blur()
    leaving.keyboard.press("Shift")
    leaving.keyboard.press("Shift")
    assert leaving.url == server + "/consulting/"
    leaving.keyboard.press("Shift")
    leaving.wait_for_url(NEUTRAL)


def test_quick_exit_without_javascript_is_a_plain_link(browser, server):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/family/")
    assert page.get_by_role("link", name="このページをすぐに閉じる").get_attribute("href") == NEUTRAL
    page.goto(server + "/windows/")
    assert page.get_by_role("link", name="このページをすぐに閉じる").count() == 0
    page.goto(server + "/safe-browsing/")
    assert "閲覧履歴 (見たページの記録) は消えません" in page.locator("article.md-content__inner").inner_text()
    context.close()


def test_a_listing_can_be_sent_by_line_or_mail(phone, server):  # noqa: F811
    from urllib.parse import parse_qs, urlparse

    phone.goto(server + "/windows/maisapo-nagano-city/")
    name = phone.locator("h1").inner_text()
    line = phone.get_by_role("link", name="LINEで送る").get_attribute("href")
    assert line.startswith("https://line.me/R/share?text=")
    text = parse_qs(urlparse(line).query)["text"][0]
    assert text == name + "\nhttps://shinshu-hikikomori-hub.github.io/hub/windows/maisapo-nagano-city/"
    mail = phone.get_by_role("link", name="メールで送る").get_attribute("href")
    assert mail.startswith("mailto:?") and parse_qs(urlparse(mail).query)["body"][0] == text
    assert phone.locator("script[src^=http]").count() == 0


def test_every_page_has_a_preview_title_and_description(built_site):
    for path in built_site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        if "<head" not in html or 'http-equiv="refresh"' in html:
            continue
        assert re.search(r'<meta property="og:title" content="[^"]+">', html), path
        assert re.search(r'<meta property="og:description" content="[^"]+">', html), path
    listing = (built_site / "windows" / "maisapo-nagano-city" / "index.html").read_text(encoding="utf-8")
    assert 'og:title" content="長野市生活就労支援センター「まいさぽ長野市」 - 信州ひきこもり支援ハブ"' in listing


def test_the_memo_is_filled_in_here_and_sent_nowhere(phone, server):  # noqa: F811
    phone.goto(server + "/memo/")
    assert (
        "入力した内容は、どこにも送られず、保存もされません。"
        in phone.locator("article.md-content__inner").inner_text()
    )
    before = len(phone.requests)
    phone.get_by_label("話したいこと・困っていること").fill("テスト: 夜に眠れないことを話したい")
    phone.get_by_label("聞きたいこと").fill("テスト: 家族だけで相談できますか")
    assert len(phone.requests) == before  # typing sends nothing
    assert phone.get_by_role("button", name="印刷する").is_visible()
    assert phone.evaluate("localStorage.length") == 0 and phone.evaluate("sessionStorage.length") == 0
    assert phone.locator("article form").count() == 0  # nothing to submit


# ---------------------------------------------------------------- the edges


class PagesLike404:
    """As GitHub Pages: an address that does not exist gets the site's 404.html, with status 404."""

    def send_error(self, code, message=None, explain=None):
        from pathlib import Path

        if code != 404:
            return super().send_error(code, message, explain)
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def pages_server(built_site):
    from generator.engine.audit import SiteHandler, serve
    from generator.engine.pipeline import site_settings

    handler = type("Handler", (PagesLike404, SiteHandler), {})
    with serve(built_site, site_settings(ROOT).site_url, handler=handler) as url:
        yield url


def test_a_missing_page_speaks_japanese_and_finds_the_town(phone, pages_server):  # noqa: F811
    response = phone.goto(pages_server + "/windows/no-such-window/")
    assert response.status == 404
    assert phone.locator("h1").inner_text() == "ページが見つかりませんでした"
    assert "Not found" not in phone.locator("body").inner_text()
    box = phone.get_by_role("combobox", name="市町村の名前を入力 (漢字でも、ひらがなでも)")
    box.fill("いいじ")
    assert phone.get_by_role("option").first.inner_text() == "飯島町 (いいじままち)"
    box.press("Enter")
    phone.wait_for_url("**/municipalities/203840/")
    phone.go_back()
    phone.get_by_label("さがしたいことば").fill("親の会")
    phone.get_by_label("さがしたいことば").press("Enter")
    # search.js sends the words after "#" (kept on the device) once it has set the form up; before that, ?q=
    phone.wait_for_url(re.compile(r"/search/[?#]q="))
    phone.wait_for_selector("#search-results a")
    assert no_horizontal_scroll(phone)


def test_a_missing_page_without_javascript_still_leads_somewhere(browser, pages_server):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(pages_server + "/nothing/")
    assert not page.get_by_role("combobox").is_visible()
    assert page.get_by_role("link", name="市町村の一覧から選ぶ").get_attribute("href").endswith("/municipalities/")
    assert page.locator("form[action$='/search/'] input[name=q]").count() >= 1
    context.close()


def test_contribute_and_about_give_the_ways_in_from_site_yml(phone, server):  # noqa: F811
    from generator.registry.checks import load_registry

    site = load_registry(ROOT).site
    for path in ("/contribute/", "/about/"):
        phone.goto(server + path)
        contact = phone.locator("ul.hub-contact")
        assert (
            contact.get_by_role("link", name="新規掲載・掲載内容の変更・掲載終了のフォームを開く").get_attribute("href")
            == site.repository + "/issues/new/choose"
        )
        assert contact.get_by_role("link", name=site.repository).get_attribute("href") == site.repository
        if site.contact_email:
            assert (
                contact.get_by_role("link", name=site.contact_email).get_attribute("href")
                == "mailto:" + site.contact_email
            )
        else:  # no address is made up
            assert "メールの受付先は、まだ設けていません。" in contact.inner_text()
            assert contact.locator("a[href^=mailto]").count() == 0


def test_the_edit_link_is_one_quiet_line_for_staff(phone, server):  # noqa: F811
    phone.goto(server + "/windows/maisapo-nagano-city/")
    line = phone.locator("p.hub-staff")
    assert (
        line.inner_text().startswith("掲載している団体・市町村の方へ: ")
        and "この情報を修正する (GitHub)" in line.inner_text()
    )
    assert "GitHub で" not in phone.locator("article.md-content__inner").inner_text()
    size = float(line.evaluate("e => getComputedStyle(e).fontSize").rstrip("px"))
    body = float(phone.locator("article p").first.evaluate("e => getComputedStyle(e).fontSize").rstrip("px"))
    assert size < body


def test_without_javascript_no_sentence_points_at_a_missing_button(browser, server):  # noqa: F811
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    for path in ("/map/", "/windows/", "/municipalities/202011/", "/memo/", "/flyers/", "/family/"):
        page.goto(server + path)
        visible = page.locator("article.md-content__inner").inner_text()
        for words in ("押すと", "「印刷する」を押", "「地図を表示」を押"):
            assert words not in visible, (path, words)
        assert not page.get_by_role("button", name="地図を表示").is_visible()
    context.close()


def test_the_map_says_so_when_its_tiles_cannot_load(browser, server):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.route("https://cyberjapandata.gsi.go.jp/**", lambda route: route.abort())
    page = context.new_page()
    page.goto(server + "/map/")
    page.get_by_role("button", name="地図を表示").click()
    failed = page.locator(".hub-map__tiles-failed")
    failed.wait_for(state="visible")
    assert (
        failed.inner_text() == "地図の画像を読み込めませんでした (通信の状態などのため)。場所は下の一覧で見られます。"
    )
    context.close()


def test_the_header_search_reads_on_a_phone(phone, server):  # noqa: F811
    phone.goto(server + "/")
    box, button = phone.locator("#hub-header-q"), phone.locator(".hub-searchbar button")
    assert float(box.evaluate("e => getComputedStyle(e).fontSize").rstrip("px")) >= 16
    assert float(button.evaluate("e => getComputedStyle(e).fontSize").rstrip("px")) >= 16
    # the whole placeholder fits in the box
    assert box.evaluate("""e => { const c = document.createElement('canvas').getContext('2d');
        const s = getComputedStyle(e); c.font = s.fontSize + ' ' + s.fontFamily;
        return c.measureText(e.placeholder).width <= e.clientWidth - parseFloat(s.paddingLeft) -
        parseFloat(s.paddingRight); }""")
    assert button.bounding_box()["height"] >= 40
