"""The intake workflow as it runs: the scripts of .github/workflows/intake.yml, executed by bash against a fake
GitHub (tests/fake_gh.py stands in for `gh api`), after `python -m generator intake` on a copy of the data.

A reviewed pull request must not change when the issue is edited (issue 17: an edit re-aimed a reviewed
新規掲載 at よりそいホットライン's number), and an edit may not change the form or the listing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, run_generator
from intake_bodies import render_body
from test_confirm import name_of
from test_intake import NEW_WINDOW

WORKFLOW = yaml.safe_load((ROOT / ".github/workflows/intake.yml").read_text(encoding="utf-8"))
JOBS = WORKFLOW["jobs"]
REPO = "test-owner/test-hub"
ISSUE = "7"
HOSTILE = {
    "ID (相談窓口のファイル名)": "yorisoi-hotline",
    "電話番号": "026-000-0001",
    "情報確認日": "2026-10-01",
    "出典の補足": "テスト: 編集で別の掲載に向けかえる",
}


def step(job: str, step_id: str | None = None, name_starts: str | None = None) -> dict:
    return next(
        s
        for s in JOBS[job]["steps"]
        if (step_id and s.get("id") == step_id) or (name_starts and s.get("name", "").startswith(name_starts))
    )


class Runner:
    """One issue's workflow runs: the check job's work on a copy of the project, the write jobs' scripts
    against the fake GitHub, whose state persists between runs like the real repository."""

    def __init__(self, tmp_path: Path):
        self.tmp = tmp_path
        self.root = tmp_path / "project"
        shutil.copytree(ROOT / "data", self.root / "data")
        shutil.copytree(ROOT / "schemas", self.root / "schemas")
        self.bin = tmp_path / "bin"
        self.bin.mkdir()
        gh = self.bin / "gh"
        gh.write_text(f'#!/bin/sh\nexec {sys.executable} {ROOT / "tests" / "fake_gh.py"} "$@"\n', encoding="utf-8")
        gh.chmod(0o755)
        self.state_path = tmp_path / "github.json"
        self.save(
            {
                "repo": REPO,
                "refs": {"heads/main": "c0"},
                "commits": {"c0": {"tree": "t0", "parents": [], "message": ""}},
                "trees": {"t0": {"data/windows/yorisoi-hotline.yml": "b0"}},
                "blobs": {"b0": "(main)"},
                "pulls": [],
                "comments": {},
                "calls": [],
            }
        )
        self.runs = 0

    def state(self) -> dict:
        return json.loads(self.state_path.read_text(encoding="utf-8"))

    def save(self, state: dict) -> None:
        self.state_path.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")

    def bash(self, script: str, env: dict[str, str], cwd: Path) -> tuple[subprocess.CompletedProcess, dict[str, str]]:
        self.runs += 1
        temp = self.tmp / f"run{self.runs}-temp"
        temp.mkdir(exist_ok=True)
        output = self.tmp / f"run{self.runs}-output"
        output.write_text("", encoding="utf-8")
        environ = {
            "PATH": f"{self.bin}:{os.environ['PATH']}",
            "HOME": str(self.tmp),
            "LANG": "C.UTF-8",
            "RUNNER_TEMP": str(temp),
            "GITHUB_OUTPUT": str(output),
            "FAKE_GH_STATE": str(self.state_path),
            **env,
        }
        # As GitHub runs a `run:` step: bash --noprofile --norc -eo pipefail {0}
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=cwd,
            env=environ,
            capture_output=True,
            text=True,
        )
        outputs = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines() if "=" in line)
        return result, outputs

    def check(self, form: str, answers: dict) -> tuple[dict[str, str], Path]:
        """The check job: intake on the issue body (from the event file), then the staging step; the artifact."""
        self.runs += 1
        artifact = self.tmp / f"run{self.runs}-artifact"
        artifact.mkdir()
        event = self.tmp / f"run{self.runs}-event.json"
        event.write_text(
            json.dumps({"issue": {"number": int(ISSUE), "body": render_body(form, answers)}}), encoding="utf-8"
        )
        # The committed data is what the check job checks out: reset the copy before each run.
        shutil.rmtree(self.root / "data")
        shutil.copytree(ROOT / "data", self.root / "data")
        output = self.tmp / f"run{self.runs}-check-output"
        run_generator(
            self.root,
            "intake",
            "--event",
            str(event),
            "--comment",
            str(artifact / "comment.md"),
            "--pr-body",
            str(artifact / "pr-body.md"),
            "--issue",
            ISSUE,
            "--github-output",
            str(output),
        )
        outputs = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines())
        if outputs["ok"] == "true":
            outputs["check"] = "success"  # make validate && make build: tests/test_build.py covers them
            stage = step("check", name_starts="渡すものをまとめる")
            result, _ = self.bash(
                stage["run"].replace('"$RUNNER_TEMP/out', f'"{artifact}'), {"FILE_PATH": outputs["path"]}, cwd=self.root
            )
            assert result.returncode == 0, result.stderr
        return outputs, artifact

    def propose(self, outputs: dict[str, str], artifact: Path) -> tuple[subprocess.CompletedProcess, dict[str, str]]:
        env = {
            "GH_TOKEN": "test-token",
            "REPO": REPO,
            "BASE": "main",
            "ISSUE": ISSUE,
            "FORM": outputs["form"],
            "LISTING_ID": outputs["id"],
            "FILE_PATH": outputs["path"],
            "DIR": str(artifact),
        }
        return self.bash(step("propose", "propose")["run"], env, cwd=self.tmp)

    def comment(self, outputs: dict[str, str], propose: dict[str, str], artifact: Path) -> str:
        env = {
            "GH_TOKEN": "test-token",
            "REPO": REPO,
            "ISSUE": ISSUE,
            "INTAKE_OK": outputs.get("ok", ""),
            "CHECK": outputs.get("check", ""),
            "OUTCOME": propose.get("outcome", ""),
            "PR_URL": propose.get("url", ""),
            "DIR": str(artifact),
        }
        result, _ = self.bash(step("comment", "comment")["run"], env, cwd=self.tmp)
        assert result.returncode == 0, result.stderr
        return self.state()["comments"][ISSUE][-1]

    def run(self, form: str, answers: dict) -> tuple[dict[str, str], str]:
        outputs, artifact = self.check(form, answers)
        propose: dict[str, str] = {}
        if outputs.get("check") == "success":
            result, propose = self.propose(outputs, artifact)
            assert result.returncode == 0, result.stderr
        return propose, self.comment(outputs, propose, artifact)


def writes(state: dict) -> list:
    return [c for c in state["calls"] if c[0] != "GET"]


def branch_files(state: dict, branch: str) -> dict[str, str]:
    tree = state["trees"][state["commits"][state["refs"][f"heads/{branch}"]]["tree"]]
    return {path: state["blobs"][sha] for path, sha in tree.items()}


@pytest.fixture
def runner(tmp_path) -> Runner:
    return Runner(tmp_path)


def test_first_run_opens_one_pull_request_with_exactly_the_one_file(runner):
    propose, comment = runner.run("new-window", NEW_WINDOW)
    assert propose["outcome"] == "created"
    state = runner.state()
    [pull] = state["pulls"]
    assert (pull["head"], pull["base"], pull["labels"]) == ("intake/issue-7", "main", ["intake"])
    assert pull["body"].split("\n")[0] == "<!-- intake: form=new-window id=test-soudan -->"
    assert "Closes #7" in pull["body"]
    files = branch_files(state, "intake/issue-7")
    assert set(files) == {"data/windows/yorisoi-hotline.yml", "data/windows/test-soudan.yml"}
    assert files["data/windows/yorisoi-hotline.yml"] == "(main)"  # the rest of the tree is main's
    assert "name: テスト相談窓口" in files["data/windows/test-soudan.yml"]
    assert (
        comment.startswith("ありがとうございます。") and f"https://github.com/{REPO}/pull/{pull['number']}" in comment
    )


def test_a_confirmation_without_changes_opens_its_pull_request_too(runner):
    """「掲載内容の確認 (変更なし)」 (4-confirm-window.yml): the propose step once accepted only new/change/close,
    so an operator's confirmation passed the check and then failed where the pull request is opened."""
    answers = {"ID (相談窓口のファイル名)": "maisapo-nagano-city", "名称": name_of(ROOT, "maisapo-nagano-city")}
    propose, _comment = runner.run("confirm-window", answers)
    assert propose["outcome"] == "created"
    [pull] = runner.state()["pulls"]
    assert pull["body"].split("\n")[0] == "<!-- intake: form=confirm-window id=maisapo-nagano-city -->"
    confirmed = branch_files(runner.state(), "intake/issue-7")["data/windows/maisapo-nagano-city.yml"]
    assert "last_confirmed:" in confirmed  # the one change: the day it was confirmed


