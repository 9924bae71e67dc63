"""The parent side of the worker processes: `WorkerPool` starts them, hands each an input,
enforces the time limit and replaces a worker that is killed, dies or runs out of memory.

Workers start through `forkserver` where the platform has it, else `spawn`: never a bare `fork`
of a process that runs watchdog's threads; a single conversion forks its worker from a process
with one thread and a small address space (see `_context`). A worker gets `Limits.seconds` per
input (for each 100 pages it says it is about to read, see `nianbao.runtime.worker`), after
which the pool kills it with SIGKILL. Workers live for many inputs (starting Python and
importing pydantic costs more than converting a typical report). What a worker runs, and how
it limits its own memory and ends with its parent, is `nianbao.runtime.worker`'s.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from pathlib import Path

from nianbao.convert.options import PAGES_PER_LIMIT, ConvertOptions, Limits
from nianbao.errors import (
    Failure,
    MemoryLimitError,
    TimeLimitError,
    WorkerDiedError,
    WorkerError,
)
from nianbao.runtime.inputs import shown
from nianbao.runtime.worker import (
    Converted,
    InLibrary,
    Pages,
    Work,
    child_main,
    convert_file,
    size_text,
    work_with,
)


@dataclass(frozen=True)
class Outcome:
    """One input's result, and how long the worker spent on it."""

    source: Path
    result: Converted | Failure
    seconds: float

    @property
    def ok(self) -> bool:
        return isinstance(self.result, Converted)


def convert_limited(path: Path, options: ConvertOptions) -> str:
    """The report JSON of `path`, converted in a worker process under `options`' limits; the
    failure raised here as the exception it was (`TimeLimitError`, `DocumentLoadError`, ...)."""
    work = work_with(convert_file, options)
    with WorkerPool(1, Limits.of(options), work, fork_here=True) as pool:
        outcome = pool.run_one(path)
    assert outcome is not None  # nothing asks it to stop
    result = outcome.result
    if isinstance(result, Converted):
        return result.json_text()
    raise result.error(source=shown(str(path)))


# What a forkserver imports before it forks any worker: the pipeline, and the libraries the
# adapters import when they first meet their format, so that no worker pays for them again.
# A library that is not installed is skipped (multiprocessing ignores its ImportError).
_PRELOAD = [
    "nianbao.runtime.worker",  # what a worker unpickles first; it imports the pipeline
    "pypdfium2",
    "pdfplumber",
    "docx",
    "openpyxl",
    "xlrd",
    "lxml.html",
]


