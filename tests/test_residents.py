"""Issue #15: four residents walk the real site on a phone, and each reaches what they came for in a few taps.

1. a 24-year-old in 麻績村 who cannot phone: home → 麻績村 → 「電話以外で」: a service for adults, reachable in writing;
2. a mother in 飯島町 on a Saturday evening: home → 飯島町: something open now, the night lines, a family group nearby;
3. a 民生委員 in 佐久市 printing: 佐久市 → its flyer → one A4 page with the town's own window and the town hall;
4. a clerk of 上田市: 上田市 → まいさぽ上田 → the staff line: 「変更なし」 and the edit link for that very file.
"""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from conftest import ROOT

from generator.registry.checks import load_registry

pytestmark = pytest.mark.browser
pytest.importorskip("playwright.sync_api")
from test_browser import browser, phone, server  # noqa: E402,F401  (fixtures reused)

JST = dt.timezone(dt.timedelta(hours=9))
REG = load_registry(ROOT)


def tap(page, name: str, exact: bool = True) -> None:
    page.get_by_role("link", name=name, exact=exact).first.click()
    page.wait_for_load_state()


def test_a_young_adult_in_omi_who_cannot_phone(phone, server):  # noqa: F811
    phone.goto(server + "/")
    tap(phone, "麻績村")  # 1: the town list on the home page
    tap(phone, "電話以外で")  # 2: the jump bar, on the first screen
    first = phone.locator("#no-phone ~ .hub-cards").first.locator(".hub-card").first
    assert first.is_visible()
    who = first.locator(".hub-card__who")
    assert who.count() == 0 or "子ども" not in who.inner_text() and "18歳まで" not in who.inner_text()
    assert "電話以外でも相談できます" in first.inner_text()
    writing = first.locator('a[href^="https://"], a[href^="mailto:"]').filter(has_text="チャット")
    assert writing.count() >= 1  # a way in writing, one more tap away


def test_a_mother_in_iijima_on_a_saturday_evening(browser, server):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP")
    page = context.new_page()
    page.clock.set_fixed_time(dt.datetime(2026, 12, 5, 20, 30, tzinfo=JST))  # a Saturday, 20:30
    page.goto(server + "/")
    tap(page, "飯島町")  # 1
    assert page.locator(".hub-card .hub-now", has_text="いま受付中").count() >= 1  # someone to talk to now
    crisis = page.locator(".hub-crisis")
    assert "夜や休日、とてもつらいとき" in crisis.inner_text()
    assert crisis.locator("a.hub-tel").count() >= 2
    tap(page, "家族会")  # 2: the jump bar
    groups = page.locator("#family-groups ~ .hub-cards").first.locator(".hub-card__title").all_inner_texts()
    assert any("親の会" in g for g in groups)  # in 伊那市, the same region
    context.close()


def test_a_minsei_iin_in_saku_prints_a_flyer(phone, server, tmp_path):  # noqa: F811
    phone.goto(server + "/municipalities/202177/")
    tap(phone, "佐久市の印刷用チラシ (A4 1枚)")  # 1
    phone.emulate_media(media="print")
    pdf = tmp_path / "saku.pdf"
    phone.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    saku = REG.listings["windows"]["maisapo-saku"].contacts.phones[0].number
    hall = REG.municipalities["202177"].town_hall.phone
    assert saku in text and hall in text
    assert text.index("佐久市の方の窓口") < text.index("電話をかけずに相談できるところ")  # the town's own window first


def test_a_clerk_in_ueda_confirms_or_corrects_a_listing(phone, server):  # noqa: F811
    phone.goto(server + "/municipalities/202037/")
    tap(phone, "上田市生活就労支援センター まいさぽ上田")  # 1
    staff = phone.locator(".hub-confirm")
    confirm = staff.get_by_role("link", name="「変更なし」と知らせる").get_attribute("href")
    assert "template=4-confirm-window.yml" in confirm and "id=maisapo-ueda" in confirm
    edit = staff.get_by_role("link", name="この情報を修正する (GitHub)").get_attribute("href")
    assert edit.endswith("/edit/main/data/windows/maisapo-ueda.yml")
    report = phone.get_by_role("link", name="まちがいを知らせる").get_attribute("href")
    assert "maisapo-ueda" in report
