"""The built site: every promised page exists, nothing reaches another host, and a failed build
never replaces the last good site."""

import re
from pathlib import Path

from conftest import ROOT, copy_project, run_generator

from generator.registry.checks import load_registry
from generator.registry.furigana import strip_ruby

REG = load_registry(ROOT)


def html(site: Path, url: str) -> str:
    """A built page as its text reads (ふりがな readings left out: generator/registry/furigana.py)."""
    return strip_ruby(
        (site / url.strip("/") / "index.html").read_text(encoding="utf-8")
        if url != "/"
        else (site / "index.html").read_text(encoding="utf-8")
    )


def test_every_promised_page_exists(built_site):
    for url in [
        "/",
        "/person/",
        "/family/",
        "/supporters/",
        "/municipalities/",
        "/regions/",
        "/windows/",
        "/ibasho/",
        "/family-groups/",
        "/messages/",
        "/status/",
        "/consulting/",
        "/contribute/",
        "/privacy/",
        "/about/",
        "/open-data/",
    ]:
        assert (built_site / url.strip("/") / "index.html").exists(), url
    towns = [p for p in (built_site / "municipalities").iterdir() if p.is_dir()]
    assert sorted(p.name for p in towns) == sorted(REG.municipalities)
    assert sorted(p.name for p in (built_site / "regions").iterdir() if p.is_dir()) == sorted(REG.regions)
    for kind, listing in REG.all_listings():
        assert (built_site / kind / listing.id / "index.html").exists(), listing.id


def test_town_without_a_window_of_its_own_gets_its_regions_window_and_town_hall_first(built_site):
    page = html(built_site, "/municipalities/203840/")  # 飯島町: served by まいさぽ上伊那, located elsewhere
    own = page.split('id="own"')[1].split('id="no-phone"')[0]
    assert own.index("まいさぽ上伊那") < own.index("飯島町役場")  # the first local entry is a window with a number
    assert 'href="tel:+81-265-96-7845"' in own
    assert "受け持ち:" in own and "飯島町" in own
    assert (
        "担当の窓口がわからないときの代表番号です。相談したいことを伝えて、担当の係につないでもらってください。" in own
    )
    assert "あなたのいばしょ チャット相談" in page.split('id="no-phone"')[1].split('id="crisis"')[0]
    assert "上伊那地域" in page and "伊那保健福祉事務所" in page


def test_listing_page_shows_how_to_reach_it(built_site):
    page = html(built_site, "/windows/anoetto-nagano-city/")
    assert 'href="tel:+81-120-783-041"' in page
    assert 'href="mailto:kodomosougou@city.nagano.lg.jp"' in page
    assert "平日 (月〜金) 8:30〜19:30" in page
    assert "情報確認日" in page and "2022年8月2日" in page
    assert "年以上前に確認したもの" in page  # gentle note on old information
    assert "/edit/main/data/windows/anoetto-nagano-city.yml" in page


def test_no_third_party_request_on_page_load(built_site):
    """Scripts, styles, fonts, images and frames all come from the site itself."""
    pattern = re.compile(r'<(?:script|link|img|iframe|source)\b[^>]*?(?:src|href)="([^"]+)"', re.I)
    for page in built_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for url in pattern.findall(text):
            if url.startswith(("http://", "https://", "//")):
                # <link rel=canonical> names the deployed URL; it is not fetched
                tag = text[text.rfind("<", 0, text.index(url)) : text.index(url)]
                assert 'rel="canonical"' in tag or "alternate" in tag, (page, url)
    for css in built_site.rglob("*.css"):
        assert "fonts.googleapis" not in css.read_text(encoding="utf-8"), css
    assert "api.github.com" not in "".join(p.read_text(encoding="utf-8") for p in built_site.rglob("*.html"))


def test_internal_links_resolve(built_site):
    href = re.compile(r'href="([^"#?]*)(?:[#?][^"]*)?"')
    for page in built_site.rglob("*.html"):
        if page.name == "404.html":  # MkDocs writes it with site_url-absolute links, by design
            continue
        for link in href.findall(page.read_text(encoding="utf-8")):
            if not link or link.startswith(("http:", "https:", "mailto:", "tel:", "//")):
                continue
            target = (page.parent / link).resolve()
            assert target.exists() or (target / "index.html").exists(), (page.relative_to(built_site), link)


def test_invalid_data_never_replaces_the_last_good_site(tmp_path):
    root = copy_project(tmp_path)
    assert run_generator(root, "build").returncode == 0
    before = {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    broken = root / "data" / "windows" / "yorisoi-hotline.yml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("0120-279-338", "026-12"), encoding="utf-8")
    result = run_generator(root, "build")
    assert result.returncode == 1
    assert "data/windows/yorisoi-hotline.yml:" in result.stdout and "error[phone-invalid]" in result.stdout
    assert "site/ は更新しません" in result.stderr
    after = {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    assert after == before
    assert not list(root.glob(".site-*"))


def test_failing_mkdocs_or_background_stage_keeps_the_site(tmp_path):
    root = copy_project(tmp_path)
    assert run_generator(root, "build").returncode == 0
    before = {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    about = root / "docs" / "privacy.md"
    good_about = about.read_text(encoding="utf-8")
    about.write_text("# x\n\n[broken](nowhere.md)\n", encoding="utf-8")  # strict: warning
    result = run_generator(root, "build")
    assert result.returncode == 1
    assert "nowhere.md" in result.stderr
    assert (root / "site" / "index.html").read_bytes() == before[root / "site" / "index.html"]
    # Map, search and open data are made in a second process while MkDocs renders: its failure fails the build.
    about.write_text(good_about, encoding="utf-8")
    maps = root / "generator" / "site" / "maps.py"
    maps.write_text(
        maps.read_text(encoding="utf-8").replace(
            "def map_files(index: Index) -> dict[str, str]:\n",
            "def map_files(index: Index) -> dict[str, str]:\n    raise ValueError('テスト: 地図データが作れない')\n",
        ),
        encoding="utf-8",
    )
    result = run_generator(root, "build")
    assert result.returncode == 1
    assert "公開用のファイルを作れませんでした (could not make the published files)" in result.stderr
    assert "テスト: 地図データが作れない" in result.stderr
    assert {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()} == before
    # Pages are rendered on the other core while MkDocs reads them: a page that cannot be made fails the build.
    maps.write_text(
        maps.read_text(encoding="utf-8").replace("    raise ValueError('テスト: 地図データが作れない')\n", ""),
        encoding="utf-8",
    )
    flyer = root / "generator" / "site" / "templates" / "flyer.md.j2"
    flyer.write_text("{{ テスト_存在しない変数 }}\n" + flyer.read_text(encoding="utf-8"), encoding="utf-8")
    result = run_generator(root, "build")
    assert result.returncode == 1
    assert "ページを作れませんでした (could not render the pages)" in result.stderr
    assert "テスト_存在しない変数" in result.stderr
    assert {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()} == before
    assert not list(root.glob(".site-*")) and not list(root.glob(".hub-published-*"))  # nothing half-made is left
