"""What is installed is what the requirements ask for: requirements-lock.txt (pip-compile --generate-hashes) against
requirements.txt + requirements-dev.txt, and the virtual environment that `make` installs from it."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import pytest
from conftest import ROOT
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

LOCKS = {
    "requirements-lock.txt": ["requirements-dev.txt", "requirements.txt"],
    "requirements-audit-lock.txt": ["requirements-audit.txt"],
}


def pins(path: Path) -> dict[str, str]:
    """name → version of every `name==version` requirement (continuation lines and comments skipped)."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)", line)
        if match:
            out[canonicalize_name(match.group(1))] = match.group(2)
        elif line.strip() and not line.lstrip().startswith(("#", "--hash")):
            raise AssertionError(f"{path.name}: not an exact pin: {line!r}")
    return out


def hashed_entries(path: Path) -> dict[str, int]:
    """name → number of --hash values written for it."""
    out: dict[str, int] = {}
    current = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := re.match(r"^([A-Za-z0-9._-]+)==", line):
            current = canonicalize_name(match.group(1))
            out[current] = 0
        if current:
            out[current] += len(re.findall(r"--hash=sha256:[0-9a-f]{64}", line))
    return out


@pytest.mark.parametrize("lock", LOCKS)
def test_every_requirement_is_in_the_lock_at_its_pinned_version(lock):
    locked = pins(ROOT / lock)
    for source in LOCKS[lock]:
        for name, version in pins(ROOT / source).items():
            assert locked.get(name) == version, (
                f"{source} pins {name}=={version}, {lock} has {locked.get(name)}: run make lock"
            )
    command = next(line for line in (ROOT / lock).read_text(encoding="utf-8").splitlines() if "pip-compile --" in line)
    assert "--generate-hashes" in command and command.split("--strip-extras ")[1].split() == LOCKS[lock]


@pytest.mark.parametrize("lock", LOCKS)
def test_every_locked_package_carries_the_hashes_of_its_files(lock):
    hashes = hashed_entries(ROOT / lock)
    assert hashes and all(n > 0 for n in hashes.values()), [k for k, n in hashes.items() if not n]


def test_the_lock_is_exactly_what_the_requirements_need():
    """Walk the installed metadata from the top-level requirements: the lock holds that closure, nothing else."""
    locked = pins(ROOT / "requirements-lock.txt")
    todo = [Requirement(f"{n}=={v}") for f in LOCKS["requirements-lock.txt"] for n, v in pins(ROOT / f).items()]
    needed: dict[str, set[str]] = {}
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        assert name in locked, f"{name} is needed but not in requirements-lock.txt: run make lock"
        assert req.specifier.contains(locked[name], prereleases=True), f"{req} but the lock has {locked[name]}"
        if name in needed and req.extras <= needed[name]:
            continue  # already walked, with these extras
        extras = needed.setdefault(name, set())
        extras |= req.extras
        dist = metadata.distribution(name)
        assert canonicalize_name(dist.metadata["Name"]) == name and dist.version == locked[name], (
            f"installed {name} {dist.version} differs from the lock's {locked[name]}: run make venv"
        )
        for line in dist.requires or []:
            dep = Requirement(line)
            if dep.marker is None or any(
                dep.marker.evaluate(default_environment() | {"extra": e}) for e in (extras or {""})
            ):
                todo.append(dep)
    assert set(locked) - set(needed) == set(), "in the lock but needed by no requirement: run make lock"


def test_make_installs_only_from_the_lock_with_hashes():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    installs = [line for line in makefile.splitlines() if "pip install" in line and "$(BIN)" in line]
    assert installs == [
        "\t$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r $(LOCK)"
    ]
    assert "LOCK := requirements-lock.txt" in makefile
