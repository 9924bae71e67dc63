"""Where the command line's output goes, and what a failure to write it is.

`-` is standard output (and, as an input, standard input); a path that ends in `/` is a folder,
made if missing, whatever else it names. A report that cannot be written (a read-only folder, a
full disk, a parent that is a file) is an `OutputError`, exit 3, naming the path: the machine,
not nianbao, is at fault.

`-o` never destroys what it names. A regular file (or nothing) gets the report atomically (a
temporary renamed over it). A character device or a FIFO, reached directly or through links
(`/dev/null`, `/dev/stdout`, a named pipe), is written through, as any Unix tool writes to it;
a name that is this process's own standard output (`/dev/stdout` redirected to a file) is
standard output. Anything else is refused, naming what it is: a symbolic link to a file (it is
not followed: name the file itself), a block device, a socket.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from nianbao.errors import OutputError
from nianbao.schemas.emit import write_atomic

__all__ = ["STDIO", "OutputError", "cannot_write", "make_folder", "names_folder", "write_output"]

STDIO = "-"


def names_folder(output: str) -> bool:
    """`out/` (or an existing folder): a folder for reports, not a report's file name."""
    return output != STDIO and (output.endswith(("/", os.sep)) or Path(output).is_dir())


def cannot_write(path: Path | str, exc: OSError) -> OutputError:
    detail = exc.strerror or str(exc)
    if isinstance(exc, FileExistsError | NotADirectoryError):
        detail = f"{detail} (a file is in the way of its folder)"
    return OutputError(f"cannot write: {detail}", source=str(path))


def write_output(output: str | None, content: str) -> bool:
    """`content` to standard output (`None` or `-`), or written to the path (see the module's
    docstring); True when it went to standard output, where nothing else should follow."""
    if output is None or output == STDIO or _is_standard_output(output):
        sys.stdout.write(content)
        sys.stdout.flush()
        return True
    try:
        if written_through(output):
            _write_through(output, content)
        else:
            write_atomic(Path(output), content)
    except OSError as exc:
        raise cannot_write(output, exc) from exc
    return False


def _is_standard_output(output: str) -> bool:
    """Whether `output` is the very file standard output is (`-o /dev/stdout > x.json`):
    replacing it would undo the shell's `>>`; writing to standard output is what was asked."""
    try:
        named, ours = Path(output).stat(), os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no such file; stdout closed or replaced
        return False
    return (named.st_dev, named.st_ino) == (ours.st_dev, ours.st_ino)


def written_through(output: str) -> bool:
    """A character device or a FIFO, links followed: written to, never replaced."""
    try:
        mode = Path(output).stat().st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def _write_through(output: str, content: str) -> None:
    # No O_CREAT (it exists) and no O_TRUNC (a device has nothing to cut); a FIFO's open waits
    # for its reader, as `cat > fifo` does.
    fd = os.open(output, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "wb") as handle:
        handle.write(content.encode("utf-8"))


def make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(folder, exc) from exc
    if not os.access(folder, os.W_OK):
        raise OutputError("cannot write: permission denied", source=str(folder))
