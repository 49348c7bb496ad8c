"""MkDocs adapter: runs the generator and hands its pages to MkDocs. Event handlers, and the small classes
that hand over the pages: `StreamedPages`/`StreamedFile` (a build: rendered on the other core as MkDocs
reads them) and `PreviewPages` (`mkdocs serve --dirty`: only what an edit changed is rendered again).

Everything essential lives in `generator.engine.pipeline` and `generator.publish.export`; a successor engine that
ignores hooks can build the same site from `python -m generator pages docs-generated/` and
`python -m generator export SITE_DIR`.
"""

from __future__ import annotations

import functools
import logging
import shutil
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # hooks are loaded as loose files, not as part of the package
    sys.path.insert(0, str(ROOT))

from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.structure.files import File, Files  # noqa: E402

from generator.engine.harden import UnpinnedScript, add_csp  # noqa: E402
from generator.engine.parallel import Fed, Streamed, can_fork, stay_on_this_core  # noqa: E402
from generator.engine.pipeline import base_url, pages_then_published, plan_site, published_files  # noqa: E402
from generator.publish.export import move_files, write_files  # noqa: E402
from generator.registry import urls  # noqa: E402
from generator.registry.furigana import Furigana  # noqa: E402
from generator.registry.index import Index  # noqa: E402
from generator.registry.kinds import KINDS  # noqa: E402
from generator.registry.problems import InvalidData  # noqa: E402
from generator.site.render import PagePlan  # noqa: E402
from generator.site.search import page_title  # noqa: E402

log = logging.getLogger("mkdocs.hooks.generator")
_build: list = []  # how this build makes its pages and published files: StreamedBuild or SerialBuild
_serving = False  # `mkdocs serve` injects its own inline live-reload script: no CSP there
_preview: list = []  # `mkdocs serve --dirty`: the folder of generated pages, kept between rebuilds
_ruby: list = []  # ふりがな: the build's Furigana (generator/registry/furigana.py), readings from this registry
_ruby_elsewhere: list = []  # a build that can fork: RubyElsewhere, which adds the ruby on the other core
_NO_FURIGANA = "ふりがなを付けられませんでした (could not add furigana)"  # while handing pages over, or at the end


def on_startup(command, dirty):
    global _serving
    _serving = command == "serve"
    if _serving:  # its threads forbid forking on edits anyway; serially from the start, the caches are warm
        stay_on_this_core()
    if _serving and dirty:
        _preview[:] = [PreviewPages()]
        # MkDocs warns that a dirty build may leave old navigation; PreviewPages renders everything again when
        # it could (and the warning would count as an error under `strict: true`).
        logging.getLogger("mkdocs.commands.build").addFilter(lambda record: "'dirty' build" not in record.getMessage())


def on_shutdown():
    for preview in _preview:
        preview.remove()
    stay_on_this_core(False)


def with_kinds(nav: list, after: str = urls.regions()) -> list:
    """The navigation with each kind's list (generator/registry/kinds.py) after the regions, as mkdocs.yml says."""
    at = next(n for n, item in enumerate(nav) if urls.page_path(after + "index") in item.values()) + 1
    return nav[:at] + [{k.label: urls.page_path(urls.kind_list(k.folder) + "index")} for k in KINDS] + nav[at:]


def on_config(config):
    config["nav"] = with_kinds(config["nav"])
    site_url = base_url(config["site_url"])
    try:
        registry, index, plan = plan_site(ROOT, site_url=site_url)
    except InvalidData as exc:
        raise PluginError(str(exc)) from None
    _ruby[:] = [Furigana.for_registry(registry, _ruby[0] if _ruby else None)]
    for problem in registry.problems:  # warnings only here; INFO so that --strict still builds
        log.info(problem.format())
    docs_dir = Path(config["docs_dir"])
    # `serve` runs threads, which forbid forking: there, one thing after the other
    forking = can_fork()
    site_dir = Path(config["site_dir"])
    _ruby_elsewhere[:] = [RubyElsewhere(_ruby[0], site_dir)] if forking else []  # forked before any thread starts
    make = StreamedBuild if forking else SerialBuild
    _build[:] = [make(plan, index, docs_dir, site_url, site_dir)]
    return config


def on_files(files: Files, config) -> Files:
    build = _build[0]
    sources = _preview[0].update(build.pages, config) if _preview else {}
    for path in build.paths:
        existing = files.get_file_from_path(path)
        if existing is not None:
            raise PluginError(f"docs/{path} would be overwritten by a generated page; rename or remove it")
        if path in sources:
            files.append(File.generated(config, path, abs_src_path=str(sources[path])))
        else:
            files.append(build.file(config, path))
    return files