def test_a_hostile_edit_after_a_review_leaves_the_pull_request_unchanged(runner):
    runner.run("new-window", NEW_WINDOW)
    state = runner.state()
    state["pulls"][0]["reviews"].append({"id": 1, "state": "APPROVED", "user": {"login": "test-reviewer"}})
    runner.save(state)
    before = runner.state()

    # The issue body is edited into a change of another listing: intake alone finds nothing wrong with it.
    outputs, _ = runner.check("change-window", HOSTILE)
    assert (outputs["ok"], outputs["path"]) == ("true", "data/windows/yorisoi-hotline.yml")
    propose, comment = runner.run("change-window", HOSTILE)

    assert propose == {"outcome": "reviewed"}
    after = runner.state()
    assert writes(after)[len(writes(before)) :] == [["POST", f"repos/{REPO}/issues/7/comments", {"body": comment}]]
    for key in ("refs", "commits", "trees", "blobs", "pulls"):
        assert after[key] == before[key], key
    assert branch_files(after, "intake/issue-7")["data/windows/yorisoi-hotline.yml"] == "(main)"
    assert set(branch_files(after, "intake/issue-7")) == {
        "data/windows/yorisoi-hotline.yml",
        "data/windows/test-soudan.yml",
    }
    assert "今回の編集は提案に反映していません" in comment and "新しい Issue" in comment
    assert "誤りはありませんでした" not in comment


