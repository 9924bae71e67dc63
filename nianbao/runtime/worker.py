"""What a worker process runs: one input through the pipeline, under a memory limit, the
result sent back to the parent as data.

The hot folder and the batch converter never run an adapter in their own process: each input
goes to a worker process (`nianbao.runtime.pool.WorkerPool` starts and watches them) that

- has its address space capped with `RLIMIT_AS`, so a zip bomb or a runaway table ends in a
  `MemoryError` (or, inside C code, the worker's death) instead of the machine swapping;
- tells the parent the pages it is about to read, and each it is about to OCR, as
  `nianbao.adapters.effort` hears of them, so that the parent's time limit (per 100 pages)
  grows with the document; and when it is inside a C library's call (pdfium reading a page),
  so that a death there is told as what it is (pdfium aborts the process when memory runs out);
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
worker killed half-way can never leave half a report behind. What a worker runs is injectable
(`WorkerPool(work=...)`): a module-level function from `Path` to `Converted`, so tests can hand
it one that sleeps or allocates without any backdoor in the shipped code path. A failure comes
back as `nianbao.errors.Failure` data, which the parent turns into the same exception class
with the same exit code (`Failure.error`), so batch, watcher and single-file CLI agree on exit
codes. The errors a worker itself causes (`TimeLimitError`, `MemoryLimitError`,
`WorkerDiedError`) are in `nianbao.errors` with the rest; importing them from here still works.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import os
import signal
import stat
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from nianbao.adapters import effort
from nianbao.collection.partial import NOT_RECOGNISED, Completeness, Status, of_report
from nianbao.convert.options import GIB, MIB, ConvertOptions, Limits
from nianbao.convert.pipeline import convert_read, read_input
from nianbao.errors import (
    DocumentLoadError,
    Failure,
    MemoryLimitError,
    NianbaoError,
    NotARegularFileError,
    TimeLimitError,
    WorkerDiedError,
    WorkerError,
    out_of_memory,
)
from nianbao.runtime.inputs import refuse_special, shown
from nianbao.schemas.emit import to_json_bytes

if sys.platform != "win32":
    import resource

#: Imported from here before they had their homes; still importable from here.
__all__ = [
    "Converted",
    "Failure",
    "MemoryLimitError",
    "NotARegularFileError",
    "Pages",
    "TimeLimitError",
    "Work",
    "WorkerDiedError",
    "WorkerError",
    "convert_file",
    "convert_inbox_file",
    "describe_limit",
    "link_refusal",
    "size_text",
    "work_with",
]


@dataclass(frozen=True)
class Converted:
    """What a worker hands back on success: the report's JSON and the facts a log line shows."""

    #: The report's JSON; from the pipeline as UTF-8 bytes (`to_json_bytes`: half the memory of
    #: a str, and sent across processes as they are), written as they are.
    text: str | bytes
    year: int | None = None
    organization: str | None = None
    recognised: bool = False
    checks_passed: int = 0
    checks_failed: int = 0
    #: `complete`, `partial` or `not a report`, and why (`nianbao.collection.partial`).
    status: Status = "complete"
    partial: tuple[str, ...] = ()
    #: Figures printed but left without a value: several readings fit (`figure_state`).
    undetermined: int = 0

    def json_text(self) -> str:
        """The report's JSON as a str, for a caller that wants text, not a file's bytes."""
        return self.text if isinstance(self.text, str) else self.text.decode("utf-8")

    def summary(self) -> str:
        """`2021, 中山镇人民政府, 42 checks passed` (or why there is less to say), then the
        figures it could not decide, `; 6 figures undetermined`, then what is missing:
        `; partial: 1 page without text (2), 21 of 200 figures missing`."""
        if not self.recognised:
            return "; ".join(self.partial or (NOT_RECOGNISED,))
        checks = f"{self.checks_passed} check{'s' if self.checks_passed != 1 else ''} passed"
        if self.checks_failed:
            checks += f", {self.checks_failed} failed"
        text = f"{self.year or 'year unknown'}, {self.organization or 'body unknown'}, {checks}"
        unsure = Completeness(self.status, self.partial, self.undetermined).unsure_text()
        text += f"; {unsure}" if unsure else ""
        return text + (f"; partial: {', '.join(self.partial)}" if self.partial else "")


Work = Callable[[Path], Converted]


def convert_file(path: Path, options: ConvertOptions | None = None) -> Converted:
    """The work a worker does by default: the whole pipeline, then the canonical JSON text."""
    if path.is_dir():
        raise DocumentLoadError("is a directory, not a file", source=shown(str(path)))
    refuse_special(path)  # a FIFO's read would wait for a writer: refused by name
    return _converted(functools.partial(read_input, path), path, options)


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
        return _converted(functools.partial(read_input, path), path, options)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise NotARegularFileError("is not a regular file", source=shown(str(path)))
        return _converted(handle.read, path, options)


def link_refusal(path: Path) -> str:
    """Why a symbolic link is refused; its target is named, never read."""
    try:
        target = f" to {shown(str(path.readlink()))}"
    except OSError:
        target = ""
    return (
        f"is a symbolic link{target}; links are not followed (copy the file itself into the folder)"
    )


