"""GitHub issue forms (`.github/ISSUE_TEMPLATE/*.yml`), generated from the models.

Three forms per kind — 新規掲載 (new), 掲載内容の変更 (change), 掲載終了 (close) — whose fields are
the flat view of `sheet_columns.COLUMNS` (one phone, one time slot, one source; `columns_for`): a Literal becomes
a dropdown, a list of Literals checkboxes, a yes/no field a はい/いいえ/わからない dropdown, long text a textarea.
`intake.py` reads a submitted body with these same definitions, so the form and its parser cannot drift;
`python -m generator forms --check` (run by the tests) fails when the YAML files are stale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

import yaml

from ..registry.kinds import BY_NAME, KINDS
from .sheet_columns import (
    BOOL_JA,
    CLOSE_COLUMNS,
    UNKNOWN_JA,
    Column,
    FieldAt,
    choice_label,
    columns_for,
    field_at,
    last_name,
)

Action = Literal["new", "change", "close", "confirm"]
Widget = Literal["input", "textarea", "dropdown", "checkboxes"]
ACTION_JA: dict[str, str] = {
    "new": "新規掲載",
    "change": "掲載内容の変更",
    "close": "掲載終了",
    "confirm": "掲載内容の確認 (変更なし)",
}
NOTE_LABEL = "変更の説明 (フォームで書けないこと)"
CONSENT_LABEL = "確認"
MAX_INPUT = 300  # one line of a form
MAX_TEXTAREA = 4000  # a description is a few hundred characters
CONSENTS: dict[str, list[str]] = {
    "new": [
        "掲載される場所 (運営者) に、掲載してよいか確かめました",
        "出典と情報確認日を書きました (推測で埋めた項目はありません)",
        "ご本人の意思に反して連れ出すサービスや、高額な「自立」プログラムではありません",
        "ここに書いた内容とアカウント名は、だれでも読めることを理解しています (相談者など個人のことは書いていません)",
    ],
    "change": [
        "出典と情報確認日を書きました (推測で埋めた項目はありません)",
        "ここに書いた内容とアカウント名は、だれでも読めることを理解しています (相談者など個人のことは書いていません)",
    ],
    "close": [
        "掲載を終えることを、運営者か出典で確かめました",
        "ここに書いた内容とアカウント名は、だれでも読めることを理解しています (相談者など個人のことは書いていません)",
    ],
    "confirm": [
        "掲載ページの内容 (電話番号・受付時間・場所など) を見て、今も変わっていないことを確かめました",
        "ここに書いた内容とアカウント名は、だれでも読めることを理解しています (相談者など個人のことは書いていません)",
    ],
}
# The confirmation form asks only which listing: its name is there so an edit into another listing shows.
CONFIRM_PATHS = (("id",), ("name",))


@dataclass(frozen=True)
class FormField:
    label: str
    widget: Widget
    column: Column | None = None  # None: the change note or the consent checkboxes
    options: tuple[str, ...] = ()
    required: bool = False
    description: str = ""


@dataclass(frozen=True)
class Form:
    action: Action
    kind: str
    fields: tuple[FormField, ...] = field(default_factory=tuple)

    @property
    def name(self) -> str:
        return f"{self.action}-{self.kind}"

    @property
    def kind_ja(self) -> str:
        return BY_NAME[self.kind].short

    @property
    def folder(self) -> str:
        return BY_NAME[self.kind].folder

    def labels(self) -> frozenset[str]:
        return frozenset(f.label for f in self.fields)


def id_label(kind: str) -> str:
    # Distinct per kind, so a submitted body names its form by its headings alone.
    return f"ID ({BY_NAME[kind].short}のファイル名)"


def _describe(column: Column, at: FieldAt, action: Action) -> str:
    words = [column.help or at.info.description or ""]
    if action == "new":
        words.append("必須" if at.required else "任意。わからなければ空のままにしてください")
    elif column.path != ("id",):
        words.append("変えない項目は空のままにしてください")
    return "。".join(w for w in words if w)


def _field(column: Column, kind: str, action: Action) -> FormField:
    model = BY_NAME[kind].model
    at = field_at(model, column.path)
    name = last_name(column.path)
    required = (
        (action == "new" and at.required)
        or column.path == ("id",)
        or (action == "change" and column.path == ("last_verified",))
        or (action == "close" and column.path[0] == "closed")
    )
    label = id_label(kind) if column.path == ("id",) else column.form_label
    description = _describe(column, at, action)
    if column.path == ("id",) and action != "new":
        description = f"直したい掲載のページのアドレスの最後の部分です (例: /{BY_NAME[kind].folder}/<ID>/)"
    if action == "confirm":
        required = True
        description = (
            "掲載ページの「変更なし」のリンクから開くと、入っています。変えないでください"
            if column.path == ("id",)
            else "確かめた掲載の名称です (リンクから開くと、入っています)"
        )
    if at.item is not None and at.choices:
        return FormField(
            label, "checkboxes", column, tuple(choice_label(name, c) for c in at.choices), False, description
        )
    if at.choices:
        return FormField(
            label, "dropdown", column, tuple(choice_label(name, c) for c in at.choices), required, description
        )
    if at.is_bool:
        return FormField(label, "dropdown", column, (BOOL_JA[True], BOOL_JA[False], UNKNOWN_JA), required, description)
    return FormField(label, "textarea" if column.long else "input", column, (), required, description)


def build_form(action: Action, kind: str) -> Form:
    if action == "confirm":
        columns = [c for c in columns_for(kind) if c.path in CONFIRM_PATHS]
    elif action == "close":
        columns = (
            [c for c in columns_for(kind) if c.path == ("id",)]
            + list(CLOSE_COLUMNS)
            + [c for c in columns_for(kind) if c.path[0] == "source"]
        )
    else:
        id_first = sorted(columns_for(kind), key=lambda c: c.path != ("id",))
        columns = id_first
    fields = [_field(c, kind, action) for c in columns]
    if action == "change":
        fields.append(
            FormField(
                NOTE_LABEL,
                "textarea",
                description=(
                    "電話番号を2つ以上にする、項目を消すなど、上の欄で書けない変更があれば書いてください。担当者が直します"
                ),
            )
        )
    fields.append(FormField(CONSENT_LABEL, "checkboxes", options=tuple(CONSENTS[action]), required=True))
    return Form(action, kind, tuple(fields))


FORMS: dict[str, Form] = {f"{a}-{k}": build_form(a, k) for a in ("new", "change", "close", "confirm") for k in BY_NAME}


# ---------------------------------------------------------------- issue form YAML

_INTRO = {
    "new": "新しい{kind}を載せるためのフォームです。"
    "送信すると、内容を自動で確かめ、修正の提案 (プルリクエスト) を作ります。"
    "結果はこの Issue にコメントでお知らせします。",
    "change": "掲載している{kind}の内容を直すためのフォームです。"
    "変えたい項目だけ書いてください。空の項目は今のまま残ります。"
    "送信すると、内容を自動で確かめ、修正の提案 (プルリクエスト) を作ります。",
    "confirm": "掲載している{kind}の内容が、今も変わっていないことをお知らせいただくフォームです。送信すると、"
    "「変更なしの確認日」を今日にする提案 (プルリクエスト) を自動で作ります。内容が変わっていたら、"
    "「掲載内容の変更」のフォームを使ってください。",
    "close": "{kind}の掲載を終えるためのフォームです。"
    "ページは残り、「掲載を終了しました」と理由が表示され、一覧と地図からは外れます。",
}
_PUBLIC = (
    "**ここに書いた内容は、だれでも読めます。** 相談に来た方のことなど、個人のことは書かないでください。"
    "書き方の手引き: `/contribute/` のページ (情報の追加・修正)"
)


def _yaml_field(f: FormField) -> dict:
    attributes: dict = {"label": f.label}
    if f.description:
        attributes["description"] = f.description
    if f.widget == "checkboxes":
        attributes["options"] = [
            {"label": o, "required": f.required} if f.required else {"label": o} for o in f.options
        ]
    elif f.widget == "dropdown":
        attributes["options"] = list(f.options)
    item: dict = {"type": f.widget}
    if f.column is not None:
        item["id"] = f.column.key
    elif f.widget == "checkboxes":
        item["id"] = "consent"
    else:
        item["id"] = "note"
    item["attributes"] = attributes
    if f.required and f.widget != "checkboxes":
        item["validations"] = {"required": True}
    return item


def form_yaml(form: Form) -> str:
    doc = {
        "name": f"{ACTION_JA[form.action]} ({form.kind_ja})",
        "description": _INTRO[form.action].format(kind=form.kind_ja)[:200],
        "title": f"[{ACTION_JA[form.action]}] {form.kind_ja}: ",
        "labels": ["intake", ACTION_JA[form.action]],
        "body": [
            {
                "type": "markdown",
                "attributes": {"value": _INTRO[form.action].format(kind=form.kind_ja) + "\n\n" + _PUBLIC},
            }
        ]
        + [_yaml_field(f) for f in form.fields],
    }
    head = (
        "# Generated by `python -m generator forms` from generator/contribute/forms.py and the models; do not edit.\n"
    )
    return head + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=120)


CONFIG_YAML = """\
# Generated by `python -m generator forms`; do not edit.
blank_issues_enabled: true
contact_links:
  - name: 書き方の手引き (情報の追加・修正)
    url: {site_url}contribute/
    about: フォームの書き方、掲載しないもの、送信したあとのながれ
