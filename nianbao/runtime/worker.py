"""Convert inputs in worker processes that no input can hang, exhaust or crash its way out of.

The hot folder and the batch converter never run an adapter in their own process. Each input
goes to a worker process (started through `forkserver` where the platform has it, else `spawn`:
never a bare `fork` of a process that runs watchdog's threads; a single conversion forks its
worker from a process with one thread and a small address space, see `_context`) that

- has its address space capped with `RLIMIT_AS`, so a zip bomb or a runaway table ends in a
  `MemoryError` (or, inside C code, the worker's death) instead of the machine swapping;
- gets `Limits.seconds` per input (for each 100 pages: it tells the parent the pages it is
  about to read, and each it is about to OCR, as `nianbao.adapters.effort` hears of them), after
  which the parent kills it with SIGKILL;
- ignores Ctrl-C and SIGTERM, so that a signal sent to the whole process group (a terminal's
  Ctrl-C, systemd's stop, `timeout`) leaves the decision to the parent: a stop is not a failure
  of the input in hand;
- dies with its parent. On Linux the kernel kills it (`PR_SET_PDEATHSIG`, SIGKILL) when the
  process that forked it ends: the forkserver, which itself exits as soon as the pool's process
  is gone, or the pool's process under `spawn`. That works even while the worker is stuck in C
  code holding the GIL. Everywhere, and for the instant before the kernel was asked, a thread
  in the worker also waits on a pipe whose other end only the parent holds and ends the worker
  when it reads end-of-file. So a `kill -9` of the watcher leaves no worker running without a
  time limit, and none writing tracebacks about a broken pipe into the log.

A worker hands back the report's JSON text, not a file: only the parent writes outputs, so a
worker killed half-way can never leave half a report behind. Workers live for many inputs
(starting Python and importing pydantic costs more than converting a typical report) and are
replaced when one is killed, dies, or runs out of memory.

What a worker runs is injectable (`WorkerPool(work=...)`): a module-level function from `Path`
to `Converted`, so tests can hand it one that sleeps or allocates without any backdoor in the
shipped code path. Failures come back as `Failure` data whose `code` is the exception class name
(`DocumentLoadError`, `UnsupportedFormatError`, ..., and the three below) and whose `exit_code`
is that class's, so batch, watcher and single-file CLI agree on exit codes::

    NianbaoError
    └── WorkerError               the worker, not the pipeline, could not finish
        ├── TimeLimitError        took longer than the time limit; killed (exit 3)
        ├── MemoryLimitError      needed more memory than the limit (exit 3)
        └── WorkerDiedError       the worker process died, e.g. a crash in C code (exit 70)
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import multiprocessing
import multiprocessing.connection
import os
import signal
import stat
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

from nianbao.adapters import effort
from nianbao.collection.partial import NOT_RECOGNISED, Status, of_report
from nianbao.convert.options import GIB, MIB, PAGES_PER_LIMIT, ConvertOptions, Limits
from nianbao.convert.pipeline import convert_bytes, read_input
from nianbao.errors import (
    DocumentLoadError,
    MissingDependencyError,
    NianbaoError,
    ReportValidationError,
    UnsupportedFormatError,
    out_of_memory,
)
from nianbao.runtime.inputs import shown
from nianbao.schemas.emit import to_json

if sys.platform != "win32":
    import resource


class WorkerError(NianbaoError):
    """The worker process converting an input could not finish; the pipeline raised nothing."""


class TimeLimitError(WorkerError):
    """Converting took longer than the time limit, so the worker was killed.

    Counted as an unreadable input (exit 3): within the limits it is one, whatever the cause.
    """

    exit_code = 3


class MemoryLimitError(WorkerError):
    """Converting needed more memory than the limit allows."""

    exit_code = 3


class WorkerDiedError(WorkerError):
    """The worker died without a word (a signal or a crash in C code): a bug to report."""

    exit_code = 70


@dataclass(frozen=True)
class Converted:
    """What a worker hands back on success: the report's JSON and the facts a log line shows."""

    text: str
    year: int | None = None
    organization: str | None = None
    recognised: bool = False
    checks_passed: int = 0
    checks_failed: int = 0
    #: `complete`, `partial` or `not a report`, and why (`nianbao.collection.partial`).
    status: Status = "complete"
    partial: tuple[str, ...] = ()

    def summary(self) -> str:
        """`2021, 中山镇人民政府, 42 checks passed` (or why there is less to say), then what is
        missing: `; partial: 1 page without text (2), 21 of 200 figures missing`."""
        if not self.recognised:
            return "; ".join(self.partial or (NOT_RECOGNISED,))
        checks = f"{self.checks_passed} check{'s' if self.checks_passed != 1 else ''} passed"
        if self.checks_failed:
            checks += f", {self.checks_failed} failed"
        text = f"{self.year or 'year unknown'}, {self.organization or 'body unknown'}, {checks}"
        return text + (f"; partial: {', '.join(self.partial)}" if self.partial else "")


