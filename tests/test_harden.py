"""The CSP lets the theme's own inline scripts run and nothing else."""

import re

from generator.harden import add_csp, inline_script_hashes

PAGE = ('<html><head><title>t</title><script>var a=1;</script>'
        '<script id="__config" type="application/json">{"x": 1}</script>'
        '<script src="assets/x.js"></script></head><body>&lt;script&gt;alert(1)&lt;/script&gt;</body></html>')


def test_only_executable_inline_scripts_are_hashed():
    assert inline_script_hashes(PAGE) == ["'sha256-gaaMFNHZyRta8zB2VHkWLMP4tMxJ+d8v3dTW7nw2r6M='"]


def test_meta_comes_first_in_head_and_names_the_tile_host_only():
    out = add_csp(PAGE)
    assert out.startswith('<html><head><meta http-equiv="Content-Security-Policy" content="default-src ' + "'self'")
    origins = set(re.findall(r"https?://[^\s;\"']+", out.split('">', 1)[0]))
    assert origins == {"https://cyberjapandata.gsi.go.jp"}


def test_every_built_page_carries_the_policy(built_site):
    for page in built_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        head = text[: text.index("</head>")]
        assert 'http-equiv="Content-Security-Policy"' in head, page
        for source in inline_script_hashes(text):
            assert source in head, (page, source)
