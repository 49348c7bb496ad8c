"""Stage 5 helpers: what a resident reads (times in plain Japanese, tap-to-call links) and escaping."""

import pytest

from generator.registry.models import PhoneContact, TimeSlot
from generator.site.render import md, slot_ja, tel_uri


@pytest.mark.parametrize(
    "slot, text",
    [
        (dict(days=["sat"], nth=[2], opens="13:30", closes="16:00"), "毎月第2土曜 13:30〜16:00"),
        (dict(days=["fri"], nth=[-1], opens="20:00", closes="21:00"), "毎月最終金曜 20:00〜21:00"),
        (dict(days=["mon", "tue", "wed", "thu", "fri"], opens="08:30", closes="17:15"), "平日 (月〜金) 8:30〜17:15"),
        (dict(days=["mon", "tue", "wed", "thu", "fri", "sat", "sun"], opens="00:00", closes="24:00"), "毎日 24時間"),
        (dict(days=["mon", "thu", "fri"], opens="06:00", closes="24:00"), "月・木・金曜 6:00〜24:00"),
        (dict(month_days=[10], opens="08:00", closes="08:00"), "毎月10日 8:00〜翌8:00"),
        (dict(days=["mon", "tue", "wed", "thu", "fri", "sat"], opens="10:00", closes="18:00"), "月〜土曜 10:00〜18:00"),
    ],
)
def test_schedule_in_plain_japanese(slot, text):
    assert slot_ja(TimeSlot.model_validate(slot)) == text


def test_tel_links_are_international_and_keep_extensions():
    assert tel_uri(PhoneContact(number="026-273-1111", extension="2132")) == "tel:+81-26-273-1111;ext=2132"
    assert tel_uri(PhoneContact(number="0120-279-338")) == "tel:+81-120-279-338"


def test_markdown_escaping_neutralises_markup():
    out = str(md("<script>x</script> [a](javascript:b) *c* # d"))
    assert "<" not in out and "[" not in out and "*" not in out and "(" not in out and "#" not in out.split("&#")[0]


@pytest.mark.parametrize("name", ["テスト'の会", 'テスト "ひだまり" の会', "テスト & <b>会</b> # [x](y)"])
def test_a_heading_shows_the_name_as_written(name):
    import html as html_lib
    import re

    import markdown

    extensions = ["attr_list", "md_in_html", "admonition", "tables", "toc"]  # mkdocs.yml's markdown_extensions
    page = markdown.markdown(f"# {md(name)}\n", extensions=extensions)
    visible = html_lib.unescape(re.sub(r"<[^>]+>", "", re.search(r"<h1[^>]*>(.*)</h1>", page).group(1)))
    assert visible == name and "<b>" not in page
