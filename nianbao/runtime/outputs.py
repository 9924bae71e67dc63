"""Where the command line's output goes, and what a failure to write it is.

`-` is standard output (and, as an input, standard input); a path that ends in `/` is a folder,
made if missing, whatever else it names. A report that cannot be written (a read-only folder, a
full disk, a parent that is a file) is an `OutputError`, exit 3, naming the path: the machine,
not nianbao, is at fault.
"""

from __future__ import annotations

import os
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


def write_output(output: str | None, content: str) -> None:
    """`content` to standard output (`None` or `-`), or written atomically to the path."""
    if output is None or output == STDIO:
        sys.stdout.write(content)
        sys.stdout.flush()
        return
    try:
        write_atomic(Path(output), content)
    except OSError as exc:
        raise cannot_write(output, exc) from exc


def make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(folder, exc) from exc
    if not os.access(folder, os.W_OK):
        raise OutputError("cannot write: permission denied", source=str(folder))
