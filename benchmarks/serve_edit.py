"""How long `make serve` takes to show an edit to one data file in the browser, at 1× (issue #9: target < 5 s).

    .venv/bin/python benchmarks/serve_edit.py [--edits 5]

In a temporary copy of the project (the real data/ is never touched) this starts `mkdocs serve` exactly as
`make serve` does, opens a listing's page in Debian's chromium, then edits that listing's YAML file several
times. Each time it measures the wall clock from writing the file to the new words being on the page the
browser shows (MkDocs' live reload rebuilds and reloads the page itself). Prints each edit and the median.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lighthouse  # noqa: E402,F401  (puts the project root on sys.path)
from synthetic import make_project  # noqa: E402

from generator.engine.audit import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from generator.engine.pipeline import site_settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LISTING = ("windows", "yorisoi-hotline")
ANCHOR = "どんな人の、どんな悩みでも"  # a phrase of the listing's description, shown on its page


def serve_command() -> list[str]:
    """`mkdocs serve` with the flags of the Makefile's serve target (so this measures what `make serve` runs)."""
    recipe = re.search(r"^serve:.*\n(?:\t.*\n)+", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M).group(0)
    flags = re.sub(r"--dev-addr[ =]\S+", "", re.search(r"mkdocs serve(.*)$", recipe, re.M).group(1)).split()
    return [sys.executable, "-m", "mkdocs", "serve", *flags]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_served(url: str, proc: subprocess.Popen, log: Path, timeout: float = 180) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit("mkdocs serve stopped before serving:\n" + log.read_text(encoding="utf-8")[-3000:])
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"{url} was not served within {timeout:.0f} s")


def wait_for_words(page, words: str, timeout: float = 60) -> None:
    """Poll the shown page; the live reload replaces it underneath, so a failed look is simply tried again."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            if page.evaluate("w => !!document.body && document.body.innerText.includes(w)", words):
                return
        except Exception:  # the page was navigating (reloaded) while we looked
            pass
        time.sleep(0.05)
    sys.exit(f"{words!r} did not appear within {timeout:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="hub-serve-") as tmp:
        project = Path(tmp) / "project"
        project.mkdir()
        make_project(project, 0)
        data_file = project / "data" / LISTING[0] / f"{LISTING[1]}.yml"
        original = data_file.read_text(encoding="utf-8")
        assert ANCHOR in original, f"{data_file.name} no longer says {ANCHOR!r}: choose another phrase"
        port = free_port()
        env = dict(os.environ, PYTHONPATH=str(project), NO_MKDOCS_2_WARNING="1")
        command = [*serve_command(), "--dev-addr", f"127.0.0.1:{port}"]
        mount = urlsplit(site_settings(project).site_url or "/").path  # serve keeps site_url's path
        url = f"http://127.0.0.1:{port}{mount}{LISTING[0]}/{LISTING[1]}/"
        log_path = Path(tmp) / "serve.log"
        log = open(log_path, "w")
        proc = subprocess.Popen(
            command, cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        seconds: list[float] = []
        try:
            wait_until_served(url, proc, log_path)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page()
                page.goto(url)
                for n in range(1, args.edits + 1):
                    words = f"編集{n}回目のことば"
                    time.sleep(1.0)  # let the watcher settle after the previous reload
                    started = time.perf_counter()
                    data_file.write_text(original.replace(ANCHOR, words + ANCHOR), encoding="utf-8")
                    wait_for_words(page, words)
                    seconds.append(time.perf_counter() - started)
                    print(f"edit {n}: visible after {seconds[-1]:.2f} s", flush=True)
                browser.close()
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGINT)
                proc.wait(timeout=30)
            log.close()
        print(
            f"make serve, edit → visible in the browser (1×, {command[3:]}): "
            f"median {statistics.median(seconds):.2f} s of {len(seconds)} edits (min {min(seconds):.2f}, "
            f"max {max(seconds):.2f})"
        )


if __name__ == "__main__":
    main()
