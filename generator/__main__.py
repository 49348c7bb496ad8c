"""Command line: `python -m generator validate | new KIND ID | schema [--check] | pages DIR | export DIR | build
[--audit] | report | forms [--check] | intake FILE | import-sheet FILE | reminders --date D | link-list FILE`."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .engine.pipeline import ROOT, base_url, generate, site_settings
from .publish.export import docs_pages, export_files, write_files
from .registry.checks import STALE_EN, STALE_JA, load_registry
from .registry.index import build_index
from .registry.kinds import NAMES, NEARBY
from .registry.problems import InvalidData
from .registry.schema import TEMPLATES, stale_schemas, template_text, write_schemas
from .site.render import write_pages


def cmd_validate(args: argparse.Namespace) -> int:
    registry = load_registry(args.root)
    annotate = os.environ.get("GITHUB_ACTIONS") == "true"
    for problem in registry.problems:
        print(problem.format())
        if annotate:
            print(problem.annotation())
    errors = len(registry.errors)
    warnings = len(registry.problems) - errors
    listings = sum(1 for _ in registry.all_listings())
    print(
        f"{errors} 件のエラー、{warnings} 件の注意 ({errors} errors, {warnings} warnings) — "
        f"掲載 {listings} 件、メッセージ {len(registry.messages)} 件、市町村 {len(registry.municipalities)}"
    )
    return 1 if errors else 0


def cmd_new(args: argparse.Namespace) -> int:
    folder, _model, _word = TEMPLATES[args.kind]
    text = template_text(args.kind, args.id)
    if args.stdout:
        sys.stdout.write(text)
        return 0
    target = args.root / "data" / folder / f"{args.id}.yml"
    if target.exists():
        print(f"{target.relative_to(args.root)} はすでにあります (already exists)", file=sys.stderr)
        return 1
    target.write_text(text, encoding="utf-8")
    print(f"{target.relative_to(args.root)} を作りました (written). 必須の項目を書いてください。")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    folder = args.root / "schemas"
    if args.check:
        stale = stale_schemas(folder)
        for name in stale:
            print(f"schemas/{name}.schema.json is stale: run `python -m generator schema`")
        return 1 if stale else 0
    for path in write_schemas(folder):
        print(path.relative_to(args.root))
    return 0


def cmd_pages(args: argparse.Namespace) -> int:
    try:
        _registry, _index, pages = generate(args.root)
    except InvalidData as exc:
        print(exc, file=sys.stderr)
        return 1
    count = sum(1 for _ in write_pages(pages, args.out))
    print(f"{count} pages written to {args.out}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """The open data (api/v1/…) and sitemap.xml, without MkDocs: what the hook writes into site/."""
    settings = site_settings(args.root)
    site_url = settings.site_url if args.site_url is None else base_url(args.site_url)
    try:
        _registry, index, pages = generate(args.root, site_url=site_url)
    except InvalidData as exc:
        print(exc, file=sys.stderr)
        return 1
    files = export_files(index, [*pages, *docs_pages(settings.docs_dir)], site_url)
    write_files(files, args.out)
    print(f"{len(files)} files written to {args.out}" + ("" if site_url else " (no site_url: no sitemap.xml)"))
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """Build into a temporary folder and swap it in only when everything succeeded.

    A failure at any stage leaves the previous site/ exactly as it was: residents keep the last good site.
    """
    site = args.root / args.site_dir
    if cmd_validate(argparse.Namespace(root=args.root)) != 0:
        print(
            f"エラーがあるため {args.site_dir}/ は更新しません (errors: {args.site_dir}/ left untouched)",
            file=sys.stderr,
        )
        return 1
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=args.root))
    try:
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        # Not --quiet: it hides warnings from --strict's counter, and a broken link would pass.
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "build",
                "--strict",
                "--config-file",
                str(args.root / "mkdocs.yml"),
                "--site-dir",
                str(staging),
            ],
            cwd=args.root,
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0 or not (staging / "index.html").exists():
            sys.stderr.write(
                "\n".join(line for line in result.stderr.splitlines() if not line.startswith("  - ")) + "\n"
            )
            print(
                f"ビルドに失敗したため {args.site_dir}/ は更新しません (build failed: {args.site_dir}/ left untouched)",
                file=sys.stderr,
            )
            return 1
        if args.audit and not _audit(staging, args):
            return 1
        _swap(staging, site)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print(f"{args.site_dir}/ を更新しました (site written)")
    return 0


def _audit(staging: Path, args: argparse.Namespace) -> bool:
    """The automated accessibility check on the staging folder; True when it found no violation."""
    from .engine.audit import AuditError, failures, run_audit

    untouched = f"{args.site_dir}/ は更新しません ({args.site_dir}/ left untouched)"
    try:
        audit = run_audit(staging, site_settings(args.root).site_url, stop_early=True)
    except AuditError as exc:
        print(
            f"アクセシビリティの自動チェックを実行できません (accessibility check could not run): {exc}\n{untouched}",
            file=sys.stderr,
        )
        return False
    found = failures(audit)
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(
            f"アクセシビリティの自動チェックで問題が見つかったため、{untouched} (axe-core found a violation). "
            "最初に問題が見つかったページで止めました。すべてのページの結果は make test で見られます "
            "(stopped at the first page with a problem; tests/test_a11y.py reports every page)",
            file=sys.stderr,
        )
        return False
    pages = len({result.path for result in audit.pages})
    print(
        f"アクセシビリティの自動チェック: 問題 0 件 ({pages} ページ × {len(audit.pages) // pages} つの幅, "
        f"axe-core {audit.axe_version}, {audit.seconds} 秒)"
    )
    return True


def _swap(new: Path, site: Path) -> None:
    old = site.with_name(site.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if site.exists():
        site.rename(old)
    new.rename(site)
    shutil.rmtree(old, ignore_errors=True)


def cmd_report(args: argparse.Namespace) -> int:
    registry = load_registry(args.root)
    if registry.errors:
        return cmd_validate(args)
    index = build_index(registry)
    lacking = [v.town.name for v in index.towns.values() if not v.own]
    print(f"市町村の窓口がない市町村 (no municipal window): {len(lacking)} / {len(index.towns)}")
    print("  " + "、".join(lacking))
    for kind in (k.folder for k in NEARBY):
        towns = {e.listing.municipality for e in index.entries[kind]}
        print(f"{kind}: {len(index.entries[kind])} 件, {len(towns - {None})} 市町村")
    stale = index.stale_entries()
    print(f"確認から{STALE_JA}以上 (older than {STALE_EN}): {len(stale)} 件")
    for entry in stale:
        print(f"  {entry.listing.last_verified}  data/{entry.kind}/{entry.id}.yml  {entry.listing.name}")
    return 0


def cmd_forms(args: argparse.Namespace) -> int:
    from .contribute.forms import INTAKE_WORKFLOW, stale_forms, update_intake_workflow, write_forms

    folder = args.root / ".github" / "ISSUE_TEMPLATE"
    site_url = _site_url(args.root)
    if args.check:
        stale = stale_forms(folder, site_url)
        for name in stale:
            print(f".github/ISSUE_TEMPLATE/{name} is stale: run `python -m generator forms`")
        if not update_intake_workflow(args.root, check=True):
            stale.append(str(INTAKE_WORKFLOW))
            print(f"{INTAKE_WORKFLOW}: its kinds are stale: run `python -m generator forms`")
        return 1 if stale else 0
    for path in write_forms(folder, site_url):
        print(path.relative_to(args.root))
    if not update_intake_workflow(args.root):
        print(INTAKE_WORKFLOW)
    return 0


def _site_url(root: Path) -> str:
    from .engine.pipeline import site_settings

    return site_settings(root).site_url or "/"


def cmd_intake(args: argparse.Namespace) -> int:
    """Issue form body → one listing file. Writes the Japanese comment and workflow outputs when asked."""
    from .contribute.intake import (
        body_from_event,
        comment_markdown,
        confirm_pull_request_body,
        event_context,
        intake,
        pull_request_body,
    )

    body = body_from_event(args.file) if args.event else args.file.read_text(encoding="utf-8")
    result = intake(args.root, body, context=event_context(args.file) if args.event else None)
    if result.confirmation is not None:  # 掲載内容の確認: the PR says who confirmed
        pull_request_body = confirm_pull_request_body  # noqa: F811
    comment = comment_markdown(result)
    if args.comment:
        args.comment.write_text(comment, encoding="utf-8")
    if args.pr_body and result.ok:
        args.pr_body.write_text(pull_request_body(result, args.issue), encoding="utf-8")
    if args.github_output:
        form = result.form
        with args.github_output.open("a", encoding="utf-8") as out:
            # Only values we made ourselves: a validated slug, a path built from it, fixed words.
            out.write(f"ok={'true' if result.ok else 'false'}\n")
            out.write(f"form={form.name if form else ''}\n")
            out.write(f"id={result.listing_id}\n")
            out.write(f"path={result.path if result.ok else ''}\n")
    sys.stdout.write(comment)
    return 0 if result.ok else 1


def cmd_import_sheet(args: argparse.Namespace) -> int:
    from .contribute.import_sheet import import_sheet

    result = import_sheet(args.root, args.file, args.kind, args.overwrite)
    for problem in result.problems:
        print(problem.format(args.file.name))
    for path in result.written:
        print(f"{path.relative_to(args.root)} を書きました (written)")
    errors = len(result.errors)
    print(
        f"{errors} 件のエラー (errors)、{len(result.written)} 件を書きました (files written)"
        + ("。エラーがあるため、どのファイルも書いていません (nothing written)" if errors else "")
    )
    return 1 if errors else 0


def cmd_reminders(args: argparse.Namespace) -> int:
    """Which listings to ask about on --date, one issue text per group; --sync opens/updates/closes the issues."""
    import datetime as dt

    from .contribute.reminders import GitHub, GitHubError, due_groups, sync, write_texts

    today = dt.date.fromisoformat(args.date) if args.date else dt.date.today()
    registry = load_registry(args.root, today)
    if registry.errors:
        return cmd_validate(args)
    index = build_index(registry, today)
    groups = due_groups(index, today)
    for group in groups:
        print(f"{group.key}\t{group.name}\t{len(group.ids)}件\t{' '.join(group.ids)}")
    print(f"確認のお願い: {len(groups)} グループ、{sum(len(g.ids) for g in groups)} 件 ({today.isoformat()})")
    if args.dry_run and not args.sync:
        return 0
    out = args.out or Path(tempfile.mkdtemp(prefix="reminders-"))
    plan = write_texts(groups, index, _site_url(args.root), out, today)
    print(f"{plan} を書きました (written)")
    if not args.sync:
        return 0
    try:
        api = GitHub(
            os.environ.get("GITHUB_REPOSITORY", ""),
            os.environ.get("GITHUB_TOKEN", ""),
            os.environ.get("GITHUB_API_URL", "https://api.github.com"),
        )
        actions = sync(plan, api, today, dry_run=args.dry_run)
    except GitHubError as exc:
        print(f"エラー: {exc}", file=sys.stderr)
        return 1
    for action in actions:
        print(("(dry-run) " if args.dry_run else "") + action.describe())
    return 0


def cmd_link_list(args: argparse.Namespace) -> int:
    from .contribute.links import listing_urls

    registry = load_registry(args.root)
    urls = listing_urls(registry)
    args.file.write_text("".join(f"{url}\n" for url in urls), encoding="utf-8")
    print(f"{len(urls)} 件のリンクを {args.file} に書きました (URLs written)")
    return 0


def cmd_link_issue(args: argparse.Namespace) -> int:
    from .contribute.links import broken_urls, listing_urls, read_report, sync_issue
    from .contribute.reminders import GitHub, GitHubError

    used_by = listing_urls(load_registry(args.root))
    try:
        broken = broken_urls(read_report(args.report))
    except (OSError, ValueError, KeyError) as exc:
        print(f"エラー: lychee の結果が読めません (cannot read the lychee report): {exc}", file=sys.stderr)
        return 1
    try:
        api = GitHub(
            os.environ.get("GITHUB_REPOSITORY", ""),
            os.environ.get("GITHUB_TOKEN", ""),
            os.environ.get("GITHUB_API_URL", "https://api.github.com"),
        )
        verb = sync_issue(api, broken, used_by, args.dry_run)
    except GitHubError as exc:
        print(f"エラー: {exc}", file=sys.stderr)
        return 1
    print(f"つながらないリンク: {len(broken)} 件。Issue: {verb}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    parser.add_argument("--root", type=Path, default=ROOT, help="project root (holds data/)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("validate", help="check every data file; exit 1 on any error").set_defaults(func=cmd_validate)
    new = sub.add_parser("new", help="write a commented template for a new listing or message")
    new.add_argument("kind", choices=list(TEMPLATES))
    new.add_argument("id", help="ascii id = file name, e.g. iijima-hikikomori-sodan")
    new.add_argument("--stdout", action="store_true")
    new.set_defaults(func=cmd_new)
    schema = sub.add_parser("schema", help="write schemas/*.json from the models")
    schema.add_argument("--check", action="store_true", help="exit 1 when a schema file is stale")
    schema.set_defaults(func=cmd_schema)
    pages = sub.add_parser("pages", help="write the generated Markdown pages to a folder")
    pages.add_argument("out", type=Path)
    pages.set_defaults(func=cmd_pages)
    export = sub.add_parser("export", help="write the open data (api/v1/) and sitemap.xml to a folder")
    export.add_argument("out", type=Path)
    export.add_argument("--site-url", default=None, help="absolute site URL (default: site_url of mkdocs.yml)")
    export.set_defaults(func=cmd_export)
    build = sub.add_parser("build", help="validate and build site/ atomically")
    build.add_argument("--site-dir", default="site")
    build.add_argument(
        "--audit",
        action="store_true",
        help="run axe-core in chromium over the built pages first; any violation fails the build",
    )
    build.set_defaults(func=cmd_build)
    sub.add_parser("report", help="coverage and freshness").set_defaults(func=cmd_report)
    forms = sub.add_parser("forms", help="write .github/ISSUE_TEMPLATE/*.yml from the models")
    forms.add_argument("--check", action="store_true", help="exit 1 when a form file is stale")
    forms.set_defaults(func=cmd_forms)
    intake = sub.add_parser("intake", help="turn a submitted issue form into one listing file")
    intake.add_argument("file", type=Path, help="the issue body (Markdown), or with --event the event JSON")
    intake.add_argument("--event", action="store_true", help="FILE is GITHUB_EVENT_PATH; read issue.body from it")
    intake.add_argument("--comment", type=Path, help="write the Japanese issue comment here")
    intake.add_argument("--pr-body", type=Path, help="write the pull request description here")
    intake.add_argument("--issue", default="", help="issue number, for 'Closes #N'")
    intake.add_argument("--github-output", type=Path, help="append ok/form/id/path for the workflow")
    intake.set_defaults(func=cmd_intake)
    sheet = sub.add_parser("import-sheet", help="one listing file per row of a CSV or XLSX")
    sheet.add_argument("file", type=Path)
    sheet.add_argument("--kind", choices=list(NAMES), help="when the sheet has no 種類 column")
    sheet.add_argument("--overwrite", action="store_true", help="replace listings that already exist")
    sheet.set_defaults(func=cmd_import_sheet)
    reminders = sub.add_parser("reminders", help="which listings to ask about; one issue text per town or operator")
    reminders.add_argument("--date", help="YYYY-MM-DD (default: today)")
    reminders.add_argument("--out", type=Path, help="folder for the issue texts and plan.json")
    reminders.add_argument(
        "--dry-run", action="store_true", help="write nothing: print the groups (with --sync: the actions)"
    )
    reminders.add_argument(
        "--sync",
        action="store_true",
        help="open/update/remind/close the GitHub issues (GITHUB_TOKEN, GITHUB_REPOSITORY)",
    )
    reminders.set_defaults(func=cmd_reminders)
    link_list = sub.add_parser("link-list", help="write every listing's source and contact URL, one a line")
    link_list.add_argument("file", type=Path)
    link_list.set_defaults(func=cmd_link_list)
    link_issue = sub.add_parser("link-issue", help="open/update/close the one issue of broken links from lychee's JSON")
    link_issue.add_argument("report", type=Path)
    link_issue.add_argument("list", type=Path, nargs="?", help="the URL list that was checked (for the record)")
    link_issue.add_argument("--dry-run", action="store_true")
    link_issue.set_defaults(func=cmd_link_issue)
    args = parser.parse_args(argv)
    args.root = args.root.resolve()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
