"""The scheduled verification workflows: least privilege, actions pinned by commit SHA, no data in a shell."""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import ROOT


@pytest.mark.parametrize("name", ["reminders.yml", "links.yml"])
def test_scheduled_least_privilege_and_pinned(name):
    text = (ROOT / ".github/workflows" / name).read_text(encoding="utf-8")
    flow = yaml.safe_load(text)
    assert set(flow[True]) == {"schedule", "workflow_dispatch"}  # PyYAML reads the key `on` as True
    assert flow["permissions"] == {"contents": "read", "issues": "write"}
    steps = [s for job in flow["jobs"].values() for s in job["steps"]]
    for step in steps:
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
        # a shell sees only paths and our own command; the token goes through the environment
        assert "${{" not in step.get("run", ""), step
    assert any("python -m generator" in s.get("run", "") for s in steps)
