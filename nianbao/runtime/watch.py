"""The hot folder: reports out for every document dropped into a folder.

`nianbao watch INBOX --out OUTBOX` converts what is in INBOX when it starts, then each file that
arrives, one at a time, each in a worker process with a time and a memory limit
(`nianbao.runtime.worker`), so no input can hang or kill the watcher.

- **One watcher per folder.** It holds an `flock` on `INBOX/.nianbao-watch.lock` (which says its
  pid) while it runs; a second one on the same INBOX says who holds it and exits 1. The kernel
  drops the lock when the process ends, however it ends.
- **When a file is complete.** Its size and mtime must stay the same for the settle period, and,
  on Linux, no process may still have it open for writing (asked of the kernel with a read
  lease, which it refuses while a writer exists). A file that changes while it is being
  converted is converted again once it settles; its first result is thrown away.
- **Held for `--recheck` seconds** (default 10). A writer can close a file and reopen it to add
  more (`>>` in pieces, a copy that pauses): nothing outside the writer can tell that from a
  finished file. So a file stays in INBOX until it has been unchanged for `--recheck` seconds
  after its last change (by its mtime: a file moved in whole, or there before the watcher
  started, is not held). Its report is written as soon as it settles; if the file changes while
  held it is converted again, as a new version of the same input, and its report replaced. A
  failure that looks like a partial file (unreadable, not yet recognisable) is only given up
  when the hold ends. A writer that pauses for longer than that should write `x.part` and
  rename it: what is added to a name after its file has moved to done/ is a new input.
- **Where things go.** A report and its input share a name: `OUTBOX/年报.json` and
  `INBOX/done/年报.pdf`; when either name is taken by another input, `年报 (2).json` and
  `done/年报 (2).pdf`, and so on, so no report is ever replaced by another input's. On failure
  the input moves to `INBOX/failed/` beside `<name>.error.json` (code, message, exit code,
  when), numbered the same way. A name that is not UTF-8 (GBK from a Windows share) keeps its
  bytes in the report's file name, and is written `\\xc4\\xea.txt` inside it. done/ and
  failed/ are made again if someone removes them.
- **Refused**: symbolic links (moved to failed/ unread: following them would let anyone who can
  drop a file publish any file the service can read).
- **Ignored**: subfolders (done/ and failed/ among them), hidden and temporary files
  (`nianbao.runtime.inputs.is_ignored`), and what is neither a regular file nor a link.
- **Restarts.** A temporary of a report's atomic write that a killed watcher left in OUTBOX or
  failed/ is removed when the next one starts (`nianbao.schemas.emit.remove_stale_temporaries`).
  Outputs are written before their input moves, so a restart converts exactly the
  inputs still in INBOX: nothing is lost, and an input whose report was already written gets the
  same report name again (it names the same input and bytes).
- **Stopping** (SIGTERM, also to the whole process group, or Ctrl-C): the file being converted
  is abandoned (its worker killed, nothing written, the input left in INBOX for next time) and
  the watcher exits 0. Killed outright, it takes its worker with it.

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
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from nianbao.__about__ import __version__
from nianbao.convert.options import ConvertOptions, Limits
from nianbao.errors import (
    DocumentLoadError,
    Failure,
    InboxInUseError,
    InternalError,
    NianbaoError,
    NotARegularFileError,
    UnsupportedFormatError,
)
from nianbao.runtime.inputs import (
    fit_name,
    is_document_name,
    is_ignored,
    not_a_document,
    printable,
    shown,
)
from nianbao.runtime.pool import Outcome, WorkerPool
from nianbao.runtime.worker import (
    Converted,
    Work,
    convert_inbox_file,
    describe_limit,
    link_refusal,
    work_with,
)
from nianbao.schemas.emit import remove_stale_temporaries, write_atomic

if sys.platform != "win32":
    import fcntl

#: `InboxInUseError` is `nianbao.errors`' now, and still importable from here.
__all__ = ["DONE", "FAILED", "LOCK", "HotFolder", "InboxInUseError", "WatchOptions"]

DONE = "done"
FAILED = "failed"
LOCK = ".nianbao-watch.lock"
# The failures a half-copied file causes: truncated or not yet recognisable (these classes
# exactly: a refused link, a DocumentLoadError too, is refused whatever comes next).
_INCOMPLETE_LOOKS_LIKE: frozenset[type[NianbaoError]] = frozenset(
    {DocumentLoadError, UnsupportedFormatError}
)


class _ShutdownNoise(logging.Filter):
    """Drops the ERROR watchdog 7 logs when its inotify thread wakes after `stop()`: harmless."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "called when the thread is inactive" not in record.getMessage()


