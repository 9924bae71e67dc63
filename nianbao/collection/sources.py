"""Where a report's input is now: found beside the report or under a folder of sources, and
taken only when its bytes are the report's (`source.sha256`).

A report holds its input's name, not its path: the same bytes give the same report wherever they
were read, so the path is looked for when a table wants it. `nianbao convert DIR -o OUT` keeps
DIR's layout under OUT, so `OUT/a/b/x.json`'s input is `DIR/a/b/x.pdf`; a hot folder's inputs
wait in `INBOX/done/` under their reports' stems.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any


def source_path(
    report: Path, data: Mapping[str, Any], layout: Path | None, sources: Sequence[Path] = ()
) -> Path | None:
    """The absolute path of the file whose bytes `data` (the report at `report`) was made from:
    beside the report, or under each of `sources` at the report's place below `layout` (the
    folder of reports it was found in), or at the top of a source folder; None when no such file
    holds the same bytes."""
    source = data.get("source") or {}
    name, sha256, size = source.get("name"), source.get("sha256"), source.get("bytes")
    if not isinstance(name, str) or not name or "/" in name or name in (".", ".."):
        return None
    below = report.parent.relative_to(layout) if layout is not None else Path()
    candidates = [report.parent / name]
    for folder in sources:
        candidates += [folder / below / name, folder / name]
    for candidate in dict.fromkeys(candidates):
        if _holds(candidate, sha256, size):
            return candidate.absolute()
    return None


def _holds(path: Path, sha256: object, size: object) -> bool:
    """Whether `path` is a regular file of `size` bytes whose sha256 is `sha256`."""
    try:
        if not path.is_file() or path.is_symlink() or path.stat().st_size != size:
            return False
        with path.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return False
    return digest == sha256