@dataclass(frozen=True)
class Failure:
    """Why no report was made: the exception class name, its message, its exit code."""

    code: str
    message: str
    exit_code: int

    def error(self, *, source: str | None = None) -> NianbaoError:
        """The exception this failure came from, again (a plain `NianbaoError` for a bug)."""
        kinds: dict[str, type[NianbaoError]] = {
            kind.__name__: kind
            for kind in (
                DocumentLoadError,
                UnsupportedFormatError,
                MissingDependencyError,
                ReportValidationError,
                TimeLimitError,
                MemoryLimitError,
                WorkerDiedError,
            )
        }
        error = kinds.get(self.code, NianbaoError)(self.message, source=source)
        error.exit_code = self.exit_code
        return error

    @classmethod
    def of(cls, exc: NianbaoError) -> Failure:
        # The message without the file name: whoever reports the failure names the file.
        return cls(type(exc).__name__, exc.message, exc.exit_code)


@dataclass(frozen=True)
class Outcome:
    """One input's result, and how long the worker spent on it."""

    source: Path
    result: Converted | Failure
    seconds: float

    @property
    def ok(self) -> bool:
        return isinstance(self.result, Converted)


Work = Callable[[Path], Converted]


class NotARegularFileError(DocumentLoadError):
    """A hot folder's input is a symbolic link or not a regular file: refused, never read."""


def convert_file(path: Path, options: ConvertOptions | None = None) -> Converted:
    """The work a worker does by default: the whole pipeline, then the canonical JSON text."""
    if path.is_dir():
        raise DocumentLoadError("is a directory, not a file", source=shown(str(path)))
    return _converted(read_input(path), path, options)


def work_with(work: Callable[..., Converted], options: ConvertOptions | None) -> Work:
    """`work` with `options` bound: still picklable, so a worker process can be handed it."""
    return work if options is None else functools.partial(work, options=options)


def convert_inbox_file(path: Path, options: ConvertOptions | None = None) -> Converted:
    """`convert_file` for a file someone else dropped: a symbolic link is not followed.

    Whoever can drop a file could otherwise have the service publish any file it can read
    (`ln -s /proc/self/environ x.txt`). The watcher refuses links when it finds them; opening
    with `O_NOFOLLOW` here also closes the gap between that look and this read, and a FIFO put
    in the file's place cannot block the worker (`O_NONBLOCK`, then only a regular file is read).
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if path.is_symlink():
            raise NotARegularFileError(link_refusal(path), source=shown(str(path))) from exc
        # its own words for missing, denied, ...
        return _converted(read_input(path), path, options)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise NotARegularFileError("is not a regular file", source=shown(str(path)))
        data = handle.read()
    return _converted(data, path, options)


def link_refusal(path: Path) -> str:
    """Why a symbolic link is refused; its target is named, never read."""
    try:
        target = f" to {shown(str(path.readlink()))}"
    except OSError:
        target = ""
    return (
        f"is a symbolic link{target}; links are not followed (copy the file itself into the folder)"
    )


def _converted(data: bytes, path: Path, options: ConvertOptions | None = None) -> Converted:
    # A name that is not UTF-8 is named losslessly (`\xc4\xea.txt`): JSON cannot hold it raw.
    report = convert_bytes(
        data, filename=shown(path.name), display_name=shown(str(path)), options=options
    )
    annual = report.annual_report
    found = of_report(report)
    if annual is None:
        return Converted(to_json(report), status=found.status, partial=found.reasons)
    return Converted(
        to_json(report),
        year=annual.year,
        organization=annual.organization,
        recognised=True,
        checks_passed=sum(1 for c in annual.checks if c.status == "pass"),
        checks_failed=sum(1 for c in annual.checks if c.status == "fail"),
        status=found.status,
        partial=found.reasons,
    )


def convert_limited(path: Path, options: ConvertOptions) -> str:
    """The report JSON of `path`, converted in a worker process under `options`' limits; the
    failure raised here as the exception it was (`TimeLimitError`, `DocumentLoadError`, ...)."""
    work = work_with(convert_file, options)
    with WorkerPool(1, Limits.of(options), work, fork_here=True) as pool:
        outcome = pool.run_one(path)
    assert outcome is not None  # nothing asks it to stop
    result = outcome.result
    if isinstance(result, Converted):
        return result.text
    raise result.error(source=shown(str(path)))


def describe_limit(limits: Limits) -> str:
    seconds = f"{limits.seconds:g} s" if limits.seconds else "no time limit"
    memory = _size(limits.memory) if limits.memory else "no memory limit"
    return f"{seconds}, {memory}"


def _size(n: int) -> str:
    return f"{n / GIB:g} GiB" if n >= GIB else f"{n / MIB:g} MiB"


# --- the child side -----------------------------------------------------------------------------


def _child_main(
    conn: Connection,
    lifeline: Connection,
    work: Work,
    memory: int,
    parent_ends: tuple[Connection, ...] = (),
) -> None:
    for end in parent_ends:  # forked, not served: the parent's ends came along; only it may hold
        end.close()  # them, or the lifeline would never reach end-of-file
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _die_with_parent(lifeline)
    if memory and sys.platform != "win32":  # Windows has no RLIMIT_AS; the time limit still holds
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone or closed the pipe: nothing left to do
        if path is None:
            return
        result: Converted | Failure
        try:
            with effort.listening(functools.partial(_tell_pages, conn)):
                result = work(path)
        except NianbaoError as exc:
            result = Failure.of(exc)
        except Exception as exc:
            if out_of_memory(exc):
                # The heap may be in any state now: report, then let the parent start a fresh
                # worker.
                result = Failure.of(
                    MemoryLimitError(f"needed more than the memory limit of {_size(memory)}")
                )
                with contextlib.suppress(OSError):
                    conn.send((result, True))
                return
            result = Failure(
                "InternalError",
                f"internal error: {type(exc).__name__}: {exc} (please report it)",
                70,
            )
        try:
            conn.send((result, False))  # (result, retiring)
        except OSError:
            return  # the parent is gone: no one is waiting for this result


@dataclass(frozen=True)
class _Pages:
    """Sent while converting: this many more pages (and pages to OCR) lie ahead."""

    pages: int
    ocr_pages: int


def _tell_pages(conn: Connection, pages: int, ocr_pages: int) -> None:
    conn.send(_Pages(pages, ocr_pages))


_PR_SET_PDEATHSIG = 1


def _die_with_parent(lifeline: Connection) -> None:
    """End this worker when its parent ends, however it ends (see the module docstring)."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)

    def watch() -> None:
        with contextlib.suppress(EOFError, OSError):
            lifeline.recv()  # the parent never writes: this returns when its end is closed
        os._exit(1)

    threading.Thread(target=watch, name="lifeline", daemon=True).start()