logging.getLogger("watchdog.observers.inotify").addFilter(_ShutdownNoise())


@dataclass(frozen=True)
class WatchOptions:
    settle: float = 1.0  # seconds a file must stay unchanged before it is read
    poll: bool = False  # poll the folder instead of using the platform's change notification
    rescan: float = 2.0  # list INBOX at least this often, whatever the events say
    # A file stays in INBOX until it has been unchanged this many seconds since its last change,
    # so that a writer who closes it and comes back to add more (`>>` in pieces, a copy that
    # pauses) adds to the same input: its report is replaced, and only then does it move.
    recheck: float = 10.0
    #: How each input is converted: PDF engine, pages, encoding, plug-ins, and its limits
    #: (`ConvertOptions.limits`; by default 120 s for each 100 pages and 2 GiB).
    convert: ConvertOptions | None = None

    @property
    def worker_limits(self) -> Limits:
        return Limits.of(self.convert)


Stat = tuple[int, int, int]  # size, mtime in ns, inode: of the entry itself, links not followed


@dataclass
class _Seen:
    stat: Stat
    since: float  # monotonic time the stat was first seen as it is


@dataclass
class _Held:
    """A converted file kept in INBOX until `until`, in case its writer comes back."""

    stat: Stat
    outcome: Outcome
    until: float  # monotonic