def test_an_edit_after_the_pull_request_was_closed_does_not_reopen_it(runner):
    runner.run("new-window", NEW_WINDOW)
    state = runner.state()
    state["pulls"][0]["state"] = "closed"
    runner.save(state)
    before = runner.state()
    propose, comment = runner.run("new-window", {**NEW_WINDOW, "名称": "テスト相談窓口 (新)"})
    assert propose == {"outcome": "closed"}
    after = runner.state()
    for key in ("refs", "commits", "trees", "blobs", "pulls"):
        assert after[key] == before[key], key
    assert "この提案はすでに閉じられている" in comment and "新しい Issue" in comment


@pytest.mark.parametrize(
    "form, answers",
    [
        ("change-window", HOSTILE),  # another form and listing
        ("new-window", {**NEW_WINDOW, "ID (相談窓口のファイル名)": "test-soudan-other"}),  # the same form, another ID
    ],
)
def test_an_edit_may_not_change_the_form_or_the_listing(runner, form, answers):
    runner.run("new-window", NEW_WINDOW)
    before = runner.state()
    propose, comment = runner.run(form, answers)
    assert propose == {"outcome": "changed"}
    after = runner.state()
    for key in ("refs", "commits", "trees", "blobs", "pulls"):
        assert after[key] == before[key], key
    assert "最初に送っていただいたフォームの種類や ID" in comment


def test_an_edit_before_any_review_updates_the_same_pull_request(runner):
    runner.run("new-window", NEW_WINDOW)
    propose, comment = runner.run("new-window", {**NEW_WINDOW, "名称": "テスト相談窓口 (新)"})
    assert propose["outcome"] == "updated"
    state = runner.state()
    [pull] = state["pulls"]
    assert "name: テスト相談窓口 (新)" in branch_files(state, "intake/issue-7")["data/windows/test-soudan.yml"]
    assert [
        "PATCH",
        f"repos/{REPO}/git/refs/heads/intake/issue-7",
        {"sha": state["refs"]["heads/intake/issue-7"], "force": True},
    ] in state["calls"]
    assert pull["body"].startswith("<!-- intake: form=new-window id=test-soudan -->\n")
    assert comment.startswith("ありがとうございます。")


def test_intake_errors_are_the_comment_and_nothing_is_proposed(runner):
    propose, comment = runner.run("new-window", {**NEW_WINDOW, "電話番号": "026-12"})
    assert propose == {} and runner.state()["pulls"] == []
    assert "まだ提案は作っていません" in comment and "電話番号の形式が正しくありません" in comment


@pytest.mark.parametrize(
    "form, path, listing_id",
    [
        ("new-window", ".github/workflows/intake.yml", "test-soudan"),
        ("new-window", "data/windows/../../.github/workflows/x.yml", "test-soudan"),
        ("new-window", "data/windows/Test.yml", "Test"),
        ("new-ibasho", "data/windows/test-soudan.yml", "test-soudan"),  # a path that is not the form's own
        ("new-window", "data/windows/test-soudan.yml", "other"),
        ("new-window;id", "data/windows/test-soudan.yml", "test-soudan"),
    ],
)
def test_propose_checks_the_path_again_and_writes_nothing_else(runner, tmp_path, form, path, listing_id):
    artifact = tmp_path / "artifact"
    target = artifact / "data/windows/test-soudan.yml"
    target.parent.mkdir(parents=True)
    target.write_text("id: test-soudan\n", encoding="utf-8")
    (artifact / "pr-body.md").write_text("x\n", encoding="utf-8")
    result, outputs = runner.propose({"form": form, "id": listing_id, "path": path}, artifact)
    assert result.returncode != 0 and "::error::" in result.stdout
    assert runner.state()["calls"] == [] and outputs == {}


def test_the_jobs_hold_only_their_own_permissions_and_run_no_project_code_with_a_write_token():
    assert WORKFLOW["permissions"] == {}
    assert JOBS["check"]["permissions"] == {"contents": "read"}
    assert JOBS["propose"]["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert JOBS["comment"]["permissions"] == {"issues": "write"}
    checkout = next(s for s in JOBS["check"]["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False
    upload = next(s for s in JOBS["check"]["steps"] if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "${{ runner.temp }}/out/"
    for job in ("propose", "comment"):
        for s in JOBS[job]["steps"]:
            assert not s.get("uses", "").startswith("actions/checkout"), job
            assert not re.search(r"\b(make|python|pip|npm|node)\b|\.venv", s.get("run", "")), (job, s.get("name"))
    app = step("propose", "app-token")["with"]
    assert (app["repositories"], app["permission-contents"], app["permission-pull-requests"]) == (
        "${{ github.event.repository.name }}",
        "write",
        "write",
    )
    assert set(k for k in app if k.startswith("permission-")) == {"permission-contents", "permission-pull-requests"}
