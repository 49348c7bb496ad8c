"""Stage 4: what each town page offers, computed once."""

import re
import shutil

from conftest import FIXTURES, TODAY

from generator.registry.checks import load_registry
from generator.registry.index import build_index
from generator.site.render import render_pages


def fixture_index(tmp_path):
    shutil.copytree(FIXTURES / "valid" / "data", tmp_path / "data")
    return build_index(load_registry(tmp_path, TODAY), TODAY)


def ids(entries):
    return [e.id for e in entries]


def test_town_with_its_own_window(tmp_path):
    view = fixture_index(tmp_path).towns["203840"]  # 飯島町
    assert ids(view.own) == ["test-iijima-soudanshitsu"]
    assert ids(view.wide) == ["test-ken-madoguchi"]
    assert "test-iijima-soudanshitsu" in ids(view.no_phone)  # e-mail


def test_neighbour_sees_a_window_that_accepts_its_region(tmp_path):
    view = fixture_index(tmp_path).towns["202100"]  # 駒ヶ根市: test-iijima accepts the region
    assert ids(view.own) == []
    assert ids(view.elsewhere) == ["test-iijima-soudanshitsu"]
    assert ids(view.nearby["family-groups"]) == ["test-kazokukai"]


def test_no_phone_list_only_offers_places_that_take_the_town(tmp_path):
    index = fixture_index(tmp_path)
    # the ibasho in 伊那市 says nothing of outsiders: shown as nearby, not as a way for 飯島町 to consult
    assert "test-ina-ibasho" in ids(index.towns["203840"].nearby["ibasho"])
    assert "test-ina-ibasho" not in ids(index.towns["203840"].no_phone)
    assert "test-ina-ibasho" in ids(index.towns["202096"].no_phone)


def test_derived_flags(tmp_path):
    entry = {e.id: e for e in fixture_index(tmp_path).entries["windows"]}["test-iijima-soudanshitsu"]
    assert entry.free and entry.weekend and entry.weekday and not entry.evening and entry.no_phone
    assert not entry.stale


def with_far_windows(tmp_path, count):
    """The fixture plus `count` windows in 伊那市 that take anyone, each a little farther south-north."""
    index_dir = tmp_path / "data" / "windows"
    shutil.copytree(FIXTURES / "valid" / "data", tmp_path / "data")
    template = (index_dir / "test-iijima-soudanshitsu.yml").read_text(encoding="utf-8")
    for n in range(count):
        text = (
            template.replace("test-iijima-soudanshitsu", f"test-far-{n:02d}")
            .replace("テスト飯島相談室", f"テスト遠方相談室{n:02d}")
            .replace("'203840'", "'202096'")
            .replace("accepts_from: region", "accepts_from: anywhere")
            .replace("lat: 35.6764", f"lat: {35.83 + n / 100:.2f}")
        )
        (index_dir / f"test-far-{n:02d}.yml").write_text(text, encoding="utf-8")
    return build_index(load_registry(tmp_path, TODAY), TODAY)


def test_town_page_shows_the_nearest_few_and_counts_the_rest(tmp_path):
    before = fixture_index(tmp_path / "before").towns["203840"].totals["no_phone"]  # its own, and what else
    view = with_far_windows(tmp_path, 9).towns["203840"]  # 飯島町, south of every test-far window
    assert ids(view.elsewhere) == [f"test-far-{n:02d}" for n in range(6)]
    assert view.totals["elsewhere"] == 9 and view.more("elsewhere") == 3
    assert len(view.no_phone) == 6 and view.no_phone[0].id == "test-iijima-soudanshitsu"  # its own first
    assert view.more("no_phone") == before + 9 - 6  # and the 9 far ones, all reachable by e-mail


def test_home_highlights_prefer_what_anyone_may_use(tmp_path):
    index = with_far_windows(tmp_path, 12)
    no_phone = [e for e in index.all_entries if e.no_phone]
    shown, total = index.highlight(no_phone)
    assert total == len(no_phone) > len(shown) == 12
    assert all(e.for_everyone for e in shown) and "test-iijima-soudanshitsu" not in ids(shown)
    few = no_phone[:3]
    assert index.highlight(few) == (few, 3)  # while they are few, every one is shown
    home = render_pages(index)["index.md"]
    assert (
        f"ここには12件を載せています。ほかにも{total - 12}件あります。電話以外で相談できるところを一覧で見る: " in home
    )
    assert '<a href="windows/?flag=nophone#list">相談窓口</a>' in home


def test_town_page_links_to_the_rest_in_the_filtered_lists(tmp_path):
    page = render_pages(with_far_windows(tmp_path, 9))["municipalities/203840.md"]
    assert "近いところから載せています。ほかにも3件あります。" in page
    assert '飯島町の方が使えるところを一覧で見る: <a href="../../windows/?town=203840#list">相談窓口</a></p>' in page
    assert (
        "飯島町の方が使える、電話以外で相談できるところを一覧で見る: "
        '<a href="../../windows/?town=203840&amp;flag=nophone#list">相談窓口</a> ・ '
        '<a href="../../ibasho/?town=203840&amp;flag=nophone#list">居場所</a> ・ '
    ) in page
    titles = re.findall(r'<h3 class="hub-card__title"><a href="\.\./\.\./([^"]+)">', page)
    assert len(titles) == len(set(titles))  # no card twice on one page
    view = with_far_windows(tmp_path / "again", 9).towns["203840"]
    sections = ("own", "no_phone", "elsewhere", "wide", *view.nearby, "national")
    assert set(titles) == {e.url for name in sections for e in view.section(name)}  # yet every one is there


