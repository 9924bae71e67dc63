"""Which files are inputs, and where their reports go: the rules the hot folder and batch share.

Files that are still being written or that belong to another program are never inputs: Office
lock files (`~$report.docx`), browser and download-manager partials (`.part`, `.crdownload`,
`.download`), temporary files (`.tmp`), hidden files and folders (`.DS_Store`, `.git/`), and the
thumbnails Windows drops everywhere. A program that writes `x.pdf.part` and renames it to `x.pdf`
when complete is the safest way to feed the hot folder, and it works here as intended.

Format is decided by the bytes, never the name (see `nianbao.adapters.sniff`); names only decide
which files are worth trying, so that a picture, last run's reports or a `.json` in the same
folder are not "converted". One rule, `is_document_name`, for a folder given to `nianbao
convert` (other files are skipped and listed) and for the hot folder (other files are refused to
failed/, unread): a document suffix (`DOCUMENT_SUFFIXES`, Markdown included), or none at all, as
crawlers often save pages. A file named on the command line is always tried.
"""

from __future__ import annotations

import hashlib
import os
import re
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
    | {".md", ".markdown"}
    | {".png", ".jpg", ".jpeg", ".tif", ".tiff"}  # scans, read by OCR
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


def is_document_name(name: str) -> bool:
    """True for a name worth trying as an input: not ignored, and a document's suffix or none."""
    suffix = Path(name).suffix.lower()
    return not is_ignored(name) and (suffix in DOCUMENT_SUFFIXES or not suffix)


def not_a_document(name: str) -> str:
    """Why a file is not tried, for the log and failed/."""
    return (
        f"not a document by its name ({Path(name).suffix}): nianbao reads "
        f"{', '.join(sorted(DOCUMENT_SUFFIXES))} and files without a suffix"
    )


def documents_in(folder: Path, others: list[Path] | None = None) -> list[Path]:
    """The documents under `folder`, recursively, sorted; hidden folders are not entered.

    Files that `is_document_name` leaves out (but not ignored ones) are added to `others`.
    """
    found = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if any(is_ignored(part) for part in relative.parts) or not path.is_file():
            continue
        if is_document_name(path.name):
            found.append(path)
        elif others is not None:
            others.append(path)
    if others is not None:
        others.sort()
    return sorted(found)


def shown(text: str) -> str:
    """`text` as valid Unicode: a lossless stand-in for a file name that is not UTF-8.

    Python holds such a name (GBK from a Windows share) with lone surrogates for its bytes, which
    no UTF-8 file, JSON or log line can take. In each word (between spaces and slashes) that
    holds one, every byte that is not ASCII is written `\\xc4`, not just the invalid ones, which
    would leave stray characters that happen to be valid UTF-8 (`\\xc4걨.txt` for 年报.txt in
    GBK). Valid text, and the other words of a message naming such a file, are left as they are.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _WORD.sub(lambda match: _shown_word(match.group()), text)
    return text


_WORD = re.compile(r"[^\s/]+")


def _shown_word(word: str) -> str:
    try:
        word.encode("utf-8")
    except UnicodeEncodeError:
        pass
    else:
        return word
    try:
        return word.encode("utf-8", "surrogateescape").decode("ascii", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that no undecodable byte stands for
        return word.encode("utf-8", "backslashreplace").decode("utf-8")


def printable(text: str) -> str:
    """`text` with control characters shown as `?` (a file named `a\nb` cannot forge log lines)
    and bytes that are not UTF-8 as `\\xc4`."""
    return "".join(ch if ch.isprintable() or ch == " " else "?" for ch in shown(text))


#: The longest file name most file systems take, in bytes (ext4, XFS, btrfs, NTFS in UTF-16
#: units, which a name of 255 bytes never exceeds).
NAME_MAX = 255


def fit_name(base: str, tail: str) -> str:
    """`base + tail`, with `base` cut short and marked with a hash of it if the whole would be
    longer than `NAME_MAX` bytes: `<base>.error.json` for an input whose name is already long."""
    name = base + tail
    if len(os.fsencode(name)) <= NAME_MAX:
        return name
    mark = "~" + hashlib.sha256(os.fsencode(base)).hexdigest()[:8]
    room = NAME_MAX - len(os.fsencode(mark + tail))
    cut = base
    while len(os.fsencode(cut)) > room:
        cut = cut[:-1]
    return cut + mark + tail


def report_name(source: Path) -> str:
    """`report.pdf` -> `report.json`: the name a report gets unless that one is taken."""
    return fit_name(source.stem, ".json")


def alternative_names(source: Path) -> Iterable[str]:
    """Names to try, in order, for the report of `source` when `report_name` is taken.

    The full input name comes first (`report.docx.json` beside `report.json` from `report.pdf`),
    then numbered ones, so that a name is never reused for a different input.
    """
    yield report_name(source)
    yield fit_name(source.name, ".json")
    n = 2
    while True:
        yield fit_name(source.stem, f" ({n}).json")
        n += 1


# Cluster addresses and URL inputs: checked when the command line is read, before the cluster's
# own imports (dask) are paid for.
LOCAL_CLUSTER = re.compile(r"local(?::(\d+))?$")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def valid_address(text: str) -> bool:
    """`local`, `local:N` (N >= 1), `tcp://host:port` or another scheduler address."""
    local = LOCAL_CLUSTER.match(text)
    if local is not None:
        return local.group(1) is None or int(local.group(1)) >= 1
    return is_url(text) or bool(re.fullmatch(r"[\w.-]+:\d+", text))


def is_url(text: str) -> bool:
    return bool(_URL.match(text))
