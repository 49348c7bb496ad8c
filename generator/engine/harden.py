"""Hardening of every built HTML page: a Content-Security-Policy `<meta>`.

Only the theme's own inline scripts run (allowed one by one by their SHA-256), scripts otherwise
come from the site itself, and the only foreign origin is 国土地理院's tile server, which a page
contacts only after the visitor presses 「地図を表示」. Text from data is escaped when rendered;
this policy is the second lock on the same door.

The inline scripts that may run are pinned in `inline-scripts.json` beside this file (Material's and
overrides/main.html's). Any other inline script, e.g. a `<script>` written into a page in docs/, fails
the build with the file's name instead of being allowed by its own hash.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import cache
from pathlib import Path

TILE_ORIGIN = "https://cyberjapandata.gsi.go.jp"
_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)([^>]*)>(.*?)</script>", re.S | re.I)
_NOT_JS = re.compile(r"""\btype\s*=\s*["']?(?!text/javascript|module)[^"'\s>]+""", re.I)


PINS = Path(__file__).with_name("inline-scripts.json")
# Material's first script names the site's base URL, which differs with the page's depth ("..", "../..")
# and the site_url: pinned with BASE in its place. Only a plain path fits, so no code can hide there.
_MATERIAL_SCOPE = re.compile(r'^__md_scope=new URL\("[A-Za-z0-9/._~-]*",location\)')


class UnpinnedScript(ValueError):
    """An inline script that is not one of the pinned ones."""


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _executable_scripts(html: str) -> list[str]:
    # e.g. type="application/json" is data, never executed
    return [body for attrs, body in _INLINE_SCRIPT.findall(html) if not _NOT_JS.search(attrs)]


def pin_of(script: str) -> str:
    """The hash a script is pinned by: its own, with Material's base URL written as BASE."""
    return _sha256(_MATERIAL_SCOPE.sub('__md_scope=new URL("BASE",location)', script, count=1))


@cache
def pinned() -> frozenset[str]:
    return frozenset(entry["sha256"] for entry in json.loads(PINS.read_text(encoding="utf-8"))["scripts"])


def check_inline_scripts(html: str, where: str) -> None:
    for script in _executable_scripts(html):
        if pin_of(script) not in pinned():
            raise UnpinnedScript(
                f"{where}: ページの中にスクリプト (<script>) は書けません (inline script not pinned in "
                f"generator/{PINS.name}; after a theme update, pin the theme's own script: {pin_of(script)}): "
                f"{script[:80]!r}"
            )


def inline_script_hashes(html: str) -> list[str]:
    """'sha256-…' sources for each inline script that a browser would execute."""
    return sorted({f"'sha256-{_sha256(body)}'" for body in _executable_scripts(html)})


def policy(html: str) -> str:
    scripts = " ".join(["'self'", *inline_script_hashes(html)])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",  # the theme and Leaflet set style attributes from their own code
            f"img-src 'self' data: {TILE_ORIGIN}",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "frame-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ]
    )


def add_csp(html: str, where: str = "") -> str:
    """Insert the policy as the first element of <head>, before any script can run. Raises UnpinnedScript
    for an inline script that is not pinned; `where` names the page's source in that message."""
    check_inline_scripts(html, where or "(page)")
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(html)}">'
    return re.sub(r"<head(\s[^>]*)?>", lambda m: m.group(0) + meta, html, count=1)
