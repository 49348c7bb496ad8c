"""The pipeline's shared steps: work handed to the other core comes back whole, or fails the build."""

import multiprocessing
import os
import threading
import time

import pytest

from generator.engine.parallel import Fed, InBackground, Streamed, can_fork


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


def test_no_fork_while_threads_run():
    """`mkdocs serve` runs a server and a watcher: forking it could deadlock, so its builds stay on this core."""
    assert can_fork()
    started = threading.Event()
    stop = threading.Event()
    thread = threading.Thread(target=lambda: (started.set(), stop.wait()))
    thread.start()
    started.wait()
    try:
        assert not can_fork()
    finally:
        stop.set()
        thread.join()
    assert can_fork()


def test_streamed_items_arrive_in_order_while_the_other_process_goes_on():
    def produce(emit):
        for n in range(500):
            emit((n, os.getpid(), "x" * 1000))
        return "published"

    stream = Streamed(produce)
    items = [stream.next_item() for _ in range(500)]
    assert [n for n, _, _ in items] == list(range(500))
    assert {pid for _, pid, _ in items} != {os.getpid()}
    assert stream.result() == "published"


def test_streamed_failure_reaches_the_reader_and_the_result():
    def produce(emit):
        emit("first page")
        raise ValueError("テスト: ページが作れない")

    stream = Streamed(produce)
    assert stream.next_item() == "first page"
    with pytest.raises(RuntimeError, match="テスト: ページが作れない"):
        stream.next_item()
    with pytest.raises(RuntimeError, match="テスト: ページが作れない"):
        stream.result()


def test_streamed_result_skips_what_was_not_read():
    stream = Streamed(lambda emit: [emit(n) for n in range(100)] and "done")
    assert stream.next_item() == 0
    assert stream.result() == "done"


def test_fed_items_are_handled_in_order_by_another_process_that_never_holds_up_the_sender():
    """ふりがな: MkDocs hands each page over and goes on; the other process adds the ruby at its own pace."""
    release = multiprocessing.get_context("fork").Event()
    handled = []

    def handle(item):
        if not handled:
            handled.append(release.wait(timeout=30))  # the first page takes long: the sender must not wait
        handled.append(item)

    fed = Fed(handle, lambda: (os.getpid(), handled))
    started = time.monotonic()
    pages = [(f"page-{n}/index.html", "漢字" * 20_000) for n in range(100)]  # 12 MB: far more than a pipe holds
    for page in pages:
        fed.put(page)
    sent = time.monotonic() - started
    release.set()
    pid, result = fed.result()
    assert sent < 25
    assert pid != os.getpid()
    assert result == [True, *pages]
    assert handled == []  # nothing was handled in this process


def test_fed_failure_fails_the_sender_and_the_result():
    fed = Fed(lambda item: 1 / item)
    fed.put(1)
    fed.put(0)
    deadline = time.monotonic() + 20
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        while time.monotonic() < deadline:
            fed.put(1)
            time.sleep(0.01)
    later = Fed(lambda item: 1 / item)
    later.put(0)
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        later.result()
