"""Reports out: deterministic JSON, written whole or not at all."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import socket
import stat
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nianbao.errors import NotARegularFileError

if TYPE_CHECKING:  # writing a file needs no model: the command line imports this module early
    from nianbao.schemas.model import Report

# mkstemp creates files readable by their owner only; a report should get the permissions any
# new file gets here. The umask can only be read by setting it, so read it once, at import.
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def report_data(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data, keys in model order, as the schema describes it."""
    return report.model_dump(mode="json", by_alias=True)


def to_json(report: Report) -> str:
    """Stable text: model key order, UTF-8 characters unescaped, no timestamps, final newline.

    pydantic's own serialiser, in one pass: the same text as `json.dumps(report_data(report),
    ensure_ascii=False, indent=2)` (the goldens, written that way, hold them equal), 5x faster."""
    return report.model_dump_json(by_alias=True, indent=2) + "\n"


def to_json_bytes(report: Report) -> bytes:
    """`to_json`'s text as UTF-8, made as such: a report's text is mostly Chinese, which a str
    holds in two bytes a character and UTF-8 in three, but its indentation and keys are ASCII,
    so the bytes take half a str's memory (a 2,000-page PDF's report: 48 MB, not 93), and a
    worker sends them to its parent as they are, without encoding them first."""
    return report.__pydantic_serializer__.to_json(report, by_alias=True, indent=2) + b"\n"


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write `content` (text as UTF-8) to `path` through a temporary file in the same folder,
    renamed into place, so no reader ever sees half a report or half a table.

    Only a regular file (or nothing) is replaced: a name that is a symbolic link, a folder, a
    device, a FIFO or a socket is refused with an `OSError` naming what it is, never turned
    into a regular file (`nianbao.runtime.outputs` writes through to a device or a FIFO the
    user names). The temporary's name says who writes it (`.nianbao-<pid>@<host>-*.tmp`), so
    that a later run can tell one left by a killed writer from a live one
    (`remove_stale_temporaries`)."""
    refuse_unless_regular(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    import tempfile  # noqa: PLC0415  # ~8 ms with shutil: a conversion that writes no file skips it

    fd, tmp = tempfile.mkstemp(prefix=_temporary_prefix(), suffix=TEMPORARY_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            os.fchmod(handle.fileno(), 0o666 & ~_UMASK)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_named(path: Path, content: str | bytes) -> bool:
    """Write `content` to an output a user named (`-o`, `--csv`): never destroying what the name
    is. Our own standard output (`/dev/stdout`, even redirected into a file with `>>`) is
    written to as such, and True returned; a character device or a FIFO, links followed
    (`/dev/null`, a named pipe), is written through; anything else goes to `write_atomic`,
    which replaces only a regular file."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    if is_standard_output(path):
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return True
    if written_through(path):
        # No O_CREAT (it exists), no O_TRUNC (a device has nothing to cut); a FIFO's open waits
        # for its reader, as `cat > fifo` does.
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        return False
    write_atomic(path, data)
    return False


def is_standard_output(path: Path) -> bool:
    """Whether `path` is the very file standard output is (`-o /dev/stdout >> log`): replacing
    it would undo the shell's `>>`; writing to standard output is what was asked."""
    try:
        named, ours = path.stat(), os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no such file; stdout closed or replaced
        return False
    return (named.st_dev, named.st_ino) == (ours.st_dev, ours.st_ino)


def written_through(path: Path) -> bool:
    """A character device or a FIFO, links followed: written to, never replaced."""
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def refuse_unless_regular(path: Path) -> None:
    """An `OSError` naming what `path` is, unless it is a regular file or nothing."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return
    except NotADirectoryError:
        return  # a parent is a file: making the folder says so
    if stat.S_ISREG(mode):
        return
    if stat.S_ISLNK(mode):
        target = path.readlink()
        raise OSError(
            errno.ELOOP,
            f"is a symbolic link (to {target}); only a regular file is replaced: name the "
            "file itself, or remove the link",
            str(path),
        )
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(path))
    raise OSError(
        errno.EEXIST,
        f"is {kind_of(mode)}, not a regular file; only a regular file is replaced",
        str(path),
    )


def kind_of(mode: int) -> str:
    """`a FIFO`, `a character device`, ...: what a file that is not a regular one is."""
    kinds = (
        (stat.S_ISFIFO, "a FIFO (a named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISLNK, "a symbolic link"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def refuse_special_kind(mode: int, source: str, advice: str) -> None:
    """A `NotARegularFileError` if `mode` is an input's that is a FIFO, a device or a socket: its
    read could wait for a writer for ever or never end. `advice` says how to give such bytes
    instead (a library's caller and the command line's user are told different ways)."""
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return
    raise NotARegularFileError(
        f"is {kind_of(mode)}, not a regular file; nianbao reads files ({advice})", source=source
    )


# --- temporaries a killed writer left -------------------------------------------------------------

TEMPORARY_SUFFIX = ".tmp"
#: A temporary lives for one write (milliseconds to seconds); one this old is stale whoever wrote
#: it (another machine on a shared folder, an earlier nianbao that named no writer).
STALE_AFTER_SECONDS = 3600.0
# A host name holds no `@`; mkstemp's random part holds neither `-` nor `.`.
_TEMPORARY = re.compile(r"\.nianbao-(?:(?P<pid>\d+)@(?P<host>[^@/]*)-)?[a-z0-9_]+\.tmp")


def this_host() -> str:
    return socket.gethostname()[:64].replace("/", "_") or "localhost"


def _temporary_prefix() -> str:
    return f".nianbao-{os.getpid()}@{this_host()}-"


def remove_stale_temporaries(folder: Path, *, now: float | None = None) -> list[Path]:
    """Remove the temporaries of `write_atomic` in `folder` that no live writer owns, and say
    which: those whose writer (the pid in the name, on this machine) is gone, and any not
    changed for `STALE_AFTER_SECONDS`. A `kill -9` between a temporary's creation and its rename
    leaves one behind; the next run in the same folder takes it away. Never raises: a folder
    that cannot be listed, or a file someone else removes first, is left as it is."""
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    host = this_host()
    for entry in entries:
        match = _TEMPORARY.fullmatch(entry.name)
        if match is None:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        writer_gone = (
            match.group("pid") is not None
            and match.group("host") == host
            and not _alive(int(match.group("pid")))
        )
        if writer_gone or now - info.st_mtime > STALE_AFTER_SECONDS:
            with contextlib.suppress(OSError):
                Path(entry.path).unlink()
                removed.append(Path(entry.path))
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid() or sys.platform == "win32":  # there os.kill would end the process
        return True
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True  # another user's process: alive
    return True
