"""Issue forms are generated from the models, stay fresh, and pass GitHub's schemas; so do the workflows."""

from __future__ import annotations

import os
import subprocess
import sys

import yaml
from conftest import ROOT, run_generator

from generator.contribute.forms import FORMS
from generator.contribute.sheet_columns import field_at
from generator.registry.kinds import BY_NAME, KINDS

FORMS_DIR = ROOT / ".github" / "ISSUE_TEMPLATE"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def check_jsonschema(schema: str, *files) -> subprocess.CompletedProcess:
    # The schemas are vendored inside check-jsonschema: no network is needed (a dead proxy proves it).
    env = dict(os.environ, HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9")
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)],
        capture_output=True,
        text=True,
        env=env,
    )


def test_form_files_are_current():
    result = run_generator(ROOT, "forms", "--check")
    assert result.returncode == 0, result.stdout + "\nrun: python -m generator forms"


def test_forms_pass_githubs_issue_form_schema():
    forms = sorted(FORMS_DIR.glob("[0-9]-*.yml"))
    assert len(forms) == 4 * len(KINDS)  # 新規掲載 / 掲載内容の変更 / 掲載終了 / 掲載内容の確認 × each kind
    result = check_jsonschema("vendor.github-issue-forms", *forms)
    assert result.returncode == 0, result.stdout + result.stderr
    result = check_jsonschema("vendor.github-issue-config", FORMS_DIR / "config.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_check_can_fail():
    bad = ROOT / "tests" / "fixtures" / "invalid-issue-form.yml"
    bad.write_text("name: x\nbody:\n  - type: dropdown\n    attributes: {label: y}\n", encoding="utf-8")
    try:
        assert check_jsonschema("vendor.github-issue-forms", bad).returncode == 1
    finally:
        bad.unlink()


def test_workflows_and_dependabot_pass_their_schemas():
    result = check_jsonschema("vendor.github-workflows", *WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr
    result = check_jsonschema("vendor.dependabot", ROOT / ".github" / "dependabot.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_widgets_follow_the_model():
    form = {f.label: f for f in FORMS["new-window"].fields}
    assert form["相談方法"].widget == "checkboxes" and "電話 (phone)" in form["相談方法"].options
    assert form["窓口の範囲"].widget == "dropdown" and form["窓口の範囲"].required
    assert form["名前を言わずに相談できる"].options == ("はい", "いいえ", "わからない")
    assert form["説明"].widget == "textarea" and form["説明"].required
    assert not form["住所"].required
    for f in FORMS["new-window"].fields:
        if f.column is not None and f.widget != "checkboxes":
            assert f.required == field_at(BY_NAME["window"].model, f.column.path).required, f.label


def test_each_form_is_recognisable_by_its_headings_alone():
    labels = [form.labels() for form in FORMS.values()]
    assert len(set(labels)) == len(labels)


def test_close_and_change_forms_ask_only_what_they_need():
    close = [f.label for f in FORMS["close-ibasho"].fields]
    assert close == [
        "ID (居場所のファイル名)",
        "掲載終了日",
        "掲載終了の理由",
        "出典名",
        "出典URL",
        "出典の日付",
        "出典の補足",
        "確認",
    ]
    change = {f.label: f for f in FORMS["change-window"].fields}
    assert [label for label, f in change.items() if f.required] == ["ID (相談窓口のファイル名)", "情報確認日", "確認"]


def test_intake_workflow_keeps_issue_text_out_of_shells():
    text = (ROOT / ".github/workflows/intake.yml").read_text(encoding="utf-8")
    flow = yaml.safe_load(text)
    steps = [s for job in flow["jobs"].values() for s in job["steps"]]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "github.event.issue" not in runs and "${{" not in runs  # values come through env:, never into the script
    check = "\n".join(s.get("run", "") for s in flow["jobs"]["check"]["steps"])
    assert 'intake --event "$GITHUB_EVENT_PATH"' in check
    assert "make validate && make build" in check  # validates itself: GITHUB_TOKEN PRs trigger no other workflow
    assert {s["uses"].split("@")[0] for s in steps if "uses" in s} <= {
        "actions/checkout",
        "actions/setup-python",
        "actions/upload-artifact",
        "actions/download-artifact",
        "actions/create-github-app-token",
    }  # no third-party action receives a token
    assert "GITHUB_TOKEN" in text and "does not start other" in text