# --- the parent side ----------------------------------------------------------------------------


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
            target=_child_main,
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
        self.pages = _Pages(0, 0)  # the input's, as far as the worker has said

    def give(self, path: Path) -> None:
        self.conn.send(path)
        self.path = path
        self.started = time.monotonic()
        self.pages = _Pages(0, 0)

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
    ):
        """`fork_here`: fork the workers from this process when that is safe (see `_context`);
        for a single conversion, where a forkserver's fresh interpreter would cost more than
        the work."""
        if size < 1:
            raise ValueError("a pool needs at least one worker")
        self.size = size
        self.limits = limits or Limits()
        self._work = work
        self._context = _context(fork_here=fork_here, memory=self.limits.memory)
        self._idle: list[_Worker] = []

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
                received: _Pages | tuple[Converted | Failure, bool] = worker.conn.recv()
                if isinstance(received, _Pages):
                    worker.pages = _Pages(
                        worker.pages.pages + received.pages,
                        worker.pages.ocr_pages + received.ocr_pages,
                    )
                    continue
                result, worker.retiring = received
                return result
        except (EOFError, OSError):
            pass  # the worker is gone; its exit status says how
        if not worker.process.is_alive():
            worker.kill()
            return Failure.of(WorkerDiedError(_death(worker.process.exitcode, self.limits)))
        if self.limits.seconds and time.monotonic() >= worker.deadline(self.limits):
            worker.kill()
            return Failure.of(TimeLimitError(_too_long(self.limits, worker.pages)))
        return None


def _too_long(limits: Limits, pages: _Pages) -> str:
    seconds = limits.seconds_for(pages.pages, pages.ocr_pages)
    if seconds == limits.seconds:
        return f"took longer than the time limit of {seconds:g} s"
    ocr = f", {pages.ocr_pages} of them by OCR" if pages.ocr_pages else ""
    return (
        f"took longer than the time limit of {seconds:g} s ({limits.seconds:g} s for each "
        f"{PAGES_PER_LIMIT} pages; {pages.pages} pages{ocr})"
    )


def _death(exitcode: int | None, limits: Limits) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            how = f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"killed by signal {-exitcode}"
    else:
        how = f"exited with status {exitcode}"
    hint = f"; perhaps out of memory (limit {_size(limits.memory)})" if limits.memory else ""
    return f"the worker process converting it died ({how}{hint})"
