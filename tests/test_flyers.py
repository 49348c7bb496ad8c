"""Flyers: one A4 sheet per town and region that a partner can print and hand out.

What is printed is checked the way a partner would get it: Debian's chromium prints the built
page to PDF (A4), poppler counts the pages and extracts the text, and zbar reads the QR code.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, TODAY, copy_project, run_generator

from generator.engine.audit import CHROMIUM, serve
from generator.engine.audit import CHROMIUM_ARGS as ARGS
from generator.engine.pipeline import site_settings
from generator.registry.checks import load_registry
from generator.registry.index import build_index
from generator.site.flyers import CAPS, build_flyers, qr_svg
from generator.site.render import render_pages, slot_ja

IIJIMA = "203840"  # 飯島町: nothing of its own registered in the real data
IBASHO_TOWNS = ["202096", "202100", "203840", "202096", "202100", "202096"]  # テスト居場所 in the fixture towns


# ---------------------------------------------------------------- a crowded town (synthetic)


def _window(i: int, level: str = "municipal", area: str = f"['{IIJIMA}']", no_phone: bool = True) -> str:
    town = "" if level == "national" else f"municipality: '{IIJIMA}'"
    n = {"municipal": 1000, "regional": 2000, "national": 4000}[level] + i  # unique phone numbers
    ways = "  emails: [soudan{i}@example.org]\n  line: [{{name: テスト相談LINE, line_id: '@example{i}'}}]\n"
    return f"""id: test-madoguchi-{level}-{i}
name: テスト飯島町ひきこもり・生きづらさ相談窓口 その{i}
name_kana: てすとまどぐち
operator: {{name: テスト運営者, type: municipality}}
{town}
service_area: {area}
accepts_from: region
level: {level}
methods: {"[phone, email, line]" if no_phone else "[phone]"}
contacts:
  phones:
    - number: 0265-00-{n}
      label: テスト相談専用ダイヤル (通話料がかかります)
      hours: [{{days: [mon, tue, wed, thu, fri], opens: '08:30', closes: '17:15'}}]
    - number: 0265-00-{n + 5000}
      label: テスト夜間
      hours: [{{days: [sat], nth: [2, 4], opens: '13:00', closes: '16:00', note: テスト予約制}}]
{ways.format(i=i) if no_phone else ""}audience: [person, family]
description: テスト用の架空の窓口です。
last_verified: 2026-10-01
source: [{{note: テスト用の架空データ (synthetic test data)}}]
"""


def _ibasho(i: int, town: str) -> str:
    return f"""id: test-ibasho-{i}
name: テスト居場所 その{i}
name_kana: てすといばしょ
operator: {{name: テスト運営者, type: npo}}
municipality: '{town}'
service_area: ['{town}']
accepts_from: anywhere
methods: [visit, phone]
contacts:
  phones: [{{number: 0265-00-{3000 + i}}}]
