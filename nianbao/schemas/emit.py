"""Reports out: deterministic JSON, written whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

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


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write `content` (text as UTF-8) to `path` through a temporary file in the same folder,
    renamed into place, so no reader ever sees half a report or half a table."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    # A short prefix: the name of the file itself may already be near the 255-byte limit.
    fd, tmp = tempfile.mkstemp(prefix=".nianbao-", suffix=".tmp", dir=path.parent)
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