def _converted(
    read: Callable[[], bytes], path: Path, options: ConvertOptions | None = None
) -> Converted:
    # A name that is not UTF-8 is named losslessly (`\xc4\xea.txt`): JSON cannot hold it raw.
    # The input's bytes, as many as the file's, are read in `convert_read`, which alone holds
    # them and lets them go once the adapter is done.
    report = convert_read(
        read, filename=shown(path.name), display_name=shown(str(path)), options=options
    )
    annual = report.annual_report
    found = of_report(report)
    with effort.in_library("pydantic-core writing the report's JSON"):
        text = to_json_bytes(report)
    if annual is None:
        return Converted(text, status=found.status, partial=found.reasons)
    return Converted(
        text,
        year=annual.year,
        organization=annual.organization,
        recognised=True,
        checks_passed=sum(1 for c in annual.checks if c.status == "pass"),
        checks_failed=sum(1 for c in annual.checks if c.status == "fail"),
        status=found.status,
        partial=found.reasons,
        undetermined=found.undetermined,
    )


def describe_limit(limits: Limits) -> str:
    """`120 s, 2 GiB`: the limits as the watcher's first line shows them."""
    seconds = f"{limits.seconds:g} s" if limits.seconds else "no time limit"
    memory = size_text(limits.memory) if limits.memory else "no memory limit"
    return f"{seconds}, {memory}"


def size_text(n: int) -> str:
    """`2 GiB`, `512 MiB`: a memory limit as a person writes it."""
    return f"{n / GIB:g} GiB" if n >= GIB else f"{n / MIB:g} MiB"


# --- the child side -----------------------------------------------------------------------------


def child_main(
    conn: Connection,
    lifeline: Connection,
    work: Work,
    memory: int,
    parent_ends: tuple[Connection, ...] = (),
) -> None:
    """A worker process's life: inputs from `conn`, each converted by `work` and its result
    (`Converted` or `Failure`) sent back, until the parent sends None or goes away."""
    for end in parent_ends:  # forked, not served: the parent's ends came along; only it may hold
        end.close()  # them, or the lifeline would never reach end-of-file
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _die_with_parent(lifeline)
    if memory and sys.platform != "win32":  # Windows has no RLIMIT_AS; the time limit still holds
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # What a worker starts with (the pipeline and the libraries its forkserver preloaded, some
    # eighty thousand objects) lives as long as it does: out of the cyclic collector's sight,
    # the full collections a batch's conversions set off scan only what they made (warm
    # conversions ~10% faster), and the pages shared with the forkserver stay unwritten.
    gc.freeze()
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone or closed the pipe: nothing left to do
        if path is None:
            return
        result: Converted | Failure
        try:
            with effort.listening(
                functools.partial(_tell_pages, conn), functools.partial(_tell_library, conn)
            ):
                result = work(path)
        except NianbaoError as exc:
            result = Failure.of(exc)
        except Exception as exc:
            if out_of_memory(exc):
                # The heap may be in any state now: report, then let the parent start a fresh
                # worker.
                result = Failure.of(
                    MemoryLimitError(f"needed more than the memory limit of {size_text(memory)}")
                )
                with contextlib.suppress(OSError):
                    conn.send((result, True))
                return
            result = Failure.of(exc)  # not ours to raise: an InternalError, exit 70
        try:
            conn.send((result, False))  # (result, retiring)
        except OSError:
            return  # the parent is gone: no one is waiting for this result


@dataclass(frozen=True)
class Pages:
    """Sent while converting: this many more pages (and pages to OCR) lie ahead."""

    pages: int
    ocr_pages: int


def _tell_pages(conn: Connection, pages: int, ocr_pages: int) -> None:
    conn.send(Pages(pages, ocr_pages))


@dataclass(frozen=True)
class InLibrary:
    """Sent while converting: the worker is inside a C library's call (`pdfium reading page
    3`), or has left it (None). A library that aborts the process leaves this as its last word."""

    what: str | None


def _tell_library(conn: Connection, what: str | None) -> None:
    conn.send(InLibrary(what))


_PR_SET_PDEATHSIG = 1


def _die_with_parent(lifeline: Connection) -> None:
    """End this worker when its parent ends, however it ends (see the module docstring)."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            # The running program's own symbols, libc's among them: `find_library("c")` would
            # run `ldconfig -p` in a subprocess, several ms of every worker's start.
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)

    def watch() -> None:
        with contextlib.suppress(EOFError, OSError):
            lifeline.recv()  # the parent never writes: this returns when its end is closed
        os._exit(1)

    threading.Thread(target=watch, name="lifeline", daemon=True).start()


# Moved to `nianbao.runtime.pool` (the parent side), which imports this module: handed on when
# first asked for, so that `from nianbao.runtime.worker import WorkerPool` keeps working.
_IN_POOL = frozenset({"WorkerPool", "Outcome", "convert_limited"})


def __getattr__(name: str) -> Any:
    if name in _IN_POOL:
        from nianbao.runtime import pool  # noqa: PLC0415 (pool imports this module)

        return getattr(pool, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