class SerialBuild:
    """Pages rendered here before MkDocs reads them; the published files made and written after the pages."""

    def __init__(self, plan: PagePlan, index: Index, docs_dir: Path, site_url: str, site_dir: Path):
        self.pages = plan.render_all()
        self.paths = list(self.pages)
        self._publish = functools.partial(published_files, index, self.pages, docs_dir, site_url)

    def file(self, config, path: str) -> File:
        return File.generated(config, path, content=self.pages[path])

    def finish(self, site_dir: Path) -> None:
        write_files(self._publish(), site_dir)

    def abandon(self) -> None:
        pass


class StreamedBuild:
    """The other core renders the pages in the order MkDocs reads them, then makes the map and search data, open
    data and the sitemap while MkDocs finishes (those need nothing MkDocs makes), and writes them into a folder
    beside the site (MkDocs empties the site's folder first); they are moved in at the end."""

    def __init__(self, plan: PagePlan, index: Index, docs_dir: Path, site_url: str, site_dir: Path):
        site_dir.parent.mkdir(parents=True, exist_ok=True)
        self._staging = Path(tempfile.mkdtemp(prefix=".hub-published-", dir=site_dir.parent))

        def produce(emit):
            write_files(pages_then_published(plan, index, docs_dir, site_url, emit), self._staging)

        self._stream = Streamed(produce)
        self.pages = StreamedPages(plan.paths, self._stream)
        self.paths = plan.paths

    def file(self, config, path: str) -> File:
        return StreamedFile(config, path, self.pages)

    def finish(self, site_dir: Path) -> None:
        self.pages.finish()
        self._stream.result()
        move_files(self._staging, site_dir)  # last, so that the sitemap replaces MkDocs' own

    def abandon(self) -> None:
        self._stream.stop()
        shutil.rmtree(self._staging, ignore_errors=True)


class StreamedPages:
    """The pages as the other core renders them, in the order MkDocs reads them (so it rarely waits).

    A thread takes each page off the pipe as soon as it comes, so the renderer never waits for MkDocs and
    goes on to the map, search and open-data files while MkDocs still reads pages."""

    def __init__(self, paths: list[str], stream: Streamed):
        self.paths = paths
        self._arrived: dict[str, str | bytes] = {}
        self._failed: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, args=(stream, len(paths)), daemon=True)
        self._reader.start()

    def _read(self, stream: Streamed, count: int) -> None:
        for _ in range(count):
            try:
                path, text = stream.next_item()
            except RuntimeError as exc:
                with self._changed:
                    self._failed.append(str(exc))
                    self._changed.notify_all()
                return
            with self._changed:
                self._arrived[path] = text
                self._changed.notify_all()

    def text(self, path: str) -> str | bytes:
        with self._changed:
            self._changed.wait_for(lambda: path in self._arrived or self._failed)
            if path not in self._arrived:
                raise PluginError(f"ページを作れませんでした (could not render the pages):\n{self._failed[0]}")
            return self._arrived[path]

    def finish(self) -> None:
        """Wait until every page has been taken off the pipe (before the published files are read from it)."""
        self._reader.join()


class StreamedFile(File):
    """A generated page (or download) whose text comes from `StreamedPages` when MkDocs first reads it."""

    def __init__(self, config, path: str, pages: StreamedPages):
        super().__init__(path, src_dir=None, dest_dir=config.site_dir, use_directory_urls=config.use_directory_urls)
        self.generated_by = "generator/engine/mkdocs_hook.py"
        self._pages = pages

    @property
    def content_bytes(self) -> bytes:
        text = self._pages.text(self.src_uri)
        return text if isinstance(text, bytes) else text.encode("utf-8")

    @property
    def content_string(self) -> str:
        text = self._pages.text(self.src_uri)
        return text if isinstance(text, str) else text.decode("utf-8-sig")

    def is_modified(self) -> bool:
        return True

    def copy_file(self, dirty: bool = False) -> None:
        Path(self.abs_dest_path).parent.mkdir(parents=True, exist_ok=True)
        Path(self.abs_dest_path).write_bytes(self.content_bytes)


