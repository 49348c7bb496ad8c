"""The pipeline's shared steps: work handed to the other core comes back whole, or fails the build."""

import os

import pytest

from generator.pipeline import InBackground


def test_background_work_returns_its_result_from_another_process():
    job = InBackground(lambda: {"pid": os.getpid(), "map/data/all.geojson": "x" * 5_000_000})
    result = job.result()
    assert result["pid"] != os.getpid()
    assert len(result["map/data/all.geojson"]) == 5_000_000  # more than a pipe holds at once


def test_background_failure_is_raised_with_its_cause():
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        InBackground(lambda: 1 / 0).result()


def test_background_process_that_dies_is_a_failure():
    with pytest.raises(RuntimeError, match="code 3"):
        InBackground(lambda: os._exit(3)).result()