def _context(*, fork_here: bool = False, memory: int = 0) -> BaseContext:
    """How workers start. `fork_here`: forked from this process, which has the pipeline
    imported already (a third of a second saved on a single conversion), if it is safe: only
    where fork exists, this process runs no other thread (a fork copies a lock another thread
    holds, held forever), and it is small beside the `memory` limit (a fork inherits its
    address space, which the limit counts: a notebook that loaded a model would leave the
    conversion nothing). Else from a forkserver (`_PRELOAD`), else `spawn`."""
    methods = multiprocessing.get_all_start_methods()
    if (
        fork_here
        and "fork" in methods
        and threading.active_count() == 1
        and (not memory or _address_space() < memory // _FORK_SHARE)
    ):
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        # Every worker forks from a server that has imported the pipeline once, so replacing a
        # killed worker costs milliseconds instead of a fresh interpreter's imports.
        context.set_forkserver_preload(_PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


_FORK_SHARE = 4  # a process forks its worker only while under this part of the memory limit


def _address_space() -> int:
    """This process's virtual size in bytes, what `RLIMIT_AS` counts; where that cannot be
    read (no /proc), as good as unlimited, so that nothing is forked."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return sys.maxsize
    return pages * os.sysconf("SC_PAGE_SIZE")


class _Worker:
    def __init__(self, context: BaseContext, work: Work, limits: Limits) -> None:
        parent_end, child_end = context.Pipe()
        lifeline_child, lifeline_parent = context.Pipe(duplex=False)
        self.conn: Connection = parent_end
        self.lifeline = lifeline_parent  # never written; closed when this worker is let go
        # typeshed's BaseContext lacks `Process`, which every concrete context has.
        forked = context.get_start_method() == "fork"
        self.process: BaseProcess = context.Process(  # type: ignore[attr-defined]
            target=child_main,
            args=(
                child_end,
                lifeline_child,
                work,
                limits.memory,
                (parent_end, lifeline_parent) if forked else (),
            ),
            daemon=True,
        )
        self.process.start()
        child_end.close()
        lifeline_child.close()
        self.path: Path | None = None
        self.started = 0.0
        self.retiring = False  # it said it will exit after this input
        self.pages = Pages(0, 0)  # the input's, as far as the worker has said
        self.library: str | None = None  # the C library call it is in, as it last said

    def give(self, path: Path) -> None:
        self.conn.send(path)
        self.path = path
        self.started = time.monotonic()
        self.pages = Pages(0, 0)
        self.library = None

    def deadline(self, limits: Limits) -> float:
        return self.started + limits.seconds_for(self.pages.pages, self.pages.ocr_pages)

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()
        self.lifeline.close()

    def close(self) -> None:
        with contextlib.suppress(OSError):  # already gone
            self.conn.send(None)
        self.process.join(2)
        self.kill()


class WorkerPool:
    """Up to `size` worker processes; `map` feeds them inputs and yields outcomes as they finish.

    `should_stop` is asked several times a second; when it says yes, inputs in progress are
    abandoned (their workers killed, no outcome yielded) and `map` returns. Use as a context
    manager, or call `close`, so that no worker outlives the pool.
    """

    _TICK = 0.1  # how often a waiting parent looks at deadlines and `should_stop`

    def __init__(
        self,
        size: int = 1,
        limits: Limits | None = None,
        work: Work = convert_file,
        *,
        fork_here: bool = False,
        on_pages: Callable[[Path, Pages], None] | None = None,
    ):
        """`fork_here`: fork the workers from this process when that is safe (see `_context`);
        for a single conversion, where a forkserver's fresh interpreter would cost more than
        the work. `on_pages`: told an input's pages (and pages for OCR) so far each time its
        worker says more lie ahead, so that long work on one input can show how it goes."""
        if size < 1:
            raise ValueError("a pool needs at least one worker")
        self.size = size
        self.limits = limits or Limits()
        self._work = work
        self._context = _context(fork_here=fork_here, memory=self.limits.memory)
        self._idle: list[_Worker] = []
        self._on_pages = on_pages

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        while self._idle:
            self._idle.pop().close()

    def map(
        self, paths: Iterable[Path], should_stop: Callable[[], bool] = lambda: False
    ) -> Generator[Outcome, None, None]:
        pending = deque(paths)
        busy: list[_Worker] = []
        try:
            while pending or busy:
                if should_stop():
                    return
                while pending and len(busy) < self.size:
                    worker = self._take()
                    worker.give(pending.popleft())
                    busy.append(worker)
                finished = self._collect(busy)
                if finished and should_stop():
                    # Asked to stop while waiting: what ended meanwhile may have ended because of
                    # the stop (SIGTERM to the process group), so it is abandoned like the rest.
                    return
                for worker, outcome in finished:
                    busy.remove(worker)
                    if worker.retiring or not worker.process.is_alive():
                        worker.kill()
                    else:
                        self._idle.append(worker)
                    yield outcome
        finally:
            for worker in busy:  # abandoned: stopped, or the caller stopped iterating
                worker.kill()

    def run_one(
        self, path: Path, should_stop: Callable[[], bool] = lambda: False
    ) -> Outcome | None:
        """The outcome of one input, or None if `should_stop` said yes before it finished."""
        outcomes = self.map([path], should_stop)
        try:
            return next(outcomes, None)
        finally:
            outcomes.close()

    def _take(self) -> _Worker:
        while self._idle:
            worker = self._idle.pop()
            if worker.process.is_alive():
                return worker
            worker.kill()
        return _Worker(self._context, self._work, self.limits)

    def _collect(self, busy: list[_Worker]) -> list[tuple[_Worker, Outcome]]:
        """Wait up to a tick; the outcomes of the workers that finished, died or ran out of time."""
        now = time.monotonic()
        timeout = self._TICK
        if self.limits.seconds:
            first_deadline = min(w.deadline(self.limits) for w in busy)
            timeout = max(0.0, min(timeout, first_deadline - now))
        handles = [w.conn for w in busy] + [w.process.sentinel for w in busy]
        multiprocessing.connection.wait(handles, timeout)
        done: list[tuple[_Worker, Outcome]] = []
        now = time.monotonic()
        for worker in busy:
            assert worker.path is not None
            elapsed = now - worker.started
            result = self._result(worker)
            if result is not None:
                done.append((worker, Outcome(worker.path, result, elapsed)))
        return done

    def _result(self, worker: _Worker) -> Converted | Failure | None:
        try:
            while worker.conn.poll():
                received: Pages | InLibrary | tuple[Converted | Failure, bool]
                received = worker.conn.recv()
                if isinstance(received, InLibrary):
                    worker.library = received.what
                    continue
                if isinstance(received, Pages):
                    worker.pages = Pages(
                        worker.pages.pages + received.pages,
                        worker.pages.ocr_pages + received.ocr_pages,
                    )
                    if self._on_pages is not None and worker.path is not None:
                        self._on_pages(worker.path, worker.pages)
                    continue
                result, worker.retiring = received
                return result
        except (EOFError, OSError):
            pass  # the worker is gone; its exit status says how
        if not worker.process.is_alive():
            worker.kill()
            return Failure.of(_died(worker.process.exitcode, worker.library, self.limits))
        if self.limits.seconds and time.monotonic() >= worker.deadline(self.limits):
            worker.kill()
            return Failure.of(TimeLimitError(_too_long(self.limits, worker.pages)))
        return None


def _too_long(limits: Limits, pages: Pages) -> str:
    seconds = limits.seconds_for(pages.pages, pages.ocr_pages)
    if seconds == limits.seconds:
        return f"took longer than the time limit of {seconds:g} s"
    ocr = f", {pages.ocr_pages} of them by OCR" if pages.ocr_pages else ""
    return (
        f"took longer than the time limit of {seconds:g} s ({limits.seconds:g} s for each "
        f"{PAGES_PER_LIMIT} pages; {pages.pages} pages{ocr})"
    )


def _died(exitcode: int | None, library: str | None, limits: Limits) -> WorkerError:
    """Why a worker died. A C or Rust library that aborts (SIGABRT) under a memory limit has,
    as pdfium, jsonschema-rs and pydantic-core do, failed to allocate: the input needs more
    memory than allowed, a refusal (exit 3) like a MemoryError's. Any other death is
    unexplained: a bug to report (exit 70)."""
    if library is not None and exitcode == -signal.SIGABRT and limits.memory:
        return MemoryLimitError(
            f"needed more than the memory limit of {size_text(limits.memory)}: {library} "
            "ran out and aborted"
        )
    where = f" while {library}" if library is not None else ""
    return WorkerDiedError(_death(exitcode, limits) + where)


def _death(exitcode: int | None, limits: Limits) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            how = f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"killed by signal {-exitcode}"
    else:
        how = f"exited with status {exitcode}"
    hint = f"; perhaps out of memory (limit {size_text(limits.memory)})" if limits.memory else ""
    return f"the worker process converting it died ({how}{hint})"
