"""Issue form → one listing file: `python -m generator intake FILE`.

The body of a submitted issue form is Markdown: `### <label>` then the answer. The body is
untrusted text (anyone can open or edit an issue), so it is read as data only:

- the form is recognised by its exact set of headings (`forms.FORMS`); a heading that appears twice
  (e.g. a textarea that contains `### 名称`) is refused, not guessed at;
- sizes are capped, control characters refused, one-line fields must be one line;
- the ID must be an ascii slug before any path is built from it, and the only file ever written is
  `data/<kind folder>/<ID>.yml` of the form's own kind: new → must not exist yet, change/close →
  must exist;
- values become typed data through the models and are written by `writeback` (a value that looks
  like YAML, `x\nid: other`, is quoted text), then the whole registry is validated, and a refused
  write is undone.

The result is a short Japanese report for the issue comment, and outputs for the workflow.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..registry.kinds import BY_NAME
from ..registry.load import CONTROL, LoadError, control_message, dotted, load_file
from ..registry.models import SLUG
from ..registry.problems import Problem
from ..registry.validate import describe
from .forms import ACTION_JA, CONSENT_LABEL, FORMS, MAX_INPUT, MAX_TEXTAREA, NOTE_LABEL, Form, FormField, id_label
from .sheet_columns import UNKNOWN_JA, CellError, parse_cell, set_path
from .writeback import listing_path, listing_yaml, write_validated

MAX_BODY = 65_536  # GitHub's own limit for an issue body
NO_RESPONSE = "_No response_"


class IntakeError(Exception):
    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class EventContext:
    """What the issue event says besides the body: who wrote it, and the body before an edit."""

    author: str = ""  # the issue's author (GitHub login)
    previous_body: str | None = None  # `changes.body.from` of an `edited` event


@dataclass(frozen=True)
class Confirmation:
    author: str
    maintainers: tuple[str, ...]  # the listing's maintainer_accounts
    date: dt.date

    @property
    def by_maintainer(self) -> bool:
        return self.author.lower() in {m.lower() for m in self.maintainers}


@dataclass
class IntakeResult:
    ok: bool
    form: Form | None = None
    listing_id: str = ""
    path: str = ""  # relative to the project root
    name: str = ""
    messages: list[str] = field(default_factory=list)  # errors, in the clerk's words
    warnings: list[str] = field(default_factory=list)
    note: str = ""  # the change form's free text, for the reviewer
    confirmation: Confirmation | None = None  # a 掲載内容の確認 (変更なし): who confirmed, and are they on record


# ---------------------------------------------------------------- body → answers


def _all_labels() -> set[str]:
    return {label for form in FORMS.values() for label in form.labels()}


def split_sections(body: str) -> dict[str, str]:
    """`### label` → answer text, for the labels any form uses; other lines belong to the answer above."""
    known = _all_labels()
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    duplicates = []
    for line in body.split("\n"):
        heading = line[4:].strip() if line.startswith("### ") else None
        if heading in known:
            if heading in sections:
                duplicates.append(heading)
            current = sections.setdefault(heading, [])
            continue
        if current is not None:
            current.append(line)
    if duplicates:
        raise IntakeError(
            [
                f"項目「{h}」が2回あります。フォームの欄に「### {h}」と書かないでください (a heading appears twice)"
                for h in sorted(set(duplicates))
            ]
        )
    return {label: "\n".join(lines).strip() for label, lines in sections.items()}


def recognise(sections: dict[str, str]) -> Form:
    found = frozenset(sections)
    for form in FORMS.values():
        if form.labels() == found:
            return form
    raise IntakeError(
        [
            "フォームの形が合いません。「New issue」から、掲載用のフォームを選んで書いてください "
            "(the issue body does not match any listing form)"
        ]
    )


def _answer(f: FormField, text: str) -> str | list[str]:
    if text == NO_RESPONSE:
        return [] if f.widget == "checkboxes" else ""
    if f.widget == "checkboxes":
        ticked = []
        for line in text.split("\n"):
            match = re.fullmatch(r"- \[([ xX])\] (.+)", line.strip())
            if not line.strip():
                continue
            if not match or match.group(2) not in f.options:
                raise IntakeError(
                    [
                        f"項目「{f.label}」: チェック欄の形が変わっています (checkbox list was altered): "
                        f"{line.strip()[:60]!r}"
                    ]
                )
            if match.group(1) in "xX":
                ticked.append(match.group(2))
        return ticked
    limit = MAX_TEXTAREA if f.widget == "textarea" else MAX_INPUT
    if len(text) > limit:
        raise IntakeError([f"項目「{f.label}」が長すぎます ({len(text)} 文字。{limit} 文字まで) (too long)"])
    if f.widget in ("input", "dropdown") and "\n" in text:
        raise IntakeError([f"項目「{f.label}」は1行で書いてください (must be one line)"])
    if f.widget == "dropdown" and text not in f.options:
        raise IntakeError([f"項目「{f.label}」: 選べる値ではありません (not one of the options): {text[:60]!r}"])
    return text


def read_answers(body: str) -> tuple[Form, dict[str, Any]]:
    if len(body) > MAX_BODY:
        raise IntakeError([f"本文が長すぎます ({len(body)} 文字。{MAX_BODY} 文字まで) (issue body too long)"])
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    if (bad := CONTROL.search(body)) is not None:
        raise IntakeError([control_message(bad.group())])
    sections = split_sections(body)
    form = recognise(sections)
    answers: dict[str, Any] = {}
    errors: list[str] = []
    for f in form.fields:
        try:
            answers[f.label] = _answer(f, sections[f.label])
        except IntakeError as exc:
            errors.extend(exc.messages)
    consent = next(f for f in form.fields if f.label == CONSENT_LABEL)
    if not errors and len(answers[CONSENT_LABEL]) != len(consent.options):
        errors.append("「確認」のチェックをすべて入れてください (please tick every confirmation)")
    if errors:
        raise IntakeError(errors)
    return form, answers


# ---------------------------------------------------------------- answers → listing data


def _cell_text(f: FormField, answer: str | list[str]) -> str:
    if isinstance(answer, list):
        return ",".join(answer)
    return "" if answer == UNKNOWN_JA else answer


def _apply(form: Form, answers: dict[str, Any], data: dict) -> list[str]:
    """Put every non-empty answer into `data`; the source columns become a new first source."""
    model = BY_NAME[form.kind].model
    errors: list[str] = []
    source: dict = {}
    for f in form.fields:
        if f.column is None or f.column.path == ("id",):
            continue
        text = _cell_text(f, answers[f.label])
        try:
            value = parse_cell(model, f.column, text)
        except CellError as exc:
            errors.append(f"項目「{f.label}」: {exc}")
            continue
        if value is None:
            continue
        if f.column.path[0] == "source":
            source[f.column.path[2]] = value
        else:
            set_path(data, f.column.path, value)
    if source:
        data["source"] = [source] + (list(data.get("source") or []) if form.action != "new" else [])
    return errors


def _label_for(form: Form, loc: tuple | str) -> str:
    """The form label for an error location, or the nearest labelled field above it."""
    path = loc if isinstance(loc, tuple) else None
    columns = {dotted(f.column.path): f.label for f in form.fields if f.column is not None}
    key = dotted(path) if path is not None else str(loc)
    while key:
        if key in columns:
            return columns[key]
        key = re.sub(r"(\[\d+\]|\.[^.\[]+|^[^.\[]+)$", "", key)
    return str(loc if not isinstance(loc, tuple) else dotted(loc)) or "(全体)"


def _validated(model, data: dict, form: Form, result: IntakeResult):
    """The listing the answers make, named in `result`; or None, with what is wrong in `result.messages`."""
    try:
        listing = model.model_validate(data)
    except ValidationError as exc:
        result.messages = _validation_messages(form, exc)
        return None
    result.name = listing.name
    return listing


def _validation_messages(form: Form, exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        _code, message = describe(err, loc)
        out.append(f"項目「{_label_for(form, loc)}」: {message}")
    return out


def _problem_message(form: Form, problem: Problem) -> str:
    return f"項目「{_label_for(form, problem.field)}」: {problem.message}"


# ---------------------------------------------------------------- the whole intake


def intake(root: Path, body: str, today: dt.date | None = None, context: EventContext | None = None) -> IntakeResult:
    try:
        form, answers = read_answers(body)
    except IntakeError as exc:
        return IntakeResult(ok=False, messages=exc.messages)
    result = IntakeResult(ok=False, form=form, note=answers.get(NOTE_LABEL, ""))
    listing_id = answers[id_label(form.kind)].strip()
    if not re.fullmatch(SLUG, listing_id) or len(listing_id) > 80:
        result.messages = [
            f"項目「{id_label(form.kind)}」: 英小文字・数字・ハイフンで書いてください "
            f"(use lowercase ascii letters, digits and hyphens): {listing_id[:60]!r}"
        ]
        return result
    result.listing_id = listing_id
    path = listing_path(root, form.kind, listing_id)
    result.path = str(path.relative_to(root))
    model = BY_NAME[form.kind].model
    if form.action == "confirm":
        return confirm(root, form, answers, result, today or dt.date.today(), context or EventContext())

    if form.action == "new":
        taken = [k for k in BY_NAME if listing_path(root, k, listing_id).exists()]
        if taken:
            result.messages = [
                f"ID「{listing_id}」はすでに使われています"
                f" ({listing_path(root, taken[0], listing_id).relative_to(root)})。"
                "別の ID にするか、「掲載内容の変更」のフォームを使ってください (id already exists)"
            ]
            return result
        data: dict = {"id": listing_id}
    else:
        if not path.exists():
            result.messages = [
                f"{form.kind_ja}に ID「{listing_id}」の掲載がありません。"
                f"掲載ページのアドレスの最後の部分を確かめてください "
                f"(no such listing: {result.path})"
            ]
            return result
        data = _current_data(root, path, result)
        if data is None:
            return result

    errors = _apply(form, answers, data)
    if form.action == "change":  # checked is not changed: only a change moves the content's date
        data["last_changed"] = today or dt.date.today()
    if errors:
        result.messages = errors
        return result
    if (listing := _validated(model, data, form, result)) is None:
        return result
    return _write(root, form, {path: listing_yaml(form.kind, listing)}, result, today)


def _current_data(root: Path, path: Path, result: IntakeResult) -> dict | None:
    """The listing file as it is now; None, with the message on `result`, when it does not load."""
    try:
        return load_file(path, path.relative_to(root)).data
    except LoadError as exc:
        result.messages = [f"今のファイルが読めません (the current file does not load): {exc.problem.format()}"]
        return None


def _write(root: Path, form: Form, files: dict[Path, str], result: IntakeResult, today: dt.date | None) -> IntakeResult:
    """Write the files only if the whole registry still validates; the clerk reads every problem in Japanese."""
    problems = write_validated(root, files, today)
    result.messages = [_problem_message(form, p) for p in problems if p.severity == "error"]
    result.warnings = [_problem_message(form, p) for p in problems if p.severity == "warning"]
    result.ok = not result.messages
    return result


# ---------------------------------------------------------------- 掲載内容の確認 (変更なし)


def _confirmed_id(body: str | None) -> str | None:
    """The listing a confirmation body was about, or None when it is not one (then nothing to compare)."""
    if not body:
        return None
    try:
        form, answers = read_answers(body)
    except IntakeError:
        return None
    return answers[id_label(form.kind)].strip() if form.action == "confirm" else None


def confirm(
    root: Path, form: Form, answers: dict[str, Any], result: IntakeResult, today: dt.date, context: EventContext
) -> IntakeResult:
    """A confirmation moves `last_confirmed` to today and nothing else: not the facts' date, not the content."""
    model = BY_NAME[form.kind].model
    path = root / result.path
    if not path.exists():
        result.messages = [
            f"{form.kind_ja}に ID「{result.listing_id}」の掲載がありません。掲載ページの「変更なし」のリンクから"
            f"開き直してください (no such listing: {result.path})"
        ]
        return result
    before = _confirmed_id(context.previous_body)
    if before is not None and before != result.listing_id:
        result.messages = [
            f"この Issue は、ID「{before}」の確認として作られました。別の掲載の確認は、その掲載ページの"
            "「変更なし」のリンクから新しい Issue で送ってください "
            f"(a confirmation cannot be edited into another listing: {before} → {result.listing_id})"
        ]
        return result
    data = _current_data(root, path, result)
    if data is None:
        return result
    if data.get("closed"):
        result.messages = [
            f"ID「{result.listing_id}」の掲載は、すでに終了しています。確認はいりません "
            f"(this listing is closed: {result.path})"
        ]
        return result
    name_label = next(f.label for f in form.fields if f.column is not None and f.column.path == ("name",))
    if answers[name_label].strip() != str(data.get("name", "")).strip():
        result.messages = [
            f"項目「{name_label}」が、ID「{result.listing_id}」の掲載の名称「{data.get('name', '')}」と合いません。"
            "掲載ページの「変更なし」のリンクから開き直してください "
            f"(the name does not match the listing: {answers[name_label][:60]!r})"
        ]
        return result
    data["last_confirmed"] = today
    if (listing := _validated(model, data, form, result)) is None:
        return result
    result.confirmation = Confirmation(context.author, tuple(listing.maintainer_accounts), today)
    text = with_top_level_line(path.read_text(encoding="utf-8"), "last_confirmed", today.isoformat(), "last_verified")
    return _write(root, form, {path: text}, result, today)


