"""Hardening of every built HTML page: a Content-Security-Policy `<meta>`.

Only the theme's own inline scripts run (allowed one by one by their SHA-256), scripts otherwise
come from the site itself, and the only foreign origin is 国土地理院's tile server, which a page
contacts only after the visitor presses 「地図を表示」. Text from data is escaped when rendered;
this policy is the second lock on the same door.
"""

from __future__ import annotations

import base64
import hashlib
import re

TILE_ORIGIN = "https://cyberjapandata.gsi.go.jp"
_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)([^>]*)>(.*?)</script>", re.S | re.I)
_NOT_JS = re.compile(r"""\btype\s*=\s*["']?(?!text/javascript|module)[^"'\s>]+""", re.I)


def inline_script_hashes(html: str) -> list[str]:
    """'sha256-…' sources for each inline script that a browser would execute."""
    out = []
    for attrs, body in _INLINE_SCRIPT.findall(html):
        if _NOT_JS.search(attrs):  # e.g. type="application/json": data, never executed
            continue
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
        out.append(f"'sha256-{digest}'")
    return sorted(set(out))


def policy(html: str) -> str:
    scripts = " ".join(["'self'", *inline_script_hashes(html)])
    return "; ".join([
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
    ])


def add_csp(html: str) -> str:
    """Insert the policy as the first element of <head>, before any script can run."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(html)}">'
    return re.sub(r"<head(\s[^>]*)?>", lambda m: m.group(0) + meta, html, count=1)