class RubyElsewhere:
    """ふりがな on the other core, beside the streamed pages: `on_post_page` hands each built page (with its CSP)
    to a forked process, which adds the ruby and writes the page in its place in the site, while MkDocs goes on
    with an empty page, which it does not write (its note "Page skipped" for those is kept out of the log).

    The same bytes as ruby added here before the CSP: the CSP goes into <head>, ruby only into the text of
    <body> outside scripts, so neither changes what the other reads (tests/test_build_identity.py)."""

    def __init__(self, furigana: Furigana, site_dir: Path):
        # MkDocs empties the site's folder after on_config, before the first page is built (and handed over)
        self._fed = Fed(functools.partial(_write_with_ruby, furigana, site_dir))
        self._handed: set[str] = set()
        logging.getLogger("mkdocs.commands.build").addFilter(self._not_skipped)

    def put(self, src_uri: str, dest_uri: str, html: str) -> str:
        """The page for MkDocs to write: none, as this process writes it."""
        try:
            self._fed.put((dest_uri, html))
        except RuntimeError as exc:
            raise PluginError(f"{_NO_FURIGANA}:\n{exc}") from None
        self._handed.add(src_uri)
        return ""

    def _not_skipped(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return message.removeprefix("Page skipped: '").rpartition("'. Generated")[0] not in self._handed

    def finish(self) -> None:
        try:
            self._fed.result()
        finally:
            self._unhook()

    def abandon(self) -> None:
        self._fed.stop()
        self._unhook()

    def _unhook(self) -> None:
        logging.getLogger("mkdocs.commands.build").removeFilter(self._not_skipped)


def _write_with_ruby(furigana: Furigana, site_dir: Path, page: tuple[str, str]) -> None:
    dest_uri, html = page
    target = site_dir / dest_uri
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(furigana.html(html).encode("utf-8", errors="xmlcharrefreplace"))  # as MkDocs writes


class PreviewPages:
    """Generated pages as files that keep their time while their text stays the same, so that
    `mkdocs serve --dirty` renders again only the pages an edit changed (one listing: a few pages, not all).

    Everything is rendered again when pages come or go, a page's title changes, or mkdocs.yml or the theme
    overrides changed (MkDocs compares each page with its own output only; the navigation is on every page)."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="hub-preview-"))
        self.written: dict[str, str] = {}
        self.stamp = 0.0

    def update(self, pages: dict[str, str], config) -> dict[str, Path]:
        changed = [path for path, text in pages.items() if self.written.get(path) != text]
        stamp = self._theme_stamp(config)
        if (
            set(pages) != set(self.written)
            or stamp != self.stamp
            or any(
                path.endswith(".md") and page_title(self.written.get(path, "")) != page_title(pages[path])
                for path in changed
            )
        ):
            shutil.rmtree(config["site_dir"], ignore_errors=True)  # no old page survives with an old nav
            Path(config["site_dir"]).mkdir(parents=True, exist_ok=True)
        for path in changed:
            target = self.folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            text = pages[path]
            target.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        self.written, self.stamp = dict(pages), stamp
        return {path: self.folder / path for path in pages}

    @staticmethod
    def _theme_stamp(config) -> float:
        """Latest change to mkdocs.yml or the theme overrides: these change every page at once."""
        overrides = Path(config["theme"].custom_dir) if config["theme"].custom_dir else None
        files = [Path(config["config_file_path"]), *(overrides.rglob("*") if overrides else [])]
        return max(f.stat().st_mtime for f in files if f.is_file())

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def on_post_build(config):
    try:
        for ruby in _ruby_elsewhere:
            ruby.finish()
    except RuntimeError as exc:
        raise PluginError(f"{_NO_FURIGANA}:\n{exc}") from None
    try:
        _build[0].finish(Path(config["site_dir"]))
    except RuntimeError as exc:
        raise PluginError(f"公開用のファイルを作れませんでした (could not make the published files):\n{exc}") from None


def on_build_error(error):
    for build in _build + _ruby_elsewhere:
        build.abandon()


def on_serve(server, config, builder):
    for folder in ("data", "generator"):
        server.watch(str(ROOT / folder))
    return server


def on_env(env, config, files):
    env.globals["urls"] = urls  # the theme's own pages (404) link by the one URL rule too
    return env


def on_post_page(output, page, config):
    where = f"{page.file.src_uri} (generated)" if page.file.generated_by else f"docs/{page.file.src_uri}"
    if _ruby_elsewhere:  # a build that forks (never `serve`): the other core adds the ruby
        output = _with_csp(output, where)
        return _ruby_elsewhere[0].put(page.file.src_uri, page.file.dest_uri, output) if output.strip() else output
    output = _ruby[0].html(output) if _ruby else output
    return output if _serving else _with_csp(output, where)


def on_post_template(output, template_name, config):
    return output if _serving or not template_name.endswith(".html") else _with_csp(output, template_name)


def _with_csp(output: str, where: str) -> str:
    try:
        return add_csp(output, where)
    except UnpinnedScript as exc:
        raise PluginError(str(exc)) from None