def with_top_level_line(text: str, key: str, value: str, after: str) -> str:
    """`key: value` replaced or put after the `after:` line, the rest of the hand-written file byte for byte:
    the pull request's diff is the one line a reviewer needs to see. `value` is ours (an ISO date)."""
    lines = text.split("\n")
    line = f"{key}: {value}"
    for i, old in enumerate(lines):
        if old.startswith(f"{key}:"):
            lines[i] = line
            return "\n".join(lines)
    at = next((i for i, old in enumerate(lines) if old.startswith(f"{after}:")), None)
    if at is None:
        return text.rstrip("\n") + f"\n{line}\n"
    return "\n".join([*lines[: at + 1], line, *lines[at + 1 :]])


def event_context(event_path: Path) -> EventContext:
    """Author and pre-edit body from the event file; read as data, never through a shell."""
    event = json.loads(event_path.read_text(encoding="utf-8"))
    issue = event.get("issue") or {}
    previous = ((event.get("changes") or {}).get("body") or {}).get("from")
    return EventContext(
        author=str((issue.get("user") or {}).get("login") or ""),
        previous_body=previous if isinstance(previous, str) else None,
    )


def confirm_pull_request_body(result: IntakeResult, issue: str) -> str:
    """Says whether the confirmation came from the listing's recorded maintainer, so the reviewer knows what to
    check."""
    assert result.form is not None and result.confirmation is not None
    c = result.confirmation
    who = f"@{c.author}" if c.author else "(不明)"
    if c.by_maintainer:
        verdict = f"**登録された担当者 ({who}) からの確認です。** そのまま取りこめます。"
    elif c.maintainers:
        verdict = (
            f"**登録された担当者 ({', '.join('@' + m for m in c.maintainers)}) 以外の方 ({who}) からの確認です。**"
            " 運営者に確かめてから取りこんでください。"
        )
    else:
        verdict = (
            f"**この掲載には担当者が登録されていません。確認したのは {who} です。**"
            " 運営者の方か確かめてから取りこんでください。"
        )
    lines = [
        f"フォーム ({ACTION_JA['confirm']} / {result.form.kind_ja}) から自動で作った提案です。"
        + (f" Closes #{issue}" if issue.isdigit() else ""),
        "",
        verdict,
        "",
        f"- ファイル: `{result.path}`",
        f"- 変わるのは `last_confirmed` (変更なしの確認日) だけです: {c.date.isoformat()}。"
        "情報確認日 (`last_verified`) と内容は変わりません。",
    ]
    return "\n".join(lines) + "\n"