"""


# GitHub lists forms by file name: new first, then change, close, confirm (verify.py links to the same names).
FORM_ORDER = {"new": 1, "change": 2, "close": 3, "confirm": 4}


def form_files(site_url: str) -> dict[str, str]:
    files = {f"{FORM_ORDER[form.action]}-{name}.yml": form_yaml(form) for name, form in FORMS.items()}
    files["config.yml"] = CONFIG_YAML.format(site_url=site_url)
    return files


def write_forms(folder: Path, site_url: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in form_files(site_url).items():
        (folder / name).write_text(text, encoding="utf-8")
        written.append(folder / name)
    return written


# The intake workflow's step that holds a write token runs no project code: the kinds it accepts are written
# into it here, from the kind registry (its checks of the form's name and the file's path, and name → folder).
INTAKE_WORKFLOW = Path(".github") / "workflows" / "intake.yml"


def intake_workflow_text(text: str) -> str:
    """The workflow with its form and path checks written from the forms' actions and the kinds; ValueError when
    one of the three places is no longer where this expects it (the check would otherwise go stale unnoticed)."""
    folders, names = "|".join(k.folder for k in KINDS), "|".join(k.name for k in KINDS)
    actions = "|".join(get_args(Action))  # every form the intake accepts (4-confirm-… too) reaches this step
    cases = " ".join(f"{k.name}) folder={k.folder} ;;" for k in KINDS)
    for pattern, replace in (
        (r"(\^data/\()[a-z|-]+(\)/)", lambda m: m[1] + folders + m[2]),
        (r"(\[\[ \"\$FORM\" =~ \^\()[a-z|]+(\)-\()[a-z|-]+(\)\$)", lambda m: m[1] + actions + m[2] + names + m[3]),
        (r'(case "\$\{FORM#\*-\}" in ).*?( esac)', lambda m: m[1] + cases + m[2]),
    ):
        text, found = re.subn(pattern, replace, text)
        if found != 1:
            raise ValueError(f"{INTAKE_WORKFLOW}: {pattern} found {found} times, not once")
    return text


def update_intake_workflow(root: Path, check: bool = False) -> bool:
    """Rewrites the workflow's kind checks (or, with `check`, says whether they are current)."""
    path = root / INTAKE_WORKFLOW
    text = path.read_text(encoding="utf-8")
    wanted = intake_workflow_text(text)
    if not check and wanted != text:
        path.write_text(wanted, encoding="utf-8")
    return wanted == text


def stale_forms(folder: Path, site_url: str) -> list[str]:
    expected = form_files(site_url)
    stale = [
        name
        for name, text in expected.items()
        if not (folder / name).exists() or (folder / name).read_text(encoding="utf-8") != text
    ]
    extra = [p.name for p in folder.glob("*.yml") if p.name not in expected]
    return stale + extra