def test_town_page_without_more_has_no_more_link(tmp_path):
    assert "一覧で見る" not in render_pages(fixture_index(tmp_path))["municipalities/203840.md"]


def variant(tmp_path, name, **replace):
    """One more window in 飯島町, made from the fixture's own with some lines replaced (synthetic, テスト…)."""
    folder = tmp_path / "data" / "windows"
    text = (
        (folder / "test-iijima-soudanshitsu.yml").read_text(encoding="utf-8").replace("test-iijima-soudanshitsu", name)
    )
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    (folder / f"{name}.yml").write_text(text, encoding="utf-8")


def test_cards_say_whom_a_place_is_for_and_childrens_services_come_after(tmp_path):
    shutil.copytree(FIXTURES / "valid" / "data", tmp_path / "data")
    variant(
        tmp_path,
        "test-kodomo",
        **{
            "audience: [person, family]": "audience: [person, family]\nfor_children: true\nage_max: 18",
            "name: テスト飯島相談室": "name: テスト子ども相談室",
        },
    )
    variant(
        tmp_path,
        "test-choumin",
        **{
            "accepts_from: region": "accepts_from: own-municipality",
            "name: テスト飯島相談室": "name: テスト町民相談室",
        },
    )
    index = build_index(load_registry(tmp_path, TODAY), TODAY)
    own = index.towns["203840"].own
    assert ids(own)[-1] == "test-kodomo"  # after every adults' window of the town
    entry = {e.id: e for e in own}
    assert entry["test-kodomo"].who_labels == ["18歳まで", "子どもと保護者むけ"]
    assert entry["test-choumin"].who_labels == ["飯島町にお住まいの方"]
    page = render_pages(index)["municipalities/203840.md"]
    assert '<span class="hub-who">18歳まで</span><span class="hub-who">子どもと保護者むけ</span>' in page


def test_the_crisis_block_lists_flagged_lines_open_at_night_or_on_days_off(tmp_path):
    shutil.copytree(FIXTURES / "valid" / "data", tmp_path / "data")
    night = "    - days: [mon, tue, wed, thu, fri, sat, sun]\n      opens: '00:00'\n      closes: '24:00'\n"
    variant(
        tmp_path,
        "test-yoru",
        **{
            "level: municipal": "level: municipal\ncrisis_line: true",
            "schedule:\n  slots:\n": "schedule:\n  slots:\n" + night,
        },
    )
    variant(tmp_path, "test-hiru", **{"level: municipal": "level: municipal\ncrisis_line: true"})  # weekdays, 2nd Sat
    variant(
        tmp_path,
        "test-hiru-heijitsu",
        **{
            "level: municipal": "level: municipal\ncrisis_line: true",
            "    - days: [sat]\n      nth: [2]\n": "    - days: [mon]\n",
        },
    )
    index = build_index(load_registry(tmp_path, TODAY), TODAY)
    assert ids(index.crisis_lines()) == ["test-hiru", "test-yoru"]  # a weekday-daytime line is not in the block
    pages = render_pages(index)
    for page in ("municipalities/203840.md", "person.md", "family.md"):
        block = pages[page].split('<section class="hub-crisis"')[1].split("</section>")[0]
        assert "夜や休日、とてもつらいとき" in block and "test-yoru/" in block and "test-hiru-heijitsu" not in block


def test_a_line_account_without_an_id_or_link_is_no_way_without_a_phone(tmp_path):
    shutil.copytree(FIXTURES / "valid" / "data", tmp_path / "data")
    email = "  emails: [soudan@example.org]\n"
    variant(
        tmp_path,
        "test-line-name",
        **{"methods: [phone, email, visit]": "methods: [phone, line]", email: "  line:\n    - name: テストLINE\n"},
    )
    variant(
        tmp_path,
        "test-line-id",
        **{
            "methods: [phone, email, visit]": "methods: [phone, line]",
            email: "  line:\n    - name: テストLINE\n      line_id: '@test-soudan'\n",
        },
    )
    index = build_index(load_registry(tmp_path, TODAY), TODAY)
    entry = {e.id: e for e in index.all_entries}
    assert not entry["test-line-name"].no_phone and entry["test-line-id"].no_phone
    assert entry["test-line-id"].listing.contacts.line[0].add_friend_url == "https://line.me/R/ti/p/@test-soudan"
    assert (
        '<a href="https://line.me/R/ti/p/@test-soudan" rel="noopener">テストLINE</a>'
        in render_pages(index)["windows/test-line-id.md"]
    )


def test_a_nearby_section_shown_whole_in_the_no_phone_section_says_where_it_is(tmp_path):
    index = fixture_index(tmp_path)
    view = index.towns["202096"]  # 伊那市: its one ibasho takes LINE, so it stands in 「電話をかけずに」 above
    assert ids(view.nearby["ibasho"]) == ["test-ina-ibasho"] and view.shown["ibasho"] == []
    page = render_pages(index)["municipalities/202096.md"]
    assert "伊那市の方が使える居場所は、上の「" in page
    assert "の居場所は、このサイトにはまだ登録されていません" not in page
