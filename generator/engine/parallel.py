"""Work on both cores of a small build machine: MkDocs renders on one core, so the generator's own stages
use the other. Processes are forked, so they inherit what they work on and only results are pickled:
`InBackground` runs one job, `Streamed` hands over a job's results one by one while it goes on (the pages,
in the order MkDocs reads them), `Fed` handles items this process sends it one by one.

Forking a process that runs threads can deadlock it (`mkdocs serve` runs a server and a watcher): then
everything runs here, one item after another. `mkdocs serve` works here from its first build on
(`stay_on_this_core`), so that what the first build makes once (QR codes, the .xlsx, imported libraries)
is ready for the first edit.
"""

from __future__ import annotations

import multiprocessing
import threading
import traceback
from collections.abc import Callable
from queue import SimpleQueue

_this_core_only: list[bool] = []


def stay_on_this_core(stay: bool = True) -> None:
    """From now on, never fork (for a long-running process that keeps its caches between builds)."""
    _this_core_only[:] = [True] if stay else []


def can_fork() -> bool:
    """Single-threaded, able to fork, and not itself a worker (those may not have children)."""
    return (
        not _this_core_only
        and threading.active_count() == 1
        and "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon
    )


class InBackground:
    """`make()` in a forked process, so the machine's other core works while this one goes on (while MkDocs
    renders the pages). `result()` waits and returns what `make()` returned, or raises what it raised."""

    def __init__(self, make: Callable[[], object]):
        context = multiprocessing.get_context("fork")  # the child inherits what `make` uses; nothing is pickled in
        self._receive, self._send = context.Pipe(duplex=False)
        self._process = context.Process(target=_send_result, args=(make, self._send), daemon=True)
        self._process.start()
        self._send.close()

    def result(self) -> object:
        return self._finish(*self._read())

    def _read(self) -> tuple[object, object]:
        try:
            return self._receive.recv()
        except EOFError:  # it died without a word
            self._process.join()
            return False, f"the background process ended with code {self._process.exitcode}"

    def _finish(self, ok: object, value: object) -> object:
        self._process.join()
        if not ok:
            raise RuntimeError(value)
        return value

    def stop(self) -> None:
        """End it now (the build failed elsewhere): it must not go on writing."""
        self._process.terminate()
        self._process.join()


def _send_result(make: Callable[[], object], send) -> None:  # noqa: ANN001 - a multiprocessing Connection
    try:
        send.send((True, make()))
    except BaseException:  # noqa: BLE001 - reported to the parent, which fails the build
        send.send((False, traceback.format_exc()))


_ITEM = "item"


class Streamed(InBackground):
    """`produce(emit)` in a forked process: each `emit(item)` arrives here in order (`next_item()`) while it
    goes on; then `result()` returns what `produce` returned, or raises what it raised."""

    def __init__(self, produce: Callable[[Callable[[object], None]], object]):
        self._final: tuple[bool, object] | None = None
        super().__init__(lambda: produce(self._emit))

    def _emit(self, item: object) -> None:  # runs in the child, which inherited the pipe's sending end
        self._send.send((_ITEM, item))

    def next_item(self) -> object:
        """The next emitted item; RuntimeError if `produce` failed or ended first."""
        if self._final is None:
            tag, value = self._read()
            if tag == _ITEM:
                return value
            self._final = (bool(tag), value)
        ok, value = self._final
        raise RuntimeError("the background process ended before it sent everything" if ok else value)

    def result(self) -> object:
        while self._final is None:  # items nobody read are passed over
            tag, value = self._read()
            if tag != _ITEM:
                self._final = (bool(tag), value)
        return self._finish(*self._final)


_END = "end"


class Fed(InBackground):
    """`handle(item)` in a forked process for each `put(item)`, in order, while this process goes on (ふりがな on
    the pages MkDocs renders). `result()`, after the last `put`, waits until every item is handled and returns
    what `finish()` returned, or raises what `handle` or `finish` raised (`put` raises it already when the
    process has ended early).

    A thread there takes each item off the pipe as soon as it comes, so `put` never waits for `handle`."""

    def __init__(self, handle: Callable[[object], None], finish: Callable[[], object] = lambda: None):
        context = multiprocessing.get_context("fork")
        self._items, self._feed = context.Pipe(duplex=False)
        super().__init__(lambda: self._work(handle, finish))
        self._items.close()  # only the child reads: a child that ended makes `put` fail instead of wait

    def _work(self, handle: Callable[[object], None], finish: Callable[[], object]) -> object:
        self._feed.close()  # runs in the child
        queue: SimpleQueue = SimpleQueue()
        threading.Thread(target=_take_all, args=(self._items, queue), daemon=True).start()
        while (message := queue.get())[0] == _ITEM:
            handle(message[1])
        if message[0] != _END:
            raise RuntimeError("this process ended before it sent everything")
        return finish()

    def put(self, item: object) -> None:
        try:
            self._feed.send((_ITEM, item))
        except OSError:  # it ended (a failed `handle`): say why
            self._feed.close()
            self._finish(*self._read())
            raise

    def result(self) -> object:
        try:
            self._feed.send((_END, None))
        except OSError:  # it ended already: `result` says why
            pass
        self._feed.close()
        return super().result()


def _take_all(items, queue: SimpleQueue) -> None:  # noqa: ANN001 - a multiprocessing Connection
    while True:
        try:
            message = items.recv()
        except EOFError:
            message = ("eof", None)
        queue.put(message)
        if message[0] != _ITEM:
            return
