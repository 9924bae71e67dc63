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
import sys
from pathlib import Path

from nianbao.errors import OutputError
from nianbao.schemas import emit
from nianbao.schemas.emit import write_named

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


def write_output(output: str | None, content: str | bytes) -> bool:
    """`content` (text as UTF-8) to standard output (`None` or `-`), or written to the path (see
    the module's docstring); True when it went to standard output, where nothing else should
    follow."""
    if output is None or output == STDIO:
        if isinstance(content, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(content)
        else:
            sys.stdout.write(content)
        sys.stdout.flush()
        return True
    try:
        return write_named(Path(output), content)
    except OSError as exc:
        raise cannot_write(output, exc) from exc


def written_through(output: str) -> bool:
    """A character device or a FIFO, links followed: written to, never replaced."""
    return emit.written_through(Path(output))


def make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(folder, exc) from exc
    if not os.access(folder, os.W_OK):
        raise OutputError("cannot write: permission denied", source=str(folder))
