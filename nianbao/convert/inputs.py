"""Which files are inputs, and where their reports go: the rules the hot folder and batch share.

Files that are still being written or that belong to another program are never inputs: Office
lock files (`~$report.docx`), browser and download-manager partials (`.part`, `.crdownload`,
`.download`), temporary files (`.tmp`), hidden files and folders (`.DS_Store`, `.git/`), and the
thumbnails Windows drops everywhere. A program that writes `x.pdf.part` and renames it to `x.pdf`
when complete is the safest way to feed the hot folder, and it works here as intended.

Format is decided by the bytes, never the name (see `nianbao.convert.sniff`); names only decide
which files of a *folder* given to `nianbao convert` are worth trying, so that a README or last
run's reports in the same folder are not "converted".
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

TEMPORARY_SUFFIXES = frozenset(
    {".part", ".partial", ".crdownload", ".download", ".tmp", ".temp", ".swp", ".lock"}
)
SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db"})

#: What a folder given to `nianbao convert` is searched for (explicitly named files are always
#: tried, whatever their name).
DOCUMENT_SUFFIXES = frozenset(
    {".txt", ".text", ".htm", ".html", ".shtml", ".xhtml", ".mht", ".mhtml"}
    | {".pdf", ".doc", ".docx", ".docm", ".wps", ".xls", ".xlsx", ".xlsm", ".et", ".rtf"}
)


def is_ignored(name: str) -> bool:
    """True for files that are temporary, hidden, or another program's, by their name alone."""
    lower = name.lower()
    return (
        lower.startswith((".", "~$"))
        or lower.endswith("~")
        or Path(lower).suffix in TEMPORARY_SUFFIXES
        or lower in SYSTEM_FILES
    )


def documents_in(folder: Path) -> list[Path]:
    """The documents under `folder`, recursively, sorted; hidden folders are not entered."""
    found = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if any(is_ignored(part) for part in relative.parts):
            continue
        if path.suffix.lower() in DOCUMENT_SUFFIXES and path.is_file():
            found.append(path)
    return sorted(found)


def printable(text: str) -> str:
    """`text` with control characters shown as `?`: a file named `a\nb` cannot forge log lines."""
    return "".join(ch if ch.isprintable() or ch == " " else "?" for ch in text)


def report_name(source: Path) -> str:
    """`report.pdf` -> `report.json`: the name a report gets unless that one is taken."""
    return f"{source.stem}.json"


def alternative_names(source: Path) -> Iterable[str]:
    """Names to try, in order, for the report of `source` when `report_name` is taken.

    The full input name comes first (`report.docx.json` beside `report.json` from `report.pdf`),
    then numbered ones, so that a name is never reused for a different input.
    """
    yield report_name(source)
    yield f"{source.name}.json"
    n = 2
    while True:
        yield f"{source.stem} ({n}).json"
        n += 1


def report_source_name(path: Path) -> str | None:
    """`source.name` of the report at `path`, or None if it is not a readable report."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        name = data["source"]["name"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return name if isinstance(name, str) else None