class HotFolder:
    """Watch `inbox` until `stop()`; `log` receives one line per file (and one at start/stop)."""

    _TICK = 0.1  # the longest a stop request or a drop waits to be noticed

    def __init__(
        self,
        inbox: Path,
        outbox: Path,
        options: WatchOptions | None = None,
        *,
        work: Work | None = None,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.inbox = inbox
        self.outbox = outbox
        self.options = options or WatchOptions()
        self.done = inbox / DONE
        self.failed = inbox / FAILED
        self._work = work or work_with(convert_inbox_file, self.options.convert)
        self._log_line = log or _print_line
        self._stopping = False
        self._wake = threading.Event()
        self._seen: dict[Path, _Seen] = {}
        self._stuck: dict[Path, Stat] = {}  # could not be finished: retried once it changes
        self._held: dict[Path, _Held] = {}
        self._reports: dict[Path, Path] = {}  # an input still in INBOX -> its report, written
        self._scan_error: str | None = None

    def stop(self) -> None:
        """Ask `run` to return. Safe from a signal handler: it only sets a flag."""
        self._stopping = True

    def run(self) -> None:
        """Watch until `stop()`; `InboxInUseError` if another watcher has the folder."""
        with _locked(self.inbox):
            for folder in (self.outbox, self.done, self.failed):
                folder.mkdir(parents=True, exist_ok=True)
            for folder in (self.outbox, self.failed):  # where reports and .error.json are written
                for stale in remove_stale_temporaries(folder):
                    self._log(f"removed {stale}, a temporary whose writer is gone (killed)")
            observer, how = self._observe()
            self._log(
                f"watching {self.inbox} -> {self.outbox} ({how}, settle "
                f"{self.options.settle:g} s, recheck {self.options.recheck:g} s, limits "
                f"{describe_limit(self.options.worker_limits)})"
            )
            try:
                self._loop()
            finally:
                observer.stop()
                observer.join(5)
            self._log("stopped")

    def _loop(self) -> None:
        next_scan = 0.0
        with WorkerPool(1, self.options.worker_limits, self._work) as pool:
            while not self._stopping:
                now = time.monotonic()
                if self._wake.is_set() or now >= next_scan:
                    self._wake.clear()
                    next_scan = now + self._scan_or_say_why(now)
                    for path in self._ready():
                        if self._stopping:
                            break
                        self._handle(pool, path)
                        next_scan = 0.0  # look again: more may have come meanwhile
                self._wake.wait(self._TICK)

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
        """Note what INBOX holds now; the seconds until the next file could be ready."""
        present: dict[Path, Stat] = {}
        with os.scandir(self.inbox) as entries:
            for entry in entries:
                if is_ignored(entry.name) or entry.name in (DONE, FAILED):
                    continue  # done/ and failed/ as links are the owner's choice, not inputs
                if entry.is_symlink() or entry.is_file(follow_symlinks=False):
                    stat = _stat(Path(entry.path))
                    if stat is not None:
                        present[Path(entry.path)] = stat
        for path in self._seen.keys() - present.keys():
            self._forget(path)
        for path in [p for p, held in self._held.items() if present.get(p) != held.stat]:
            del self._held[path]  # changed while held: it settles afresh, a new version
        for path, stat in present.items():
            seen = self._seen.get(path)
            if seen is None or seen.stat != stat:
                self._seen[path] = _Seen(stat, now)
        times = [self._ready_at(path, seen) for path, seen in self._seen.items()]
        waits = [at - now for at in times if at is not None]
        return max(self._TICK, min(waits, default=self.options.rescan))

    def _ready_at(self, path: Path, seen: _Seen) -> float | None:
        """When `path` is next worth a look; None while it is stuck and unchanged."""
        if self._stuck.get(path) == seen.stat:
            return None
        held = self._held.get(path)
        return held.until if held is not None else seen.since + self.options.settle

    def _ready(self) -> list[Path]:
        now = time.monotonic()
        ready = []
        for path, seen in self._seen.items():
            at = self._ready_at(path, seen)
            if at is not None and now >= at and not _open_for_writing(path):
                ready.append(path)
        return sorted(ready)

    def _forget(self, path: Path) -> None:
        """`path` has left INBOX: whatever report it has is its own now."""
        self._seen.pop(path, None)
        self._stuck.pop(path, None)
        self._held.pop(path, None)
        self._reports.pop(path, None)

    # --- converting one -----------------------------------------------------------------------

    def _handle(self, pool: WorkerPool, path: Path) -> None:
        stat = self._seen[path].stat
        try:
            held = self._held.pop(path, None)
            if held is not None:
                self._finish(path, held.outcome)  # unchanged all the while it was held
            elif path.is_symlink():
                failure = Failure.of(NotARegularFileError(link_refusal(path)))
                self._finish(path, Outcome(path, failure, 0.0))
            elif not is_document_name(path.name):  # the batch's rule too: refused unread
                failure = Failure.of(UnsupportedFormatError(not_a_document(path.name)))
                self._finish(path, Outcome(path, failure, 0.0))
            else:
                self._convert(pool, path, stat)
        except Exception as exc:
            # Disk full, permissions (or a bug): leave the input where it is and say so once;
            # it is tried again when it changes or the watcher restarts. One file never ends
            # the watcher.
            self._stuck[path] = stat
            if isinstance(exc, OSError):
                detail = str(exc.strerror or exc)
            else:
                detail = InternalError.of(exc).message
            self._log(f"could not finish {path.name}: {detail}; it stays in {self.inbox}")

    def _convert(self, pool: WorkerPool, path: Path, stat: Stat) -> None:
        outcome = pool.run_one(path, lambda: self._stopping)
        if outcome is None:
            self._log(f"stopped while converting {path.name}; it stays in {self.inbox}")
            return
        now_stat = _stat(path)
        if now_stat is None:
            self._log(f"skipped {path.name}: removed while it was being converted")
            self._forget(path)
            return
        if now_stat != stat:  # still being written after all: this result is of a part
            self._seen[path] = _Seen(now_stat, time.monotonic())
            self._log(f"{path.name} changed while being converted; will convert it again")
            return
        hold = self._hold_for(stat, outcome.result)
        if hold <= 0:
            self._finish(path, outcome)
            return
        if isinstance(outcome.result, Converted):
            self._write(path, outcome, outcome.result)
        else:
            self._log(
                f"could not read {path.name} yet ({outcome.result.message}); it changed "
                f"{self.options.recheck - hold:.1f} s ago: it fails in {hold:.1f} s unless it "
                "changes, in case it is still being copied"
            )
        self._held[path] = _Held(stat, outcome, time.monotonic() + hold)

    def _hold_for(self, stat: Stat, result: Converted | Failure) -> float:
        """How long to keep a file that just changed in INBOX, in case more is coming."""
        if isinstance(result, Failure) and result.kind not in _INCOMPLETE_LOOKS_LIKE:
            return 0.0  # a time or memory limit says nothing about the file being complete
        age = time.time() - stat[1] / 1e9
        return max(0.0, min(self.options.recheck, self.options.recheck - age))

    def _finish(self, path: Path, outcome: Outcome) -> None:
        result = outcome.result
        if isinstance(result, Converted):
            report = self._reports.get(path)
            if report is None:  # not written while held: write it now
                report = self._write(path, outcome, result)
            self._release(path, report)
        else:
            self._reject(path, outcome, result)

    def _write(self, path: Path, outcome: Outcome, converted: Converted) -> Path:
        """Write (or replace) the report of the input at `path`, which stays where it is."""
        again = path in self._reports
        report = self._reports.get(path) or self._report_path(path, _identity(converted.text))
        write_atomic(report, converted.text)
        self._reports[path] = report
        verb = f"converted {path.name} again (it changed)" if again else f"converted {path.name}"
        self._log(f"{verb} -> {report} ({converted.summary()}) in {outcome.seconds:.2f} s")
        return report

    def _report_path(self, path: Path, identity: tuple[str, str] | None) -> Path:
        """The first numbered report name that is free, with the same number free in done/.

        A report already there is taken over only when it is of this very input (same name and
        bytes): its input never reached done/, the watcher stopped first.
        """
        claimed = set(self._reports.values())
        for base in _numbered(path):
            report = self.outbox / fit_name(base, ".json")
            if _lexists(self.done / fit_name(base, path.suffix)) or report in claimed:
                continue
            if not _lexists(report) or (identity and _report_identity(report) == identity):
                return report
        raise AssertionError("_numbered never ends")

    def _release(self, path: Path, report: Path) -> None:
        """Move a converted input to done/ under its report's name."""
        _ensure_folder(self.done)
        target = self._done_path(path, report)
        if _lexists(target):  # put there by hand meanwhile: both move on to a free number
            moved = self._report_path(path, None)
            report.replace(moved)
            self._log(f"{target} was taken; the report of {path.name} is {moved} instead")
            target = self._done_path(path, moved)
        path.rename(target)
        self._forget(path)

    def _done_path(self, path: Path, report: Path) -> Path:
        """Where `path` goes in done/: the name whose report name is `report`'s."""
        for base in _numbered(path):
            if fit_name(base, ".json") == report.name:
                return self.done / fit_name(base, path.suffix)
        raise AssertionError("_numbered never ends")

    def _reject(self, path: Path, outcome: Outcome, failure: Failure) -> None:
        _ensure_folder(self.failed)
        for base in _numbered(path):
            target = self.failed / fit_name(base, path.suffix)
            error_file = self.failed / fit_name(target.name, ".error.json")
            if not _lexists(target) and not _lexists(error_file):
                break
        error = {
            "source": shown(path.name),
            "code": failure.code,
            "message": shown(failure.message),
            "exit_code": failure.exit_code,
            "when": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "seconds": round(outcome.seconds, 3),
            "nianbao": __version__,
        }
        write_atomic(error_file, json.dumps(error, ensure_ascii=False, indent=2) + "\n")
        path.rename(target)
        self._log(f"failed {path.name}: {failure.message} -> {target}")
        earlier = self._reports.get(path)
        if earlier is not None:  # the report of a version this one replaced: not its report
            earlier.unlink(missing_ok=True)
            self._log(f"removed {earlier}, the report of an earlier version of {path.name}")
        self._forget(path)

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
        st = path.lstat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino


def _lexists(path: Path) -> bool:
    return os.path.lexists(path)


def _numbered(path: Path) -> Iterator[str]:
    """`年报`, `年报 (2)`, `年报 (3)`, ...: the stems an input and its report share (each cut
    short by `fit_name` where a whole name would be too long)."""
    yield path.stem
    n = 2
    while True:
        yield f"{path.stem} ({n})"
        n += 1


def _ensure_folder(folder: Path) -> None:
    """Make done/ or failed/ again if someone removed it; never follow a link put there."""
    if folder.is_symlink():
        raise OSError(f"{folder} is a symbolic link; not moving anything into it")
    folder.mkdir(parents=True, exist_ok=True)


def _identity(text: str | bytes) -> tuple[str, str] | None:
    """(source name, sha256) of a report's JSON text, if it is a report."""
    try:
        source = json.loads(text)["source"]
        name, sha256 = source["name"], source["sha256"]
    except (ValueError, KeyError, TypeError):
        return None
    return (name, sha256) if isinstance(name, str) and isinstance(sha256, str) else None


def _report_identity(path: Path) -> tuple[str, str] | None:
    """The identity of the report file at `path`; None for anything but a regular file (a link
    or a FIFO put in OUTBOX is neither read, which could block, nor replaced: a new name)."""
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return None
        return _identity(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


@contextlib.contextmanager
def _locked(inbox: Path) -> Iterator[None]:
    """Hold INBOX's lock (an `flock` on LOCK, which says our pid) for the duration."""
    if sys.platform == "win32":  # no flock; one watcher per folder is up to the user there
        yield
        return
    path = inbox / LOCK
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        raise InboxInUseError(f"cannot open its lock file {path}: {exc.strerror or exc}") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip()
            who = f"process {holder}" if holder.isdigit() else "another process"
            raise InboxInUseError(
                f"{shown(str(inbox))} is already watched by {who} (it holds {shown(str(path))}); "
                "one watcher per folder"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)  # releases the lock


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
        # Never through a link: opening some devices has effects (a tape rewinds).
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
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
