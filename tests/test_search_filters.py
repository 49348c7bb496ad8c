"""List filters on /windows/ (and the others): each filter and a combination, checked against the data;
the choice lives in the URL, survives a reload and the back button."""

from __future__ import annotations

import pytest
from conftest import ROOT

from generator.engine.audit import serve
from generator.engine.pipeline import validated_registry
from generator.registry.index import build_index

pytest.importorskip("playwright.sync_api")
from test_browser import browser, phone, server  # noqa: E402,F401  (fixtures reused)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def index():
    return build_index(validated_registry(ROOT))


def shown(page) -> set[str]:
    return set(page.locator(".hub-card:visible .hub-card__title").all_inner_texts())


def names(entries) -> set[str]:
    return {e.listing.name for e in entries}


def test_each_filter_matches_the_data(phone, server, index):  # noqa: F811
    windows = index.entries["windows"]
    reg = index.registry
    iijima = reg.municipalities["203840"]
    kamiina = reg.regions[iijima.region]
    checks = [
        ("method=line", lambda e: "line" in e.listing.methods),
        ("method=email", lambda e: "email" in e.listing.methods),
        ("method=online", lambda e: "online" in e.listing.methods),
        ("method=visit", lambda e: "visit" in e.listing.methods),
        ("flag=nophone", lambda e: e.no_phone),
        ("flag=anonymous", lambda e: bool(e.listing.anonymous_ok)),
        ("flag=family-only", lambda e: bool(e.listing.family_only_ok)),
        ("flag=free", lambda e: e.free),
        ("flag=weekday", lambda e: e.weekday),
        ("flag=evening", lambda e: e.evening),
        ("flag=weekend", lambda e: e.weekend),
        ("audience=family", lambda e: bool({"family", "anyone"} & set(e.listing.audience))),
        ("audience=supporter", lambda e: bool({"supporter", "anyone"} & set(e.listing.audience))),
        ("town=203840", lambda e: e.accepts(iijima)),
        (f"region={kamiina.id}", lambda e: e in index.in_region(kamiina, "windows")),
        ("region=nagano", lambda e: e in index.in_region(reg.regions["nagano"], "windows")),
    ]
    for query, keep in checks:
        phone.goto(f"{server}/windows/?{query}")
        expected = names(e for e in windows if keep(e))
        assert shown(phone) == expected, query
        assert 0 < len(expected) or query.startswith(("flag=family", "region")), f"{query} checks nothing"


def test_ticking_filters_updates_the_url_and_back_undoes_it(phone, server, index):  # noqa: F811
    reg = index.registry
    phone.goto(server + "/windows/")
    every = shown(phone)
    phone.get_by_label("電話以外で相談できる").check()
    phone.get_by_label("無料").check()
    phone.get_by_label("住んでいる市町村").select_option("203840")
    assert phone.url.endswith("/windows/?flag=nophone&flag=free&town=203840")
    iijima = reg.municipalities["203840"]
    combined = names(e for e in index.entries["windows"] if e.no_phone and e.free and e.accepts(iijima))
    assert shown(phone) == combined and 0 < len(combined) < len(every)
    phone.reload()  # shareable: the same link shows the same list
    assert shown(phone) == combined
    assert phone.get_by_label("無料").is_checked()
    phone.go_back()
    phone.wait_for_function("() => !location.search.includes('town=')")
    assert shown(phone) == names(e for e in index.entries["windows"] if e.no_phone and e.free)
    phone.get_by_role("button", name="条件をすべて外す").click()
    phone.wait_for_function("() => location.search === ''")
    assert shown(phone) == every


def test_other_lists_have_the_same_filters(phone, server, index):  # noqa: F811
    for kind in ("ibasho", "family-groups"):
        phone.goto(f"{server}/{kind}/?flag=anonymous")
        assert shown(phone) == names(e for e in index.entries[kind] if e.listing.anonymous_ok)
        # a list with no listings has nothing to filter (issue #15: no 20 boxes over an empty list)
        assert phone.get_by_label("地域 (広域圏)").count() == (1 if index.entries[kind] else 0)


TOWN_AND_REGION_FILTERS = """() => {
  const form = document.querySelector("form[data-hub-filter]"), out = {};
  for (const name of ["town", "region"]) {
    const select = form.querySelector(`select[name=${name}]`);
    for (const option of Array.from(select.options).filter(o => o.value)) {
      select.value = option.value;
      form.dispatchEvent(new Event("change"));
      out[name + "=" + option.value] = Array.from(document.querySelectorAll(".hub-card"))
        .filter(card => !card.hidden)
        .map(card => card.querySelector("a").getAttribute("href").replace(/^(\\.\\.\\/)+/, ""));
    }
    select.value = "";
  }
  return out;
}"""


def assert_town_and_region_filters_agree(page, server, index):
    """hub.js decides nothing: for each town a list shows exactly the listings Entry.accepts() lets its residents
    use, and for each region those Index.in_region() finds (the cards carry Entry.open_to and Entry.regions)."""
    reg = index.registry
    for kind, entries in index.entries.items():
        if not entries:
            continue
        page.goto(f"{server}/{kind}/")
        towns = {
            f"town={code}": [e.url for e in entries if e.accepts(town)] for code, town in reg.municipalities.items()
        }
        regions = {f"region={r.id}": [e.url for e in index.in_region(r, kind)] for r in reg.regions.values()}
        assert page.evaluate(TOWN_AND_REGION_FILTERS) == towns | regions, kind


def test_every_town_and_region_filter_agrees_with_python(phone, server, index):  # noqa: F811
    assert_town_and_region_filters_agree(phone, server, index)


def test_the_same_on_the_fixtures_where_a_window_takes_its_region(phone, fixture_site):  # noqa: F811
    """The real data has no listing open to a whole region; tests/fixtures/valid has one (test-iijima-soudanshitsu:
    accepts_from: region) and a family group serving a region."""
    index = build_index(validated_registry(fixture_site.parent))
    iijima = next(e for e in index.entries["windows"] if e.id == "test-iijima-soudanshitsu")
    assert iijima.open_to == ("203840", "kamiina")
    with serve(fixture_site) as url:
        assert_town_and_region_filters_agree(phone, url.rstrip("/"), index)
