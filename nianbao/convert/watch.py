"""The hot folder: reports out for every document dropped into a folder.

`nianbao watch INBOX --out OUTBOX` converts what is in INBOX when it starts, then each file that
arrives, one at a time, each in a worker process with a time and a memory limit
(`nianbao.convert.worker`), so no input can hang or kill the watcher.

- **When a file is complete.** Its size and mtime must stay the same for the settle period, and,
  on Linux, no process may still have it open for writing (asked of the kernel with a read
  lease, which it refuses while a writer exists). The second test is what makes a copy that stalls
  longer than the settle period safe on a local disk; on a network share only the settle period
  can tell, so give it a generous one there (`--settle 10`), or have the sender write `x.part`
  and rename it. A file that changes while it is being converted is converted again once it
  settles; its first result is thrown away. A copy that pauses for longer than the settle
  period with the file closed looks complete, and truncated: a file that fails within
  `--recheck` seconds (default 10) of its last change is tried once more when it has been still
  that long, and only then given up as failed.
- **Where things go.** The report is written atomically to `OUTBOX/<stem>.json`; if that name
  holds the report of a different input (`report.pdf` and `report.docx`), `<name>.json`, then
  `<stem> (2).json`, ... Then the input moves to `INBOX/done/`. On failure, the input moves to
  `INBOX/failed/` beside `<name>.error.json` (code, message, exit code, when). A name already
  taken in done/ or failed/ (the same file dropped twice) gets ` (2)` before its extension.
- **Ignored**: subfolders (done/ and failed/ among them), hidden and temporary files
  (`nianbao.convert.inputs.is_ignored`).
- **Restarts.** Outputs are written before their input moves, so a restart converts exactly the
  inputs still in INBOX: nothing is lost, and only an input whose report was written in the
  instant before a crash is converted again, to the same file with the same bytes.
- **Stopping** (SIGTERM, Ctrl-C): the file being converted is abandoned (its worker killed,
  nothing written, the input left in INBOX for next time) and the watcher exits 0.

Change events come from watchdog (inotify on Linux), or from polling with `--poll` or where the
native observer cannot start (inotify limits, some network file systems). Events only say *when*
to look: what to convert always comes from listing INBOX, which is also done every few seconds
in case an event was lost.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from nianbao.__about__ import __version__
from nianbao.convert.emit import write_atomic
from nianbao.convert.inputs import (
    alternative_names,
    is_ignored,
    printable,
    report_source_name,
)
from nianbao.convert.worker import (
    Converted,
    Failure,
    Limits,
    Outcome,
    Work,
    WorkerPool,
    convert_file,
    describe_limit,
)

if sys.platform == "linux":
    import fcntl

DONE = "done"
FAILED = "failed"
# The failures a half-copied file causes: truncated or not yet recognisable.
_INCOMPLETE_LOOKS_LIKE = frozenset({"DocumentLoadError", "UnsupportedFormatError"})


class _ShutdownNoise(logging.Filter):
    """Drops the ERROR watchdog 7 logs when its inotify thread wakes after `stop()`: harmless."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "called when the thread is inactive" not in record.getMessage()


logging.getLogger("watchdog.observers.inotify").addFilter(_ShutdownNoise())


@dataclass(frozen=True)
class WatchOptions:
    settle: float = 1.0  # seconds a file must stay unchanged before it is read
    poll: bool = False  # poll the folder instead of using the platform's change notification
    limits: Limits = field(default_factory=Limits)
    rescan: float = 2.0  # list INBOX at least this often, whatever the events say
    # A file that fails to convert within this many seconds of its last change is tried again
    # once it has been still that long, before it is given up as failed: a copy that pauses
    # between two halves for longer than `settle` looks complete, and truncated, meanwhile.
    recheck: float = 10.0


Stat = tuple[int, int]  # size, mtime in ns


@dataclass
class _Seen:
    stat: Stat
    since: float  # monotonic time the stat was first seen as it is


