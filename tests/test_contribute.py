"""/contribute/: the guide links to templates and blank sheets that exist in the built site."""

from __future__ import annotations

import yaml
from openpyxl import load_workbook

from generator.registry.furigana import strip_ruby
from generator.registry.kinds import NAMES
from generator.registry.schema import TEMPLATES


def test_contribute_page_leads_to_forms_sheets_and_templates(built_site):
    page = strip_ruby((built_site / "contribute" / "index.html").read_text(encoding="utf-8"))
    for words in ("入力フォームで送るとき", "表計算ソフト", "送ったあとのながれ", "掲載しないもの", "掲載を終えるとき"):
        assert words in page
    assert 'href="templates/"' in page


def test_templates_page_offers_every_download(built_site):
    folder = built_site / "contribute"
    page = strip_ruby((folder / "templates" / "index.html").read_text(encoding="utf-8"))
    for kind in NAMES:
        assert f'href="../template-{kind}.yml"' in page
        text = (folder / f"template-{kind}.yml").read_text(encoding="utf-8")
        assert "必須 (required)" in text and yaml.safe_load(text)["id"] == "your-id"
        assert kind in TEMPLATES
    assert 'href="../listings-template.xlsx"' in page and 'href="../listings-template.csv"' in page
    book = load_workbook(folder / "listings-template.xlsx")
    assert book["掲載"]["B1"].value == "ID"  # the header row of /api/v1/listings.csv
    assert "電話番号" in page and "[公共施設一覧の列]" in page