audience: [anyone]
description: テスト用の架空の居場所です。
last_verified: 2026-10-01
source: [{{note: テスト用の架空データ (synthetic test data)}}]
"""


@pytest.fixture(scope="module")
def crowded(tmp_path_factory) -> Path:
    """The fixture project (three towns), plus more テスト listings for 飯島町 than any flyer can hold."""
    root = copy_project(tmp_path_factory.mktemp("crowded"), FIXTURES / "valid" / "data")
    windows = root / "data" / "windows"
    for i in range(8):
        (windows / f"test-madoguchi-municipal-{i}.yml").write_text(_window(i), encoding="utf-8")
    for i in range(4):
        (windows / f"test-madoguchi-regional-{i}.yml").write_text(_window(i, "regional", "[kamiina]"), encoding="utf-8")
    for i in range(10):
        (windows / f"test-madoguchi-national-{i}.yml").write_text(
            _window(i, "national", "[national]", no_phone=i < 3), encoding="utf-8"
        )
    for i, town in enumerate(IBASHO_TOWNS):
        (root / "data" / "ibasho" / f"test-ibasho-{i}.yml").write_text(_ibasho(i, town), encoding="utf-8")
    return root


# ---------------------------------------------------------------- without a browser


def test_site_url_comes_from_mkdocs_yml_without_running_its_tags(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(
        "site_url: https://example.org/hub\n"
        "markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index:"
        " !!python/name:material.extensions.emoji.twemoji\n"
        "extra:\n  token: !ENV [TOKEN, x]\n",
        encoding="utf-8",
    )
    assert site_settings(tmp_path).site_url == "https://example.org/hub/"
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    assert site_settings(tmp_path).site_url == ""
    assert str(qr_svg("municipalities/203840/", "テスト")) == ""  # no QR code that leads nowhere


def test_qr_code_keeps_its_viewbox_so_it_scales_without_cropping():
    svg = str(qr_svg("https://example.org/hub/municipalities/203840/", "テスト"))
    opening = svg[: svg.index(">")]
    assert "viewBox=" in opening and "width=" not in opening and "height=" not in opening
    assert "<title>テスト</title>" in svg


def test_every_town_and_region_has_a_flyer_page():
    index = build_index(load_registry(ROOT, TODAY), TODAY)
    pages = render_pages(index, site_url=site_settings(ROOT).site_url)
    assert sorted(p for p in pages if re.fullmatch(r"flyers/\d{6}\.md", p)) == sorted(
        f"flyers/{code}.md" for code in index.registry.municipalities
    )
    assert sorted(p for p in pages if p.startswith("flyers/regions/")) == sorted(
        f"flyers/regions/{rid}.md" for rid in index.registry.regions
    )
    listing = pages["flyers/index.md"]
    assert listing.count('href="../flyers/') == len(index.registry.municipalities) + len(index.registry.regions)
    iijima = pages[f"flyers/{IIJIMA}.md"]
    assert "飯島町にお住まいの方と、ご家族へ" in iijima
    assert iijima.index("まいさぽ上伊那") < iijima.index("電話をかけずに相談できるところ")  # its region's window first
    assert "担当の窓口がわからないときは、飯島町役場の代表番号" in iijima
    assert "伊那保健福祉事務所" in iijima and "長野県ひきこもり支援センター" in iijima
    assert "連絡先はこのサイトではまだ確認できていないため" in iijima
    assert "https://shinshu-hikikomori-hub.github.io/hub/municipalities/203840/" in iijima


def test_a_crowded_town_keeps_the_nearest_and_says_where_the_rest_are(crowded):
    index = build_index(load_registry(crowded, TODAY), TODAY)
    flyer = {f.path: f for f in build_flyers(index, slot_ja, "https://example.org/hub/")}[f"flyers/{IIJIMA}.md"]
    sections = flyer.sections
    for name, section in sections.items():
        assert len(section.shown) <= CAPS[name], name
    assert sections["own"].shown and sections["own"].rest  # 8 windows: some shown, the rest summarised
    assert sections["national"].shown and sections["national"].rest
    nearby = sections["nearby"]
    assert nearby.rest, "six ibasho cannot all fit"
    distances = [e.km_from(flyer.town) for e in nearby.shown + nearby.rest]
    assert distances == sorted(distances)  # nearest first, the rest are the farther ones
    towns = index.registry.municipalities
    assert nearby.rest_places and set(nearby.rest_places) <= {towns[c].name for c in IBASHO_TOWNS}
    page = render_pages(index)[f"flyers/{IIJIMA}.md"]
    assert f"ほかに{len(sections['own'].rest)}件 (飯島町) — QRコードのページに載っています。" in page


# ---------------------------------------------------------------- printed, in Debian's chromium


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    for tool in ("pdfinfo", "pdftotext", "pdftoppm", "zbarimg"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} is missing: `make browser` installs poppler-utils and zbar-tools")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def _print(browser, url: str, pdf: Path) -> list[str]:
    """Print `url` to an A4 PDF as a partner would; return the phone numbers shown on screen."""
    page = browser.new_page(locale="ja-JP")
    page.goto(url)
    phones = page.locator(".hub-flyer a.hub-flyer__tel").all_inner_texts()
    assert page.get_by_role("button", name="印刷する").is_visible()
    page.pdf(path=str(pdf), format="A4")
    page.close()
    return phones


def _pdf_facts(pdf: Path) -> tuple[str, str, str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(pdf.with_suffix(""))], check=True)
    pngs = sorted(pdf.parent.glob(pdf.stem + "*.png"))
    qr = subprocess.run(["zbarimg", "--quiet", "--raw", str(pngs[0])], capture_output=True, text=True).stdout
    return info, text, qr.strip()


def _pages(info: str) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


@pytest.mark.browser
def test_printed_flyers_are_one_a4_page_with_phones_and_a_working_qr_code(browser, built_site, tmp_path):
    index = build_index(load_registry(ROOT))
    busiest = max(
        index.towns.values(), key=lambda v: (len(v.own), v.counts["ibasho"] + v.counts["family-groups"], v.town.code)
    )
    assert len(busiest.own) >= 2  # 長野市 in the real data
    region = index.registry.regions[index.towns[IIJIMA].region.id]
    base = site_settings(ROOT).site_url
    cases = [
        (f"flyers/{busiest.town.code}/", busiest.town.name, f"municipalities/{busiest.town.code}/"),
        (f"flyers/{IIJIMA}/", "飯島町", f"municipalities/{IIJIMA}/"),
        (f"flyers/regions/{region.id}/", region.name, f"regions/{region.id}/"),
    ]
    with serve(built_site) as server:
        for path, name, target in cases:
            pdf = tmp_path / (path.strip("/").replace("/", "-") + ".pdf")
            phones = _print(browser, f"{server}/{path}", pdf)
            info, text, qr = _pdf_facts(pdf)
            assert _pages(info) == 1, (path, info)
            assert "(A4)" in info
            assert name in text, path
            assert phones, f"{path}: no phone number on screen"
            missing = [p for p in phones if p not in text]
            assert not missing, f"{path}: printed without {missing}"
            assert "印刷する" not in text and "チラシの一覧" not in text  # buttons and links stay on screen
            assert "情報確認日" in text
            assert qr == base + target, path


@pytest.mark.browser
def test_a_crowded_town_still_prints_on_one_page(browser, crowded, tmp_path):
    result = run_generator(crowded, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    with serve(crowded / "site") as server:
        pdf = tmp_path / "crowded.pdf"
        phones = _print(browser, f"{server}/flyers/{IIJIMA}/", pdf)
        info, text, qr = _pdf_facts(pdf)
    assert _pages(info) == 1, info
    assert "0265-00-1000" in phones and all(p in text for p in phones)
    assert "QRコードのページに載っています" in text
    assert qr.endswith(f"/municipalities/{IIJIMA}/")