def body_from_event(event_path: Path) -> str:
    """The issue body from the workflow's event file (GITHUB_EVENT_PATH): no shell ever sees it."""
    event = json.loads(event_path.read_text(encoding="utf-8"))
    return (event.get("issue") or {}).get("body") or ""


# ---------------------------------------------------------------- what the clerk reads


def comment_markdown(result: IntakeResult) -> str:
    def quote(text: str) -> str:  # the clerk's own words, shown as code so no Markdown or HTML acts
        return "`" + text.replace("`", "'").replace("\n", " ") + "`"

    if result.ok and result.form is not None:
        lines = [
            "ありがとうございます。内容を確かめ、修正の提案 (プルリクエスト) を作りました。",
            "",
            f"- 種類: {ACTION_JA[result.form.action]} ({result.form.kind_ja})",
            f"- 掲載: {quote(result.name)} ({quote(result.path)})",
            "- 自動のチェック: 誤りはありませんでした",
            "",
            "このあと、担当者が内容を確かめてから取りこみます。取りこまれると、数分でサイトに反映されます。"
            "担当者が確かめはじめるまでは、この Issue の本文を編集すると、提案も作り直されます "
            "(フォームの種類と ID は変えられません。別の掲載のことは、新しい Issue でお知らせください)。",
        ]
        if result.warnings:
            lines += ["", "次の点は、確かめていただけると助かります (誤りではありません):", ""]
            lines += [f"- {quote(w)}" for w in result.warnings]
        return "\n".join(lines) + "\n"
    lines = ["内容を確かめたところ、直していただきたいところがありました。まだ提案は作っていません。", ""]
    lines += [f"- {quote(m)}" for m in result.messages]
    lines += [
        "",
        "この Issue の本文を編集して直してください (右上の「…」から「Edit」)。保存すると、もう一度自動で確かめます。",
        "書き方は「情報の追加・修正」のページで案内しています。",
    ]
    return "\n".join(lines) + "\n"


def pull_request_body(result: IntakeResult, issue: str) -> str:
    assert result.form is not None
    lines = [
        f"フォーム ({ACTION_JA[result.form.action]} / {result.form.kind_ja}) から自動で作った提案です。"
        + (f" Closes #{issue}" if issue.isdigit() else ""),
        "",
        f"- ファイル: `{result.path}`",
        "- 検証: `python -m generator intake` と `make validate`、`make build` がこのワークフローの中で通っています"
        " (GITHUB_TOKEN で作った提案では、ほかのワークフローは自動では動きません)。",
        "",
        "確認すること: 出典、情報確認日、掲載される場所の了承、掲載しないもの (サイトの /contribute/)"
        " に当たらないこと。",
    ]
    if result.note:
        lines += ["", "フォームの「変更の説明」:", "", "```text", result.note.replace("```", "'''"), "```"]
    return "\n".join(lines) + "\n"
