"""Where a report's input is now: found beside the report or under a folder of sources, and
taken only when its bytes are the report's (`source.sha256`).

A report holds its input's name, not its path: the same bytes give the same report wherever they
were read, so the path is looked for when a table or a review page wants it. `nianbao convert
DIR -o OUT` keeps DIR's layout under OUT, so `OUT/a/b/x.json`'s input is `DIR/a/b/x.pdf`; a hot
folder's inputs wait in `INBOX/done/` under their reports' stems; any other layout is searched
by name.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Found:
    """The input found (an absolute path), or None, and the files of its name that hold other
    bytes (a newer version, a namesake), for saying why none was taken."""

    path: Path | None
    others: tuple[Path, ...] = ()


def source_path(
    report: Path, data: Mapping[str, Any], layout: Path | None, sources: Sequence[Path] = ()
) -> Path | None:
    """The absolute path of the file whose bytes `data` (the report at `report`) was made from,
    or None when no file holds the same bytes (see `find_source`)."""
    return find_source(report, data.get("source") or {}, layout, sources).path


def find_source(
    report: Path, source: Mapping[str, Any], layout: Path | None, sources: Sequence[Path] = ()
) -> Found:
    """The file named `source["name"]` holding its bytes: beside the report, or under each of
    `sources` at the report's place below `layout` (the folder of reports it was found in), at
    the top of a source folder, or anywhere under it."""
    name, sha256, size = source.get("name"), source.get("sha256"), source.get("bytes")
    if not isinstance(name, str) or not name or "/" in name or name in (".", ".."):
        return Found(None)
    below = report.parent.relative_to(layout) if layout is not None else Path()
    candidates = [report.parent / name]
    for folder in sources:
        candidates += [folder / below / name, folder / name, *_named_under(folder, name)]
    others = []
    for candidate in dict.fromkeys(candidates):
        if not candidate.is_file() or candidate.is_symlink():
            continue
        if _holds(candidate, sha256, size):
            return Found(candidate.absolute())
        others.append(candidate)
    return Found(None, tuple(others))


@functools.cache
def _files_under(folder: Path) -> dict[str, tuple[Path, ...]]:
    """Every file under `folder` by name: walked once per process, asked for each report."""
    by_name: dict[str, list[Path]] = {}
    for path in folder.rglob("*"):
        by_name.setdefault(path.name, []).append(path)
    return {name: tuple(sorted(paths)) for name, paths in by_name.items()}


def _named_under(folder: Path, name: str) -> tuple[Path, ...]:
    return _files_under(folder.resolve()).get(name, ()) if folder.is_dir() else ()


def _holds(path: Path, sha256: object, size: object) -> bool:
    """Whether `path` is a file of `size` bytes whose sha256 is `sha256`."""
    try:
        if path.stat().st_size != size:
            return False
        with path.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return False
    return digest == sha256