class HotFolder:
    """Watch `inbox` until `stop()`; `log` receives one line per file (and one at start/stop)."""

    _TICK = 0.1  # the longest a stop request or a drop waits to be noticed

    def __init__(
        self,
        inbox: Path,
        outbox: Path,
        options: WatchOptions | None = None,
        *,
        work: Work = convert_file,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.inbox = inbox
        self.outbox = outbox
        self.options = options or WatchOptions()
        self.done = inbox / DONE
        self.failed = inbox / FAILED
        self._work = work
        self._log_line = log or _print_line
        self._stopping = False
        self._wake = threading.Event()
        self._seen: dict[Path, _Seen] = {}
        self._stuck: dict[Path, Stat] = {}  # could not be moved: retried once it changes
        self._retry: dict[Path, tuple[Stat, float]] = {}  # failed while fresh: retry at time
        self._scan_error: str | None = None

    def stop(self) -> None:
        """Ask `run` to return. Safe from a signal handler: it only sets a flag."""
        self._stopping = True

    def run(self) -> None:
        for folder in (self.outbox, self.done, self.failed):
            folder.mkdir(parents=True, exist_ok=True)
        observer, how = self._observe()
        self._log(
            f"watching {self.inbox} -> {self.outbox} ({how}, settle {self.options.settle:g} s, "
            f"limits {describe_limit(self.options.limits)})"
        )
        next_scan = 0.0
        try:
            with WorkerPool(1, self.options.limits, self._work) as pool:
                while not self._stopping:
                    now = time.monotonic()
                    if self._wake.is_set() or now >= next_scan:
                        self._wake.clear()
                        next_scan = now + self._scan_or_say_why(now)
                        for path in self._ready():
                            if self._stopping:
                                break
                            self._convert(pool, path)
                            next_scan = 0.0  # look again: more may have come meanwhile
                    self._wake.wait(self._TICK)
        finally:
            observer.stop()
            observer.join(5)
        self._log("stopped")

    # --- finding complete files ---------------------------------------------------------------

    def _observe(self) -> tuple[BaseObserver, str]:
        handler = _Wake(self._wake)
        if not self.options.poll:
            native: BaseObserver | None = None
            try:
                native = Observer()
                native.schedule(handler, str(self.inbox), recursive=False)
                native.start()
                return native, "change notification"
            except OSError as exc:  # e.g. inotify watch or instance limits reached
                if native is not None:
                    with contextlib.suppress(Exception):  # release what it got, if anything
                        native.stop()
                self._log(f"change notification unavailable ({exc}); polling instead")
        interval = min(1.0, max(0.1, self.options.settle / 2))
        observer: BaseObserver = PollingObserver(timeout=interval)
        observer.schedule(handler, str(self.inbox), recursive=False)
        observer.start()
        return observer, f"polling every {interval:g} s"

    def _scan_or_say_why(self, now: float) -> float:
        """`_scan`, but a folder that cannot be listed (unmounted, removed) is waited for."""
        try:
            seconds = self._scan(now)
        except OSError as exc:
            if self._scan_error != str(exc):  # once, not every few seconds
                self._log(f"cannot read {self.inbox}: {exc.strerror or exc}; will keep trying")
            self._scan_error = str(exc)
            return self.options.rescan
        self._scan_error = None
        return seconds

    def _scan(self, now: float) -> float:
        """Note what INBOX holds now; the seconds until the next file could have settled."""
        present: dict[Path, Stat] = {}
        with os.scandir(self.inbox) as entries:
            for entry in entries:
                if is_ignored(entry.name) or not entry.is_file():
                    continue
                stat = _stat(Path(entry.path))
                if stat is not None:
                    present[Path(entry.path)] = stat
        for path in self._seen.keys() - present.keys():
            del self._seen[path]
        for path in self._stuck.keys() - present.keys():
            del self._stuck[path]
        for path in [p for p, (stat, _) in self._retry.items() if present.get(p) != stat]:
            del self._retry[path]  # gone or grown: it settles afresh
        for path, stat in present.items():
            seen = self._seen.get(path)
            if seen is None or seen.stat != stat:
                self._seen[path] = _Seen(stat, now)
        waits = [
            max(seen.since + self.options.settle, self._retry_time(path)) - now
            for path, seen in self._seen.items()
            if self._stuck.get(path) != seen.stat
        ]
        return max(self._TICK, min(waits, default=self.options.rescan))

    def _ready(self) -> list[Path]:
        now = time.monotonic()
        return sorted(
            path
            for path, seen in self._seen.items()
            if now - seen.since >= self.options.settle
            and now >= self._retry_time(path)
            and self._stuck.get(path) != seen.stat
            and not _open_for_writing(path)
        )

    # --- converting one -----------------------------------------------------------------------

    def _convert(self, pool: WorkerPool, path: Path) -> None:
        seen = self._seen[path]
        outcome = pool.run_one(path, lambda: self._stopping)
        if outcome is None:
            self._log(f"stopped while converting {path.name}; it stays in {self.inbox}")
            return
        now_stat = _stat(path)
        if now_stat is None:
            self._log(f"skipped {path.name}: removed while it was being converted")
            del self._seen[path]
            return
        if now_stat != seen.stat:  # still being written after all: this result is of a part
            self._seen[path] = _Seen(now_stat, time.monotonic())
            self._log(f"{path.name} changed while being converted; will convert it again")
            return
        if isinstance(outcome.result, Failure) and self._defer(path, seen.stat, outcome.result):
            return
        try:
            if isinstance(outcome.result, Converted):
                self._publish(path, outcome, outcome.result)
            else:
                self._reject(path, outcome, outcome.result)
        except OSError as exc:
            # Disk full, permissions: leave the input where it is and say so once; it is tried
            # again when it changes or the watcher restarts.
            self._stuck[path] = seen.stat
            self._log(f"could not finish {path.name}: {exc}; it stays in {self.inbox}")
            return
        del self._seen[path]
        self._retry.pop(path, None)

    def _retry_time(self, path: Path) -> float:
        retry = self._retry.get(path)
        return retry[1] if retry is not None else 0.0

    def _defer(self, path: Path, stat: Stat, failure: Failure) -> bool:
        """Keep a freshly changed file that failed for one more try once it has been quiet."""
        if failure.code not in _INCOMPLETE_LOOKS_LIKE:
            return False  # a time or memory limit says nothing about the file being complete
        age = time.time() - stat[1] / 1e9
        if age >= self.options.recheck or path in self._retry:
            return False
        wait = self.options.recheck - age
        self._retry[path] = (stat, time.monotonic() + wait)
        self._log(
            f"could not read {path.name} yet ({failure.message}); it changed {age:.1f} s ago, "
            f"trying again in {wait:.1f} s in case it is still being copied"
        )
        return True

    def _publish(self, path: Path, outcome: Outcome, converted: Converted) -> None:
        output = self._output_for(path)
        write_atomic(output, converted.text)
        _move(path, self.done)
        self._log(
            f"converted {path.name} -> {output} ({converted.summary()}) in {outcome.seconds:.2f} s"
        )

    def _reject(self, path: Path, outcome: Outcome, failure: Failure) -> None:
        target = _free_path(self.failed, path.name)
        error = {
            "source": path.name,
            "code": failure.code,
            "message": failure.message,
            "exit_code": failure.exit_code,
            "when": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "seconds": round(outcome.seconds, 3),
            "nianbao": __version__,
        }
        text = json.dumps(error, ensure_ascii=False, indent=2) + "\n"
        write_atomic(self.failed / f"{target.name}.error.json", text)
        path.rename(target)
        self._log(f"failed {path.name}: {failure.message} -> {target}")

    def _output_for(self, source: Path) -> Path:
        """The first free report name, or the one already holding this input's report."""
        for name in alternative_names(source):
            candidate = self.outbox / name
            if not candidate.exists() or report_source_name(candidate) == source.name:
                return candidate
        raise AssertionError("alternative_names never ends")

    def _log(self, message: str) -> None:
        self._log_line(f"{dt.datetime.now():%Y-%m-%d %H:%M:%S} {printable(message)}")


class _Wake(FileSystemEventHandler):
    """Any change that could mean a new or grown file wakes the loop; reads (ours) do not."""

    _KINDS = frozenset({"created", "modified", "moved", "deleted", "closed"})

    def __init__(self, wake: threading.Event) -> None:
        self._event = wake

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in self._KINDS:
            self._event.set()


def _print_line(line: str) -> None:
    print(line, flush=True)


def _stat(path: Path) -> Stat | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _move(path: Path, folder: Path) -> Path:
    target = _free_path(folder, path.name)
    path.rename(target)
    return target


def _free_path(folder: Path, name: str) -> Path:
    candidate = folder / name
    n = 2
    while candidate.exists():
        candidate = folder / f"{Path(name).stem} ({n}){Path(name).suffix}"
        n += 1
    return candidate


def _open_for_writing(path: Path) -> bool:
    """Whether some process still has `path` open for writing, where the kernel can tell.

    Linux refuses a read lease (F_SETLEASE, F_RDLCK) on a file that is open for writing anywhere.
    The lease is dropped at once. Its break notification (should a writer open the file in that
    instant) is redirected to SIGURG, which is ignored by default, instead of SIGIO, which would
    end the process. Elsewhere, or when the kernel will not say (not our file, a network file
    system), the answer is "no", and the settle period alone decides.
    """
    if sys.platform != "linux":
        return False
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        fcntl.fcntl(fd, fcntl.F_SETSIG, signal.SIGURG)
        fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_RDLCK)
    except BlockingIOError:
        return True  # EAGAIN: a writer has it open
    except OSError:
        return False
    else:
        fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_UNLCK)
        return False
    finally:
        os.close(fd)
