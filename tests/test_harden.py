"""The CSP lets the theme's own inline scripts run and nothing else."""

import re

import pytest
from conftest import copy_project, run_generator

from generator.engine.harden import UnpinnedScript, add_csp, inline_script_hashes

# Material's content-tab script, one of the pinned ones (generator/engine/inline-scripts.json)
TABS = (
    "var target=document.getElementById(location.hash.slice(1));"
    'target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))'
)
PAGE = (
    "<html><head><title>t</title><script>" + TABS + "</script>"
    '<script id="__config" type="application/json">{"x": 1}</script>'
    '<script src="assets/x.js"></script></head><body>&lt;script&gt;alert(1)&lt;/script&gt;</body></html>'
)


def test_only_executable_inline_scripts_are_hashed():
    assert inline_script_hashes(PAGE) == ["'sha256-/8wPdzX9q0NNJXyA5lzsLojXFpkeaXVxhbfkUOQaWy8='"]


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


def test_an_inline_script_that_is_not_pinned_is_refused_with_the_page_named():
    with pytest.raises(UnpinnedScript, match=r"^docs/privacy\.md: .*inline script not pinned"):
        add_csp("<html><head></head><body><script>alert(1)</script></body></html>", "docs/privacy.md")


def test_material_scope_script_is_pinned_only_with_a_plain_path():
    scope = (
        '__md_scope=new URL("{}",location),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0)),0),'
        '__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e)),'
        '__md_set=(e,_,t=localStorage,a=__md_scope)=>{{try{{t.setItem(a.pathname+"."+e,JSON.stringify(_))}}catch(e){{}}}}'
    )
    for base in ("..", "../../..", "/hub/", "."):
        add_csp(f"<html><head><script>{scope.format(base)}</script></head></html>", "x")
    with pytest.raises(UnpinnedScript):
        add_csp(f"<html><head><script>{scope.format(chr(34) + ',alert(1),(' + chr(34))}</script></head></html>", "x")


def test_a_script_written_into_a_docs_page_fails_the_build_naming_the_file(tmp_path):
    root = copy_project(tmp_path)
    about = root / "docs" / "privacy.md"
    about.write_text(
        about.read_text(encoding="utf-8") + "\n<script>alert(document.cookie)</script>\n", encoding="utf-8"
    )
    result = run_generator(root, "build")
    assert result.returncode == 1
    assert "docs/privacy.md: ページの中にスクリプト (<script>) は書けません" in result.stderr
    assert not (root / "site").exists()
